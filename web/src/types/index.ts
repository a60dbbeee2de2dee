/** Shapes on the wire, as the server's README and schemas name them. */
import type { Reaction } from "./reactions";

/** The signed-in user (GET /api/auth/check, login, signup). */
export interface User {
  _id: string;
  fullName: string;
  email: string;
  profilePic: string;
  createdAt: string;
  updatedAt: string;
}

/** Someone else, as anyone may see them: no email. */
export interface Person {
  _id: string;
  fullName: string;
  profilePic: string;
  lastSeen: string | null;
}

/** What a system message records: who did what to whom (group membership, name, picture). */
export type SystemAction = "created" | "added" | "removed" | "left" | "renamed" | "avatar" | "role";

export interface SystemEvent {
  action: SystemAction;
  actorId: string;
  userIds?: string[] | null;
  name?: string | null;
  /** With `role`: the role given. */
  role?: string | null;
}

/** A person's message, or a record of a change to a group. */
export type MessageKind = "text" | "system";

export interface LastMessage {
  _id: string;
  text: string | null;
  hasImage: boolean;
  senderId: string;
  createdAt: string;
  deleted: boolean;
  kind?: MessageKind;
  system?: SystemEvent | null;
  /** A group's list entry names the sender. */
  senderName?: string;
}

/** A row of GET /api/messages/chats. */
export interface ChatSummary extends Person {
  lastMessage: LastMessage;
  unreadCount: number;
  /** The last message I have read ("0": none): the unread start after it. Absent from older servers. */
  readUpTo?: string;
  /** The last message of mine the partner has read ("0": none); absent from older servers. */
  partnerReadUpTo?: string;
}

/** The message a reply answers, as it is now: a later edit or deletion shows here too. */
export interface Quote {
  _id: string;
  senderId: string | null;
  /** Its first 200 characters. */
  text: string | null;
  /** Its picture's thumbnail. */
  image: string | null;
  deleted: boolean;
  /** True when I may not read it (a group's, from before I joined): nothing of it is sent. */
  unavailable?: boolean;
}

/**
 * A stored message. Ids are decimal strings rising in commit order, across all conversations.
 * A direct message has `receiverId`; a group message has `groupId` and a null `receiverId`.
 */
export interface Message {
  _id: string;
  senderId: string;
  receiverId: string | null;
  groupId?: string | null;
  /** Absent from servers without groups: a person's message. */
  kind?: MessageKind;
  system?: SystemEvent | null;
  text: string | null;
  image: string | null;
  /** The picture's size in pixels, when the server knows it (its place is kept before it loads). */
  imageWidth?: number;
  imageHeight?: number;
  clientId: string | null;
  createdAt: string;
  updatedAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  /** The message this one answers (absent from servers without replies). */
  replyTo?: Quote | null;
  /** Absent from servers without reactions. */
  reactions?: Reaction[];
  /** A group message's: the ids of the members it mentions (its text names them as `@Full Name`). */
  mentions?: string[];
  /** A copy of another message's text and picture, sent on with `forwardOf`. */
  forwarded?: boolean;
}

/** A page of GET /api/messages/:userId, oldest first. */
export interface HistoryPage {
  messages: Message[];
  hasMore: boolean;
  /** How far the partner had read when the page was read ("0": nothing; null: not told). */
  partnerReadUpTo: string | null;
}

/** GET /api/messages/around/:id: the page centred on a message, oldest first. */
export interface AroundPage {
  messages: Message[];
  hasMoreBefore: boolean;
  hasMoreAfter: boolean;
}

export interface AckFailure {
  ok: false;
  code: string;
  message: string;
  retryAfter?: number;
}

export type Ack<T> = ({ ok: true } & T) | AckFailure;

export interface SendAck {
  message: Message;
  duplicate: boolean;
}

/** editMessage and deleteMessage: the stored result. */
export interface ChangeAck {
  message: Message;
}

export interface SyncAck {
  messages: Message[];
  hasMore: boolean;
}

export interface MarkReadAck {
  upToMessageId: string;
}

/** A direct chat's receipt names the other person (`userId`); a group's names the group. */
export interface MessagesRead {
  readerId: string;
  userId?: string;
  groupId?: string;
  upToMessageId: string;
}

export interface UserOffline {
  userId: string;
  lastSeen: string | null;
}

/** `userUpdated`: someone's new name or picture. */
export interface UserUpdated {
  _id: string;
  fullName: string;
  profilePic: string;
}

/** Who came online and who left since the last announcement. */
export interface PresenceChanged {
  online: string[];
  offline: UserOffline[];
}

export interface Typing {
  userId: string;
  /** Set when they type in a group. */
  groupId?: string;
  isTyping: boolean;
}

export type GroupRole = "owner" | "admin" | "member";

export interface GroupMember {
  _id: string;
  fullName: string;
  profilePic: string;
  role: GroupRole;
  /** The newest message id this member has read ("0" or null: none). */
  readUpTo: string | null;
}

/** GET /api/groups/:id, and the `groupUpdated` event. */
export interface Group {
  _id: string;
  name: string;
  /** The picture's address, or null for initials. */
  avatar: string | null;
  createdAt: string;
  createdBy: string;
  members: GroupMember[];
  /** Absent from `groupUpdated` (one frame for every member); "left": I am no longer in it. */
  myRole?: GroupRole | "left" | null;
}

export interface GroupRemoved {
  groupId: string;
}

/** My own settings of a conversation, on every device (absent from servers without them). */
export interface ConversationSettings {
  /** No sound and no notification; its unread count is greyed and left out of the title. */
  muted?: boolean;
  /** When a mute for a while ends (null: muted until unmuted, or not muted). */
  mutedUntil?: string | null;
  pinned?: boolean;
  /** When I pinned it (null: not pinned): the latest pin lists first. */
  pinnedAt?: string | null;
}

/** `conversationSettings`: I changed them in another tab or on another device. */
export interface ConversationSettingsChanged extends ConversationSettings {
  type: "direct" | "group";
  /** The other person's id, or the group's. */
  _id: string;
}

/** A row of GET /api/conversations: a direct chat (a person) or a group. */
export type ConversationSummary = ConversationSettings &
  (
  | ({ type: "direct" } & ChatSummary)
  | {
      type: "group";
      _id: string;
      name: string;
      avatar: string | null;
      memberCount: number;
      /** "left": I was in it and am no more. */
      myRole?: GroupRole | "left" | null;
      lastMessage: LastMessage | null;
      unreadCount: number;
      /** The last message I have read ("0": none); absent from older servers. */
      readUpTo?: string;
      /** Of the unread, the messages that mention me (absent from servers without mentions). */
      mentionCount?: number;
    }
  );
