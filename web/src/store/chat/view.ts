/** What the person is looking at: the open chat, and whether the page is visible at all. */
import type { ChatSlice } from "./state";

/** A message to bring into view and highlight (a search result, a quoted message). */
export interface JumpTarget {
  chatKey: string;
  messageId: string;
}

export interface ViewData {
  activeId: string | null;
  pageVisible: boolean;
  /** Set by whoever asks for the jump; the conversation's list clears it once it is shown. */
  jumpTarget: JumpTarget | null;
}

export interface ViewActions {
  chatOpened: (chatKey: string) => void;
  chatClosed: () => void;
  /** Open the conversation at this message (loaded around it when it is not loaded yet). */
  jumpRequested: (chatKey: string, messageId: string) => void;
  jumpDone: () => void;
  pageVisibilityChanged: (visible: boolean) => void;
}

export function initialView(): ViewData {
  return { activeId: null, pageVisible: true, jumpTarget: null };
}

/** The chat with this partner is open on a visible page: what arrives there is seen. */
export function isSeeing(s: ViewData, chatKey: string): boolean {
  return s.activeId === chatKey && s.pageVisible;
}

export const createViewSlice: ChatSlice<ViewData & ViewActions> = (set) => ({
  ...initialView(),
  chatOpened: (chatKey) =>
    set((s) => ({ activeId: chatKey, jumpTarget: s.jumpTarget?.chatKey === chatKey ? s.jumpTarget : null })),
  chatClosed: () => set({ activeId: null, jumpTarget: null }),
  jumpRequested: (chatKey, messageId) => set({ activeId: chatKey, jumpTarget: { chatKey, messageId } }),
  jumpDone: () => set({ jumpTarget: null }),
  pageVisibilityChanged: (visible) => set({ pageVisible: visible }),
});
