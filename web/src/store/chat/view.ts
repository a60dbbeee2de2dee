/** What the person is looking at: the open chat, and whether the page is visible at all. */
import type { ChatSlice } from "./state";

export interface ViewData {
  activeId: string | null;
  pageVisible: boolean;
}

export interface ViewActions {
  chatOpened: (chatKey: string) => void;
  chatClosed: () => void;
  pageVisibilityChanged: (visible: boolean) => void;
}

export function initialView(): ViewData {
  return { activeId: null, pageVisible: true };
}

/** The chat with this partner is open on a visible page: what arrives there is seen. */
export function isSeeing(s: ViewData, chatKey: string): boolean {
  return s.activeId === chatKey && s.pageVisible;
}

export const createViewSlice: ChatSlice<ViewData & ViewActions> = (set) => ({
  ...initialView(),
  chatOpened: (chatKey) => set({ activeId: chatKey }),
  chatClosed: () => set({ activeId: null }),
  pageVisibilityChanged: (visible) => set({ pageVisible: visible }),
});
