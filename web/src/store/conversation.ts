/**
 * Pure functions over one conversation's message list: the rules of reconciliation.
 *
 * A list holds stored messages (with an `_id`) in id order, then unsent ones (pending or
 * failed) in the order they were written. An unsent message is matched to its stored copy by
 * `clientId` — whichever of the ack, the `newMessage` echo, a sync or a history page brings it
 * first — and a stored message is matched by `_id`, so nothing ever shows twice.
 */
import { compareIds } from "../lib/ids";
import type { Message, MessageKind, Quote, SystemEvent } from "../types";
import type { Reaction } from "../types/reactions";

export type Delivery = "pending" | "sent" | "failed";

/** A quote holds the first this many characters of the message it quotes, as the server's does. */
export const QUOTE_CHARS = 200;

export interface ChatMessage {
  /** Stable React key: the clientId when we wrote it here, else the server id. */
  key: string;
  _id: string | null;
  clientId: string | null;
  senderId: string;
  /** A direct message's receiver; null in a group. */
  receiverId: string | null;
  groupId: string | null;
  kind: MessageKind;
  /** What a system message records; null for a person's message. */
  system: SystemEvent | null;
  text: string | null;
  image: string | null;
  /** The picture's size, when known: the bubble keeps its place before it loads. */
  imageWidth?: number | undefined;
  imageHeight?: number | undefined;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  /** The message this one answers. */
  replyTo: Quote | null;
  /** As the message's view carried them when loaded (live changes: store/reactions.ts). */
  reactions?: Reaction[] | undefined;
  /** Sent on from another message (the bubble says "Forwarded"). */
  forwarded?: boolean;
  /** A group message's: whom it mentions (sent as `mentions`; the bubble marks mine). */
  mentions?: string[];
  delivery: Delivery;
  /** Why the last attempt failed, for the failed bubble. */
  error: string | null;
  /** A failure that a new attempt may cure (timeout, network); retried after reconnect. */
  retryable: boolean;
}

export interface Draft {
  clientId: string;
  senderId: string;
  /** One of the two: a person, or a group. */
  receiverId: string | null;
  groupId?: string | null;
  text: string | null;
  image: string | null;
  /** Its picture's natural size, known from decoding it here. */
  imageWidth?: number;
  imageHeight?: number;
  createdAt: string;
  /** The message it answers, drawn as a quote while it is on its way (sent as replyToId). */
  replyTo?: Quote | null;
  /** The members its text mentions, by id (groups). */
  mentions?: string[];
}

export function fromStored(message: Message, key?: string): ChatMessage {
  return {
    key: key ?? message.clientId ?? `id:${message._id}`,
    _id: message._id,
    clientId: message.clientId,
    senderId: message.senderId,
    receiverId: message.receiverId,
    groupId: message.groupId ?? null,
    kind: message.kind === "system" ? "system" : "text",
    system: message.kind === "system" ? (message.system ?? null) : null,
    text: message.text,
    image: message.image,
    imageWidth: message.imageWidth,
    imageHeight: message.imageHeight,
    createdAt: message.createdAt,
    editedAt: message.editedAt,
    deletedAt: message.deletedAt,
    replyTo: message.replyTo ?? null,
    reactions: message.reactions,
    forwarded: message.forwarded ?? false,
    mentions: message.mentions ?? [],
    delivery: "sent",
    error: null,
    retryable: false,
  };
}

export function fromDraft(draft: Draft): ChatMessage {
  return {
    key: draft.clientId,
    _id: null,
    clientId: draft.clientId,
    senderId: draft.senderId,
    receiverId: draft.receiverId,
    groupId: draft.groupId ?? null,
    kind: "text",
    system: null,
    text: draft.text,
    image: draft.image,
    imageWidth: draft.imageWidth,
    imageHeight: draft.imageHeight,
    createdAt: draft.createdAt,
    editedAt: null,
    deletedAt: null,
    replyTo: draft.replyTo ?? null,
    mentions: draft.mentions ?? [],
    delivery: "pending",
    error: null,
    retryable: false,
  };
}

/** Stored messages by id, then unsent ones in their own order (Array.sort is stable). */
function byPosition(a: ChatMessage, b: ChatMessage): number {
  if (a._id !== null && b._id !== null) return compareIds(a._id, b._id);
  if (a._id !== null) return -1;
  if (b._id !== null) return 1;
  return 0;
}

export function sorted(messages: ChatMessage[]): ChatMessage[] {
  return [...messages].sort(byPosition);
}

function sameSend(entry: ChatMessage, message: Message): boolean {
  return (
    message.clientId !== null && entry.clientId === message.clientId && entry.senderId === message.senderId
  );
}

export interface Merge {
  messages: ChatMessage[];
  /** True when the message was not in the list in any form before. */
  isNew: boolean;
}

/**
 * Put a stored message into the list: replaces the same id (an edit or a repeat), or the
 * unsent message with the same clientId (the reconciliation), or is inserted by id.
 *
 * The list is searched from its end, where new messages land, so a live message costs a few
 * steps however long the conversation is.
 */
export function mergeStored(messages: ChatMessage[], message: Message): Merge {
  let sendAt = -1;
  let insertAt = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as ChatMessage;
    if (m._id === null) {
      // Unsent messages all sit after the stored ones.
      if (sendAt < 0 && sameSend(m, message)) sendAt = i;
      continue;
    }
    const order = compareIds(m._id, message._id);
    if (order === 0) {
      const next = [...messages];
      next[i] = fromStored(message, m.key);
      return { messages: next, isNew: false };
    }
    if (order < 0) {
      insertAt = i + 1;
      break;
    }
  }
  const next = [...messages];
  if (sendAt >= 0) {
    // It leaves the unsent tail for its place among the stored (insertAt <= sendAt).
    const [existing] = next.splice(sendAt, 1);
    next.splice(insertAt, 0, fromStored(message, (existing as ChatMessage).key));
    return { messages: next, isNew: false };
  }
  next.splice(insertAt, 0, fromStored(message));
  return { messages: next, isNew: true };
}

/**
 * Merge many stored messages (a history page or a sync batch) with the same rules as
 * mergeStored, in one pass and one sort: a page of older messages joins a list of thousands
 * without a sort per message.
 */
export function mergeAll(messages: ChatMessage[], incoming: Message[]): ChatMessage[] {
  if (incoming.length === 0) return messages;
  if (incoming.length === 1) return mergeStored(messages, incoming[0] as Message).messages;
  const next = [...messages];
  const byId = new Map<string, number>();
  const bySend = new Map<string, number>();
  next.forEach((m, i) => {
    if (m._id !== null) byId.set(m._id, i);
    else if (m.clientId !== null) bySend.set(`${m.senderId}:${m.clientId}`, i);
  });
  for (const message of incoming) {
    const sameId = byId.get(message._id);
    if (sameId !== undefined) {
      next[sameId] = fromStored(message, (next[sameId] as ChatMessage).key);
      continue;
    }
    const sendKey = message.clientId !== null ? `${message.senderId}:${message.clientId}` : null;
    const sameSendAt = sendKey !== null ? bySend.get(sendKey) : undefined;
    if (sendKey !== null && sameSendAt !== undefined) {
      next[sameSendAt] = fromStored(message, (next[sameSendAt] as ChatMessage).key);
      bySend.delete(sendKey);
      byId.set(message._id, sameSendAt);
      continue;
    }
    byId.set(message._id, next.length);
    next.push(fromStored(message));
  }
  return sorted(next);
}

/**
 * An edit or a deletion of a message shows in the quotes of the replies to it (the server sends
 * the message itself only). The same list when no reply quotes it.
 */
export function requoted(messages: ChatMessage[], changed: Message): ChatMessage[] {
  if (!messages.some((m) => m.replyTo?._id === changed._id)) return messages;
  const deleted = changed.deletedAt !== null;
  return messages.map((m) =>
    m.replyTo?._id === changed._id
      ? {
          ...m,
          replyTo: {
            ...m.replyTo,
            text: deleted ? null : (changed.text?.slice(0, QUOTE_CHARS) ?? null),
            image: deleted ? null : m.replyTo.image,
            deleted,
          },
        }
      : m,
  );
}

/** The oldest stored message id in a list, or null. */
export function oldestId(messages: ChatMessage[]): string | null {
  for (const m of messages) if (m._id) return m._id;
  return null;
}

export function updateUnsent(
  messages: ChatMessage[],
  clientId: string,
  change: (m: ChatMessage) => ChatMessage | null,
): ChatMessage[] {
  const index = messages.findIndex((m) => m._id === null && m.clientId === clientId);
  if (index < 0) return messages;
  const changed = change(messages[index] as ChatMessage);
  const next = [...messages];
  if (changed === null) next.splice(index, 1);
  else next[index] = changed;
  return next;
}

/** The newest stored message id in a list, or null. */
export function newestId(messages: ChatMessage[]): string | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const id = messages[i]?._id;
    if (id) return id;
  }
  return null;
}

/** A message that counts as unread for me once it is past my read pointer: someone else's, stored, not a record of a change to a group, not deleted. */
function countsUnread(m: ChatMessage, meId: string | null): boolean {
  return m._id !== null && m.senderId !== meId && m.kind !== "system" && m.deletedAt === null;
}

/**
 * Where my unread messages start in a list: the index of the first message after `afterId`
 * (my read pointer, "0": nothing read) that counts as unread, or -1 when there is none or the
 * list cannot tell (it does not reach back to the pointer: an older one may come first).
 */
export function firstUnreadIndex(messages: ChatMessage[], afterId: string, meId: string | null, hasMore: boolean): number {
  const reachesPointer = !hasMore || messages.some((m) => m._id !== null && compareIds(m._id, afterId) <= 0);
  if (!reachesPointer) return -1;
  return messages.findIndex((m) => countsUnread(m, meId) && compareIds(m._id as string, afterId) > 0);
}

/**
 * How many of a list's messages after `afterId` (up to `upToId`, when given) count as unread,
 * and how many of those mention me; null when the list does not reach back to `afterId` (it
 * cannot tell). Whether it reaches forward to `upToId`, or to the newest message, is the caller's.
 */
export function unreadIn(
  messages: ChatMessage[],
  afterId: string,
  upToId: string | null,
  meId: string | null,
): { count: number; mentions: number } | null {
  const oldest = oldestId(messages);
  if (oldest === null || compareIds(oldest, afterId) > 0) return null;
  let count = 0;
  let mentions = 0;
  for (const m of messages) {
    if (!countsUnread(m, meId) || compareIds(m._id as string, afterId) <= 0) continue;
    if (upToId !== null && compareIds(m._id as string, upToId) > 0) break;
    count += 1;
    if (meId !== null && m.mentions?.includes(meId)) mentions += 1;
  }
  return { count, mentions };
}
