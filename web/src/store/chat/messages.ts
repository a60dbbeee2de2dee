/**
 * Stored messages as they reach us — live, from a sync after a reconnect, or changed by an edit
 * or a deletion — and what each one does to the rest: the conversation, the chats list and its
 * unread counts, the sync cursor, typing, and the screen-reader announcement.
 */
import { maxId } from "../../lib/ids";
import type { Message } from "../../types";
import { type Draft, mergeStored } from "../conversation";
import { listed, preview } from "./chats";
import { conversation, withConversation } from "./conversations";
import type { ChatData, ChatSlice } from "./state";
import { stoppedTyping } from "./typing";
import { isSeeing } from "./view";

export interface Announcement {
  seq: number;
  text: string;
}

export interface MessagesData {
  /** Every message to or from me up to this id has been seen: `sync` resumes after it. */
  syncCursor: string | null;
  /** The latest incoming message, for the screen-reader live region. */
  announcement: Announcement | null;
}

/** What an incoming message did, so the caller can play a sound or fetch an unknown sender. */
export interface Received {
  isNew: boolean;
  incoming: boolean;
  /** Neither open nor visible: counted as unread. */
  unnoticed: boolean;
  partnerId: string;
}

export interface MessagesActions {
  messageReceived: (message: Message) => Received;
  messagesSynced: (messages: Message[]) => Received[];
  messageChanged: (message: Message) => void;
}

export function initialMessages(): MessagesData {
  return { syncCursor: null, announcement: null };
}

export function partnerOf(message: Message | Draft, meId: string | null): string {
  return message.senderId === meId ? message.receiverId : message.senderId;
}

/** Apply one stored message to a state snapshot: the conversation, the chats list, unread. */
export function applyStored(s: ChatData, message: Message): { next: Partial<ChatData>; received: Received } {
  const partnerId = partnerOf(message, s.meId);
  const incoming = message.senderId !== s.meId;
  const merge = mergeStored(conversation(s, partnerId).messages, message);
  const unnoticed = merge.isNew && incoming && !isSeeing(s, partnerId);
  const received: Received = { isNew: merge.isNew, incoming, unnoticed, partnerId };

  const next: Partial<ChatData> = {
    conversations: withConversation(s, partnerId, { messages: merge.messages }),
    ...listed(s, partnerId, message, merge.isNew, unnoticed),
    syncCursor: s.syncCursor === null ? message._id : maxId(s.syncCursor, message._id),
  };
  if (merge.isNew && incoming) {
    // Their message is what they were typing.
    next.typing = stoppedTyping(s.typing, partnerId);
    const name = s.people[partnerId]?.fullName ?? "someone";
    const what = message.text ?? (message.image ? "a picture" : "a message");
    next.announcement = { seq: (s.announcement?.seq ?? 0) + 1, text: `New message from ${name}: ${what}` };
  }
  return { next, received };
}

export const createMessagesSlice: ChatSlice<MessagesData & MessagesActions> = (set, get) => ({
  ...initialMessages(),

  messageReceived: (message) => {
    const { next, received } = applyStored(get(), message);
    set(next);
    return received;
  },
  messagesSynced: (messages) => {
    const results: Received[] = [];
    let state: ChatData = get();
    for (const message of messages) {
      const { next, received } = applyStored(state, message);
      state = { ...state, ...next };
      results.push(received);
    }
    set({
      conversations: state.conversations,
      chats: state.chats,
      chatOrder: state.chatOrder,
      syncCursor: state.syncCursor,
      announcement: state.announcement,
      typing: state.typing,
    });
    return results;
  },
  messageChanged: (message) =>
    set((s) => {
      const partnerId = partnerOf(message, s.meId);
      const current = s.conversations[partnerId];
      if (!current || !current.messages.some((m) => m._id === message._id)) return {};
      const { messages } = mergeStored(current.messages, message);
      const entry = s.chats[partnerId];
      const chats =
        entry?.lastMessage?._id === message._id
          ? { ...s.chats, [partnerId]: { ...entry, lastMessage: preview(message) } }
          : s.chats;
      return { conversations: withConversation(s, partnerId, { messages }), chats };
    }),
});
