import { errorMessage } from "../../api/http";
import { fetchHistory, markRead } from "../../api/messages";
import { emitMarkRead, isConnected } from "../../realtime/socket";
import { useChatStore } from "../../store/chat";

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
    useChatStore.getState().historyLoaded(partnerId, request, page.messages, page.hasMore);
  } catch (error) {
    useChatStore.getState().historyFailed(partnerId, request, errorMessage(error));
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
