import { beforeEach, describe, expect, it } from "vitest";
import { ALICE, BOB, CAROL, aliceSignedIn, store, stored, draft, messagesWith, texts, page, range, chat } from "./testing";

beforeEach(aliceSignedIn);

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

describe("a jump to an older message", () => {
  function jumpedTo50(): void {
    store().chatOpened(BOB);
    store().chatsLoaded([chat(BOB, 299, 0)]);
    store().historyRequested(BOB, 1);
    store().historyLoaded(BOB, 1, page(range(200, 300), true));
    store().historyRequested(BOB, 2);
    store().aroundLoaded(BOB, 2, { messages: range(25, 75), hasMoreBefore: true, hasMoreAfter: true });
  }

  it("shows the page around it alone, with more on both sides", () => {
    jumpedTo50();

    const c = store().conversations[BOB];
    expect(texts(BOB)).toEqual(range(25, 75).map((m) => `${m.text}:sent`));
    expect(c?.hasMore).toBe(true);
    expect(c?.hasNewer).toBe(true);
  });

  it("keeps a live message past its end out of the list, unread, and counts it once", () => {
    jumpedTo50();

    const live = stored(300, BOB, ALICE, "live");
    const received = store().messageReceived(live);
    store().messagesSynced([live]);

    expect(received.isNew).toBe(true);
    expect(texts(BOB)).not.toContain("live:sent");
    expect(store().chats[BOB]?.unreadCount).toBe(1);
    expect(store().chats[BOB]?.lastMessage?.text).toBe("live");
  });

  it("grows by newer pages until it reaches the end", () => {
    jumpedTo50();

    store().newerRequested(BOB);
    store().newerLoaded(BOB, "74", { messages: range(74, 300), hasMoreBefore: true, hasMoreAfter: false });
    store().messageReceived(stored(300, BOB, ALICE, "live"));

    expect(store().conversations[BOB]?.hasNewer).toBe(false);
    expect(texts(BOB).at(-1)).toBe("live:sent");
    expect(texts(BOB)).toHaveLength(300 - 25 + 1);
  });

  it("drops a newer page asked after another message, and lets the next scroll ask again", () => {
    jumpedTo50();

    store().newerRequested(BOB);
    store().newerLoaded(BOB, "12", { messages: range(12, 40), hasMoreBefore: true, hasMoreAfter: true });

    expect(texts(BOB)).toHaveLength(50);
    expect(store().conversations[BOB]?.newerStatus).toBe("idle");
  });

  it("goes back to the newest page alone, with no gap, when the newest page is loaded again", () => {
    jumpedTo50();
    const window = store().conversations[BOB]?.window ?? 0;

    store().historyRequested(BOB, 3);
    store().historyLoaded(BOB, 3, page(range(200, 300), true));

    expect(texts(BOB)).toEqual(range(200, 300).map((m) => `${m.text}:sent`));
    expect(store().conversations[BOB]?.hasNewer).toBe(false);
    expect(store().conversations[BOB]?.window).toBe(window + 1);
  });
});

describe("leaving a window for the newest", () => {
  it("keeps what arrives before the newest page comes, and joins them", () => {
    store().chatOpened(BOB);
    store().historyRequested(BOB, 1);
    store().aroundLoaded(BOB, 1, { messages: range(25, 75), hasMoreBefore: true, hasMoreAfter: true });
    store().sendStarted(draft("c1", "mine"));

    store().windowLeft(BOB);
    store().messageReceived(stored(300, ALICE, BOB, "mine", "c1"));
    store().historyRequested(BOB, 2);
    store().historyLoaded(BOB, 2, page(range(200, 300), true));

    expect(texts(BOB)).toEqual([...range(200, 300).map((m) => `${m.text}:sent`), "mine:sent"]);
    expect(store().conversations[BOB]?.hasMore).toBe(true);
  });
});
