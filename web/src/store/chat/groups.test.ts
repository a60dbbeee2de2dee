import { beforeEach, describe, expect, it } from "vitest";
import { furthestReadByOthers, groupKey, seenBy, typingNames } from "./index";
import {
  ALICE,
  BOB,
  CAROL,
  DAN,
  HIKERS,
  aliceSignedIn,
  chat,
  groupDraft,
  happened,
  hikers,
  member,
  messagesWith,
  said,
  store,
  stored,
  texts,
} from "./testing";

const HIKING = groupKey(HIKERS);

beforeEach(aliceSignedIn);

describe("group messages arriving", () => {
  it("files a group message under the group, not under its sender", () => {
    store().groupLoaded(hikers());

    store().messageReceived(said(10, BOB, "summit at noon"));

    expect(texts(HIKING)).toEqual(["summit at noon:sent"]);
    expect(messagesWith(BOB)).toEqual([]);
    expect(store().chats[HIKING]?.unreadCount).toBe(1);
    expect(store().chatOrder[0]).toBe(HIKING);
  });

  it("does not count a message in the open group, nor my own from another tab", () => {
    store().chatOpened(HIKING);

    store().messageReceived(said(10, BOB, "seen at once"));
    store().chatClosed();
    store().messageReceived(said(11, ALICE, "from my phone", "p1"));

    expect(store().chats[HIKING]?.unreadCount).toBe(0);
  });

  it("keeps a direct chat and a group with the same person apart", () => {
    store().messageReceived(stored(10, BOB, ALICE, "just us"));
    store().messageReceived(said(11, BOB, "to everyone"));

    expect(texts(BOB)).toEqual(["just us:sent"]);
    expect(texts(HIKING)).toEqual(["to everyone:sent"]);
  });

  it("does not count a system message as unread, and shows it in the list", () => {
    store().messageReceived(happened(12, { action: "added", actorId: BOB, userIds: [CAROL] }));

    expect(store().chats[HIKING]?.unreadCount).toBe(0);
    expect(store().chats[HIKING]?.lastMessage?.kind).toBe("system");
    expect(messagesWith(HIKING)[0]?.system).toEqual({ action: "added", actorId: BOB, userIds: [CAROL] });
  });

  it("reconciles my pending group message with the stored one by clientId, once", () => {
    store().sendStarted(groupDraft("g1", "on my way"));
    expect(texts(HIKING)).toEqual(["on my way:pending"]);

    const message = said(20, ALICE, "on my way", "g1");
    store().sendAcknowledged("g1", message);
    store().messageReceived(message);

    expect(texts(HIKING)).toEqual(["on my way:sent"]);
    expect(messagesWith(HIKING)[0]?.key).toBe("g1");
  });

  it("keeps a failed group message for a retry with the same clientId", () => {
    store().sendStarted(groupDraft("g1", "hello all"));
    store().sendFailed(HIKING, "g1", "No answer from the server.", true);
    store().sendRetried(HIKING, "g1");

    store().messagesSynced([said(21, ALICE, "hello all", "g1")]);

    expect(texts(HIKING)).toEqual(["hello all:sent"]);
  });

  it("applies edits and deletions to group messages", () => {
    const original = said(10, BOB, "helo");
    store().messageReceived(original);

    store().messageChanged({ ...original, text: "hello", editedAt: original.createdAt });

    expect(texts(HIKING)).toEqual(["hello:sent"]);
    expect(store().chats[HIKING]?.lastMessage?.text).toBe("hello");
  });

  it("announces who wrote in which group", () => {
    store().groupLoaded(hikers());

    store().messageReceived(said(10, BOB, "hi all"));

    expect(store().announcement?.text).toBe("New message from Bob Ross in Hikers: hi all");
  });

  it("moves the sync cursor with group messages too", () => {
    store().chatsLoaded([chat(BOB, 40, 0)]);

    store().messagesSynced([said(41, CAROL, "while away")]);

    expect(store().syncCursor).toBe("41");
  });
});

describe("the conversations list", () => {
  it("lists direct chats and groups together, newest activity first", () => {
    store().conversationsLoaded([
      { type: "direct", ...chat(BOB, 5, 1) },
      {
        type: "group",
        _id: HIKERS,
        name: "Hikers",
        avatar: null,
        memberCount: 3,
        lastMessage: { _id: "9", text: "summit", hasImage: false, senderId: CAROL, createdAt: "", deleted: false },
        unreadCount: 2,
      },
    ]);

    expect(store().chatOrder).toEqual([HIKING, BOB]);
    expect(store().groups[HIKERS]).toMatchObject({ name: "Hikers", memberCount: 3, members: null, myRole: "member" });
    expect(store().chats[HIKING]?.unreadCount).toBe(2);
    expect(store().syncCursor).toBe("9");
  });
});

describe("groupUpdated", () => {
  it("lists a group I was just added to, on top, before its first message", () => {
    store().chatsLoaded([chat(BOB, 5, 0)]);

    store().groupUpdated(hikers());

    expect(store().chatOrder).toEqual([HIKING, BOB]);
    expect(store().groups[HIKERS]?.myRole).toBe("owner");
  });

  it("takes my role from the member list, since every member gets the same frame", () => {
    store().groupUpdated({ ...hikers(), members: [member(BOB, "Bob Ross", "owner"), member(ALICE, "Alice", "admin")], myRole: "owner" });

    expect(store().groups[HIKERS]?.myRole).toBe("admin");
  });

  it("renames the group and changes its members", () => {
    store().groupLoaded(hikers());

    store().groupUpdated(hikers([member(DAN, "Dan Brown")], "Hill walkers"));

    expect(store().groups[HIKERS]?.name).toBe("Hill walkers");
    expect(store().groups[HIKERS]?.members?.map((m) => m._id)).toEqual([ALICE, BOB, CAROL, DAN]);
    expect(store().groups[HIKERS]?.memberCount).toBe(4);
  });

  it("makes members I had never met known by name", () => {
    store().groupUpdated(hikers([member(DAN, "Dan Brown")]));

    expect(store().people[DAN]?.fullName).toBe("Dan Brown");
  });

  it("never moves a member's read pointer back when an older snapshot arrives", () => {
    store().groupLoaded(hikers());
    store().messagesRead({ readerId: BOB, groupId: HIKERS, upToMessageId: "30" });

    store().groupUpdated(hikers());

    expect(store().groups[HIKERS]?.members?.find((m) => m._id === BOB)?.readUpTo).toBe("30");
  });
});

describe("groupRemoved", () => {
  it("keeps the group and its history, marked as left", () => {
    store().groupLoaded(hikers());
    store().messageReceived(said(10, BOB, "bye"));
    store().groupTypingChanged(HIKERS, BOB, true);

    store().groupRemoved(HIKERS);

    expect(store().groups[HIKERS]?.myRole).toBeNull();
    expect(texts(HIKING)).toEqual(["bye:sent"]);
    expect(store().chatOrder).toContain(HIKING);
    expect(store().groupTyping[HIKERS]).toBeUndefined();
  });

  it("does not list the group again when it is updated after I left", () => {
    store().groupRemoved(HIKERS);

    store().groupUpdated({ ...hikers(), members: [member(BOB, "Bob Ross", "owner")] });

    expect(store().chatOrder).not.toContain(HIKING);
    expect(store().groups[HIKERS]?.myRole).toBeNull();
  });
});

describe("typing in a group", () => {
  it("names who is typing in the order of the member list, never me", () => {
    store().groupLoaded(hikers());
    store().groupTypingChanged(HIKERS, CAROL, true);
    store().groupTypingChanged(HIKERS, BOB, true);
    store().groupTypingChanged(HIKERS, ALICE, true);

    expect(typingNames(store(), HIKERS)).toEqual(["Bob Ross", "Carol Danvers"]);
  });

  it("ends for the sender when their message arrives, and only in that group", () => {
    store().groupLoaded(hikers());
    store().groupTypingChanged(HIKERS, BOB, true);
    store().groupTypingChanged(HIKERS, CAROL, true);
    store().typingChanged(BOB, true);

    store().messageReceived(said(10, BOB, "done"));

    expect(typingNames(store(), HIKERS)).toEqual(["Carol Danvers"]);
    expect(store().typing).toEqual({ [BOB]: true });
  });

  it("is forgotten while disconnected", () => {
    store().groupTypingChanged(HIKERS, BOB, true);

    store().connectionChanged("reconnecting");

    expect(typingNames(store(), HIKERS)).toEqual([]);
  });
});

describe("seen by", () => {
  it("counts the members other than me who have read up to a message", () => {
    store().groupLoaded(hikers());
    store().messagesRead({ readerId: BOB, groupId: HIKERS, upToMessageId: "12" });
    store().messagesRead({ readerId: CAROL, groupId: HIKERS, upToMessageId: "9" });
    const members = store().groups[HIKERS]?.members ?? null;

    expect(seenBy(members, ALICE, "10").map((m) => m.fullName)).toEqual(["Bob Ross"]);
    expect(seenBy(members, ALICE, "9").map((m) => m.fullName)).toEqual(["Bob Ross", "Carol Danvers"]);
    expect(seenBy(members, ALICE, "13")).toEqual([]);
    expect(furthestReadByOthers(members, ALICE)).toBe("12");
    expect(furthestReadByOthers(members, BOB)).toBe("9");
    expect(furthestReadByOthers(null, ALICE)).toBeNull();
  });

  it("compares ids as numbers, and a pointer of 0 has read nothing", () => {
    store().groupLoaded(hikers([member(DAN, "Dan Brown", "member", "0")]));
    store().messagesRead({ readerId: BOB, groupId: HIKERS, upToMessageId: "100" });
    const members = store().groups[HIKERS]?.members ?? null;

    expect(seenBy(members, ALICE, "99").map((m) => m._id)).toEqual([BOB]);
  });

  it("clears my badge when I read the group in another tab", () => {
    store().messageReceived(said(10, BOB, "one"));
    store().messageReceived(said(11, CAROL, "two"));

    store().messagesRead({ readerId: ALICE, groupId: HIKERS, upToMessageId: "11" });

    expect(store().chats[HIKING]?.unreadCount).toBe(0);
  });

  it("does not confuse a group receipt with a direct one", () => {
    store().groupLoaded(hikers());
    store().messagesRead({ readerId: BOB, groupId: HIKERS, upToMessageId: "12" });

    expect(store().conversations[BOB]?.partnerReadUpTo ?? null).toBeNull();
  });
});

describe("someone's new name or picture", () => {
  it("shows wherever they appear: as a contact and as a member of my groups", () => {
    store().contactsLoaded([{ _id: BOB, fullName: "Bob", profilePic: "", lastSeen: null }]);
    store().groupLoaded(hikers([member(BOB, "Bob")]));

    store().userUpdated({ _id: BOB, fullName: "Robert", profilePic: "/api/media/avatars/x.png" });

    expect(store().people[BOB]?.fullName).toBe("Robert");
    expect(store().people[BOB]?.profilePic).toBe("/api/media/avatars/x.png");
    const bob = store().groups[HIKERS]?.members?.find((m) => m._id === BOB);
    expect(bob?.fullName).toBe("Robert");
  });
});
