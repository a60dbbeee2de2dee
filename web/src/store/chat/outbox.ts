/**
 * Messages I write: shown at once as pending, then reconciled with their stored copy by
 * clientId, marked failed, retried or discarded. They live in the conversation's list, after
 * the stored messages; the sending itself is features/messages/outbox.ts.
 */
import type { Message } from "../../types";
import { type ChatMessage, type Draft, fromDraft, updateUnsent } from "../conversation";
import { chatEntry, toFront } from "./chats";
import { conversation, withConversation } from "./conversations";
import { chatKeyOf } from "./keys";
import { applyStored } from "./messages";
import type { ChatSlice } from "./state";

/** A message kept from an earlier visit, as it was left: waiting, or failed. */
export interface Unsent extends Draft {
  delivery: "pending" | "failed";
  error: string | null;
  retryable: boolean;
}

export interface OutboxActions {
  sendStarted: (draft: Draft) => void;
  /** Unsent messages kept from an earlier visit (oldest first); those already here are skipped. */
  unsentRestored: (unsent: Unsent[]) => void;
  sendAcknowledged: (clientId: string, message: Message) => void;
  sendFailed: (chatKey: string, clientId: string, error: string, retryable: boolean) => void;
  sendRetried: (chatKey: string, clientId: string) => void;
  sendDiscarded: (chatKey: string, clientId: string) => void;
}

export const createOutboxSlice: ChatSlice<OutboxActions> = (set) => ({
  sendStarted: (draft) =>
    set((s) => {
      const chatKey = chatKeyOf(draft, s.meId);
      const current = conversation(s, chatKey);
      return {
        conversations: withConversation(s, chatKey, { messages: [...current.messages, fromDraft(draft)] }),
        chats: { ...s.chats, [chatKey]: chatEntry(s, chatKey) },
        chatOrder: toFront(s.chatOrder, chatKey),
        // Writing in a chat is having read it: its "unread messages" line goes.
        unreadMark: s.unreadMark?.chatKey === chatKey ? null : s.unreadMark,
      };
    }),
  unsentRestored: (restored) =>
    set((s) => {
      let { conversations, chats, chatOrder } = s;
      for (const unsent of restored) {
        const chatKey = chatKeyOf(unsent, s.meId);
        const current = conversation({ conversations }, chatKey);
        if (current.messages.some((m) => m.clientId === unsent.clientId && m.senderId === unsent.senderId)) continue;
        const { delivery, error, retryable } = unsent;
        const message: ChatMessage = { ...fromDraft(unsent), delivery, error, retryable };
        conversations = withConversation({ conversations }, chatKey, { messages: [...current.messages, message] });
        if (!chats[chatKey]) chats = { ...chats, [chatKey]: chatEntry(s, chatKey) };
        if (!chatOrder.includes(chatKey)) chatOrder = toFront(chatOrder, chatKey);
      }
      return { conversations, chats, chatOrder };
    }),
  sendAcknowledged: (_clientId, message) => {
    set((s) => applyStored(s, message).next);
  },
  sendFailed: (chatKey, clientId, error, retryable) =>
    set((s) => {
      const current = conversation(s, chatKey);
      const messages = updateUnsent(current.messages, clientId, (m) =>
        m.delivery === "pending" ? { ...m, delivery: "failed", error, retryable } : m,
      );
      return messages === current.messages ? {} : { conversations: withConversation(s, chatKey, { messages }) };
    }),
  sendRetried: (chatKey, clientId) =>
    set((s) => {
      const current = conversation(s, chatKey);
      const messages = updateUnsent(current.messages, clientId, (m) => ({
        ...m,
        delivery: "pending",
        error: null,
        retryable: false,
      }));
      return messages === current.messages ? {} : { conversations: withConversation(s, chatKey, { messages }) };
    }),
  sendDiscarded: (chatKey, clientId) =>
    set((s) => {
      const current = conversation(s, chatKey);
      const messages = updateUnsent(current.messages, clientId, (m) => (m.delivery === "failed" ? null : m));
      return messages === current.messages ? {} : { conversations: withConversation(s, chatKey, { messages }) };
    }),
});
