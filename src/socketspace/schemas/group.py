"""Group shapes on the wire: the group with its members, as members see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from socketspace.schemas.common import StrictInput
from socketspace.schemas.message import PREVIEW_CHARS, iso


@dataclass(frozen=True, slots=True)
class GroupMember:
    id: str
    full_name: str
    profile_pic: str
    role: str
    read_up_to: int
    joined_at: datetime | None


@dataclass(frozen=True, slots=True)
class Group:
    id: int
    name: str
    avatar: str | None
    created_at: datetime
    created_by: str | None
    members: list[GroupMember]  # current members, longest-standing first

    @property
    def member_ids(self) -> list[str]:
        return [member.id for member in self.members]

    def role_of(self, user_id: str) -> str | None:
        return next((m.role for m in self.members if m.id == user_id), None)


def group_view(group: Group, my_role: str | None = None) -> dict[str, Any]:
    """`{_id, name, avatar, createdAt, createdBy, members, myRole}`. Without `my_role` (the
    live `groupUpdated`, one frame for every member) there is no `myRole`: each member finds
    their own role in `members`."""
    view: dict[str, Any] = {
        "_id": str(group.id),
        "name": group.name,
        "avatar": group.avatar,
        "createdAt": iso(group.created_at),
        "createdBy": group.created_by,
        "memberCount": len(group.members),
        "members": [
            {
                "_id": m.id,
                "fullName": m.full_name,
                "profilePic": m.profile_pic,
                "role": m.role,
                "readUpTo": str(m.read_up_to),
                "joinedAt": iso(m.joined_at),
            }
            for m in group.members
        ],
    }
    if my_role is not None:
        view["myRole"] = my_role
    return view


def group_chat_view(row: Any) -> dict[str, Any]:
    """A conversations-list entry for a group (a row of services.conversations'
    _GROUP_CHATS): the last message the viewer may see, with its sender's name."""
    deleted = row.deleted_at is not None
    last: dict[str, Any] = {
        "_id": str(row.message_id),
        "text": None if deleted or row.text is None else row.text[:PREVIEW_CHARS],
        "hasImage": bool(row.image) and not deleted,
        "senderId": row.sender_id,
        "senderName": row.full_name,
        "createdAt": iso(row.created_at),
        "deleted": deleted,
        "kind": row.kind,
    }
    if row.system is not None:
        last["system"] = row.system
    return {
        "type": "group",
        "_id": str(row.id),
        "name": row.name,
        "avatar": row.avatar,
        "memberCount": row.member_count,
        "myRole": row.role if row.left_at_message_id is None else "left",
        "lastMessage": last,
        "unreadCount": row.unread_count,
        # The last message I have read ("0": none): the unread start after it.
        "readUpTo": str(row.read_up_to),
        # Of those unread, the messages that mention me.
        "mentionCount": row.mention_count,
    }


class CreateGroupIn(StrictInput):
    name: str = Field(description="1-100 characters after trimming")
    memberIds: list[str] = Field(default_factory=list, max_length=5000)


class UpdateGroupIn(StrictInput):
    name: str | None = None
    avatar: str | None = Field(
        default=None, description="an uploaded picture's id (purpose=avatar), or null to remove"
    )


class AddMembersIn(StrictInput):
    userIds: list[str] = Field(max_length=5000)


class SetRoleIn(StrictInput):
    role: str = Field(description="admin or member")


class GroupReadIn(StrictInput):
    upToMessageId: str | None = None


class GroupMemberOut(BaseModel):
    id: str = Field(alias="_id")
    fullName: str
    profilePic: str
    role: str = Field(description="owner, admin or member")
    readUpTo: str = Field(description="the last message they have read")
    joinedAt: str | None


class GroupOut(BaseModel):
    id: str = Field(alias="_id")
    name: str
    avatar: str | None
    createdAt: str
    createdBy: str | None
    memberCount: int
    members: list[GroupMemberOut] = Field(description="current members, longest-standing first")
    myRole: str | None = Field(default=None, description="owner, admin, member, or left")
