"""A person's own settings of a conversation, on the wire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from socketspace.schemas.common import StrictInput
from socketspace.schemas.message import iso


@dataclass(frozen=True, slots=True)
class ConversationSettings:
    kind: str  # "direct" or "group"
    key: str  # the other person's id, or the group's
    muted: bool
    # When it was pinned (None: not pinned): every device lists the pinned in the same order.
    pinned_at: datetime | None


def settings_view(settings: ConversationSettings) -> dict[str, Any]:
    return {
        "type": settings.kind,
        "_id": settings.key,
        "muted": settings.muted,
        "pinned": settings.pinned_at is not None,
        "pinnedAt": iso(settings.pinned_at),
    }


class ConversationSettingsIn(StrictInput):
    muted: bool | None = Field(default=None, description="no sound or notification")
    pinned: bool | None = Field(default=None, description="at the top of my list (at most 5)")


class ConversationSettingsOut(BaseModel):
    type: str = Field(description="direct or group")
    id: str = Field(alias="_id", description="the other person's id, or the group's")
    muted: bool
    pinned: bool
    pinnedAt: str | None = Field(description="when I pinned it; the latest pin is listed first")
