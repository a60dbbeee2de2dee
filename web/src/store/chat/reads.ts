/**
 * Reading, both ways: my unread badges clear when I read a chat (here or in another tab), and
 * the partner's read pointer (a group member's, in a group) moves when they read mine.
 */
import { compareIds } from "../../lib/ids";
import type { MessagesRead } from "../../types";
import { unreadIn } from "../conversation";
import { type ChatEntry, laterPointer } from "./chats";
import { conversation, laterRead, reachesNewest, withConversation } from "./conversations";
import { memberRead } from "./groups";
import { groupKey } from "./keys";
import type { ChatSlice, ChatState } from "./state";

export interface ReadsActions {
  /** I read the chat here, up to this message. */
  chatRead: (chatKey: string, upToMessageId: string) => void;
  messagesRead: (event: MessagesRead) => void;
}

/**
 * What is left unread after reading up to `readUpTo` (from `before`): counted in the list when
 * it reaches from there to the newest message, else the count less what the list holds between
 * the two pointers (a window around where I stopped reading); null when it cannot tell.
 */
function leftUnread(s: ChatState, chatKey: string, entry: ChatEntry, readUpTo: string): { count: number; mentions: number } | null {
  const shown = conversation(s, chatKey);
  if (reachesNewest(shown, entry.lastMessage?._id ?? null)) return unreadIn(shown.messages, readUpTo, null, s.meId);
  const before = entry.readUpTo;
  const read = before === undefined || before === null ? null : unreadIn(shown.messages, before, readUpTo, s.meId);
  return read && { count: entry.unreadCount - read.count, mentions: entry.mentionCount - read.mentions };
}

/**
 * My entry after I read up to a message: the pointer moves forward; the badge (and its
 * mentions) goes when that covers the newest message, else counts down to what is left
 * (scrolling down through many unread).
 */
function readByMe(s: ChatState, chatKey: string, upToMessageId: string): Partial<ChatState> {
  const entry = s.chats[chatKey];
  if (!entry) return {};
  const readUpTo = laterPointer(entry.readUpTo, upToMessageId);
  if (entry.unreadCount === 0) return readUpTo === entry.readUpTo ? {} : { chats: { ...s.chats, [chatKey]: { ...entry, readUpTo } } };
  const last = entry.lastMessage;
  const coversAll =
    last === null || last.senderId === s.meId || last.kind === "system" || compareIds(upToMessageId, last._id) >= 0;
  const left = coversAll ? { count: 0, mentions: 0 } : leftUnread(s, chatKey, entry, readUpTo);
  const after = (ids: string[] | undefined) => (ids ?? []).filter((id) => compareIds(id, readUpTo) > 0);
  const read: ChatEntry = {
    ...entry,
    readUpTo,
    // Never more than before: the list may hold a message the server has not counted yet.
    unreadCount: left === null ? entry.unreadCount : Math.max(0, Math.min(entry.unreadCount, left.count)),
    mentionCount: left === null ? entry.mentionCount : Math.max(0, Math.min(entry.mentionCount, left.mentions, left.count)),
    unreadIds: after(entry.unreadIds),
    unreadMentionIds: after(entry.unreadMentionIds),
  };
  const same =
    read.readUpTo === entry.readUpTo &&
    read.unreadCount === entry.unreadCount &&
    read.mentionCount === entry.mentionCount &&
    read.unreadIds?.length === entry.unreadIds?.length;
  return same ? {} : { chats: { ...s.chats, [chatKey]: read } };
}

export const createReadsSlice: ChatSlice<ReadsActions> = (set) => ({
  chatRead: (chatKey, upToMessageId) => set((s) => readByMe(s, chatKey, upToMessageId)),
  messagesRead: (event) =>
    set((s) => {
      const key = event.groupId ? groupKey(event.groupId) : event.userId;
      if (key === undefined) return {};
      // I read it in this or another tab: the badge goes everywhere.
      if (event.readerId === s.meId) return readByMe(s, key, event.upToMessageId);
      // A group member read: "Seen by" counts them.
      if (event.groupId) return memberRead(s, event.groupId, event.readerId, event.upToMessageId);
      const current = conversation(s, event.readerId);
      const upTo = laterRead(current.partnerReadUpTo, event.upToMessageId);
      if (upTo === current.partnerReadUpTo) return {};
      return { conversations: withConversation(s, event.readerId, { partnerReadUpTo: upTo }) };
    }),
});
