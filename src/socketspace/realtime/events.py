"""The socket event contract: every event name lives here.

Mirrored in web/src/realtime/events.ts.
"""

from __future__ import annotations

from typing import Final

# Server -> client, as the original client knows them.
GET_ONLINE_USERS: Final = "getOnlineUsers"
NEW_MESSAGE: Final = "newMessage"


def user_room(user_id: str) -> str:
    """Every connection of a user joins this room; delivery always goes to rooms."""
    return f"user:{user_id}"
