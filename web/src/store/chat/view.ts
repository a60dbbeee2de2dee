/** What the person is looking at: the open chat, and whether the page is visible at all. */
import { idBefore } from "../../lib/ids";
import type { ChatEntry } from "./chats";
import { awaitingUnreadPage, conversation, needsUnreadPage, withConversation } from "./conversations";
import type { ChatData, ChatSlice } from "./state";

/** A message to bring into view and highlight (a search result, a quoted message). */
export interface JumpTarget {
  chatKey: string;
  messageId: string;
}

/**
 * Where the open chat's unread messages started when it was opened: the list opens there under
 * an "N unread messages" line, which stays while the chat is open (until I write in it).
 */
export interface UnreadMark {
  chatKey: string;
  /** My read pointer then ("0": nothing read). */
  afterId: string;
  /** How many were unread then. */
  count: number;
  /** A message to load the page around, when the list must: the pointer's, or the first unread's (a pointer worked out here may be no message). */
  aroundId: string;
  /** The list has opened (at the mark or, after a jump, elsewhere): later lists (a return to the newest) start at their end. */
  placed: boolean;
}

export interface ViewData {
  activeId: string | null;
  pageVisible: boolean;
  /** Set by whoever asks for the jump; the conversation's list clears it once it is shown. */
  jumpTarget: JumpTarget | null;
  unreadMark: UnreadMark | null;
  /** A message of mine to edit, asked from the composer (Up in an empty box); its bubble takes it. */
  editTarget: JumpTarget | null;
}

export interface ViewActions {
  chatOpened: (chatKey: string) => void;
  chatClosed: () => void;
  /** Open the conversation at this message (loaded around it when it is not loaded yet). */
  jumpRequested: (chatKey: string, messageId: string) => void;
  jumpDone: () => void;
  /** The open chat's list has taken its starting place (see UnreadMark.placed). */
  unreadPlaced: (chatKey: string) => void;
  editRequested: (chatKey: string, messageId: string) => void;
  editTaken: () => void;
  pageVisibilityChanged: (visible: boolean) => void;
}

export function initialView(): ViewData {
  return { activeId: null, pageVisible: true, jumpTarget: null, unreadMark: null, editTarget: null };
}

/**
 * My read pointer in a chat and a message to load around it: the server's pointer (the chats
 * list), or, for a chat that came to the list live, just before the first of its unread when
 * every one of them was counted here; null when not known.
 */
function pointerOf(entry: ChatEntry): { afterId: string; aroundId: string } | null {
  if (entry.readUpTo !== undefined && entry.readUpTo !== null) return { afterId: entry.readUpTo, aroundId: entry.readUpTo };
  const first = entry.unreadIds?.[0];
  if (first === undefined || entry.unreadIds?.length !== entry.unreadCount) return null;
  return { afterId: idBefore(first), aroundId: first };
}

/**
 * A chat being opened: its unread mark, from the chats list; and when its messages are to open
 * at the first unread one that the list kept from before does not hold, an empty list waiting
 * for the page around it (features/messages/history.ts openHistory), not the old one flashing first.
 */
function opened(s: ChatData, chatKey: string, jumping: boolean): Partial<ChatData> {
  if (s.activeId === chatKey) return {};
  const entry = s.chats[chatKey];
  const pointer = entry && entry.unreadCount > 0 ? pointerOf(entry) : null;
  if (!entry || pointer === null) return { unreadMark: null };
  const unreadMark: UnreadMark = { chatKey, ...pointer, count: entry.unreadCount, placed: false };
  if (jumping || !needsUnreadPage(conversation(s, chatKey), pointer.afterId, entry.lastMessage?._id ?? null)) return { unreadMark };
  return { unreadMark, conversations: withConversation(s, chatKey, awaitingUnreadPage(conversation(s, chatKey))) };
}

/** The chat with this partner is open on a visible page: what arrives there is seen. */
export function isSeeing(s: ViewData, chatKey: string): boolean {
  return s.activeId === chatKey && s.pageVisible;
}

export const createViewSlice: ChatSlice<ViewData & ViewActions> = (set) => ({
  ...initialView(),
  chatOpened: (chatKey) =>
    set((s) => {
      const jumpTarget = s.jumpTarget?.chatKey === chatKey ? s.jumpTarget : null;
      const editTarget = s.editTarget?.chatKey === chatKey ? s.editTarget : null;
      return { ...opened(s, chatKey, jumpTarget !== null), activeId: chatKey, jumpTarget, editTarget };
    }),
  chatClosed: () => set({ activeId: null, jumpTarget: null, unreadMark: null, editTarget: null }),
  jumpRequested: (chatKey, messageId) =>
    set((s) => ({ ...opened(s, chatKey, true), activeId: chatKey, jumpTarget: { chatKey, messageId } })),
  jumpDone: () => set({ jumpTarget: null }),
  editRequested: (chatKey, messageId) => set({ editTarget: { chatKey, messageId } }),
  editTaken: () => set({ editTarget: null }),
  unreadPlaced: (chatKey) =>
    set((s) =>
      s.unreadMark?.chatKey === chatKey && !s.unreadMark.placed ? { unreadMark: { ...s.unreadMark, placed: true } } : {},
    ),
  pageVisibilityChanged: (visible) => set({ pageVisible: visible }),
});
