import toast from "react-hot-toast";
import { errorMessage, request } from "../../api/http";
import { fetchChatPage as fetchPage } from "../../api/chatPages";
import { fetchGroup, markGroupRead } from "../../api/groups";
import { markRead } from "../../api/messages";
import { emitMarkRead, isConnected } from "../../realtime/socket";
import { groupIdOf, needsUnreadPage, targetOf, useChatStore } from "../../store/chat";
import { newestId, oldestId } from "../../store/conversation";
import type { AroundPage } from "../../types";

/** Older pages are larger than the first: scrolling up should rarely wait. */
export const OLDER_PAGE = 100;

/** A jump's page: enough around the message to fill the screen and scroll a little either way. */
export const AROUND_PAGE = 60;

let requests = 0;

function fetchAround(messageId: string, limit: number): Promise<AroundPage> {
  return request<AroundPage>(`/messages/around/${encodeURIComponent(messageId)}?limit=${limit}`).then((r) => r.data);
}

/**
 * Load a conversation's newest page. Every request has a number; the store keeps only the
 * answer to the latest one for that conversation, so a slow answer never overwrites a newer one,
 * and answers are filed under their own conversation, so they never show in another chat.
 */
export async function loadHistory(chatKey: string): Promise<void> {
  const groupId = groupIdOf(chatKey);
  // A group's page comes with the group: its members name the senders and tell who has seen.
  if (groupId !== null) void loadGroup(groupId);
  const request = ++requests;
  const store = useChatStore.getState();
  store.historyRequested(chatKey, request);
  try {
    const page = await fetchPage(chatKey);
    useChatStore.getState().historyLoaded(chatKey, request, page);
  } catch (error) {
    useChatStore.getState().historyFailed(chatKey, request, errorMessage(error));
  }
}

/**
 * A chat being opened: at its first unread message when the chats list said where that is and
 * the list kept from before does not hold it (store: chatOpened, then an empty list waiting),
 * else its newest page. The page around my read pointer takes the list's place; a pointer out of
 * reach (a group left and joined again) falls back to the newest page.
 */
export async function openHistory(chatKey: string): Promise<void> {
  const { unreadMark, jumpTarget, conversations, chats } = useChatStore.getState();
  const mark = unreadMark?.chatKey === chatKey && !unreadMark.placed ? unreadMark : null;
  const current = conversations[chatKey];
  const lastId = chats[chatKey]?.lastMessage?._id ?? null;
  if (mark === null || jumpTarget?.chatKey === chatKey || current === undefined || !needsUnreadPage(current, mark.afterId, lastId)) {
    return loadHistory(chatKey);
  }
  const groupId = groupIdOf(chatKey);
  if (groupId !== null) void loadGroup(groupId);
  const request = ++requests;
  useChatStore.getState().historyRequested(chatKey, request);
  try {
    const page = await fetchAround(mark.aroundId, AROUND_PAGE);
    // Written in meanwhile (the mark went with it): the newest page, where that message is.
    if (useChatStore.getState().unreadMark?.chatKey !== chatKey) await loadHistory(chatKey);
    else useChatStore.getState().aroundLoaded(chatKey, request, page);
  } catch {
    if (useChatStore.getState().conversations[chatKey]?.request === request) await loadHistory(chatKey);
  }
}

/** Back after a lost connection: the open group's members and roles may have changed meanwhile. */
export function refreshOpenGroup(): void {
  const { activeId } = useChatStore.getState();
  const groupId = activeId ? groupIdOf(activeId) : null;
  if (groupId !== null) void loadGroup(groupId);
}

async function loadGroup(groupId: string): Promise<void> {
  try {
    useChatStore.getState().groupLoaded(await fetchGroup(groupId));
  } catch {
    // The list's summary still names it; the next opening asks again.
  }
}

/**
 * Load the page before the oldest message shown (keyset paging by id). One at a time per
 * conversation; the store takes the answer only while that message is still the oldest.
 */
export async function loadOlder(chatKey: string): Promise<void> {
  const conversation = useChatStore.getState().conversations[chatKey];
  if (!conversation || conversation.status !== "ready" || !conversation.hasMore) return;
  if (conversation.olderStatus === "loading") return;
  const before = oldestId(conversation.messages);
  if (before === null) return;
  useChatStore.getState().olderRequested(chatKey);
  try {
    const page = await fetchPage(chatKey, { before, limit: OLDER_PAGE });
    useChatStore.getState().olderLoaded(chatKey, before, page);
  } catch (error) {
    useChatStore.getState().olderFailed(chatKey, errorMessage(error));
  }
}

/**
 * A jump to a message that is not loaded: the page around it replaces the list (numbered as
 * a history request, so the latest of the two wins). A message gone or out of reach ends the jump with a toast.
 */
export async function loadAround(chatKey: string, messageId: string): Promise<void> {
  const request = ++requests;
  useChatStore.getState().historyRequested(chatKey, request);
  try {
    const page = await fetchAround(messageId, AROUND_PAGE);
    useChatStore.getState().aroundLoaded(chatKey, request, page);
    if (!page.messages.some((m) => m._id === messageId)) useChatStore.getState().jumpDone();
  } catch (error) {
    useChatStore.getState().historyFailed(chatKey, request, errorMessage(error));
    useChatStore.getState().jumpDone();
    toast.error("That message cannot be shown: it may have been deleted.");
  }
}

/** The page after the newest message shown, in a list that stops short of the newest (after a jump). */
export async function loadNewer(chatKey: string): Promise<void> {
  const conversation = useChatStore.getState().conversations[chatKey];
  if (!conversation || !conversation.hasNewer || conversation.newerStatus === "loading") return;
  const after = newestId(conversation.messages);
  if (after === null) return;
  useChatStore.getState().newerRequested(chatKey);
  try {
    // Centred on the newest shown, twice a page: about a page of what comes after it.
    useChatStore.getState().newerLoaded(chatKey, after, await fetchAround(after, 2 * OLDER_PAGE));
  } catch (error) {
    useChatStore.getState().newerFailed(chatKey, errorMessage(error));
  }
}

/** Back to the newest page from a window that stops short of it (after a jump). */
export function loadLatest(chatKey: string): void {
  useChatStore.getState().windowLeft(chatKey);
  void loadHistory(chatKey);
}

/** Tell the server (and so my other tabs) that I have read up to a message. */
export function reportRead(chatKey: string, upToMessageId: string): void {
  useChatStore.getState().chatRead(chatKey, upToMessageId);
  const groupId = groupIdOf(chatKey);
  // Over the socket only once it is confirmed as the person shown. Otherwise by REST, whose
  // calls wait for that same answer after an offline start or a lost connection (api/http.ts)
  // and, unlike a read held on the socket, outlive a connection lost meanwhile.
  if (isConnected()) {
    emitMarkRead(targetOf(chatKey), upToMessageId, () => undefined);
  } else if (groupId !== null) {
    markGroupRead(groupId, upToMessageId).catch(() => undefined);
  } else {
    markRead(chatKey, upToMessageId).catch(() => undefined);
  }
}
