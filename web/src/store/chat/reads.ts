/**
 * Reading, both ways: my unread badges clear when I read a chat (here or in another tab), and
 * the partner's read pointer (a group member's, in a group) moves when they read mine.
 */
import { compareIds } from "../../lib/ids";
import type { MessagesRead } from "../../types";
import { conversation, laterRead, withConversation } from "./conversations";
import { memberRead } from "./groups";
import { groupKey } from "./keys";
import type { ChatSlice, ChatState } from "./state";

export interface ReadsActions {
  /** I read the chat here, up to this message. */
  chatRead: (chatKey: string, upToMessageId: string) => void;
  messagesRead: (event: MessagesRead) => void;
}

/** My badge (and its mentions) after I read up to a message: gone when that covers the newest message, else as it was. */
function readByMe(s: ChatState, chatKey: string, upToMessageId: string): Partial<ChatState> {
  const entry = s.chats[chatKey];
  if (!entry || entry.unreadCount === 0) return {};
  const last = entry.lastMessage;
  const coversAll =
    last === null || last.senderId === s.meId || last.kind === "system" || compareIds(upToMessageId, last._id) >= 0;
  const read = { ...entry, unreadCount: 0, mentionCount: 0, unreadIds: [], unreadMentionIds: [] };
  return coversAll ? { chats: { ...s.chats, [chatKey]: read } } : {};
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
