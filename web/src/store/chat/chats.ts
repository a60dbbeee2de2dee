/**
 * The chats list: one entry per conversation (a person or a group, by key: keys.ts) with the
 * last message, the unread count and my settings of it (muted, pinned), newest activity first
 * (listOrder puts the pinned on top). The server's snapshot loads it; live messages keep it current.
 */
import { compareIds, maxId } from "../../lib/ids";
import type { ChatSummary, ConversationSettings, ConversationSummary, LastMessage, Message } from "../../types";
import { emptyConversation, laterRead } from "./conversations";
import { groupKey } from "./keys";
import type { ChatData, ChatSlice, LoadStatus } from "./state";

export interface ChatEntry {
  chatKey: string;
  lastMessage: LastMessage | null;
  unreadCount: number;
  /** Of the unread, the messages that mention me (a group's): the server's, then kept live. */
  mentionCount: number;
  /** The unread messages counted live here, and those of them that mention me (a snapshot's are not known by id). */
  unreadIds?: string[];
  unreadMentionIds?: string[];
  /** The last message I have read ("0": none; null: the server did not say): the unread start after it. */
  readUpTo?: string | null;
  /** No sound, no notification, a grey badge, not in the title's count. */
  muted: boolean;
  /** When a mute for a while ends (absent or null: no end). */
  mutedUntil?: string | null;
  /** When I pinned it; null: not pinned. */
  pinnedAt: string | null;
}

/** Mine, on every device: what a conversation's settings are now. */
export interface EntrySettings {
  muted: boolean;
  mutedUntil: string | null;
  pinnedAt: string | null;
}

/** A conversation's settings as the server gives them (a server without some: not set). */
export function settingsOf(view: ConversationSettings): EntrySettings {
  return { muted: view.muted ?? false, mutedUntil: view.mutedUntil ?? null, pinnedAt: view.pinnedAt ?? null };
}

/** Whether a mute is on at `now` (ms): a mute for a while ends by itself. */
export function mutedAt(entry: Pick<ChatEntry, "muted" | "mutedUntil">, now: number): boolean {
  return entry.muted && (entry.mutedUntil == null || Date.parse(entry.mutedUntil) > now);
}

/** The earliest end of a mute for a while in the list (null: none). */
export function nextMuteEnd(chats: Record<string, ChatEntry>): string | null {
  let next: string | null = null;
  for (const entry of Object.values(chats)) {
    const end = entry.muted ? entry.mutedUntil : null;
    if (end != null && (next === null || Date.parse(end) < Date.parse(next))) next = end;
  }
  return next;
}

export interface ChatsData {
  /** Conversation keys, newest activity first. */
  chatOrder: string[];
  chats: Record<string, ChatEntry>;
  chatsStatus: LoadStatus;
}

export interface ChatsActions {
  chatsRequested: () => void;
  /** GET /api/messages/chats: direct chats only (a server without groups). */
  chatsLoaded: (chats: ChatSummary[]) => void;
  /** GET /api/conversations: direct chats and groups. */
  conversationsLoaded: (conversations: ConversationSummary[]) => void;
  chatsFailed: () => void;
  /** Muted or pinned: asked here (at once, undone when refused) or heard from another tab. */
  chatSettingsChanged: (chatKey: string, settings: EntrySettings) => void;
  /** Mutes for a while whose end is past at `now` (ms) are off. */
  mutesEnded: (now: number) => void;
}

export function initialChats(): ChatsData {
  return { chatOrder: [], chats: {}, chatsStatus: "idle" };
}

export function chatEntry(s: ChatsData, chatKey: string): ChatEntry {
  return s.chats[chatKey] ?? { chatKey, lastMessage: null, unreadCount: 0, mentionCount: 0, muted: false, pinnedAt: null };
}

/**
 * The list as shown: the pinned on top, the latest pin first (as Telegram and WhatsApp do, and
 * the same on every device: the server keeps the time of each pin), then the rest in
 * `chatOrder` (newest activity first).
 */
export function listOrder(chatOrder: string[], chats: Record<string, ChatEntry>): string[] {
  const pinnedAt = (key: string) => chats[key]?.pinnedAt ?? null;
  const pinned = chatOrder.filter((key) => pinnedAt(key) !== null);
  pinned.sort((a, b) => (pinnedAt(b) as string).localeCompare(pinnedAt(a) as string));
  return [...pinned, ...chatOrder.filter((key) => pinnedAt(key) === null)];
}

export function preview(message: Message): LastMessage {
  return {
    _id: message._id,
    text: message.deletedAt ? null : message.text,
    hasImage: Boolean(message.image) && !message.deletedAt,
    senderId: message.senderId,
    createdAt: message.createdAt,
    deleted: message.deletedAt !== null,
    kind: message.kind === "system" ? "system" : "text",
    system: message.kind === "system" ? (message.system ?? null) : null,
  };
}

export function toFront(order: string[], id: string): string[] {
  return [id, ...order.filter((x) => x !== id)];
}

/** My read pointer moved forward to `upToId` (never back). */
export function laterPointer(current: string | null | undefined, upToId: string): string {
  return current === null || current === undefined ? upToId : maxId(current, upToId);
}

/**
 * An entry after I sent a message in it (here or on another device): as on the server, sending
 * means having read everything before it, so only what others sent after it stays unread.
 */
function sentThrough(entry: ChatEntry, messageId: string): ChatEntry {
  const after = (ids: string[] | undefined) => (ids ?? []).filter((id) => compareIds(id, messageId) > 0);
  const unreadIds = after(entry.unreadIds);
  const unreadMentionIds = after(entry.unreadMentionIds);
  return {
    ...entry,
    readUpTo: laterPointer(entry.readUpTo, messageId),
    unreadCount: unreadIds.length,
    mentionCount: unreadMentionIds.length,
    unreadIds,
    unreadMentionIds,
  };
}

/**
 * The list after a stored message in this conversation: its preview when it is the newest, one
 * more unread when nobody saw it come (and one more mention when it mentions me), nothing unread
 * before it when it is mine, and the chat on top when it is new.
 */
export function listed(
  s: ChatsData,
  chatKey: string,
  message: Message,
  isNew: boolean,
  unnoticed: boolean,
  mentioned = false,
  mine = false,
): Pick<ChatsData, "chats" | "chatOrder"> {
  const entry = chatEntry(s, chatKey);
  const newer = entry.lastMessage === null || compareIds(message._id, entry.lastMessage._id) >= 0;
  const counted: ChatEntry = {
    ...entry,
    lastMessage: newer ? preview(message) : entry.lastMessage,
    unreadCount: entry.unreadCount + (unnoticed ? 1 : 0),
    mentionCount: entry.mentionCount + (unnoticed && mentioned ? 1 : 0),
    ...(unnoticed ? { unreadIds: [...(entry.unreadIds ?? []), message._id] } : {}),
    ...(unnoticed && mentioned ? { unreadMentionIds: [...(entry.unreadMentionIds ?? []), message._id] } : {}),
  };
  // Mine and the newest (a repeat of an older one says nothing new about what I have read).
  const nextEntry = mine && newer && message.kind !== "system" ? sentThrough(counted, message._id) : counted;
  return {
    chats: { ...s.chats, [chatKey]: nextEntry },
    chatOrder: (isNew && newer) || !s.chatOrder.includes(chatKey) ? toFront(s.chatOrder, chatKey) : s.chatOrder,
  };
}

/**
 * The list after a message was deleted: an unread one counts no more, as a mention neither, as
 * the server's counts drop. Unread: counted live here, or the chat's newest while it has unread
 * messages (a snapshot's unread are its newest). `mentionedMe`: the copy shown here named me
 * (a deleted message's view names nobody).
 */
export function unlisted(
  s: ChatsData,
  chatKey: string,
  message: Message,
  meId: string | null,
  mentionedMe: boolean,
): Pick<ChatsData, "chats"> | null {
  const entry = s.chats[chatKey];
  if (!entry || entry.unreadCount === 0 || message.senderId === meId || message.kind === "system") return null;
  const ids = entry.unreadIds ?? [];
  const mentions = entry.unreadMentionIds ?? [];
  const last = entry.lastMessage;
  const newest = last !== null && last._id === message._id && !last.deleted && ids.length < entry.unreadCount;
  if (!ids.includes(message._id) && !newest) return null;
  const mentioned = mentions.includes(message._id) || (newest && mentionedMe && mentions.length < entry.mentionCount);
  const next: ChatEntry = {
    ...entry,
    // The preview says so too, even with the conversation not loaded: a repeat counts nothing.
    lastMessage: last?._id === message._id ? preview(message) : last,
    unreadCount: entry.unreadCount - 1,
    // Mentions are unread messages too: never more of them than are left (the deleted one may
    // have named me though no copy here says so).
    mentionCount: Math.min(entry.unreadCount - 1, Math.max(0, entry.mentionCount - (mentioned ? 1 : 0))),
    unreadIds: ids.filter((id) => id !== message._id),
    unreadMentionIds: mentions.filter((id) => id !== message._id),
  };
  return { chats: { ...s.chats, [chatKey]: next } };
}

/** The list from a server snapshot: direct chats and groups, newest activity first. */
function listLoaded(s: ChatData, summaries: ConversationSummary[]): Partial<ChatData> {
  const people = { ...s.people };
  const chats: Record<string, ChatEntry> = { ...s.chats };
  let groups = s.groups;
  let conversations = s.conversations;
  let cursor = s.syncCursor;
  for (const summary of summaries) {
    let key: string;
    if (summary.type === "group") {
      const { _id, name, avatar, memberCount, myRole } = summary;
      key = groupKey(_id);
      const known = groups[_id];
      groups = {
        ...groups,
        [_id]: {
          _id,
          name,
          avatar,
          memberCount,
          members: known?.members ?? null,
          myRole: myRole === "left" ? null : myRole === undefined ? (known?.myRole ?? "member") : myRole,
          createdBy: known?.createdBy ?? null,
        },
      };
    } else {
      const { _id, fullName, profilePic, lastSeen } = summary;
      key = _id;
      people[key] = { _id, fullName, profilePic, lastSeen };
      const current = conversations[key] ?? emptyConversation;
      const readUpTo = laterRead(current.partnerReadUpTo, summary.partnerReadUpTo);
      if (readUpTo !== current.partnerReadUpTo) {
        conversations = { ...conversations, [key]: { ...current, partnerReadUpTo: readUpTo } };
      }
    }
    const { lastMessage, unreadCount } = summary;
    const readUpTo = summary.readUpTo ?? null;
    const mentionCount = summary.type === "group" ? (summary.mentionCount ?? 0) : 0;
    const settings = settingsOf(summary);
    const live = s.chats[key];
    // A live message newer than this snapshot keeps the live entry.
    const liveIsNewer =
      live?.lastMessage != null && (lastMessage === null || compareIds(live.lastMessage._id, lastMessage._id) > 0);
    chats[key] = liveIsNewer
      ? {
          ...live,
          unreadCount: Math.max(live.unreadCount, unreadCount),
          mentionCount: Math.max(live.mentionCount, mentionCount),
          readUpTo: readUpTo === null ? (live.readUpTo ?? null) : laterPointer(live.readUpTo, readUpTo),
          ...settings,
        }
      : { chatKey: key, lastMessage, unreadCount, mentionCount, readUpTo, ...settings };
    // The first list starts the cursor; later ones leave it to the catch-ups (a refresh can
    // list a message newer than one still lost on the way: see messagesSynced).
    if (lastMessage && s.syncCursor === null) cursor = cursor === null ? lastMessage._id : maxId(cursor, lastMessage._id);
  }
  // Chats with only unsent messages (nothing stored yet) stay on top; a group with no message
  // yet that was not listed before goes last.
  const unsentOnly = s.chatOrder.filter((id) => chats[id]?.lastMessage === null);
  const stored = Object.values(chats)
    .filter((c) => c.lastMessage !== null)
    .sort((a, b) => compareIds(b.lastMessage?._id ?? "0", a.lastMessage?._id ?? "0"))
    .map((c) => c.chatKey);
  const quiet = Object.values(chats)
    .filter((c) => c.lastMessage === null && !unsentOnly.includes(c.chatKey))
    .map((c) => c.chatKey);
  return {
    people,
    chats,
    groups,
    conversations,
    chatOrder: [...unsentOnly, ...stored, ...quiet],
    chatsStatus: "ready",
    syncCursor: cursor ?? "0",
  };
}

export const createChatsSlice: ChatSlice<ChatsData & ChatsActions> = (set) => ({
  ...initialChats(),

  chatsRequested: () => set({ chatsStatus: "loading" }),
  chatsLoaded: (summaries) => set((s) => listLoaded(s, summaries.map((c) => ({ ...c, type: "direct" as const })))),
  conversationsLoaded: (summaries) => set((s) => listLoaded(s, summaries)),
  chatsFailed: () => set({ chatsStatus: "error" }),
  chatSettingsChanged: (chatKey, settings) =>
    set((s) => {
      // Settings of a chat the list does not hold yet come with its entry when it loads.
      const entry = s.chats[chatKey];
      return entry ? { chats: { ...s.chats, [chatKey]: { ...entry, ...settings } } } : {};
    }),
  mutesEnded: (now) =>
    set((s) => {
      const ended = Object.values(s.chats).filter((entry) => entry.muted && !mutedAt(entry, now));
      if (ended.length === 0) return {};
      const chats = { ...s.chats };
      for (const entry of ended) chats[entry.chatKey] = { ...entry, muted: false, mutedUntil: null };
      return { chats };
    }),
});
