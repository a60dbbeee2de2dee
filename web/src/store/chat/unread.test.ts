import { beforeEach, describe, expect, it } from "vitest";
import { firstUnreadIndex } from "../conversation";
import { ALICE, BOB, CAROL, aliceSignedIn, chat, draft, messagesWith, page, store, stored, texts } from "./testing";

beforeEach(aliceSignedIn);

describe("opening a chat at its first unread message", () => {
  it("marks where the unread start, from the chats list", () => {
    store().chatsLoaded([{ ...chat(BOB, 30, 3), readUpTo: "27" }, chat(CAROL, 20, 0)]);

    store().chatOpened(BOB);
    expect(store().unreadMark).toEqual({ chatKey: BOB, afterId: "27", aroundId: "27", count: 3, placed: false });
    store().chatOpened(CAROL);
    expect(store().unreadMark).toBeNull();
  });

  it("marks the first of the unread counted here, for a chat that came to the list live", () => {
    store().messageReceived(stored(41, BOB, ALICE, "first"));
    store().messageReceived(stored(42, BOB, ALICE, "second"));

    store().chatOpened(BOB);

    expect(store().unreadMark).toEqual({ chatKey: BOB, afterId: "40", aroundId: "41", count: 2, placed: false });
  });

  it("keeps the mark when the open chat is chosen again, and drops it when I write there", () => {
    store().chatsLoaded([{ ...chat(BOB, 30, 3), readUpTo: "27" }]);
    store().chatOpened(BOB);
    store().chatOpened(BOB);
    expect(store().unreadMark?.count).toBe(3);

    store().sendStarted(draft("c1", "hello"));

    expect(store().unreadMark).toBeNull();
  });

  it("waits for the page around the pointer with an empty list, not the one kept from before", () => {
    store().historyRequested(BOB, 1);
    store().historyLoaded(BOB, 1, page([stored(10, BOB, ALICE, "kept from before")], true));
    store().chatsLoaded([{ ...chat(BOB, 30, 3), readUpTo: "27" }]);

    store().chatOpened(BOB);

    expect(messagesWith(BOB)).toEqual([]);
    expect(store().conversations[BOB]?.status).toBe("loading");
  });

  it("opens on the list kept from before when it holds the pointer and the newest", () => {
    store().historyRequested(BOB, 1);
    store().historyLoaded(BOB, 1, page([stored(27, ALICE, BOB, "read"), stored(28, BOB, ALICE, "unread")], true));
    store().chatsLoaded([{ ...chat(BOB, 28, 1), readUpTo: "27" }]);

    store().chatOpened(BOB);

    expect(texts(BOB)).toEqual(["read:sent", "unread:sent"]);
  });

  it("opens on the kept list of a chat that came to the list live, when it holds every unread", () => {
    store().historyRequested(BOB, 1);
    store().historyLoaded(BOB, 1, page([stored(39, ALICE, BOB, "mine")], false));
    store().messageReceived(stored(41, BOB, ALICE, "first"));
    store().messageReceived(stored(42, BOB, ALICE, "second"));

    store().chatOpened(BOB);

    expect(store().unreadMark?.afterId).toBe("40");
    expect(texts(BOB)).toEqual(["mine:sent", "first:sent", "second:sent"]);
  });

  it("keeps what arrived live while the page around the pointer was on its way", () => {
    store().chatsLoaded([{ ...chat(BOB, 30, 3), readUpTo: "27" }]);
    store().chatOpened(BOB);
    store().historyRequested(BOB, 1);
    store().messageReceived(stored(31, BOB, ALICE, "live"));

    const around = [27, 28, 29, 30].map((id) => stored(id, BOB, ALICE, `m${id}`));
    store().aroundLoaded(BOB, 1, { messages: around, hasMoreBefore: true, hasMoreAfter: false });

    expect(texts(BOB)).toEqual(["m27:sent", "m28:sent", "m29:sent", "m30:sent", "live:sent"]);
  });
});

describe("the first unread message in a list", () => {
  const list = () => messagesWith(BOB);

  it("is the first of the others' messages after my pointer", () => {
    store().historyRequested(BOB, 1);
    store().historyLoaded(
      BOB,
      1,
      page([stored(26, BOB, ALICE, "read"), stored(27, ALICE, BOB, "mine"), stored(28, BOB, ALICE, "new")], true),
    );

    expect(firstUnreadIndex(list(), "26", ALICE, true)).toBe(2);
    expect(firstUnreadIndex(list(), "28", ALICE, true)).toBe(-1);
  });

  it("is unknown while the list does not reach back to the pointer", () => {
    store().historyRequested(BOB, 1);
    store().historyLoaded(BOB, 1, page([stored(28, BOB, ALICE, "new")], true));

    expect(firstUnreadIndex(list(), "20", ALICE, true)).toBe(-1);
    expect(firstUnreadIndex(list(), "20", ALICE, false)).toBe(0);
    expect(firstUnreadIndex(list(), "0", ALICE, false)).toBe(0);
  });
});
