/**
 * Reading, both ways: my unread badges clear when I read a chat (here or in another tab), and
 * the partner's read pointer moves when they read mine.
 */
import { compareIds } from "../../lib/ids";
import type { MessagesRead } from "../../types";
import { conversation, laterRead, withConversation } from "./conversations";
import type { ChatSlice } from "./state";

export interface ReadsActions {
  chatRead: (partnerId: string) => void;
  messagesRead: (event: MessagesRead) => void;
}

export const createReadsSlice: ChatSlice<ReadsActions> = (set) => ({
  chatRead: (partnerId) =>
    set((s) => {
      // Called with the newest incoming message of the open conversation: all of it is read.
      const entry = s.chats[partnerId];
      if (!entry || entry.unreadCount === 0) return {};
      return { chats: { ...s.chats, [partnerId]: { ...entry, unreadCount: 0 } } };
    }),
  messagesRead: (event) =>
    set((s) => {
      if (event.readerId === s.meId) {
        // I read it in this or another tab: the badge goes everywhere.
        const entry = s.chats[event.userId];
        if (!entry || entry.unreadCount === 0) return {};
        const last = entry.lastMessage;
        const coversAll = last === null || last.senderId === s.meId || compareIds(event.upToMessageId, last._id) >= 0;
        return coversAll ? { chats: { ...s.chats, [event.userId]: { ...entry, unreadCount: 0 } } } : {};
      }
      const current = conversation(s, event.readerId);
      const upTo = laterRead(current.partnerReadUpTo, event.upToMessageId);
      if (upTo === current.partnerReadUpTo) return {};
      return { conversations: withConversation(s, event.readerId, { partnerReadUpTo: upTo }) };
    }),
});
