import { beforeEach, describe, expect, it } from "vitest";
import type { ChatSummary, HistoryPage, Message, Person } from "../types";
import { useChatStore } from "./chat";
import type { Draft } from "./conversation";

const ALICE = "a".repeat(24);
const BOB = "b".repeat(24);
const CAROL = "c".repeat(24);

const store = () => useChatStore.getState();

function person(id: string, fullName: string): Person {
  return { _id: id, fullName, profilePic: "", lastSeen: null };
}

let clock = Date.parse("2026-03-01T10:00:00Z");
function at(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

function stored(id: number, from: string, to: string, text: string, clientId: string | null = null): Message {
  const createdAt = at();
  return {
    _id: String(id),
    senderId: from,
    receiverId: to,
    text,
    image: null,
    clientId,
    createdAt,
    updatedAt: createdAt,
    editedAt: null,
    deletedAt: null,
  };
}

function draft(clientId: string, text: string, to = BOB): Draft {
  return { clientId, senderId: ALICE, receiverId: to, text, image: null, createdAt: at() };
}

function messagesWith(partnerId: string) {
  return store().conversations[partnerId]?.messages ?? [];
}

function texts(partnerId: string) {
  return messagesWith(partnerId).map((m) => `${m.text}:${m.delivery}`);
}

function chat(partnerId: string, lastId: number, unreadCount: number): ChatSummary {
  return {
    ...person(partnerId, partnerId === BOB ? "Bob" : "Carol"),
    lastMessage: {
      _id: String(lastId),
      text: "earlier",
      hasImage: false,
      senderId: partnerId,
      createdAt: at(),
      deleted: false,
    },
    unreadCount,
  };
}

function page(messages: Message[], hasMore: boolean, partnerReadUpTo: string | null = "0"): HistoryPage {
  return { messages, hasMore, partnerReadUpTo };
}

/** Messages n..m-1 between Alice and Bob, alternating senders. */
function range(from: number, to: number): Message[] {
  const list: Message[] = [];
  for (let n = from; n < to; n++) list.push(stored(n, n % 2 ? BOB : ALICE, n % 2 ? ALICE : BOB, `m${n}`));
  return list;
}

beforeEach(() => {
  store().sessionStarted(ALICE);
  store().contactsLoaded([person(BOB, "Bob"), person(CAROL, "Carol")]);
});

describe("optimistic sending", () => {
  it("shows a new message at once as pending", () => {
    store().sendStarted(draft("c1", "hello"));

    expect(texts(BOB)).toEqual(["hello:pending"]);
    expect(store().chatOrder[0]).toBe(BOB);
  });

  it("reconciles the pending bubble with the ack when the ack comes first, and ignores the echo", () => {
    store().sendStarted(draft("c1", "hello"));
    const message = stored(10, ALICE, BOB, "hello", "c1");

    store().sendAcknowledged("c1", message);
    const echo = store().messageReceived(message);

    expect(texts(BOB)).toEqual(["hello:sent"]);
    expect(messagesWith(BOB)[0]?._id).toBe("10");
    expect(echo.isNew).toBe(false);
  });

  it("reconciles with the echo when the echo comes first, and ignores the ack", () => {
    store().sendStarted(draft("c1", "hello"));
    const message = stored(10, ALICE, BOB, "hello", "c1");

    store().messageReceived(message);
    store().sendAcknowledged("c1", message);

    expect(texts(BOB)).toEqual(["hello:sent"]);
  });

  it("keeps the bubble's React key when it is reconciled, so it does not re-mount", () => {
    store().sendStarted(draft("c1", "hello"));
    store().sendAcknowledged("c1", stored(10, ALICE, BOB, "hello", "c1"));

    expect(messagesWith(BOB)[0]?.key).toBe("c1");
  });

  it("keeps two quick sends apart and in order", () => {
    store().sendStarted(draft("c1", "one"));
    store().sendStarted(draft("c2", "two"));
    const second = stored(11, ALICE, BOB, "two", "c2");
    const first = stored(10, ALICE, BOB, "one", "c1");

    store().sendAcknowledged("c2", second);
    store().messageReceived(second);
    store().sendAcknowledged("c1", first);

    expect(texts(BOB)).toEqual(["one:sent", "two:sent"]);
  });

  it("keeps a message that arrives while a send is in flight, in commit order", () => {
    store().sendStarted(draft("c1", "mine"));
    store().messageReceived(stored(10, BOB, ALICE, "theirs"));

    expect(texts(BOB)).toEqual(["theirs:sent", "mine:pending"]);

    store().sendAcknowledged("c1", stored(11, ALICE, BOB, "mine", "c1"));

    expect(texts(BOB)).toEqual(["theirs:sent", "mine:sent"]);
  });

  it("sorts a reconciled message before a later one that arrived first", () => {
    store().sendStarted(draft("c1", "mine"));
    store().messageReceived(stored(12, BOB, ALICE, "theirs"));
    store().sendAcknowledged("c1", stored(11, ALICE, BOB, "mine", "c1"));

    expect(texts(BOB)).toEqual(["mine:sent", "theirs:sent"]);
  });

  it("marks a send failed on an error, then retries it with the same clientId", () => {
    store().sendStarted(draft("c1", "hello"));

    store().sendFailed(BOB, "c1", "No answer from the server.", true);
    expect(texts(BOB)).toEqual(["hello:failed"]);
    expect(messagesWith(BOB)[0]?.error).toBe("No answer from the server.");

    store().sendRetried(BOB, "c1");
    expect(texts(BOB)).toEqual(["hello:pending"]);

    store().sendAcknowledged("c1", stored(10, ALICE, BOB, "hello", "c1"));
    expect(texts(BOB)).toEqual(["hello:sent"]);
  });

  it("ignores a late timeout for a message that was already stored", () => {
    store().sendStarted(draft("c1", "hello"));
    store().messageReceived(stored(10, ALICE, BOB, "hello", "c1"));

    store().sendFailed(BOB, "c1", "No answer from the server.", true);

    expect(texts(BOB)).toEqual(["hello:sent"]);
  });

  it("discards a failed message, and only a failed one", () => {
    store().sendStarted(draft("c1", "pending"));
    store().sendStarted(draft("c2", "failed"));
    store().sendFailed(BOB, "c2", "Too long", false);

    store().sendDiscarded(BOB, "c1");
    store().sendDiscarded(BOB, "c2");

    expect(texts(BOB)).toEqual(["pending:pending"]);
  });

  it("reconciles a failed message that the server had stored after all, when a sync brings it", () => {
    store().sendStarted(draft("c1", "hello"));
    store().sendFailed(BOB, "c1", "No answer from the server.", true);

    store().messagesSynced([stored(10, ALICE, BOB, "hello", "c1")]);

    expect(texts(BOB)).toEqual(["hello:sent"]);
  });

  it("does not confuse the same clientId from another sender", () => {
    store().sendStarted(draft("c1", "mine"));
    store().messageReceived(stored(10, BOB, ALICE, "theirs", "c1"));

    expect(texts(BOB)).toEqual(["theirs:sent", "mine:pending"]);
  });
});

describe("history", () => {
  it("drops an answer to an older request for the same conversation", () => {
    store().historyRequested(BOB, 1);
    store().historyRequested(BOB, 2);

    store().historyLoaded(BOB, 2, page([stored(10, BOB, ALICE, "new page")], false));
    store().historyLoaded(BOB, 1, page([stored(5, BOB, ALICE, "stale page")], false));

    expect(texts(BOB)).toEqual(["new page:sent"]);
  });

  it("files answers under their own conversation, whatever order they arrive in", () => {
    store().chatOpened(BOB);
    store().historyRequested(BOB, 1);
    store().chatOpened(CAROL);
    store().historyRequested(CAROL, 2);

    store().historyLoaded(CAROL, 2, page([stored(20, CAROL, ALICE, "from carol")], false));
    store().historyLoaded(BOB, 1, page([stored(10, BOB, ALICE, "from bob")], false));

    expect(store().activeId).toBe(CAROL);
    expect(texts(CAROL)).toEqual(["from carol:sent"]);
    expect(texts(BOB)).toEqual(["from bob:sent"]);
  });

  it("keeps live messages and pending sends that happened while the page was loading", () => {
    store().historyRequested(BOB, 1);
    store().messageReceived(stored(12, BOB, ALICE, "live"));
    store().sendStarted(draft("c1", "pending"));

    store().historyLoaded(BOB, 1, page([stored(10, BOB, ALICE, "old"), stored(11, ALICE, BOB, "older reply")], true));

    expect(texts(BOB)).toEqual(["old:sent", "older reply:sent", "live:sent", "pending:pending"]);
    expect(store().conversations[BOB]?.status).toBe("ready");
  });

  it("reconciles a pending message that a history page already contains", () => {
    store().sendStarted(draft("c1", "hello"));
    store().historyRequested(BOB, 1);

    store().historyLoaded(BOB, 1, page([stored(10, ALICE, BOB, "hello", "c1")], false));

    expect(texts(BOB)).toEqual(["hello:sent"]);
  });

  it("a failed request of a stale number changes nothing", () => {
    store().historyRequested(BOB, 1);
    store().historyRequested(BOB, 2);

    store().historyFailed(BOB, 1, "boom");

    expect(store().conversations[BOB]?.status).toBe("loading");
    expect(store().conversations[BOB]?.error).toBeNull();
  });
});

describe("older pages", () => {
  function openWithNewest() {
    store().historyRequested(BOB, 1);
    store().historyLoaded(BOB, 1, page(range(100, 150), true));
  }

  it("puts an older page before what is shown, and remembers whether there is more", () => {
    openWithNewest();
    store().olderRequested(BOB);
    expect(store().conversations[BOB]?.olderStatus).toBe("loading");

    store().olderLoaded(BOB, "100", page(range(0, 100), false));

    const ids = messagesWith(BOB).map((m) => m._id);
    expect(ids).toHaveLength(150);
    expect(ids[0]).toBe("0");
    expect(ids[149]).toBe("149");
    expect(store().conversations[BOB]?.hasMore).toBe(false);
    expect(store().conversations[BOB]?.olderStatus).toBe("ready");
  });

  it("drops an older page that no longer continues the list", () => {
    openWithNewest();
    store().olderRequested(BOB);
    store().olderLoaded(BOB, "120", page(range(20, 120), true));

    expect(messagesWith(BOB)).toHaveLength(50);
  });

  it("keeps pending sends last and live messages in order while older pages arrive", () => {
    openWithNewest();
    store().olderRequested(BOB);
    store().sendStarted(draft("c1", "pending"));
    store().messageReceived(stored(150, BOB, ALICE, "live"));

    store().olderLoaded(BOB, "100", page(range(50, 100), true));

    const list = texts(BOB);
    expect(list[0]).toBe("m50:sent");
    expect(list.slice(-2)).toEqual(["live:sent", "pending:pending"]);
    expect(list).toHaveLength(102);
  });

  it("a refresh of the newest page keeps knowing about older pages already shown", () => {
    openWithNewest();
    store().olderRequested(BOB);
    store().olderLoaded(BOB, "100", page(range(0, 100), false));

    store().historyRequested(BOB, 2);
    store().historyLoaded(BOB, 2, page(range(100, 150), true));

    expect(store().conversations[BOB]?.hasMore).toBe(false);
    expect(messagesWith(BOB)).toHaveLength(150);
  });

  it("pages back from live messages that came in before the chat was first opened", () => {
    for (const message of range(140, 160)) store().messageReceived(message);
    store().historyRequested(BOB, 1);
    store().historyLoaded(BOB, 1, page(range(150, 160), true));

    expect(messagesWith(BOB)[0]?._id).toBe("140");
    expect(store().conversations[BOB]?.hasMore).toBe(true);
  });

  it("puts 5,000 live messages in order, each in a few steps", () => {
    for (const message of range(0, 5000)) store().messageReceived(message);
    const ids = messagesWith(BOB).map((m) => Number(m._id));
    expect(ids.every((id, i) => id === i)).toBe(true);
  });

  it("merges 5,000 messages in pages without losing or doubling any", () => {
    store().historyRequested(BOB, 1);
    store().historyLoaded(BOB, 1, page(range(4950, 5000), true));
    for (let before = 4950; before > 0; before -= 100) {
      store().olderRequested(BOB);
      store().olderLoaded(BOB, String(before), page(range(Math.max(0, before - 100), before), before > 100));
    }
    const ids = messagesWith(BOB).map((m) => Number(m._id));
    expect(ids).toHaveLength(5000);
    expect(ids.every((id, i) => id === i)).toBe(true);
  });

  it("a failed older page is shown as failed and can be asked again", () => {
    openWithNewest();
    store().olderRequested(BOB);
    store().olderFailed(BOB, "offline");
    expect(store().conversations[BOB]?.olderStatus).toBe("error");
    store().olderRequested(BOB);
    expect(store().conversations[BOB]?.olderStatus).toBe("loading");
  });
});

describe("read receipts after a reload", () => {
  it("take the partner's read pointer from a history page", () => {
    store().historyRequested(BOB, 1);
    store().historyLoaded(BOB, 1, page([stored(10, ALICE, BOB, "hi")], false, "10"));

    expect(store().conversations[BOB]?.partnerReadUpTo).toBe("10");
  });

  it("take it from the chats list before the conversation is opened", () => {
    store().chatsLoaded([{ ...chat(BOB, 12, 0), partnerReadUpTo: "11" }]);

    expect(store().conversations[BOB]?.partnerReadUpTo).toBe("11");
  });

  it("never move back when an older snapshot arrives after a live receipt", () => {
    store().messagesRead({ readerId: BOB, userId: ALICE, upToMessageId: "12" });
    store().chatsLoaded([{ ...chat(BOB, 12, 0), partnerReadUpTo: "9" }]);
    store().historyRequested(BOB, 1);
    store().historyLoaded(BOB, 1, page([stored(12, ALICE, BOB, "hi")], false, "0"));

    expect(store().conversations[BOB]?.partnerReadUpTo).toBe("12");
  });
});

describe("unread counting", () => {
  it("counts a message from a chat that is not open and moves that chat to the top", () => {
    store().chatsLoaded([chat(CAROL, 5, 0), chat(BOB, 4, 0)]);
    expect(store().chatOrder).toEqual([CAROL, BOB]);

    const received = store().messageReceived(stored(10, BOB, ALICE, "psst"));

    expect(received.unnoticed).toBe(true);
    expect(store().chats[BOB]?.unreadCount).toBe(1);
    expect(store().chatOrder).toEqual([BOB, CAROL]);
    expect(store().chats[BOB]?.lastMessage?.text).toBe("psst");
  });

  it("does not count a message in the open, visible conversation", () => {
    store().chatOpened(BOB);

    const received = store().messageReceived(stored(10, BOB, ALICE, "hi"));

    expect(received.unnoticed).toBe(false);
    expect(store().chats[BOB]?.unreadCount).toBe(0);
  });

  it("counts a message in the open conversation while the page is hidden", () => {
    store().chatOpened(BOB);
    store().pageVisibilityChanged(false);

    store().messageReceived(stored(10, BOB, ALICE, "hi"));

    expect(store().chats[BOB]?.unreadCount).toBe(1);
  });

  it("counts each message once, however often it arrives", () => {
    const message = stored(10, BOB, ALICE, "hi");

    store().messageReceived(message);
    store().messageReceived(message);
    store().messagesSynced([message]);

    expect(store().chats[BOB]?.unreadCount).toBe(1);
  });

  it("never counts my own messages", () => {
    store().messageReceived(stored(10, ALICE, BOB, "from my other tab", "x1"));

    expect(store().chats[BOB]?.unreadCount).toBe(0);
    expect(messagesWith(BOB)).toHaveLength(1);
  });

  it("adds unread counts on top of the server's", () => {
    store().chatsLoaded([chat(BOB, 4, 2)]);

    store().messageReceived(stored(10, BOB, ALICE, "third"));

    expect(store().chats[BOB]?.unreadCount).toBe(3);
  });

  it("clears the badge when I read the chat here", () => {
    store().messageReceived(stored(10, BOB, ALICE, "hi"));

    store().chatRead(BOB);

    expect(store().chats[BOB]?.unreadCount).toBe(0);
  });

  it("clears the badge when I read the chat in another tab", () => {
    store().messageReceived(stored(10, BOB, ALICE, "hi"));

    store().messagesRead({ readerId: ALICE, userId: BOB, upToMessageId: "10" });

    expect(store().chats[BOB]?.unreadCount).toBe(0);
  });

  it("keeps the badge when the other tab read less than has arrived", () => {
    store().messageReceived(stored(10, BOB, ALICE, "one"));
    store().messageReceived(stored(11, BOB, ALICE, "two"));

    store().messagesRead({ readerId: ALICE, userId: BOB, upToMessageId: "10" });

    expect(store().chats[BOB]?.unreadCount).toBe(2);
  });

  it("records how far the partner has read my messages", () => {
    store().messagesRead({ readerId: BOB, userId: ALICE, upToMessageId: "9" });
    store().messagesRead({ readerId: BOB, userId: ALICE, upToMessageId: "7" });

    expect(store().conversations[BOB]?.partnerReadUpTo).toBe("9");
  });

  it("announces incoming messages for screen readers", () => {
    store().messageReceived(stored(10, BOB, ALICE, "hi there"));

    expect(store().announcement?.text).toBe("New message from Bob: hi there");
  });
});

describe("catching up", () => {
  it("resumes sync after the newest message the chats list and live events have shown", () => {
    store().chatsLoaded([chat(BOB, 40, 0), chat(CAROL, 42, 0)]);
    expect(store().syncCursor).toBe("42");

    store().messageReceived(stored(100, BOB, ALICE, "live"));

    expect(store().syncCursor).toBe("100");
  });

  it("compares ids as numbers, not as text", () => {
    store().chatsLoaded([chat(BOB, 9, 0)]);
    store().messageReceived(stored(10, BOB, ALICE, "ten"));
    store().messageReceived(stored(9, BOB, ALICE, "nine"));

    expect(store().syncCursor).toBe("10");
    expect(texts(BOB)).toEqual(["nine:sent", "ten:sent"]);
  });

  it("keeps a live entry newer than a chats snapshot that was taken before it", () => {
    store().messageReceived(stored(50, BOB, ALICE, "live"));

    store().chatsLoaded([chat(BOB, 40, 0)]);

    expect(store().chats[BOB]?.lastMessage?._id).toBe("50");
    expect(store().chats[BOB]?.unreadCount).toBe(1);
  });

  it("tracks presence from the full list and from deltas", () => {
    store().onlineListReceived([BOB]);
    store().userCameOnline(CAROL);
    store().userWentOffline(BOB, "2026-03-01T12:00:00.000Z");

    expect(store().online).toEqual({ [CAROL]: true });
    expect(store().people[BOB]?.lastSeen).toBe("2026-03-01T12:00:00.000Z");
  });
});

describe("the chats list", () => {
  it("keeps a chat whose only message is still unsent when the list reloads", () => {
    store().chatsLoaded([chat(CAROL, 5, 0)]);
    store().sendStarted(draft("c1", "first words", BOB));

    store().chatsLoaded([chat(CAROL, 5, 0)]);

    expect(store().chatOrder).toEqual([BOB, CAROL]);
  });
});

describe("the connection", () => {
  it("forgets who is online while disconnected, since it cannot follow it", () => {
    store().onlineListReceived([BOB]);

    store().connectionChanged("reconnecting");

    expect(store().online).toEqual({});
  });
});

describe("typing", () => {
  it("shows who is typing until they stop", () => {
    store().typingChanged(BOB, true);
    store().typingChanged(CAROL, true);
    store().typingChanged(BOB, false);

    expect(store().typing).toEqual({ [CAROL]: true });
  });

  it("ends when a message from that person arrives, and only theirs", () => {
    store().typingChanged(BOB, true);
    store().typingChanged(CAROL, true);

    store().messageReceived(stored(1, BOB, ALICE, "done typing"));

    expect(store().typing).toEqual({ [CAROL]: true });
  });

  it("is not ended by my own message to them", () => {
    store().typingChanged(BOB, true);

    store().messageReceived(stored(1, ALICE, BOB, "me too"));

    expect(store().typing).toEqual({ [BOB]: true });
  });

  it("ends when a sync brings their message", () => {
    store().typingChanged(BOB, true);

    store().messagesSynced([stored(1, BOB, ALICE, "while away")]);

    expect(store().typing).toEqual({});
  });

  it("is forgotten while disconnected", () => {
    store().typingChanged(BOB, true);

    store().connectionChanged("reconnecting");

    expect(store().typing).toEqual({});
  });
});

describe("edits and deletions", () => {
  it("replaces an edited message in place and in the chats list", () => {
    const original = stored(1, ALICE, BOB, "helo");
    store().messageReceived(original);

    store().messageChanged({ ...original, text: "hello", editedAt: at() });

    expect(texts(BOB)).toEqual(["hello:sent"]);
    expect(messagesWith(BOB)[0]?.editedAt).not.toBeNull();
    expect(store().chats[BOB]?.lastMessage?.text).toBe("hello");
  });

  it("keeps a deleted message's place without its text", () => {
    const original = stored(1, BOB, ALICE, "oops");
    store().messageReceived(original);
    store().messageReceived(stored(2, BOB, ALICE, "after"));

    store().messageChanged({ ...original, text: null, deletedAt: at() });

    expect(messagesWith(BOB).map((m) => m.deletedAt !== null)).toEqual([true, false]);
    expect(store().chats[BOB]?.lastMessage?.text).toBe("after");
  });
});
