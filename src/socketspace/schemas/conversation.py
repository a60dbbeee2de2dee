"""A person's own settings of a conversation, on the wire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from socketspace.schemas.common import StrictInput
from socketspace.schemas.message import iso

# The longest mute for a while (a longer one is a mute until unmuted).
MUTE_FOR_MAX_SECONDS = 366 * 24 * 3600


@dataclass(frozen=True, slots=True)
class ConversationSettings:
    kind: str  # "direct" or "group"
    key: str  # the other person's id, or the group's
    muted: bool  # muted now
    # When the mute ends (None: not muted, or muted until unmuted).
    muted_until: datetime | None
    # When it was pinned (None: not pinned): every device lists the pinned in the same order.
    pinned_at: datetime | None

    @classmethod
    def stored(
        cls,
        kind: str,
        key: str,
        *,
        muted: bool,
        muted_until: datetime | None,
        pinned_at: datetime | None,
        now: datetime,
    ) -> ConversationSettings:
        """As the member's row has them: a mute whose time has passed is none."""
        on = muted and (muted_until is None or muted_until > now)
        return cls(kind, key, on, muted_until if on else None, pinned_at)


def settings_fields(settings: ConversationSettings | None) -> dict[str, Any]:
    """Mine of a conversation, as its entry in my list and every answer about them carry
    them (None: none set)."""
    if settings is None:
        return {"muted": False, "mutedUntil": None, "pinned": False, "pinnedAt": None}
    return {
        "muted": settings.muted,
        "mutedUntil": iso(settings.muted_until),
        "pinned": settings.pinned_at is not None,
        "pinnedAt": iso(settings.pinned_at),
    }


def settings_view(settings: ConversationSettings) -> dict[str, Any]:
    return {"type": settings.kind, "_id": settings.key, **settings_fields(settings)}


class ConversationSettingsIn(StrictInput):
    muted: bool | None = Field(
        default=None, description="no sound or notification (true alone: until unmuted)"
    )
    mutedFor: int | None = Field(
        default=None,
        ge=60,
        le=MUTE_FOR_MAX_SECONDS,
        description="muted for this many seconds from now (8 hours: 28800), then not",
    )
    pinned: bool | None = Field(default=None, description="at the top of my list (at most 5)")


class ConversationSettingsOut(BaseModel):
    type: str = Field(description="direct or group")
    id: str = Field(alias="_id", description="the other person's id, or the group's")
    muted: bool
    mutedUntil: str | None = Field(description="when a mute for a while ends; null: no end")
    pinned: bool
    pinnedAt: str | None = Field(description="when I pinned it; the latest pin is listed first")
