/**
 * Conversation keys: how the store files a conversation, its chats-list entry, unread count and
 * outbox. A direct chat's key is the other person's id, as it always was (so nothing keyed by a
 * person changed); a group's is "g:" and the group's id, which no user id can be.
 */

const GROUP_PREFIX = "g:";

export function groupKey(groupId: string): string {
  return `${GROUP_PREFIX}${groupId}`;
}

/** The group's id when the key names a group, else null (a direct chat). */
export function groupIdOf(chatKey: string): string | null {
  return chatKey.startsWith(GROUP_PREFIX) ? chatKey.slice(GROUP_PREFIX.length) : null;
}

export function isGroupKey(chatKey: string): boolean {
  return chatKey.startsWith(GROUP_PREFIX);
}

/** Whom a message goes to, as the server names it: a person or a group. */
export type ChatTarget = { receiverId: string } | { groupId: string };

export function targetOf(chatKey: string): ChatTarget {
  const groupId = groupIdOf(chatKey);
  return groupId === null ? { receiverId: chatKey } : { groupId };
}

/** The conversation a message (stored or being written) belongs to, seen from me. */
export function chatKeyOf(
  message: { senderId: string; receiverId: string | null; groupId?: string | null },
  meId: string | null,
): string {
  if (message.groupId) return groupKey(message.groupId);
  return message.senderId === meId ? (message.receiverId ?? "") : message.senderId;
}
