/**
 * Reading, both ways: my unread badges clear when I read a chat (here or in another tab), and
 * the partner's read pointer (a group member's, in a group) moves when they read mine.
 */
import { compareIds } from "../../lib/ids";
import type { MessagesRead } from "../../types";
import { conversation, laterRead, withConversation } from "./conversations";
import { memberRead } from "./groups";
import { groupKey } from "./keys";
import type { ChatSlice } from "./state";

export interface ReadsActions {
  chatRead: (chatKey: string) => void;
  messagesRead: (event: MessagesRead) => void;
}

export const createReadsSlice: ChatSlice<ReadsActions> = (set) => ({
  chatRead: (chatKey) =>
    set((s) => {
      // Called with the newest incoming message of the open conversation: all of it is read.
      const entry = s.chats[chatKey];
      if (!entry || entry.unreadCount === 0) return {};
      return { chats: { ...s.chats, [chatKey]: { ...entry, unreadCount: 0 } } };
    }),
  messagesRead: (event) =>
    set((s) => {
      const key = event.groupId ? groupKey(event.groupId) : event.userId;
      if (key === undefined) return {};
      if (event.readerId === s.meId) {
        // I read it in this or another tab: the badge goes everywhere.
        const entry = s.chats[key];
        if (!entry || entry.unreadCount === 0) return {};
        const last = entry.lastMessage;
        const coversAll =
          last === null ||
          last.senderId === s.meId ||
          last.kind === "system" ||
          compareIds(event.upToMessageId, last._id) >= 0;
        return coversAll ? { chats: { ...s.chats, [key]: { ...entry, unreadCount: 0 } } } : {};
      }
      // A group member read: "Seen by" counts them.
      if (event.groupId) return memberRead(s, event.groupId, event.readerId, event.upToMessageId);
      const current = conversation(s, event.readerId);
      const upTo = laterRead(current.partnerReadUpTo, event.upToMessageId);
      if (upTo === current.partnerReadUpTo) return {};
      return { conversations: withConversation(s, event.readerId, { partnerReadUpTo: upTo }) };
    }),
});
