import toast from "react-hot-toast";
import { errorMessage } from "../../api/http";
import { fetchChats, fetchContacts } from "../../api/messages";
import { useChatStore, type Received } from "../../store/chat";
import { useSettingsStore } from "../../store/settings";
import { notificationContent, showNotification } from "../../lib/notifications";
import { markOnce } from "../../lib/perf";
import { playNotification } from "../../lib/sounds";

const store = () => useChatStore.getState();

export async function loadChats(): Promise<void> {
  store().chatsRequested();
  try {
    const chats = await fetchChats();
    markOnce("chats-fetched");
    store().chatsLoaded(chats);
  } catch (error) {
    store().chatsFailed();
    toast.error(errorMessage(error), { id: "chats-failed" });
  }
}

export async function loadContacts(): Promise<void> {
  store().contactsRequested();
  try {
    store().contactsLoaded(await fetchContacts());
  } catch (error) {
    store().contactsFailed();
    toast.error(errorMessage(error), { id: "contacts-failed" });
  }
}

let refreshing: Promise<void> | null = null;

/** Someone new came online: list them under Contacts. */
export function noticeStranger(): void {
  if (!refreshing) {
    refreshing = loadContactsQuietly().then(() => {
      refreshing = null;
    });
  }
}

/** After messages arrived: a sound for what nobody is looking at, and names for new people. */
export function noticeArrivals(received: Received[]): void {
  const fresh = received.filter((r) => r.isNew && r.incoming);
  if (fresh.length === 0) return;
  if (fresh.some((r) => r.unnoticed) && useSettingsStore.getState().soundEnabled) playNotification();
  if (useSettingsStore.getState().notifyEnabled && globalThis.document?.visibilityState === "hidden") {
    notifyHidden(fresh.filter((r) => r.unnoticed));
  }
  const { people } = store();
  if (fresh.some((r) => !people[r.partnerId]) && !refreshing) {
    // Someone who joined after our lists loaded: the chats list knows them now.
    refreshing = Promise.all([refreshChats(), loadContactsQuietly()]).then(() => {
      refreshing = null;
    });
  }
}

/** The tab is hidden: one browser notification per conversation that got messages. */
function notifyHidden(unnoticed: Received[]): void {
  const partners = new Set(unnoticed.map((r) => r.partnerId));
  const { chats, people } = store();
  for (const partnerId of partners) {
    const last = chats[partnerId]?.lastMessage;
    const content = notificationContent(
      people[partnerId]?.fullName ?? "New message",
      partnerId,
      last?.text ?? null,
      last?.hasImage ?? false,
      chats[partnerId]?.unreadCount ?? 1,
    );
    showNotification(content, () => store().chatOpened(partnerId));
  }
}

async function refreshChats(): Promise<void> {
  try {
    store().chatsLoaded(await fetchChats());
  } catch {
    // The list stays as it is; the next arrival tries again.
  }
}

async function loadContactsQuietly(): Promise<void> {
  try {
    store().contactsLoaded(await fetchContacts());
  } catch {
    // As above.
  }
}
