/**
 * Everything the chat page shows: people, the chats list, presence, the open conversation and
 * every conversation's messages. Actions are synchronous and named for what happened; the
 * network lives in api/ and realtime/, which call them.
 */
import { create } from "zustand";
import { compareIds, maxId } from "../lib/ids";
import type { ChatSummary, HistoryPage, LastMessage, Message, MessagesRead, Person } from "../types";
import {
  type ChatMessage,
  type Draft,
  fromDraft,
  mergeAll,
  mergeStored,
  newestId,
  oldestId,
  updateUnsent,
} from "./conversation";

export type LoadStatus = "idle" | "loading" | "ready" | "error";
export type Connection = "connecting" | "connected" | "reconnecting" | "offline";

export interface Conversation {
  messages: ChatMessage[];
  status: LoadStatus;
  hasMore: boolean;
  /** Loading the page before the oldest message shown (scrolling up). */
  olderStatus: LoadStatus;
  /** The number of the latest history request: older answers are dropped. */
  request: number;
  error: string | null;
  /** The partner has read my messages up to this id. */
  partnerReadUpTo: string | null;
}

export interface ChatEntry {
  partnerId: string;
  lastMessage: LastMessage | null;
  unreadCount: number;
}

export interface Announcement {
  seq: number;
  text: string;
}

export interface ChatData {
  meId: string | null;
  people: Record<string, Person>;
  /** Partner ids, newest activity first. */
  chatOrder: string[];
  chats: Record<string, ChatEntry>;
  chatsStatus: LoadStatus;
  contactIds: string[];
  contactsStatus: LoadStatus;
  online: Record<string, true>;
  activeId: string | null;
  pageVisible: boolean;
  conversations: Record<string, Conversation>;
  /** Every message to or from me up to this id has been seen: `sync` resumes after it. */
  syncCursor: string | null;
  connection: Connection;
  /** The latest incoming message, for the screen-reader live region. */
  announcement: Announcement | null;
  /** People typing to me right now. */
  typing: Record<string, true>;
}

/** What an incoming message did, so the caller can play a sound or fetch an unknown sender. */
export interface Received {
  isNew: boolean;
  incoming: boolean;
  /** Neither open nor visible: counted as unread. */
  unnoticed: boolean;
  partnerId: string;
}

export interface ChatActions {
  sessionStarted: (meId: string) => void;
  sessionCleared: () => void;

  chatsRequested: () => void;
  chatsLoaded: (chats: ChatSummary[]) => void;
  chatsFailed: () => void;
  contactsRequested: () => void;
  contactsLoaded: (people: Person[]) => void;
  contactsFailed: () => void;

  chatOpened: (partnerId: string) => void;
  chatClosed: () => void;
  pageVisibilityChanged: (visible: boolean) => void;

  historyRequested: (partnerId: string, request: number) => void;
  historyLoaded: (partnerId: string, request: number, page: HistoryPage) => void;
  historyFailed: (partnerId: string, request: number, error: string) => void;
  olderRequested: (partnerId: string) => void;
  olderLoaded: (partnerId: string, beforeId: string, page: HistoryPage) => void;
  olderFailed: (partnerId: string, error: string) => void;

  sendStarted: (draft: Draft) => void;
  sendAcknowledged: (clientId: string, message: Message) => void;
  sendFailed: (partnerId: string, clientId: string, error: string, retryable: boolean) => void;
  sendRetried: (partnerId: string, clientId: string) => void;
  sendDiscarded: (partnerId: string, clientId: string) => void;

  messageReceived: (message: Message) => Received;
  messagesSynced: (messages: Message[]) => Received[];
  messageChanged: (message: Message) => void;
  chatRead: (partnerId: string) => void;
  messagesRead: (event: MessagesRead) => void;
  typingChanged: (userId: string, isTyping: boolean) => void;

  onlineListReceived: (ids: string[]) => void;
  userCameOnline: (userId: string) => void;
  userWentOffline: (userId: string, lastSeen: string | null) => void;
  connectionChanged: (connection: Connection) => void;
}

export type ChatState = ChatData & ChatActions;

export const emptyConversation: Conversation = {
  messages: [],
  status: "idle",
  hasMore: false,
  olderStatus: "idle",
  request: 0,
  error: null,
  partnerReadUpTo: null,
};

function laterRead(current: string | null, seen: string | null | undefined): string | null {
  if (seen === null || seen === undefined || seen === "0") return current;
  return current === null ? seen : maxId(current, seen);
}

export function initialChatData(): ChatData {
  return {
    meId: null,
    people: {},
    chatOrder: [],
    chats: {},
    chatsStatus: "idle",
    contactIds: [],
    contactsStatus: "idle",
    online: {},
    activeId: null,
    pageVisible: true,
    conversations: {},
    syncCursor: null,
    connection: "connecting",
    announcement: null,
    typing: {},
  };
}

function partnerOf(message: Message | Draft, meId: string | null): string {
  return message.senderId === meId ? message.receiverId : message.senderId;
}

function preview(message: Message): LastMessage {
  return {
    _id: message._id,
    text: message.deletedAt ? null : message.text,
    hasImage: Boolean(message.image) && !message.deletedAt,
    senderId: message.senderId,
    createdAt: message.createdAt,
    deleted: message.deletedAt !== null,
  };
}

function without(typing: Record<string, true>, userId: string): Record<string, true> {
  if (!typing[userId]) return typing;
  const next = { ...typing };
  delete next[userId];
  return next;
}

function toFront(order: string[], id: string): string[] {
  return [id, ...order.filter((x) => x !== id)];
}

type Setter = (partial: Partial<ChatData> | ((s: ChatState) => Partial<ChatData>)) => void;

export const useChatStore = create<ChatState>()((set, get) => {
  const setData: Setter = set;

  function conversation(s: ChatData, partnerId: string): Conversation {
    return s.conversations[partnerId] ?? emptyConversation;
  }

  function withConversation(s: ChatData, partnerId: string, change: Partial<Conversation>): Record<string, Conversation> {
    return { ...s.conversations, [partnerId]: { ...conversation(s, partnerId), ...change } };
  }

  /** Apply one stored message to a state snapshot: the conversation, the chats list, unread. */
  function apply(s: ChatData, message: Message): { next: Partial<ChatData>; received: Received } {
    const partnerId = partnerOf(message, s.meId);
    const incoming = message.senderId !== s.meId;
    const current = conversation(s, partnerId);
    const merge = mergeStored(current.messages, message);
    const seeing = s.activeId === partnerId && s.pageVisible;
    const unnoticed = merge.isNew && incoming && !seeing;
    const received: Received = { isNew: merge.isNew, incoming, unnoticed, partnerId };

    const entry = s.chats[partnerId] ?? { partnerId, lastMessage: null, unreadCount: 0 };
    const newer = entry.lastMessage === null || compareIds(message._id, entry.lastMessage._id) >= 0;
    const nextEntry: ChatEntry = {
      ...entry,
      lastMessage: newer ? preview(message) : entry.lastMessage,
      unreadCount: entry.unreadCount + (unnoticed ? 1 : 0),
    };
    const next: Partial<ChatData> = {
      conversations: { ...s.conversations, [partnerId]: { ...current, messages: merge.messages } },
      chats: { ...s.chats, [partnerId]: nextEntry },
      chatOrder:
        (merge.isNew && newer) || !s.chatOrder.includes(partnerId) ? toFront(s.chatOrder, partnerId) : s.chatOrder,
      syncCursor: s.syncCursor === null ? message._id : maxId(s.syncCursor, message._id),
    };
    if (merge.isNew && incoming) {
      // Their message is what they were typing.
      next.typing = without(s.typing, partnerId);
      const name = s.people[partnerId]?.fullName ?? "someone";
      const what = message.text ?? (message.image ? "a picture" : "a message");
      next.announcement = { seq: (s.announcement?.seq ?? 0) + 1, text: `New message from ${name}: ${what}` };
    }
    return { next, received };
  }

  return {
    ...initialChatData(),

    sessionStarted: (meId) => setData({ ...initialChatData(), meId }),
    sessionCleared: () => setData(initialChatData()),

    chatsRequested: () => setData({ chatsStatus: "loading" }),
    chatsLoaded: (summaries) =>
      setData((s) => {
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
          const liveIsNewer =
            live?.lastMessage != null && compareIds(live.lastMessage._id, lastMessage._id) > 0;
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
    chatsFailed: () => setData({ chatsStatus: "error" }),
    contactsRequested: () => setData({ contactsStatus: "loading" }),
    contactsLoaded: (list) =>
      setData((s) => {
        const people = { ...s.people };
        for (const person of list) people[person._id] = person;
        return { people, contactIds: list.map((p) => p._id), contactsStatus: "ready" };
      }),
    contactsFailed: () => setData({ contactsStatus: "error" }),

    chatOpened: (partnerId) => setData({ activeId: partnerId }),
    chatClosed: () => setData({ activeId: null }),
    pageVisibilityChanged: (visible) => setData({ pageVisible: visible }),

    historyRequested: (partnerId, request) =>
      setData((s) => {
        const current = conversation(s, partnerId);
        // A conversation already shown stays shown while it refreshes.
        const status = current.status === "ready" ? "ready" : "loading";
        return { conversations: withConversation(s, partnerId, { request, status, error: null }) };
      }),
    historyLoaded: (partnerId, request, page) =>
      setData((s) => {
        const current = conversation(s, partnerId);
        if (request !== current.request) return {};
        const merged = mergeAll(current.messages, page.messages);
        // Messages older than this page are already here: older pages loaded before (a
        // refresh, which says nothing about them), or live ones that came in before the chat
        // was first opened (contiguous with this page; what lies before them is unknown).
        const first = page.messages[0];
        const shownOlder = oldestId(current.messages);
        const keepsOlder = first !== undefined && shownOlder !== null && compareIds(shownOlder, first._id) < 0;
        const refresh = current.status === "ready";
        return {
          conversations: withConversation(s, partnerId, {
            messages: merged,
            status: "ready",
            hasMore: keepsOlder ? (refresh ? current.hasMore : true) : page.hasMore,
            partnerReadUpTo: laterRead(current.partnerReadUpTo, page.partnerReadUpTo),
          }),
        };
      }),
    olderRequested: (partnerId) =>
      setData((s) => ({ conversations: withConversation(s, partnerId, { olderStatus: "loading", error: null }) })),
    olderLoaded: (partnerId, beforeId, page) =>
      setData((s) => {
        const current = conversation(s, partnerId);
        // Only the answer for the oldest message still shown extends the list.
        if (current.olderStatus !== "loading" || oldestId(current.messages) !== beforeId) return {};
        return {
          conversations: withConversation(s, partnerId, {
            messages: mergeAll(current.messages, page.messages),
            hasMore: page.hasMore,
            olderStatus: "ready",
            partnerReadUpTo: laterRead(current.partnerReadUpTo, page.partnerReadUpTo),
          }),
        };
      }),
    olderFailed: (partnerId, error) =>
      setData((s) => ({ conversations: withConversation(s, partnerId, { olderStatus: "error", error }) })),
    historyFailed: (partnerId, request, error) =>
      setData((s) => {
        const current = conversation(s, partnerId);
        if (request !== current.request) return {};
        return {
          conversations: withConversation(s, partnerId, {
            status: current.status === "ready" ? "ready" : "error",
            error,
          }),
        };
      }),

    sendStarted: (draft) =>
      setData((s) => {
        const partnerId = partnerOf(draft, s.meId);
        const current = conversation(s, partnerId);
        const entry = s.chats[partnerId] ?? { partnerId, lastMessage: null, unreadCount: 0 };
        return {
          conversations: withConversation(s, partnerId, { messages: [...current.messages, fromDraft(draft)] }),
          chats: { ...s.chats, [partnerId]: entry },
          chatOrder: toFront(s.chatOrder, partnerId),
        };
      }),
    sendAcknowledged: (_clientId, message) => {
      setData((s) => apply(s, message).next);
    },
    sendFailed: (partnerId, clientId, error, retryable) =>
      setData((s) => {
        const current = conversation(s, partnerId);
        const messages = updateUnsent(current.messages, clientId, (m) =>
          m.delivery === "pending" ? { ...m, delivery: "failed", error, retryable } : m,
        );
        return messages === current.messages ? {} : { conversations: withConversation(s, partnerId, { messages }) };
      }),
    sendRetried: (partnerId, clientId) =>
      setData((s) => {
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
      setData((s) => {
        const current = conversation(s, partnerId);
        const messages = updateUnsent(current.messages, clientId, (m) => (m.delivery === "failed" ? null : m));
        return messages === current.messages ? {} : { conversations: withConversation(s, partnerId, { messages }) };
      }),

    messageReceived: (message) => {
      const { next, received } = apply(get(), message);
      setData(next);
      return received;
    },
    messagesSynced: (messages) => {
      const results: Received[] = [];
      let state: ChatData = get();
      for (const message of messages) {
        const { next, received } = apply(state, message);
        state = { ...state, ...next };
        results.push(received);
      }
      setData({
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
      setData((s) => {
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
    chatRead: (partnerId) =>
      setData((s) => {
        // Called with the newest incoming message of the open conversation: all of it is read.
        const entry = s.chats[partnerId];
        if (!entry || entry.unreadCount === 0) return {};
        return { chats: { ...s.chats, [partnerId]: { ...entry, unreadCount: 0 } } };
      }),
    messagesRead: (event) =>
      setData((s) => {
        if (event.readerId === s.meId) {
          // I read it in this or another tab: the badge goes everywhere.
          const entry = s.chats[event.userId];
          if (!entry || entry.unreadCount === 0) return {};
          const last = entry.lastMessage;
          const coversAll =
            last === null || last.senderId === s.meId || compareIds(event.upToMessageId, last._id) >= 0;
          return coversAll ? { chats: { ...s.chats, [event.userId]: { ...entry, unreadCount: 0 } } } : {};
        }
        const current = conversation(s, event.readerId);
        const upTo = laterRead(current.partnerReadUpTo, event.upToMessageId);
        if (upTo === current.partnerReadUpTo) return {};
        return { conversations: withConversation(s, event.readerId, { partnerReadUpTo: upTo }) };
      }),
    typingChanged: (userId, isTyping) =>
      setData((s) => {
        if (isTyping) return s.typing[userId] ? {} : { typing: { ...s.typing, [userId]: true } };
        const typing = without(s.typing, userId);
        return typing === s.typing ? {} : { typing };
      }),

    onlineListReceived: (ids) => {
      const online: Record<string, true> = {};
      for (const id of ids) online[id] = true;
      setData({ online });
    },
    userCameOnline: (userId) => setData((s) => (s.online[userId] ? {} : { online: { ...s.online, [userId]: true } })),
    userWentOffline: (userId, lastSeen) =>
      setData((s) => {
        const online = { ...s.online };
        delete online[userId];
        const person = s.people[userId];
        const people = person ? { ...s.people, [userId]: { ...person, lastSeen } } : s.people;
        return { online, people };
      }),
    connectionChanged: (connection) =>
      // Presence we can no longer follow is not shown; the server sends the list on reconnect.
      setData(connection === "connected" ? { connection } : { connection, online: {}, typing: {} }),
  };
});

/** The newest stored id in a conversation, for markRead. */
export function newestIncomingId(c: Conversation, meId: string | null): string | null {
  for (let i = c.messages.length - 1; i >= 0; i--) {
    const m = c.messages[i];
    if (m && m._id && m.senderId !== meId) return m._id;
  }
  return null;
}

export { newestId };
