/**
 * Drafts: what is typed in a conversation stays there when another is opened, and after a reload
 * (kept in IndexedDB, per signed-in person), with the members picked in it: a mention travels by
 * id, and a restored "@Ann Lee" must still mention the Ann Lee who was picked. The store holds
 * them for the page; this keeps them.
 */
import { readDrafts, writeDraft } from "../../lib/localDb";
import { type Mentionable, keepPicks } from "../../lib/mentions";
import { isDraft, useChatStore } from "../../store/chat";

const store = () => useChatStore.getState();

/** On opening the chat page: the drafts left from an earlier visit. */
export async function restoreDrafts(meId: string): Promise<void> {
  const saved = await readDrafts(meId);
  if (store().meId !== meId) return; // Signed out (or someone else signed in) meanwhile.
  const texts = Object.fromEntries(Object.entries(saved).map(([key, draft]) => [key, draft.text]));
  const picks = Object.fromEntries(Object.entries(saved).flatMap(([key, draft]) => (draft.mentions.length ? [[key, draft.mentions]] : [])));
  store().draftsRestored(texts, picks);
}

/** The composer's text changed; an empty or blank one is no draft. */
export function draftTyped(chatKey: string, text: string): void {
  store().draftEdited(chatKey, text);
  const meId = store().meId;
  if (meId) void writeDraft(meId, chatKey, isDraft(text) ? text : "", store().draftPicks[chatKey] ?? []);
}

/** A member picked from the suggestions: `text` is the draft with their `@Full Name` in. */
export function mentionPicked(chatKey: string, text: string, member: Mentionable): void {
  store().draftPicked(chatKey, keepPicks(text, store().draftPicks[chatKey] ?? [], member));
  draftTyped(chatKey, text);
}
