import { errorMessage } from "../../api/http";
import { fetchHistory, markRead } from "../../api/messages";
import { emitMarkRead, isConnected } from "../../realtime/socket";
import { useChatStore } from "../../store/chat";
import { oldestId } from "../../store/conversation";

/** Older pages are larger than the first: scrolling up should rarely wait. */
export const OLDER_PAGE = 100;

let requests = 0;

/**
 * Load a conversation's newest page. Every request has a number; the store keeps only the
 * answer to the latest one for that person, so a slow answer never overwrites a newer one,
 * and answers are filed under their own person, so they never show in another chat.
 */
export async function loadHistory(partnerId: string): Promise<void> {
  const request = ++requests;
  const store = useChatStore.getState();
  store.historyRequested(partnerId, request);
  try {
    const page = await fetchHistory(partnerId);
    useChatStore.getState().historyLoaded(partnerId, request, page);
  } catch (error) {
    useChatStore.getState().historyFailed(partnerId, request, errorMessage(error));
  }
}

/**
 * Load the page before the oldest message shown (keyset paging by id). One at a time per
 * conversation; the store takes the answer only while that message is still the oldest.
 */
export async function loadOlder(partnerId: string): Promise<void> {
  const conversation = useChatStore.getState().conversations[partnerId];
  if (!conversation || conversation.status !== "ready" || !conversation.hasMore) return;
  if (conversation.olderStatus === "loading") return;
  const before = oldestId(conversation.messages);
  if (before === null) return;
  useChatStore.getState().olderRequested(partnerId);
  try {
    const page = await fetchHistory(partnerId, { before, limit: OLDER_PAGE });
    useChatStore.getState().olderLoaded(partnerId, before, page);
  } catch (error) {
    useChatStore.getState().olderFailed(partnerId, errorMessage(error));
  }
}

/** Tell the server (and so my other tabs) that I have read up to a message. */
export function reportRead(partnerId: string, upToMessageId: string): void {
  useChatStore.getState().chatRead(partnerId);
  if (isConnected()) {
    emitMarkRead(partnerId, upToMessageId, () => undefined);
  } else {
    markRead(partnerId, upToMessageId).catch(() => undefined);
  }
}
