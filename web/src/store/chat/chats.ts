/**
 * The chats list: one entry per partner with the last message and the unread count, newest
 * activity first. The server's snapshot loads it; live messages keep it current.
 */
import { compareIds, maxId } from "../../lib/ids";
import type { ChatSummary, LastMessage, Message } from "../../types";
import { emptyConversation, laterRead } from "./conversations";
import type { ChatSlice, LoadStatus } from "./state";

export interface ChatEntry {
  partnerId: string;
  lastMessage: LastMessage | null;
  unreadCount: number;
}

export interface ChatsData {
  /** Partner ids, newest activity first. */
  chatOrder: string[];
  chats: Record<string, ChatEntry>;
  chatsStatus: LoadStatus;
}

export interface ChatsActions {
  chatsRequested: () => void;
  chatsLoaded: (chats: ChatSummary[]) => void;
  chatsFailed: () => void;
}

export function initialChats(): ChatsData {
  return { chatOrder: [], chats: {}, chatsStatus: "idle" };
}

export function chatEntry(s: ChatsData, partnerId: string): ChatEntry {
  return s.chats[partnerId] ?? { partnerId, lastMessage: null, unreadCount: 0 };
}

export function preview(message: Message): LastMessage {
  return {
    _id: message._id,
    text: message.deletedAt ? null : message.text,
    hasImage: Boolean(message.image) && !message.deletedAt,
    senderId: message.senderId,
    createdAt: message.createdAt,
    deleted: message.deletedAt !== null,
  };
}

export function toFront(order: string[], id: string): string[] {
  return [id, ...order.filter((x) => x !== id)];
}

/**
 * The list after a stored message with this partner: its preview when it is the newest, one
 * more unread when nobody saw it come, and the chat on top when it is new.
 */
export function listed(
  s: ChatsData,
  partnerId: string,
  message: Message,
  isNew: boolean,
  unnoticed: boolean,
): Pick<ChatsData, "chats" | "chatOrder"> {
  const entry = chatEntry(s, partnerId);
  const newer = entry.lastMessage === null || compareIds(message._id, entry.lastMessage._id) >= 0;
  const nextEntry: ChatEntry = {
    ...entry,
    lastMessage: newer ? preview(message) : entry.lastMessage,
    unreadCount: entry.unreadCount + (unnoticed ? 1 : 0),
  };
  return {
    chats: { ...s.chats, [partnerId]: nextEntry },
    chatOrder: (isNew && newer) || !s.chatOrder.includes(partnerId) ? toFront(s.chatOrder, partnerId) : s.chatOrder,
  };
}

export const createChatsSlice: ChatSlice<ChatsData & ChatsActions> = (set) => ({
  ...initialChats(),

  chatsRequested: () => set({ chatsStatus: "loading" }),
  chatsLoaded: (summaries) =>
    set((s) => {
      const people = { ...s.people };
      const chats: Record<string, ChatEntry> = { ...s.chats };
      let conversations = s.conversations;
      let cursor = s.syncCursor;
      for (const summary of summaries) {
        const { lastMessage, unreadCount, partnerReadUpTo, ...person } = summary;
        people[person._id] = person;
        const current = conversations[person._id] ?? emptyConversation;
        const readUpTo = laterRead(current.partnerReadUpTo, partnerReadUpTo);
        if (readUpTo !== current.partnerReadUpTo) {
          conversations = { ...conversations, [person._id]: { ...current, partnerReadUpTo: readUpTo } };
        }
        const live = s.chats[person._id];
        // A live message newer than this snapshot keeps the live entry.
        const liveIsNewer = live?.lastMessage != null && compareIds(live.lastMessage._id, lastMessage._id) > 0;
        chats[person._id] = liveIsNewer
          ? { ...live, unreadCount: Math.max(live.unreadCount, unreadCount) }
          : { partnerId: person._id, lastMessage, unreadCount };
        cursor = cursor === null ? lastMessage._id : maxId(cursor, lastMessage._id);
      }
      // Chats with only unsent messages (nothing stored yet) stay on top.
      const unsentOnly = s.chatOrder.filter((id) => chats[id]?.lastMessage === null);
      const stored = Object.values(chats)
        .filter((c) => c.lastMessage !== null)
        .sort((a, b) => compareIds(b.lastMessage?._id ?? "0", a.lastMessage?._id ?? "0"))
        .map((c) => c.partnerId);
      return {
        people,
        chats,
        conversations,
        chatOrder: [...unsentOnly, ...stored],
        chatsStatus: "ready",
        syncCursor: cursor ?? "0",
      };
    }),
  chatsFailed: () => set({ chatsStatus: "error" }),
});
