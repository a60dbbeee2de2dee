/**
 * What I have typed and not sent, per conversation (by key): the composer's text, kept across
 * chats, and in a group the members picked from its suggestions (a mention travels by id, so
 * the text alone cannot say whom "@Ann Lee" meant).
 */
import type { Mentionable } from "../../lib/mentions";
import type { ChatSlice } from "./state";

export interface DraftsData {
  drafts: Record<string, string>;
  /** The members picked while typing each draft; only those still named in it are mentioned. */
  draftPicks: Record<string, Mentionable[]>;
}

export interface DraftsActions {
  /** Drafts remembered from an earlier visit; what was typed since they were asked for wins. */
  draftsRestored: (drafts: Record<string, string>, picks?: Record<string, Mentionable[]>) => void;
  /** The composer's text changed (typed, pasted, cleared by sending: then its picks go too). */
  draftEdited: (chatKey: string, text: string) => void;
  /** A member picked from the suggestions (the picks kept, as lib/mentions keepPicks says). */
  draftPicked: (chatKey: string, picks: Mentionable[]) => void;
}

export function initialDrafts(): DraftsData {
  return { drafts: {}, draftPicks: {} };
}

/** Worth keeping: not only spaces and new lines. */
export function isDraft(text: string | undefined): text is string {
  return text !== undefined && text.trim() !== "";
}

export const createDraftsSlice: ChatSlice<DraftsData & DraftsActions> = (set) => ({
  ...initialDrafts(),
  draftsRestored: (restored, picks = {}) =>
    set((s) => {
      // A restored draft brings its own picks, unless it lost to one typed since.
      const restoredPicks = Object.fromEntries(Object.entries(picks).filter(([key]) => s.drafts[key] === undefined));
      return { drafts: { ...restored, ...s.drafts }, draftPicks: { ...s.draftPicks, ...restoredPicks } };
    }),
  draftEdited: (chatKey, text) =>
    set((s) => {
      if ((s.drafts[chatKey] ?? "") === text) return {};
      const drafts = { ...s.drafts };
      if (text !== "") {
        drafts[chatKey] = text;
        return { drafts };
      }
      delete drafts[chatKey];
      const draftPicks = { ...s.draftPicks };
      delete draftPicks[chatKey];
      return { drafts, draftPicks };
    }),
  draftPicked: (chatKey, picks) => set((s) => ({ draftPicks: { ...s.draftPicks, [chatKey]: picks } })),
});
