import toast from "react-hot-toast";
import { errorMessage } from "../../api/http";
import { fetchContacts, fetchConversations } from "../../api/messages";
import { everyone, groupIdOf, nameOf, useChatStore, type Received } from "../../store/chat";
import { firstName } from "../../lib/groupText";
import { useSettingsStore } from "../../store/settings";
import { notificationContent, shouldNotify, showNotification } from "../../lib/notifications";
import { markOnce } from "../../lib/perf";
import { playNotification } from "../../lib/sounds";
import { isBlocked } from "../../store/safety";
import { isMuted } from "./settings";

const store = () => useChatStore.getState();

export async function loadChats(): Promise<void> {
  store().chatsRequested();
  try {
    const conversations = await fetchConversations();
    markOnce("chats-fetched");
    store().conversationsLoaded(conversations);
  } catch (error) {
    store().chatsFailed();
    toast.error(errorMessage(error), { id: "chats-failed" });
  }
}

/** The first page of people whose name contains `query`; of everyone for "". */
export async function loadContacts(query = ""): Promise<void> {
  store().contactsRequested(query);
  try {
    const { people, next } = await fetchContacts({ q: query });
    store().contactsLoaded(people, { query, next });
  } catch (error) {
    store().contactsFailed(query);
    toast.error(errorMessage(error), { id: "contacts-failed" });
  }
}

/** That list was scrolled to its end: its next page, once. */
export async function loadMoreContacts(query: string): Promise<void> {
  const list = query === "" ? everyone(store()) : store().found;
  if (list?.query !== query || list.next === null || list.moreStatus === "loading") return;
  const cursor = list.next;
  store().moreContactsRequested(query);
  try {
    const { people, next } = await fetchContacts({ q: query, cursor });
    store().moreContactsLoaded(cursor, people, { query, next });
  } catch {
    store().moreContactsFailed(query);
  }
}

let refreshing: Promise<void> | null = null;
let refreshAgain = false;

/**
 * The chats and contacts lists again, once at a time; asked meanwhile, once more after: the
 * answer in flight may predate who asked (a stranger's message committed after it was read).
 */
function refreshLists(): void {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = Promise.all([refreshChats(), loadContactsQuietly()]).then(() => {
    refreshing = null;
    if (refreshAgain) {
      refreshAgain = false;
      refreshLists();
    }
  });
}

/** Someone new came online: list them under Contacts. */
export function noticeStranger(): void {
  refreshLists();
}

/**
 * After messages arrived: a sound (and, in a hidden tab, a notification) for what nobody is
 * looking at, except in muted conversations unless it mentions me; and names for new people.
 */
export function noticeArrivals(received: Received[]): void {
  const fresh = received.filter((r) => r.isNew && r.incoming);
  if (fresh.length === 0) return;
  const alerting = fresh.filter((r) =>
    shouldNotify({ unnoticed: r.unnoticed, muted: isMuted(r.chatKey), mentioned: r.mentioned, fromBlocked: isBlocked(r.senderId) }),
  );
  if (alerting.length > 0 && useSettingsStore.getState().soundEnabled) playNotification();
  if (useSettingsStore.getState().notifyEnabled && globalThis.document?.visibilityState === "hidden") {
    notifyHidden(alerting);
  }
  const { people, groups } = store();
  const unknown = (r: Received) => (r.groupId ? !groups[r.groupId] : !people[r.chatKey]);
  // Someone who joined after our lists loaded, or a group I was put in: the list knows them now.
  if (fresh.some(unknown)) refreshLists();
}

/** The tab is hidden: one browser notification per conversation that got messages. */
function notifyHidden(unnoticed: Received[]): void {
  const keys = new Set(unnoticed.map((r) => r.chatKey));
  const state = store();
  const { chats, people, groups } = state;
  for (const chatKey of keys) {
    const last = chats[chatKey]?.lastMessage;
    const groupId = groupIdOf(chatKey);
    // In a group the title is the group, and the body says who wrote.
    const title = groupId ? (groups[groupId]?.name ?? "New message") : (people[chatKey]?.fullName ?? "New message");
    const sender = groupId && last ? `${firstName(nameOf(state, last.senderId, groupId))}: ` : "";
    const content = notificationContent(
      title,
      chatKey,
      last?.text ? `${sender}${last.text}` : null,
      last?.hasImage ?? false,
      chats[chatKey]?.unreadCount ?? 1,
    );
    showNotification(content, () => store().chatOpened(chatKey));
  }
}

/**
 * The lists that could not load (the page opened offline, or the server was away), again: the
 * session is confirmed and the connection up. Nothing for a list that is loaded or loading.
 */
export function loadWhatFailed(): void {
  const s = store();
  if (s.chatsStatus === "error") void loadChats();
  if (s.contactsStatus === "error") void loadContacts();
}

/** The list again, quietly: someone new wrote, or groups changed while we were disconnected. */
export async function refreshChats(): Promise<void> {
  try {
    store().conversationsLoaded(await fetchConversations());
  } catch {
    // The list stays as it is; the next arrival tries again.
  }
}

async function loadContactsQuietly(): Promise<void> {
  try {
    const { people, next } = await fetchContacts();
    store().contactsLoaded(people, { query: "", next });
  } catch {
    // As above.
  }
}
