/**
 * Stored messages as they reach us — live, from a sync after a reconnect, or changed by an edit
 * or a deletion — and what each one does to the rest: the conversation, the chats list and its
 * unread counts, the sync cursor, typing, and the screen-reader announcement.
 */
import { compareIds, maxId } from "../../lib/ids";
import type { Message } from "../../types";
import { systemText } from "../../lib/groupText";
import { type ChatMessage, type Merge, mergeStored, requoted } from "../conversation";
import { listed, preview, unlisted } from "./chats";
import { beyondWindow, conversation, withConversation } from "./conversations";
import { nameOf, stoppedGroupTyping } from "./groups";
import { chatKeyOf } from "./keys";
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
  /** Someone else's message; a system message (a change to a group) is not. */
  incoming: boolean;
  /** Neither open nor visible: counted as unread. */
  unnoticed: boolean;
  chatKey: string;
  /** Set for a group message. */
  groupId: string | null;
  /** Someone else's message that mentions me: it notifies even in a muted group (lib/notifications shouldNotify). */
  mentioned: boolean;
  /** Who sent it (a mention from someone I blocked never rings through mute). */
  senderId: string;
}

export interface MessagesActions {
  messageReceived: (message: Message) => Received;
  /** Live messages heard together (a burst): one change to the store, so one render. */
  messagesReceived: (messages: Message[]) => Received[];
  messagesSynced: (messages: Message[]) => Received[];
  messageChanged: (message: Message) => void;
}

export function initialMessages(): MessagesData {
  return { syncCursor: null, announcement: null };
}

/**
 * A message not put into the list: its unsent copy, if any, leaves it (it is stored). New
 * when it is past the newest the chats list has heard of, so a repeat is not counted twice.
 */
function leftOut(messages: ChatMessage[], message: Message, lastId: string | null): Merge {
  const next = messages.filter((m) => !(m._id === null && m.clientId !== null && m.clientId === message.clientId && m.senderId === message.senderId));
  const later = lastId === null || compareIds(message._id, lastId) > 0;
  return { messages: next, isNew: next.length === messages.length && later };
}

/** Apply one stored message to a state snapshot: the conversation, the chats list, unread. */
export function applyStored(s: ChatData, message: Message): { next: Partial<ChatData>; received: Received } {
  const chatKey = chatKeyOf(message, s.meId);
  const groupId = message.groupId ?? null;
  const system = message.kind === "system";
  const incoming = message.senderId !== s.meId && !system;
  const shown = conversation(s, chatKey);
  // Past the end of a list that stops short of the newest (a jump): kept on the server until
  // paged in, and unread until then; an unsent copy of mine leaves the list with it.
  const away = beyondWindow(shown, message._id);
  const merge = away ? leftOut(shown.messages, message, s.chats[chatKey]?.lastMessage?._id ?? null) : mergeStored(shown.messages, message);
  const unnoticed = merge.isNew && incoming && (away || !isSeeing(s, chatKey));
  const mentioned = incoming && s.meId !== null && (message.mentions ?? []).includes(s.meId);
  const received: Received = { isNew: merge.isNew, incoming, unnoticed, chatKey, groupId, mentioned, senderId: message.senderId };

  const next: Partial<ChatData> = {
    conversations: withConversation(s, chatKey, { messages: merge.messages }),
    ...listed(s, chatKey, message, merge.isNew, unnoticed, mentioned, message.senderId === s.meId),
  };
  if (merge.isNew && incoming) {
    // Their message is what they were typing.
    const what = message.text ?? (message.image ? "a picture" : "a message");
    let text: string;
    if (groupId) {
      next.groupTyping = stoppedGroupTyping(s.groupTyping, groupId, message.senderId);
      const group = s.groups[groupId]?.name ?? "a group";
      text = `New message from ${nameOf(s, message.senderId, groupId)} in ${group}: ${what}`;
    } else {
      next.typing = stoppedTyping(s.typing, chatKey);
      text = `New message from ${s.people[chatKey]?.fullName ?? "someone"}: ${what}`;
    }
    next.announcement = { seq: (s.announcement?.seq ?? 0) + 1, text };
  } else if (merge.isNew && system && message.system && groupId) {
    const text = systemText(message.system, (id) => nameOf(s, id, groupId), s.meId);
    next.announcement = { seq: (s.announcement?.seq ?? 0) + 1, text };
  }
  return { next, received };
}

/**
 * Stored messages applied in turn to a snapshot: what they changed (to set at once), the
 * state after them, and what each did.
 */
function appliedAll(s: ChatData, messages: Message[]): { changed: Partial<ChatData>; state: ChatData; received: Received[] } {
  let state = s;
  let changed: Partial<ChatData> = {};
  const received: Received[] = [];
  for (const message of messages) {
    const applied = applyStored(state, message);
    state = { ...state, ...applied.next };
    changed = { ...changed, ...applied.next };
    received.push(applied.received);
  }
  return { changed, state, received };
}

export const createMessagesSlice: ChatSlice<MessagesData & MessagesActions> = (set, get) => ({
  ...initialMessages(),

  messageReceived: (message) => get().messagesReceived([message])[0] as Received,
  messagesReceived: (messages) => {
    const { changed, received } = appliedAll(get(), messages);
    set(changed);
    return received;
  },
  messagesSynced: (messages) => {
    const { changed, state, received } = appliedAll(get(), messages);
    // Only a catch-up moves the cursor, never a live message: with several server processes a
    // live message can arrive while an older one is still lost on the way (the server then
    // says resync), and a sync from after the newer one would never bring the older.
    const cursor = state.syncCursor === null ? null : messages.reduce((c, m) => maxId(c, m._id), state.syncCursor);
    set({ ...changed, syncCursor: cursor });
    return received;
  },
  messageChanged: (message) =>
    set((s) => {
      const chatKey = chatKeyOf(message, s.meId);
      const current = s.conversations[chatKey];
      // Deleted unread, it counts no more (the copy shown says whether it named me).
      const copy = current?.messages.find((m) => m._id === message._id);
      const mentionedMe = s.meId !== null && (copy?.mentions ?? []).includes(s.meId);
      const uncounted = message.deletedAt ? unlisted(s, chatKey, message, s.meId, mentionedMe) : null;
      if (!current) return uncounted ?? {};
      const quoting = requoted(current.messages, message);
      const shown = quoting.some((m) => m._id === message._id);
      if (!shown && quoting === current.messages) return uncounted ?? {};
      const messages = shown ? mergeStored(quoting, message).messages : quoting;
      const listedChats = uncounted?.chats ?? s.chats;
      const entry = listedChats[chatKey];
      const chats =
        entry?.lastMessage?._id === message._id
          ? { ...listedChats, [chatKey]: { ...entry, lastMessage: preview(message) } }
          : listedChats;
      return { conversations: withConversation(s, chatKey, { messages }), chats };
    }),
});
