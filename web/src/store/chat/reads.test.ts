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

  it("keeps the badge when what I saw here is older than what has arrived", () => {
    store().messageReceived(stored(10, BOB, ALICE, "one"));
    store().messageReceived(stored(11, BOB, ALICE, "two"));

    store().chatRead(BOB, "10");

    expect(store().chats[BOB]?.unreadCount).toBe(2);
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
});
