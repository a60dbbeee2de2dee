/**
 * Messages I write: shown at once as pending, then reconciled with their stored copy by
 * clientId, marked failed, retried or discarded. They live in the conversation's list, after
 * the stored messages; the sending itself is features/messages/outbox.ts.
 */
import type { Message } from "../../types";
import { type Draft, fromDraft, updateUnsent } from "../conversation";
import { chatEntry, toFront } from "./chats";
import { conversation, withConversation } from "./conversations";
import { applyStored, partnerOf } from "./messages";
import type { ChatSlice } from "./state";

export interface OutboxActions {
  sendStarted: (draft: Draft) => void;
  sendAcknowledged: (clientId: string, message: Message) => void;
  sendFailed: (partnerId: string, clientId: string, error: string, retryable: boolean) => void;
  sendRetried: (partnerId: string, clientId: string) => void;
  sendDiscarded: (partnerId: string, clientId: string) => void;
}

export const createOutboxSlice: ChatSlice<OutboxActions> = (set) => ({
  sendStarted: (draft) =>
    set((s) => {
      const partnerId = partnerOf(draft, s.meId);
      const current = conversation(s, partnerId);
      return {
        conversations: withConversation(s, partnerId, { messages: [...current.messages, fromDraft(draft)] }),
        chats: { ...s.chats, [partnerId]: chatEntry(s, partnerId) },
        chatOrder: toFront(s.chatOrder, partnerId),
      };
    }),
  sendAcknowledged: (_clientId, message) => {
    set((s) => applyStored(s, message).next);
  },
  sendFailed: (partnerId, clientId, error, retryable) =>
    set((s) => {
      const current = conversation(s, partnerId);
      const messages = updateUnsent(current.messages, clientId, (m) =>
        m.delivery === "pending" ? { ...m, delivery: "failed", error, retryable } : m,
      );
      return messages === current.messages ? {} : { conversations: withConversation(s, partnerId, { messages }) };
    }),
  sendRetried: (partnerId, clientId) =>
    set((s) => {
      const current = conversation(s, partnerId);
      const messages = updateUnsent(current.messages, clientId, (m) => ({
        ...m,
        delivery: "pending",
        error: null,
        retryable: false,
      }));
      return messages === current.messages ? {} : { conversations: withConversation(s, partnerId, { messages }) };
    }),
  sendDiscarded: (partnerId, clientId) =>
    set((s) => {
      const current = conversation(s, partnerId);
      const messages = updateUnsent(current.messages, clientId, (m) => (m.delivery === "failed" ? null : m));
      return messages === current.messages ? {} : { conversations: withConversation(s, partnerId, { messages }) };
    }),
});
