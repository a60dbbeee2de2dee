/**
 * Mute and pin, mine on every device: changed here at once (the list moves, the icons show),
 * saved on the server, undone with the server's reason when it refuses (a sixth pin, a chat that
 * is gone). My other tabs hear `conversationSettings` (realtime/socket.ts).
 */
import { Bell, BellOff, Pin, PinOff } from "lucide-react";
import toast from "react-hot-toast";
import { ApiError, errorMessage } from "../../api/http";
import { saveConversationSettings } from "../../api/conversationSettings";
import type { MenuEntry } from "../../components/ui/Menu";
import { type EntrySettings, groupIdOf, isGroupKey, useChatStore } from "../../store/chat";

const store = () => useChatStore.getState();

/** The server names a direct chat by the other person's id, a group by its own. */
const serverKey = (chatKey: string) => groupIdOf(chatKey) ?? chatKey;

export async function changeSettings(chatKey: string, change: { muted?: boolean; pinned?: boolean }): Promise<void> {
  const before = store().chats[chatKey];
  if (!before) return;
  const pinnedAt = (pinned: boolean | undefined, was: string | null) =>
    pinned === undefined ? was : pinned ? (was ?? new Date().toISOString()) : null;
  store().chatSettingsChanged(chatKey, {
    muted: change.muted ?? before.muted,
    pinnedAt: pinnedAt(change.pinned, before.pinnedAt),
  });
  try {
    const saved = await saveConversationSettings(serverKey(chatKey), change);
    store().chatSettingsChanged(chatKey, { muted: saved.muted, pinnedAt: saved.pinnedAt });
  } catch (error) {
    // Only what this change touched goes back: another change may have followed it meanwhile.
    const now = store().chats[chatKey];
    if (now) {
      const undone: EntrySettings = {
        muted: change.muted === undefined ? now.muted : before.muted,
        pinnedAt: change.pinned === undefined ? now.pinnedAt : before.pinnedAt,
      };
      store().chatSettingsChanged(chatKey, undone);
    }
    toast.error(refusal(error), { id: "settings-failed" });
  }
}

function refusal(error: unknown): string {
  if (error instanceof ApiError && error.code === "too_many_pinned") {
    return `${error.message} Unpin one to pin this chat.`;
  }
  return errorMessage(error);
}

/**
 * Pin / Unpin and Mute / Unmute for a conversation's menus (its entry in the list and its
 * header). None for a chat the server does not have yet (nothing sent in it).
 */
export function settingsEntries(chatKey: string): MenuEntry[] {
  const entry = store().chats[chatKey];
  if (!entry || (!isGroupKey(chatKey) && entry.lastMessage === null)) return [];
  const pinned = entry.pinnedAt !== null;
  return [
    pinned
      ? { label: "Unpin", icon: PinOff, onSelect: () => void changeSettings(chatKey, { pinned: false }) }
      : { label: "Pin", icon: Pin, onSelect: () => void changeSettings(chatKey, { pinned: true }) },
    entry.muted
      ? { label: "Unmute", icon: Bell, onSelect: () => void changeSettings(chatKey, { muted: false }) }
      : { label: "Mute", icon: BellOff, onSelect: () => void changeSettings(chatKey, { muted: true }) },
  ];
}

/** Whether what arrives in this conversation may make a sound or a notification. */
export function isMuted(chatKey: string): boolean {
  return store().chats[chatKey]?.muted ?? false;
}
