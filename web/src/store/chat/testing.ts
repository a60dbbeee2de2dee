/**
 * Personas and builders for the chat store's tests: Alice is signed in, Bob and Carol are her
 * contacts; Dan is someone she has not met; the Hikers are a group of hers. Not a test file itself; each slice's test imports what it needs.
 */
import type { ChatSummary, Group, GroupMember, GroupRole, HistoryPage, Message, Person, SystemEvent } from "../../types";
import type { Draft } from "../conversation";
import { useChatStore } from "./index";

export const ALICE = "a".repeat(24);
export const BOB = "b".repeat(24);
export const CAROL = "c".repeat(24);

export const store = () => useChatStore.getState();

export function person(id: string, fullName: string): Person {
  return { _id: id, fullName, profilePic: "", lastSeen: null };
}

let clock = Date.parse("2026-03-01T10:00:00Z");
export function at(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

export function stored(id: number, from: string, to: string, text: string, clientId: string | null = null): Message {
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

export function draft(clientId: string, text: string, to = BOB): Draft {
  return { clientId, senderId: ALICE, receiverId: to, text, image: null, createdAt: at() };
}

export function messagesWith(partnerId: string) {
  return store().conversations[partnerId]?.messages ?? [];
}

export function texts(partnerId: string) {
  return messagesWith(partnerId).map((m) => `${m.text}:${m.delivery}`);
}

export function chat(partnerId: string, lastId: number, unreadCount: number): ChatSummary {
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

export function page(messages: Message[], hasMore: boolean, partnerReadUpTo: string | null = "0"): HistoryPage {
  return { messages, hasMore, partnerReadUpTo };
}

/** Messages n..m-1 between Alice and Bob, alternating senders. */
export function range(from: number, to: number): Message[] {
  const list: Message[] = [];
  for (let n = from; n < to; n++) list.push(stored(n, n % 2 ? BOB : ALICE, n % 2 ? ALICE : BOB, `m${n}`));
  return list;
}

/** For beforeEach: a fresh session for Alice, with Bob and Carol as contacts. */
export function aliceSignedIn(): void {
  store().sessionStarted(ALICE);
  store().contactsLoaded([person(BOB, "Bob"), person(CAROL, "Carol")]);
}

export const DAN = "d".repeat(24);
export const HIKERS = "h".repeat(24);

export function member(id: string, fullName: string, role: GroupRole = "member", readUpTo: string | null = "0"): GroupMember {
  return { _id: id, fullName, profilePic: "", role, readUpTo };
}

/** The Hikers group: Alice owns it, Bob and Carol are in it (and whoever else is given). */
export function hikers(members: GroupMember[] = [], name = "Hikers"): Group {
  return {
    _id: HIKERS,
    name,
    avatar: null,
    createdAt: at(),
    createdBy: ALICE,
    members: [member(ALICE, "Alice Liddell", "owner"), member(BOB, "Bob Ross"), member(CAROL, "Carol Danvers"), ...members],
    myRole: "owner",
  };
}

/** A message in a group. */
export function said(id: number, from: string, text: string, clientId: string | null = null, groupId = HIKERS): Message {
  return { ...stored(id, from, "", text, clientId), receiverId: null, groupId, kind: "text", system: null };
}

/** A change to a group, as the server records it. */
export function happened(id: number, system: SystemEvent, groupId = HIKERS): Message {
  return { ...stored(id, system.actorId, "", "", null), text: null, receiverId: null, groupId, kind: "system", system };
}

export function groupDraft(clientId: string, text: string, groupId = HIKERS): Draft {
  return { clientId, senderId: ALICE, receiverId: null, groupId, text, image: null, createdAt: at() };
}
