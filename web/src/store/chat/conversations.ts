/**
 * Each conversation's messages and the loading of its history, newest page first, then older
 * pages as the person scrolls up. The rules for merging a list live in ../conversation.ts.
 */
import { compareIds, maxId } from "../../lib/ids";
import type { AroundPage, HistoryPage, Message, Quote } from "../../types";
import { type ChatMessage, mergeAll, newestId, oldestId } from "../conversation";
import type { ChatSlice, LoadStatus } from "./state";

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
  /**
   * The list ends before the newest message: a jump loaded the page around an older one.
   * Newer pages load as the person scrolls down; live messages past the end wait on the server.
   */
  hasNewer: boolean;
  newerStatus: LoadStatus;
  /** Counts the times the list was replaced (a jump away, a return to the latest): the view starts afresh. */
  window: number;
  /** The message the composer's next message answers ("Replying to …"). */
  replyingTo: Quote | null;
}

export interface ConversationsData {
  conversations: Record<string, Conversation>;
}

export interface ConversationsActions {
  historyRequested: (chatKey: string, request: number) => void;
  historyLoaded: (chatKey: string, request: number, page: HistoryPage) => void;
  historyFailed: (chatKey: string, request: number, error: string) => void;
  olderRequested: (chatKey: string) => void;
  olderLoaded: (chatKey: string, beforeId: string, page: HistoryPage) => void;
  olderFailed: (chatKey: string, error: string) => void;
  /** The page around a message, for a jump to it; its answer replaces the list (request numbered as history). */
  aroundLoaded: (chatKey: string, request: number, page: AroundPage) => void;
  newerRequested: (chatKey: string) => void;
  newerLoaded: (chatKey: string, afterId: string, page: AroundPage) => void;
  newerFailed: (chatKey: string, error: string) => void;
  /**
   * Back to the newest from a window that stops short of it: the window goes at once, so what
   * arrives from now on (my own message, its answer, others') joins the list as usual until the
   * newest page comes to join them.
   */
  windowLeft: (chatKey: string) => void;
  /** "Reply" chosen on a message; null: the reply is cancelled (or sent). */
  replyChosen: (chatKey: string, quote: Quote | null) => void;
}

export const emptyConversation: Conversation = {
  messages: [],
  status: "idle",
  hasMore: false,
  olderStatus: "idle",
  request: 0,
  error: null,
  partnerReadUpTo: null,
  hasNewer: false,
  newerStatus: "idle",
  window: 0,
  replyingTo: null,
};

/** My messages not stored yet: they stay whatever page the list shows. */
function unsent(messages: ChatMessage[]): ChatMessage[] {
  return messages.filter((m) => m._id === null);
}

/**
 * The list replaced by a page (a jump, a return to the newest): my unsent messages stay, and
 * the view starts afresh (a new window).
 */
function newWindow(current: Conversation, page: Message[], more: { before: boolean; after: boolean }): Partial<Conversation> {
  // A page that reaches the newest message keeps what arrived live after it was read.
  const pageNewest = page.length > 0 ? (page[page.length - 1] as Message)._id : null;
  const arrived =
    more.after || pageNewest === null ? [] : current.messages.filter((m) => m._id !== null && compareIds(m._id, pageNewest) > 0);
  return {
    messages: mergeAll([...arrived, ...unsent(current.messages)], page),
    hasMore: more.before,
    olderStatus: "idle",
    hasNewer: more.after,
    newerStatus: "idle",
    window: current.window + 1,
  };
}

/** A stored message past the end of a list that stops short of the newest: not shown until paged in. */
export function beyondWindow(c: Conversation, messageId: string): boolean {
  if (!c.hasNewer) return false;
  const newest = newestId(c.messages);
  return newest !== null && compareIds(messageId, newest) > 0;
}

/**
 * Whether a chat opening at its first unread message (after `afterId`, my read pointer) needs
 * the page around the pointer: not when the list kept from before reaches from it (or from the
 * conversation's start) to the newest message (`lastId`, the chats list's), nor when nothing was ever read ("0": the newest
 * page, whose start may be the chat's).
 */
export function needsUnreadPage(c: Conversation, afterId: string, lastId: string | null): boolean {
  if (afterId === "0") return false;
  const reachesBack = !c.hasMore || c.messages.some((m) => m._id !== null && compareIds(m._id, afterId) <= 0);
  return !(c.status === "ready" && reachesBack && reachesNewest(c, lastId));
}

/** The list holds the conversation's newest message (`lastId`, the chats list's; null: none). */
export function reachesNewest(c: Conversation, lastId: string | null): boolean {
  const newest = newestId(c.messages);
  return !c.hasNewer && (lastId === null || (newest !== null && compareIds(newest, lastId) >= 0));
}

/** An empty list waiting for the page around the first unread message (my unsent messages stay). */
export function awaitingUnreadPage(current: Conversation): Partial<Conversation> {
  return { ...newWindow(current, [], { before: false, after: false }), status: "loading", request: current.request };
}

export function initialConversations(): ConversationsData {
  return { conversations: {} };
}

export function conversation(s: ConversationsData, chatKey: string): Conversation {
  return s.conversations[chatKey] ?? emptyConversation;
}

export function withConversation(
  s: ConversationsData,
  chatKey: string,
  change: Partial<Conversation>,
): Record<string, Conversation> {
  return { ...s.conversations, [chatKey]: { ...conversation(s, chatKey), ...change } };
}

/** The partner's read pointer only moves forward, whichever snapshot or event comes last. */
export function laterRead(current: string | null, seen: string | null | undefined): string | null {
  if (seen === null || seen === undefined || seen === "0") return current;
  return current === null ? seen : maxId(current, seen);
}

/** The newest stored id in a conversation, for markRead. */
export function newestIncomingId(c: Conversation, meId: string | null): string | null {
  for (let i = c.messages.length - 1; i >= 0; i--) {
    const m = c.messages[i];
    if (m && m._id && m.senderId !== meId) return m._id;
  }
  return null;
}

export const createConversationsSlice: ChatSlice<ConversationsData & ConversationsActions> = (set) => ({
  ...initialConversations(),

  historyRequested: (chatKey, request) =>
    set((s) => {
      const current = conversation(s, chatKey);
      // A conversation already shown stays shown while it refreshes.
      const status = current.status === "ready" ? "ready" : "loading";
      return { conversations: withConversation(s, chatKey, { request, status, error: null }) };
    }),
  historyLoaded: (chatKey, request, page) =>
    set((s) => {
      const current = conversation(s, chatKey);
      if (request !== current.request) return {};
      if (current.hasNewer) {
        // Back from a page around an older message: the newest page alone, not a list with a gap.
        return {
          conversations: withConversation(s, chatKey, {
            ...newWindow(current, page.messages, { before: page.hasMore, after: false }),
            status: "ready",
            partnerReadUpTo: laterRead(current.partnerReadUpTo, page.partnerReadUpTo),
          }),
        };
      }
      const merged = mergeAll(current.messages, page.messages);
      // Messages older than this page are already here: older pages loaded before (a
      // refresh, which says nothing about them), or live ones that came in before the chat
      // was first opened (contiguous with this page; what lies before them is unknown).
      const first = page.messages[0];
      const shownOlder = oldestId(current.messages);
      const keepsOlder = first !== undefined && shownOlder !== null && compareIds(shownOlder, first._id) < 0;
      const refresh = current.status === "ready";
      return {
        conversations: withConversation(s, chatKey, {
          messages: merged,
          status: "ready",
          hasMore: keepsOlder ? (refresh ? current.hasMore : true) : page.hasMore,
          partnerReadUpTo: laterRead(current.partnerReadUpTo, page.partnerReadUpTo),
        }),
      };
    }),
  olderRequested: (chatKey) =>
    set((s) => ({ conversations: withConversation(s, chatKey, { olderStatus: "loading", error: null }) })),
  olderLoaded: (chatKey, beforeId, page) =>
    set((s) => {
      const current = conversation(s, chatKey);
      // Only the answer for the oldest message still shown extends the list.
      if (current.olderStatus !== "loading" || oldestId(current.messages) !== beforeId) return {};
      return {
        conversations: withConversation(s, chatKey, {
          messages: mergeAll(current.messages, page.messages),
          hasMore: page.hasMore,
          olderStatus: "ready",
          partnerReadUpTo: laterRead(current.partnerReadUpTo, page.partnerReadUpTo),
        }),
      };
    }),
  olderFailed: (chatKey, error) =>
    set((s) => ({ conversations: withConversation(s, chatKey, { olderStatus: "error", error }) })),
  aroundLoaded: (chatKey, request, page) =>
    set((s) => {
      const current = conversation(s, chatKey);
      if (request !== current.request) return {};
      return {
        conversations: withConversation(s, chatKey, {
          ...newWindow(current, page.messages, { before: page.hasMoreBefore, after: page.hasMoreAfter }),
          status: "ready",
        }),
      };
    }),
  newerRequested: (chatKey) =>
    set((s) => ({ conversations: withConversation(s, chatKey, { newerStatus: "loading", error: null }) })),
  newerLoaded: (chatKey, afterId, page) =>
    set((s) => {
      const current = conversation(s, chatKey);
      if (current.newerStatus !== "loading") return {};
      // Only the answer for the newest message still shown extends the list; a stale one
      // is dropped, and the next scroll down asks again.
      if (!current.hasNewer || newestId(current.messages) !== afterId) {
        return { conversations: withConversation(s, chatKey, { newerStatus: "idle" }) };
      }
      return {
        conversations: withConversation(s, chatKey, {
          messages: mergeAll(current.messages, page.messages),
          hasNewer: page.hasMoreAfter,
          newerStatus: "ready",
        }),
      };
    }),
  newerFailed: (chatKey, error) =>
    set((s) => ({ conversations: withConversation(s, chatKey, { newerStatus: "error", error }) })),
  windowLeft: (chatKey) =>
    set((s) => {
      const current = conversation(s, chatKey);
      if (!current.hasNewer) return {};
      // Older messages exist (the newest page will say how many): no "beginning" meanwhile.
      return { conversations: withConversation(s, chatKey, newWindow(current, [], { before: true, after: false })) };
    }),
  replyChosen: (chatKey, quote) => set((s) => ({ conversations: withConversation(s, chatKey, { replyingTo: quote }) })),
  historyFailed: (chatKey, request, error) =>
    set((s) => {
      const current = conversation(s, chatKey);
      if (request !== current.request) return {};
      return {
        conversations: withConversation(s, chatKey, {
          status: current.status === "ready" ? "ready" : "error",
          error,
        }),
      };
    }),
});
