/**
 * Mute (until unmuted, or for a while) and pin, mine on every device: changed here at once (the list moves, the icons show),
 * saved on the server, undone with the server's reason when it refuses (a sixth pin, a chat that
 * is gone). My other tabs hear `conversationSettings` (realtime/socket.ts).
 */
import { Bell, BellOff, Pin, PinOff } from "lucide-react";
import toast from "react-hot-toast";
import { ApiError, errorMessage } from "../../api/http";
import { type SettingsChange, saveConversationSettings } from "../../api/conversationSettings";
import type { MenuEntry } from "../../components/ui/Menu";
import { type EntrySettings, groupIdOf, isGroupKey, mutedAt, settingsOf, useChatStore } from "../../store/chat";
import { askMute } from "./muteQuestion";

const store = () => useChatStore.getState();

/** The server names a direct chat by the other person's id, a group by its own. */
const serverKey = (chatKey: string) => groupIdOf(chatKey) ?? chatKey;

export async function changeSettings(chatKey: string, change: SettingsChange): Promise<void> {
  const before = store().chats[chatKey];
  if (!before) return;
  const muting = change.mutedFor !== undefined || change.muted !== undefined;
  const pinning = change.pinned !== undefined;
  /** `to`'s settings where this change touched them, the chat's as they are now elsewhere
   * (another change may have followed this one meanwhile). */
  const touched = (to: EntrySettings) => {
    const now = store().chats[chatKey];
    if (!now) return;
    store().chatSettingsChanged(chatKey, {
      muted: muting ? to.muted : now.muted,
      mutedUntil: muting ? to.mutedUntil : (now.mutedUntil ?? null),
      pinnedAt: pinning ? to.pinnedAt : now.pinnedAt,
    });
  };
  touched({
    muted: change.mutedFor !== undefined || (change.muted ?? before.muted),
    mutedUntil: change.mutedFor !== undefined ? new Date(Date.now() + change.mutedFor * 1000).toISOString() : null,
    pinnedAt: change.pinned ? (before.pinnedAt ?? new Date().toISOString()) : null,
  });
  try {
    touched(settingsOf(await saveConversationSettings(serverKey(chatKey), change)));
  } catch (error) {
    touched({ muted: before.muted, mutedUntil: before.mutedUntil ?? null, pinnedAt: before.pinnedAt });
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
      : { label: "Mute…", icon: BellOff, onSelect: () => askMute(chatKey) },
  ];
}

/** Whether what arrives in this conversation may make a sound or a notification. */
export function isMuted(chatKey: string): boolean {
  const entry = store().chats[chatKey];
  return entry !== undefined && mutedAt(entry, Date.now());
}
