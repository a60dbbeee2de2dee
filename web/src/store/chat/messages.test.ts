import { beforeEach, describe, expect, it } from "vitest";
import { ALICE, BOB, CAROL, aliceSignedIn, store, at, stored, messagesWith, texts, chat } from "./testing";

beforeEach(aliceSignedIn);

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

  it("announces incoming messages for screen readers", () => {
    store().messageReceived(stored(10, BOB, ALICE, "hi there"));

    expect(store().announcement?.text).toBe("New message from Bob: hi there");
  });
});

describe("catching up", () => {
  it("resumes sync after the newest message the chats list and catch-ups have brought, not live ones", () => {
    store().chatsLoaded([chat(BOB, 40, 0), chat(CAROL, 42, 0)]);
    expect(store().syncCursor).toBe("42");

    // Message 99 was lost between server processes; 100 came live; the server says resync.
    store().messageReceived(stored(100, BOB, ALICE, "live"));
    expect(store().syncCursor).toBe("42");

    // A refresh of the list (a stranger's message, a reconnect) lists 100 too: still 42.
    store().chatsLoaded([chat(BOB, 100, 0), chat(CAROL, 42, 0)]);
    expect(store().syncCursor).toBe("42");

    store().messagesSynced([stored(99, CAROL, ALICE, "lost on the way"), stored(100, BOB, ALICE, "live")]);
    expect(store().syncCursor).toBe("100");
    expect(texts(BOB)).toEqual(["live:sent"]);
  });

  it("compares ids as numbers, not as text", () => {
    store().chatsLoaded([chat(BOB, 9, 0)]);
    store().messagesSynced([stored(10, BOB, ALICE, "ten"), stored(9, BOB, ALICE, "nine")]);

    expect(store().syncCursor).toBe("10");
    expect(texts(BOB)).toEqual(["nine:sent", "ten:sent"]);
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

describe("quotes", () => {
  it("show an edit or a deletion of the message they quote, also when it is not loaded", () => {
    const original = stored(5, BOB, ALICE, "Where shall we meet?");
    const reply = { ...stored(9, ALICE, BOB, "At the station"), replyTo: { _id: "5", senderId: BOB, text: "Where shall we meet?", image: null, deleted: false } };
    store().chatOpened(BOB);
    store().messageReceived(reply);

    store().messageChanged({ ...original, text: "Where and when?", editedAt: at() });
    expect(messagesWith(BOB).at(-1)?.replyTo).toMatchObject({ text: "Where and when?", deleted: false });
    expect(texts(BOB)).toEqual(["At the station:sent"]);

    store().messageChanged({ ...original, text: null, deletedAt: at() });
    expect(messagesWith(BOB).at(-1)?.replyTo).toMatchObject({ text: null, deleted: true });
  });
});
