/**
 * Groups I am in (or was in): name, picture, members with their roles and read pointers, and
 * who is typing in each. The chats list names a group by key (keys.ts); what it shows of the
 * group comes from here. Known from the conversations list (a summary: no members yet), then
 * whole from GET /api/groups/:id and every `groupUpdated`.
 */
import { compareIds } from "../../lib/ids";
import type { Group, GroupMember, GroupRole, Person } from "../../types";
import { chatEntry, toFront } from "./chats";
import { laterRead } from "./conversations";
import { groupKey } from "./keys";
import type { ChatData, ChatSlice } from "./state";

export interface GroupInfo {
  _id: string;
  name: string;
  avatar: string | null;
  memberCount: number;
  /** Null until the group itself has been loaded (the list gives only a count). */
  members: GroupMember[] | null;
  /** Null: I left or was removed; the history stays readable, nothing else. */
  myRole: GroupRole | null;
  createdBy: string | null;
}

export interface GroupsData {
  groups: Record<string, GroupInfo>;
  /** Group id → who is typing there now. */
  groupTyping: Record<string, Record<string, true>>;
}

export interface GroupsActions {
  /** A group as the server answered it (loaded, created, renamed, members changed). */
  groupLoaded: (group: Group) => void;
  /** `groupUpdated`: the group after a change, which may be that I was added. */
  groupUpdated: (group: Group) => void;
  /** `groupRemoved`: I left or was removed. */
  groupRemoved: (groupId: string) => void;
  groupTypingChanged: (groupId: string, userId: string, isTyping: boolean) => void;
}

export function initialGroups(): GroupsData {
  return { groups: {}, groupTyping: {} };
}

/** My role read from the member list: one `groupUpdated` frame goes to every member alike. */
function myRoleIn(group: Group, meId: string | null): GroupRole | null {
  return group.members.find((m) => m._id === meId)?.role ?? null;
}

function fromGroup(group: Group, meId: string | null, known: GroupInfo | undefined): GroupInfo {
  // A read pointer only moves forward, whichever of a snapshot and a live receipt comes last.
  const before = new Map((known?.members ?? []).map((m) => [m._id, m.readUpTo]));
  const members = group.members.map((m) => {
    const readUpTo = laterRead(before.get(m._id) ?? null, m.readUpTo);
    return readUpTo === m.readUpTo ? m : { ...m, readUpTo };
  });
  return {
    _id: group._id,
    name: group.name,
    avatar: group.avatar,
    memberCount: members.length,
    members,
    myRole: myRoleIn(group, meId),
    createdBy: group.createdBy,
  };
}

/** Members become people the page can name, without overwriting what the contacts list knows. */
function withMembers(people: Record<string, Person>, members: GroupMember[]): Record<string, Person> {
  const unknown = members.filter((m) => !people[m._id]);
  if (unknown.length === 0) return people;
  const next = { ...people };
  for (const m of unknown) next[m._id] = { _id: m._id, fullName: m.fullName, profilePic: m.profilePic, lastSeen: null };
  return next;
}

function received(s: ChatData, group: Group): Partial<ChatData> {
  const info = fromGroup(group, s.meId, s.groups[group._id]);
  const key = groupKey(group._id);
  const next: Partial<ChatData> = {
    groups: { ...s.groups, [group._id]: info },
    people: withMembers(s.people, group.members),
  };
  if (!s.chats[key] && info.myRole !== null) {
    // A group I was just put in (or created): listed on top before its first message arrives.
    next.chats = { ...s.chats, [key]: chatEntry(s, key) };
    next.chatOrder = toFront(s.chatOrder, key);
  }
  return next;
}

export const createGroupsSlice: ChatSlice<GroupsData & GroupsActions> = (set) => ({
  ...initialGroups(),

  groupLoaded: (group) => set((s) => received(s, group)),
  groupUpdated: (group) => set((s) => received(s, group)),
  groupRemoved: (groupId) =>
    set((s) => {
      const known = s.groups[groupId];
      const groupTyping = { ...s.groupTyping };
      delete groupTyping[groupId];
      if (!known) return { groupTyping };
      return { groups: { ...s.groups, [groupId]: { ...known, myRole: null } }, groupTyping };
    }),
  groupTypingChanged: (groupId, userId, isTyping) =>
    set((s) => {
      const current = s.groupTyping[groupId] ?? {};
      if (isTyping === Boolean(current[userId])) return {};
      const next = { ...current };
      if (isTyping) next[userId] = true;
      else delete next[userId];
      return { groupTyping: { ...s.groupTyping, [groupId]: next } };
    }),
});

/** The group with someone's typing ended (their message arrived); the same object if unchanged. */
export function stoppedGroupTyping(
  typing: Record<string, Record<string, true>>,
  groupId: string,
  userId: string,
): Record<string, Record<string, true>> {
  const current = typing[groupId];
  if (!current?.[userId]) return typing;
  const next = { ...current };
  delete next[userId];
  return { ...typing, [groupId]: next };
}

/** A group member's read pointer moved (`messagesRead` from someone else). */
export function memberRead(s: ChatData, groupId: string, readerId: string, upTo: string): Partial<ChatData> {
  const known = s.groups[groupId];
  const members = known?.members;
  if (!known || !members) return {};
  let changed = false;
  const next = members.map((m) => {
    if (m._id !== readerId) return m;
    const readUpTo = laterRead(m.readUpTo, upTo);
    if (readUpTo === m.readUpTo) return m;
    changed = true;
    return { ...m, readUpTo };
  });
  return changed ? { groups: { ...s.groups, [groupId]: { ...known, members: next } } } : {};
}

/** A person's name as this page knows it: a group member, a contact, or "Someone". */
export function nameOf(s: Pick<ChatData, "people" | "groups">, userId: string, groupId?: string | null): string {
  const member = groupId ? s.groups[groupId]?.members?.find((m) => m._id === userId) : undefined;
  return member?.fullName ?? s.people[userId]?.fullName ?? "Someone";
}

/** The members other than me who have read a message: "Seen by". */
export function seenBy(members: GroupMember[] | null, meId: string | null, messageId: string): GroupMember[] {
  return (members ?? []).filter(
    (m) => m._id !== meId && m.readUpTo !== null && m.readUpTo !== "0" && compareIds(m.readUpTo, messageId) >= 0,
  );
}

/** The furthest any member but me has read in a group (null: nobody has read anything). */
export function furthestReadByOthers(members: GroupMember[] | null, meId: string | null): string | null {
  let furthest: string | null = null;
  for (const m of members ?? []) {
    if (m._id === meId || m.readUpTo === null || m.readUpTo === "0") continue;
    if (furthest === null || compareIds(m.readUpTo, furthest) > 0) furthest = m.readUpTo;
  }
  return furthest;
}

/** Full names of the people typing in a group now, in the order of the member list. */
export function typingNames(s: Pick<ChatData, "groups" | "groupTyping" | "people" | "meId">, groupId: string): string[] {
  const typing = s.groupTyping[groupId] ?? {};
  const ids = Object.keys(typing).filter((id) => id !== s.meId);
  const order = new Map((s.groups[groupId]?.members ?? []).map((m, i) => [m._id, i]));
  ids.sort((a, b) => (order.get(a) ?? order.size) - (order.get(b) ?? order.size));
  return ids.map((id) => nameOf(s, id, groupId));
}
