import { beforeEach, describe, expect, it } from "vitest";
import { ALICE, BOB, CAROL, aliceSignedIn, store, stored, draft, chat } from "./testing";

beforeEach(aliceSignedIn);

describe("catching up", () => {
  it("keeps a live entry newer than a chats snapshot that was taken before it", () => {
    store().messageReceived(stored(50, BOB, ALICE, "live"));

    store().chatsLoaded([chat(BOB, 40, 0)]);

    expect(store().chats[BOB]?.lastMessage?._id).toBe("50");
    expect(store().chats[BOB]?.unreadCount).toBe(1);
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
