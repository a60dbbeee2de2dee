/** Shapes on the wire, as the server's README and schemas name them. */

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

export interface LastMessage {
  _id: string;
  text: string | null;
  hasImage: boolean;
  senderId: string;
  createdAt: string;
  deleted: boolean;
}

/** A row of GET /api/messages/chats. */
export interface ChatSummary extends Person {
  lastMessage: LastMessage;
  unreadCount: number;
  /** The last message of mine the partner has read ("0": none); absent from older servers. */
  partnerReadUpTo?: string;
}

/** A stored message. Ids are decimal strings rising in commit order. */
export interface Message {
  _id: string;
  senderId: string;
  receiverId: string;
  text: string | null;
  image: string | null;
  clientId: string | null;
  createdAt: string;
  updatedAt: string;
  editedAt: string | null;
  deletedAt: string | null;
}

/** A page of GET /api/messages/:userId, oldest first. */
export interface HistoryPage {
  messages: Message[];
  hasMore: boolean;
  /** How far the partner had read when the page was read ("0": nothing; null: not told). */
  partnerReadUpTo: string | null;
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

export interface MessagesRead {
  readerId: string;
  userId: string;
  upToMessageId: string;
}

export interface UserOffline {
  userId: string;
  lastSeen: string | null;
}

/** Who came online and who left since the last announcement. */
export interface PresenceChanged {
  online: string[];
  offline: UserOffline[];
}

export interface Typing {
  userId: string;
  isTyping: boolean;
}
