/**
 * My settings of a conversation: PUT /api/conversations/{key}/settings, where `key` is the other
 * person's id or the group's. The server keeps them for all my devices and tells my other tabs.
 */
import type { ConversationSettingsChanged } from "../types";
import { request } from "./http";

/** What to change: muted (true alone: until unmuted), muted for `mutedFor` seconds, pinned. */
export interface SettingsChange {
  muted?: boolean;
  mutedFor?: number;
  pinned?: boolean;
}

export async function saveConversationSettings(
  key: string,
  change: SettingsChange,
): Promise<ConversationSettingsChanged> {
  const path = `/conversations/${encodeURIComponent(key)}/settings`;
  return (await request<ConversationSettingsChanged>(path, { method: "PUT", body: change })).data;
}
