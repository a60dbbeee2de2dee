import { beforeEach, describe, expect, it } from "vitest";
import { listOrder } from "./chats";
import { ALICE, BOB, CAROL, DAN, aliceSignedIn, store, stored, draft, chat } from "./testing";

const ERIN = "e".repeat(24);

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

describe("pinned conversations", () => {
  const summary = (partnerId: string, lastId: number, pinnedAt: string | null = null) => ({
    ...chat(partnerId, lastId, 0),
    type: "direct" as const,
    muted: false,
    pinned: pinnedAt !== null,
    pinnedAt,
  });
  const shown = () => listOrder(store().chatOrder, store().chats);

  it("sit on top, the latest pin first, then the rest by their last message", () => {
    store().conversationsLoaded([
      summary(DAN, 40),
      summary(CAROL, 30, "2026-03-01T10:00:00.000Z"),
      summary(BOB, 20),
      summary(ERIN, 10, "2026-03-01T11:00:00.000Z"),
    ]);

    expect(store().chatOrder).toEqual([DAN, CAROL, BOB, ERIN]);
    expect(shown()).toEqual([ERIN, CAROL, DAN, BOB]);
  });

  it("stay on top when another chat gets a newer message, which leads the unpinned", () => {
    store().conversationsLoaded([summary(CAROL, 30, "2026-03-01T10:00:00.000Z"), summary(DAN, 20), summary(BOB, 10)]);

    store().messageReceived(stored(50, BOB, ALICE, "news"));

    expect(shown()).toEqual([CAROL, BOB, DAN]);
  });

  it("follow a change of settings: a new pin goes on top, an unpinned chat back among the rest", () => {
    store().conversationsLoaded([summary(CAROL, 30, "2026-03-01T10:00:00.000Z"), summary(DAN, 20), summary(BOB, 10)]);

    store().chatSettingsChanged(BOB, { muted: true, mutedUntil: null, pinnedAt: "2026-03-01T12:00:00.000Z" });
    expect(shown()).toEqual([BOB, CAROL, DAN]);
    expect(store().chats[BOB]?.muted).toBe(true);

    store().chatSettingsChanged(CAROL, { muted: false, mutedUntil: null, pinnedAt: null });
    expect(shown()).toEqual([BOB, CAROL, DAN]);
    store().chatSettingsChanged(BOB, { muted: true, mutedUntil: null, pinnedAt: null });
    expect(shown()).toEqual([CAROL, DAN, BOB]);
  });

  it("keep their settings when a live message updates the entry", () => {
    store().conversationsLoaded([{ ...summary(BOB, 10, "2026-03-01T10:00:00.000Z"), muted: true }]);

    store().messageReceived(stored(11, BOB, ALICE, "hello"));

    expect(store().chats[BOB]).toMatchObject({ muted: true, pinnedAt: "2026-03-01T10:00:00.000Z", unreadCount: 1 });
  });
});
