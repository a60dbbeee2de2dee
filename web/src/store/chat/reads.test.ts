import { beforeEach, describe, expect, it } from "vitest";
import { ALICE, BOB, aliceSignedIn, store, stored, chat, page } from "./testing";

beforeEach(aliceSignedIn);

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
  it("clears the badge when I read the chat here", () => {
    store().messageReceived(stored(10, BOB, ALICE, "hi"));

    store().chatRead(BOB, "10");

    expect(store().chats[BOB]?.unreadCount).toBe(0);
  });

  it("counts down to what is left when what I saw here is older than what has arrived", () => {
    store().messageReceived(stored(10, BOB, ALICE, "one"));
    store().messageReceived(stored(11, BOB, ALICE, "two"));

    store().chatRead(BOB, "10");

    expect(store().chats[BOB]).toMatchObject({ unreadCount: 1, readUpTo: "10", unreadIds: ["11"] });
  });

  it("counts down through a window around where I stopped reading", () => {
    store().chatsLoaded([{ ...chat(BOB, 90, 50), readUpTo: "25" }]);
    store().historyRequested(BOB, 1);
    const around = [25, 26, 27, 28].map((id) => stored(id, BOB, ALICE, `m${id}`));
    store().aroundLoaded(BOB, 1, { messages: around, hasMoreBefore: true, hasMoreAfter: true });

    store().chatRead(BOB, "27");
    expect(store().chats[BOB]).toMatchObject({ unreadCount: 48, readUpTo: "27" });
    store().chatRead(BOB, "28");
    expect(store().chats[BOB]).toMatchObject({ unreadCount: 47, readUpTo: "28" });
  });

  it("keeps the server's count when the list kept from before stops short of the newest", () => {
    store().historyRequested(BOB, 1);
    store().historyLoaded(BOB, 1, page([stored(26, BOB, ALICE, "a"), stored(27, BOB, ALICE, "b")], true));
    store().chatsLoaded([{ ...chat(BOB, 90, 50), readUpTo: "25" }]);

    store().chatRead(BOB, "27");

    expect(store().chats[BOB]).toMatchObject({ unreadCount: 50, readUpTo: "27" });
  });

  it("keeps the server's count when the list does not reach back to where I had read", () => {
    store().chatsLoaded([{ ...chat(BOB, 90, 50), readUpTo: "20" }]);
    store().historyRequested(BOB, 1);
    const around = [25, 26, 27].map((id) => stored(id, BOB, ALICE, `m${id}`));
    store().aroundLoaded(BOB, 1, { messages: around, hasMoreBefore: true, hasMoreAfter: true });

    store().chatRead(BOB, "27");

    expect(store().chats[BOB]).toMatchObject({ unreadCount: 50, readUpTo: "27" });
  });

  it("counts down as I read through a list that holds all the unread", () => {
    const older = [26, 27, 28, 29, 30].map((id) => stored(id, BOB, ALICE, `m${id}`));
    store().chatsLoaded([{ ...chat(BOB, 30, 4), readUpTo: "26" }]);
    store().historyRequested(BOB, 1);
    store().historyLoaded(BOB, 1, page(older, true, "0"));

    store().chatRead(BOB, "28");
    expect(store().chats[BOB]?.unreadCount).toBe(2);
    store().chatRead(BOB, "27"); // scrolled back up: never back
    expect(store().chats[BOB]).toMatchObject({ unreadCount: 2, readUpTo: "28" });
    store().chatRead(BOB, "30");
    expect(store().chats[BOB]?.unreadCount).toBe(0);
  });

  it("clears the badge when I read the chat in another tab", () => {
    store().messageReceived(stored(10, BOB, ALICE, "hi"));

    store().messagesRead({ readerId: ALICE, userId: BOB, upToMessageId: "10" });

    expect(store().chats[BOB]?.unreadCount).toBe(0);
  });

  it("keeps the rest of the badge when the other tab read less than has arrived", () => {
    store().messageReceived(stored(10, BOB, ALICE, "one"));
    store().messageReceived(stored(11, BOB, ALICE, "two"));

    store().messagesRead({ readerId: ALICE, userId: BOB, upToMessageId: "10" });

    expect(store().chats[BOB]?.unreadCount).toBe(1);
  });

  it("clears what came before a message I sent, here or on another device", () => {
    store().chatsLoaded([{ ...chat(BOB, 30, 3), readUpTo: "27" }]);
    store().messageReceived(stored(31, BOB, ALICE, "before mine"));

    store().messageReceived(stored(32, ALICE, BOB, "mine"));
    expect(store().chats[BOB]).toMatchObject({ unreadCount: 0, readUpTo: "32" });
    store().messageReceived(stored(33, BOB, ALICE, "after mine"));
    expect(store().chats[BOB]).toMatchObject({ unreadCount: 1, readUpTo: "32" });
  });

  it("records how far the partner has read my messages", () => {
    store().messagesRead({ readerId: BOB, userId: ALICE, upToMessageId: "9" });
    store().messagesRead({ readerId: BOB, userId: ALICE, upToMessageId: "7" });

    expect(store().conversations[BOB]?.partnerReadUpTo).toBe("9");
  });
});
