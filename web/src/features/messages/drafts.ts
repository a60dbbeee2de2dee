/**
 * Drafts: what is typed in a conversation stays there when another is opened, and after a reload
 * (kept in IndexedDB, per signed-in person). The store holds them for the page; this keeps them.
 */
import { readDrafts, writeDraft } from "../../lib/localDb";
import { isDraft, useChatStore } from "../../store/chat";

const store = () => useChatStore.getState();

/** On opening the chat page: the drafts left from an earlier visit. */
export async function restoreDrafts(meId: string): Promise<void> {
  const saved = await readDrafts(meId);
  if (store().meId !== meId) return; // Signed out (or someone else signed in) meanwhile.
  store().draftsRestored(saved);
}

/** The composer's text changed; an empty or blank one is no draft. */
export function draftTyped(chatKey: string, text: string): void {
  store().draftEdited(chatKey, text);
  const meId = store().meId;
  if (meId) void writeDraft(meId, chatKey, isDraft(text) ? text : "");
}
