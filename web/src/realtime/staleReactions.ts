/**
 * Reactions change without a message changing: a `reactionsUpdated` that arrived while the
 * socket was away is not in `sync`'s answer, so the open conversation's loaded messages could
 * keep showing the reactions of before. After a reconnect they are asked again: the loaded
 * messages' pages, newest first, whose views carry each message's reactions as they are now.
 * The open conversation's at once; another conversation loaded before, when it is next opened.
 */
import { fetchChatPage } from "../api/chatPages";
import { useChatStore } from "../store/chat";
import { useReactionsStore } from "../store/reactions";

/** The server's largest history page (services/messages.py PAGE_MAX). */
const PAGE = 200;
/** Enough for what anyone scrolls through; older loaded messages keep what they showed. */
const MAX_PAGES = 5;

/** Conversations loaded before the last reconnect, whose reactions are asked again when opened. */
const stale = new Set<string>();
let watching = false;

/** After a reconnect (or the server's resync): the open conversation now, the others when opened. */
export function refreshReactionsAfterGap(): Promise<void> {
  const { activeId, conversations } = useChatStore.getState();
  for (const chatKey of Object.keys(conversations)) if (chatKey !== activeId) stale.add(chatKey);
  if (!watching) {
    watching = true;
    useChatStore.subscribe((now, before) => {
      if (now.activeId !== before.activeId && now.activeId !== null && stale.delete(now.activeId)) {
        void refreshReactions(now.activeId);
      }
    });
  }
  return activeId ? refreshReactions(activeId) : Promise.resolve();
}

async function refreshReactions(chatKey: string): Promise<void> {
  const loaded = (useChatStore.getState().conversations[chatKey]?.messages ?? []).flatMap((m) =>
    m._id === null ? [] : [m._id],
  );
  const oldest = loaded[0];
  const newest = loaded[loaded.length - 1];
  if (oldest === undefined || newest === undefined) return;
  const shown = new Set(loaded);
  let before = String(Number(newest) + 1);
  try {
    for (let page = 0; page < MAX_PAGES; page += 1) {
      // What changed live while the page was on its way is newer than the page.
      const askedAt = useReactionsStore.getState().changes;
      const { messages } = await fetchChatPage(chatKey, { before, limit: Math.min(PAGE, shown.size) });
      const reactions = useReactionsStore.getState();
      for (const message of messages) {
        if (shown.has(message._id)) reactions.pageReactionsReceived(message._id, message.reactions ?? [], askedAt);
      }
      const first = messages[0];
      if (!first || messages.length < PAGE || Number(first._id) <= Number(oldest)) return;
      before = first._id;
    }
  } catch {
    // Unreachable again: the next reconnect asks again.
  }
}
