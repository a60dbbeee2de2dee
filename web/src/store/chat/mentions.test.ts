import { beforeEach, describe, expect, it } from "vitest";
import { groupKey } from "./keys";
import { ALICE, BOB, CAROL, HIKERS, aliceSignedIn, hikers, said, store } from "./testing";

const HIKING = groupKey(HIKERS);

beforeEach(() => {
  aliceSignedIn();
  store().groupLoaded(hikers());
});

/** The conversations list as the server gives it: Hikers, its newest (9) naming me, unread. */
function listedWithMentions(unreadCount: number, mentionCount: number) {
  store().conversationsLoaded([
    {
      type: "group",
      _id: HIKERS,
      name: "Hikers",
      avatar: null,
      memberCount: 3,
      lastMessage: { _id: "9", text: "@Alice Liddell hi", hasImage: false, senderId: BOB, createdAt: "", deleted: false },
      unreadCount,
      mentionCount,
    },
  ]);
}

/** A group message as the server sends it once deleted: no text, naming nobody. */
function deletedSaid(id: number, from: string) {
  return { ...said(id, from, ""), text: null, deletedAt: "2026-01-01T00:00:00Z", mentions: [] };
}

function mentioning(id: number, from: string, text: string, ...mentions: string[]) {
  return { ...said(id, from, text), mentions };
}

describe("mentions of me", () => {
  it("load from the conversations list", () => {
    listedWithMentions(3, 2);

    expect(store().chats[HIKING]).toMatchObject({ unreadCount: 3, mentionCount: 2 });
  });

  it("count live, apart from other unread messages, and say so to whoever notifies", () => {
    const first = store().messageReceived(mentioning(10, BOB, "@Alice Liddell look", ALICE));
    store().messageReceived(said(11, CAROL, "nothing for Alice"));
    const other = store().messageReceived(mentioning(12, CAROL, "@Bob Ross look", BOB));

    expect(store().chats[HIKING]).toMatchObject({ unreadCount: 3, mentionCount: 1 });
    expect(first.mentioned).toBe(true);
    expect(other.mentioned).toBe(false);
  });

  it("never count my own message, nor twice for a repeat", () => {
    const mine = store().messageReceived(mentioning(10, ALICE, "note to @Alice Liddell", ALICE));
    store().messageReceived(mentioning(11, BOB, "@Alice Liddell", ALICE));
    store().messageReceived(mentioning(11, BOB, "@Alice Liddell", ALICE));

    expect(mine.mentioned).toBe(false);
    expect(store().chats[HIKING]?.mentionCount).toBe(1);
  });

  it("clear when I read the group, here or in another tab", () => {
    store().messageReceived(mentioning(10, BOB, "@Alice Liddell", ALICE));
    store().chatRead(HIKING, "10");
    expect(store().chats[HIKING]).toMatchObject({ unreadCount: 0, mentionCount: 0 });

    store().messageReceived(mentioning(11, BOB, "@Alice Liddell again", ALICE));
    store().messagesRead({ readerId: ALICE, groupId: HIKERS, upToMessageId: "11" });
    expect(store().chats[HIKING]).toMatchObject({ unreadCount: 0, mentionCount: 0 });
  });

  it("drop with a deleted unread message that named me, as the server's do, once", () => {
    store().messageReceived(mentioning(10, BOB, "@Alice Liddell look", ALICE));
    store().messageReceived(said(11, CAROL, "hello"));
    store().messageReceived(mentioning(12, CAROL, "@Alice Liddell and @Bob Ross", ALICE, BOB));
    expect(store().chats[HIKING]).toMatchObject({ unreadCount: 3, mentionCount: 2 });

    const deleted = deletedSaid(10, BOB);
    store().messageChanged(deleted);
    store().messageChanged(deleted); // a repeat counts nothing
    expect(store().chats[HIKING]).toMatchObject({ unreadCount: 2, mentionCount: 1 });
    store().messageChanged(deletedSaid(11, CAROL));
    expect(store().chats[HIKING]).toMatchObject({ unreadCount: 1, mentionCount: 1 });
  });

  it("drop with the newest of a snapshot's unread, deleted (the others' ids are not known)", () => {
    listedWithMentions(3, 2);
    const deleted = deletedSaid(9, BOB);
    store().messageChanged(deleted);
    store().messageChanged(deleted);
    expect(store().chats[HIKING]).toMatchObject({ unreadCount: 2, lastMessage: { deleted: true } });
    // A read message, deleted, changes no count.
    store().chatRead(HIKING, "9");
    store().messageChanged(deletedSaid(8, BOB));
    expect(store().chats[HIKING]).toMatchObject({ unreadCount: 0, mentionCount: 0 });
  });

  it("never stay above the unread left: the one unread, named me, deleted while not loaded", () => {
    listedWithMentions(1, 1);
    store().messageChanged(deletedSaid(9, BOB));
    expect(store().chats[HIKING]).toMatchObject({ unreadCount: 0, mentionCount: 0 });
  });
});
