/** What I have typed and not sent, per conversation (by key): the composer's text, kept across chats. */
import type { ChatSlice } from "./state";

export interface DraftsData {
  drafts: Record<string, string>;
}

export interface DraftsActions {
  /** Drafts remembered from an earlier visit; what was typed since they were asked for wins. */
  draftsRestored: (drafts: Record<string, string>) => void;
  /** The composer's text changed (typed, pasted, cleared by sending). */
  draftEdited: (chatKey: string, text: string) => void;
}

export function initialDrafts(): DraftsData {
  return { drafts: {} };
}

/** Worth keeping: not only spaces and new lines. */
export function isDraft(text: string | undefined): text is string {
  return text !== undefined && text.trim() !== "";
}

export const createDraftsSlice: ChatSlice<DraftsData & DraftsActions> = (set) => ({
  ...initialDrafts(),
  draftsRestored: (restored) => set((s) => ({ drafts: { ...restored, ...s.drafts } })),
  draftEdited: (chatKey, text) =>
    set((s) => {
      if ((s.drafts[chatKey] ?? "") === text) return {};
      const drafts = { ...s.drafts };
      if (text === "") delete drafts[chatKey];
      else drafts[chatKey] = text;
      return { drafts };
    }),
});
