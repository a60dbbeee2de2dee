"""The socket event contract: every event name lives here.

Mirrored in web/src/realtime/events.ts.
"""

from __future__ import annotations

from typing import Final

# Server -> client. The first two are the original client's.
GET_ONLINE_USERS: Final = "getOnlineUsers"
NEW_MESSAGE: Final = "newMessage"
MESSAGE_UPDATED: Final = "messageUpdated"
MESSAGE_DELETED: Final = "messageDeleted"
MESSAGES_READ: Final = "messagesRead"
TYPING: Final = "typing"
USER_ONLINE: Final = "userOnline"
USER_OFFLINE: Final = "userOffline"
# {online: [userId], offline: [{userId, lastSeen}]}: one frame per announcement, for clients
# that connect with auth {presence: "batch"}.
PRESENCE_CHANGED: Final = "presenceChanged"
# {}: events for this client may have been lost (this server's Redis link was down and is
# back): call `sync` from the last message seen. Clients that do not know it lose nothing new.
RESYNC: Final = "resync"
# Groups, only to connections that ask with auth {groups: true}: the group as it is now
# (without myRole), after any change of name, picture, members or roles...
GROUP_UPDATED: Final = "groupUpdated"
# ...and {groupId} to a member who left or was removed.
GROUP_REMOVED: Final = "groupRemoved"
# {_id, fullName, profilePic}: someone changed their name or picture; to connections that ask
# with auth {profiles: true} (they join PROFILES_ROOM).
USER_UPDATED: Final = "userUpdated"
# {messageId, reactions: [{emoji, count, userIds, mine}]}: a message's reactions changed; to
# connections that ask with auth {reactions: true} (they join reactions_room), a group's
# message's to its current members' such connections.
REACTIONS_UPDATED: Final = "reactionsUpdated"
# {type, _id, muted, mutedUntil, pinned, pinnedAt}: I changed my settings of a conversation; to my
# connections that ask with auth {settings: true} (they join settings_room).
CONVERSATION_SETTINGS: Final = "conversationSettings"

# Client -> server, each answered by an ack {ok: true, ...} or {ok: false, code, message}.
SEND_MESSAGE: Final = "sendMessage"
EDIT_MESSAGE: Final = "editMessage"
DELETE_MESSAGE: Final = "deleteMessage"
MARK_READ: Final = "markRead"
SYNC: Final = "sync"
# {messageId, emoji, on}: add (on) or take back my reaction; the ack has {messageId, reactions}.
REACT: Final = "react"
# TYPING is both: {receiverId, isTyping} in, {userId, isTyping} out.

# Rooms.
FULL_PRESENCE_ROOM: Final = "presence:full"
DELTA_PRESENCE_ROOM: Final = "presence:delta"
BATCH_PRESENCE_ROOM: Final = "presence:batch"
PROFILES_ROOM: Final = "profiles"
PRESENCE_ROOMS: Final = {
    "full": FULL_PRESENCE_ROOM,
    "delta": DELTA_PRESENCE_ROOM,
    "batch": BATCH_PRESENCE_ROOM,
}


def user_room(user_id: str) -> str:
    """Every connection of a user joins this room; delivery always goes to rooms."""
    return f"user:{user_id}"


def reactions_room(user_id: str) -> str:
    """The user's connections that asked for reactions (auth {reactions: true})."""
    return f"reactions:{user_id}"


def settings_room(user_id: str) -> str:
    """The user's connections that asked for their settings live (auth {settings: true})."""
    return f"settings:{user_id}"


def groups_room(user_id: str) -> str:
    """The user's connections that asked for groups join this room too: group traffic goes
    only here, so a client that knows only people (the original) never sees it."""
    return f"groups:{user_id}"
