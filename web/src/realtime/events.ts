/**
 * The socket event contract: every event name lives here.
 * Mirror of src/socketspace/realtime/events.py — change both together.
 */

/** Server → client. */
export const ServerEvent = {
  GET_ONLINE_USERS: "getOnlineUsers",
  NEW_MESSAGE: "newMessage",
  MESSAGE_UPDATED: "messageUpdated",
  MESSAGE_DELETED: "messageDeleted",
  MESSAGES_READ: "messagesRead",
  TYPING: "typing",
  USER_ONLINE: "userOnline",
  USER_OFFLINE: "userOffline",
  /** {online: [userId], offline: [{userId, lastSeen}]}: with auth {presence: "batch"}. */
  PRESENCE_CHANGED: "presenceChanged",
  /** {}: the server's link to Redis was down and is back; events may be lost: sync. */
  RESYNC: "resync",
  /** The whole group, after any change of its name, picture, members or roles: with auth {groups: true}. */
  GROUP_UPDATED: "groupUpdated",
  /** {groupId}: I left or was removed; the history stays readable, nothing else. */
  GROUP_REMOVED: "groupRemoved",
  /** {_id, fullName, profilePic}: someone changed their name or picture; with auth {profiles: true}. */
  USER_UPDATED: "userUpdated",
  /** {messageId, reactions}: a message's reactions changed; with auth {reactions: true}. */
  REACTIONS_UPDATED: "reactionsUpdated",
  /** {type, _id, muted, mutedUntil, pinned, pinnedAt}: I changed my settings of a conversation; with auth {settings: true}. */
  CONVERSATION_SETTINGS: "conversationSettings",
} as const;

/** Client → server, each answered by an ack {ok: true, ...} or {ok: false, code, message}. */
export const ClientEvent = {
  SEND_MESSAGE: "sendMessage",
  EDIT_MESSAGE: "editMessage",
  DELETE_MESSAGE: "deleteMessage",
  MARK_READ: "markRead",
  SYNC: "sync",
  /** {messageId, emoji, on}: add or take back my reaction; the ack has {messageId, reactions}. */
  REACT: "react",
  /** Both directions: {receiverId | groupId, isTyping} in, {userId, groupId?, isTyping} out. */
  TYPING: "typing",
} as const;

export type ServerEventName = (typeof ServerEvent)[keyof typeof ServerEvent];
export type ClientEventName = (typeof ClientEvent)[keyof typeof ClientEvent];
