"""Message and contact shapes on the wire. Plain dicts on the hot path (socket payloads);
the pydantic models describe the same shapes for input checking and the API docs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol, Self, TypeAlias

from pydantic import BaseModel, Field, model_validator

from socketspace.models.message import Message, MessageRecord
from socketspace.schemas.common import StrictInput


def iso(value: datetime | None) -> str | None:
    """ISO-8601 UTC with a Z, as JavaScript's Date.toISOString() writes it."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    # isoformat is C code; strftime is several times slower, and lists call this a lot.
    return value.isoformat(timespec="milliseconds")[:-6] + "Z"


# What message_view reads: a mapped Message or the writer's MessageRecord. Reads pass rows of
# the messages columns instead (cheaper than either), which have the same attributes.
MessageRow: TypeAlias = Message | MessageRecord


# A message's reactions: emoji -> the ids of everyone who reacted with it, first come first.
Reactions: TypeAlias = dict[str, list[str]]
# A stored picture's width and height, in pixels.
PictureSize: TypeAlias = tuple[int, int]
REACTORS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class Extras:
    """What message views show beyond the message's own columns, loaded for a whole page at
    once (services/message_extras.py): the quotes of the messages replied to, by id, the
    reactions, by message id, seen by `viewer_id` (`mine`), and the people group messages
    mention, by message id."""

    quotes: Mapping[int, dict[str, Any]] = field(default_factory=dict)
    reactions: Mapping[int, Reactions] = field(default_factory=dict)
    viewer_id: str | None = None
    # The size of each picture shown, by URL: clients keep its place before it loads.
    pictures: Mapping[str, PictureSize] = field(default_factory=dict)
    mentions: Mapping[int, list[str]] = field(default_factory=dict)


NO_EXTRAS = Extras()


def gone_quote(message_id: int) -> dict[str, Any]:
    """The quote of a message that no longer exists."""
    return {"_id": str(message_id), "senderId": None, "text": None, "image": None, "deleted": True}


def reactions_view(reactions: Reactions, viewer_id: str | None) -> list[dict[str, Any]]:
    return [
        {
            "emoji": emoji,
            "count": len(users),
            "userIds": users[:REACTORS_SHOWN],
            "mine": viewer_id in users,
        }
        for emoji, users in reactions.items()
    ]


def message_reactions_view(
    message_id: int, reactions: Reactions, viewer_id: str | None
) -> dict[str, Any]:
    """A message's reactions as `reactionsUpdated` and the answers to reacting carry them."""
    return {"messageId": str(message_id), "reactions": reactions_view(reactions, viewer_id)}


def message_view(message: MessageRow, extras: Extras = NO_EXTRAS) -> dict[str, Any]:
    # Each attribute read once: reads of a mapped attribute are not free, and every message
    # sent passes here.
    created_at, edited_at, deleted_at = message.created_at, message.edited_at, message.deleted_at
    reply_to_id = message.reply_to_id
    reactions = extras.reactions.get(message.id) if extras.reactions else None
    deleted = deleted_at is not None
    image = None if deleted else message.image
    created = iso(created_at)
    receiver_id = message.receiver_id
    view: dict[str, Any] = {
        "_id": str(message.id),
        "senderId": message.sender_id,
        "receiverId": receiver_id,
        "text": None if deleted else message.text,
        "image": image,
        "clientId": message.client_id,
        "createdAt": created,
        "updatedAt": iso(deleted_at or edited_at) if deleted or edited_at else created,
        "editedAt": iso(edited_at),
        "deletedAt": iso(deleted_at),
        "replyTo": None
        if reply_to_id is None
        else extras.quotes.get(reply_to_id) or gone_quote(reply_to_id),
        "forwarded": message.forwarded,
        "reactions": reactions_view(reactions, extras.viewer_id)
        if reactions and not deleted
        else [],
    }
    if image is not None and (size := extras.pictures.get(image)) is not None:
        view["imageWidth"], view["imageHeight"] = size
    if receiver_id is None:  # a group's: the shape of a direct one stays as the original's
        view["groupId"] = str(message.conversation_id)
        view["kind"] = message.kind
        view["mentions"] = [] if deleted else extras.mentions.get(message.id, [])
        if message.system is not None:
            view["system"] = message.system
    return view


class PersonRow(Protocol):
    """A User, or a row of its public columns (lists select only those: it is faster)."""

    id: str
    full_name: str
    profile_pic: str
    last_seen_at: datetime | None


def contact_view(user: PersonRow) -> dict[str, Any]:
    """Another person as anyone may see them: no email."""
    return {
        "_id": user.id,
        "fullName": user.full_name,
        "profilePic": user.profile_pic,
        "lastSeen": iso(user.last_seen_at),
    }


PREVIEW_CHARS = 120


class ChatRow(NamedTuple):
    """A chats-list row: the partner's public columns, the last message's, the unread count,
    how far I have read, in the order services.messages selects them."""

    id: str
    full_name: str
    profile_pic: str
    last_seen_at: datetime | None
    message_id: int
    text: str | None
    image: str | None
    sender_id: str
    created_at: datetime
    deleted_at: datetime | None
    unread_count: int
    read_up_to: int
    partner_read_up_to: int


def chat_view(row: ChatRow) -> dict[str, Any]:
    """A chats-list entry: the person, a preview of the last message, the unread count, and
    how far they have read (services.messages.chats gives 0 between people one of whom
    blocked the other)."""
    # Unpacked by position: a list has a thousand rows, and reading a row's fields by name
    # costs about 0.3 µs each (a quarter of the list's time).
    (
        partner_id,
        full_name,
        profile_pic,
        last_seen_at,
        message_id,
        text,
        image,
        sender_id,
        created_at,
        deleted_at,
        unread_count,
        read_up_to,
        partner_read_up_to,
    ) = row
    deleted = deleted_at is not None
    return {
        "_id": partner_id,
        "fullName": full_name,
        "profilePic": profile_pic,
        "lastSeen": iso(last_seen_at),
        "lastMessage": {
            "_id": str(message_id),
            "text": None if deleted or text is None else text[:PREVIEW_CHARS],
            "hasImage": bool(image) and not deleted,
            "senderId": sender_id,
            "createdAt": iso(created_at),
            "deleted": deleted,
        },
        "unreadCount": unread_count,
        "readUpTo": str(read_up_to),
        "partnerReadUpTo": str(partner_read_up_to),
    }


class QuoteOut(BaseModel):
    """The message a reply answers, as it is now (an edit or delete shows here too)."""

    id: str = Field(alias="_id")
    senderId: str | None
    text: str | None = Field(description="its first 200 characters")
    image: str | None = Field(description="its picture's thumbnail")
    deleted: bool
    unavailable: bool = Field(
        default=False,
        description="present (true) when I may not read it (a group's, from before I joined): "
        "senderId, text and image are null",
    )


class ReactionOut(BaseModel):
    emoji: str
    count: int
    userIds: list[str] = Field(description=f"the first {REACTORS_SHOWN} who reacted")
    mine: bool = Field(description="whether I reacted with it")


class MessageOut(BaseModel):
    id: str = Field(alias="_id")
    senderId: str
    receiverId: str | None = Field(description="null in a group")
    groupId: str | None = Field(default=None, description="only in a group's messages")
    kind: str | None = Field(default=None, description="a group's messages: text or system")
    system: dict[str, Any] | None = Field(
        default=None, description="what happened: {action, actorId, userIds?, name?}"
    )
    text: str | None
    image: str | None
    imageWidth: int | None = Field(
        default=None, description="the picture's width in pixels, when known (absent if not)"
    )
    imageHeight: int | None = Field(default=None, description="its height, likewise")
    clientId: str | None
    createdAt: str
    updatedAt: str
    editedAt: str | None
    deletedAt: str | None
    replyTo: QuoteOut | None = Field(description="the message this one answers")
    forwarded: bool = Field(description="a copy of another message's text and picture")
    reactions: list[ReactionOut]
    mentions: list[str] | None = Field(
        default=None, description="a group's messages: the ids of the members it mentions"
    )


class ContactOut(BaseModel):
    id: str = Field(alias="_id")
    fullName: str
    profilePic: str
    lastSeen: str | None


class LastMessageOut(BaseModel):
    id: str = Field(alias="_id")
    text: str | None
    hasImage: bool
    senderId: str
    createdAt: str
    deleted: bool


class ChatOut(ContactOut):
    lastMessage: LastMessageOut
    unreadCount: int
    # The last message I have read ("0": none): the unread start after it.
    readUpTo: str
    # The id of the last message the partner has read ("0": none), for read receipts.
    partnerReadUpTo: str


class SyncOut(BaseModel):
    messages: list[MessageOut]
    hasMore: bool


class ReactionsOut(BaseModel):
    messageId: str
    reactions: list[ReactionOut]


class ConversationRefOut(BaseModel):
    type: str = Field(description="direct or group")
    id: str = Field(alias="_id", description="the other person's id, or the group's")
    fullName: str | None = Field(default=None, description="direct: the other person")
    profilePic: str | None = None
    name: str | None = Field(default=None, description="group: its name")
    avatar: str | None = None


class SearchResultOut(BaseModel):
    message: MessageOut
    conversation: ConversationRefOut
    snippet: str = Field(description="HTML: <mark> around matched words, the rest escaped")


class SearchOut(BaseModel):
    results: list[SearchResultOut]
    hasMore: bool


class AroundOut(BaseModel):
    messages: list[MessageOut]
    hasMoreBefore: bool
    hasMoreAfter: bool


# People named in one message (services/mentions.py checks it; the client's
# web/src/lib/mentions.ts MENTIONS_MAX must agree, which tests/api/test_mentions.py checks).
MENTIONS_MAX = 50


class SendMessageIn(StrictInput):
    text: str | None = None
    image: str | None = None
    clientId: str | None = None
    replyToId: str | int | None = Field(
        default=None, description="a message of the same conversation that this one answers"
    )
    forwardOf: str | int | None = Field(
        default=None,
        description="a message I may read whose text and picture this one sends on (no text "
        "or image of its own)",
    )
    mentions: list[str] | None = Field(
        default=None,
        description=f"groups only: the ids of the members the text names (at most "
        f"{MENTIONS_MAX}); a member whose @Full Name the text lacks, or who is blocked either "
        "way, is dropped; a non-member, or any in a direct chat, is a 400 invalid_mentions",
    )


class EditMessageIn(StrictInput):
    text: str | None = None


class MarkReadIn(StrictInput):
    upToMessageId: str | int | None = None


class ReportIn(StrictInput):
    reason: str | None = None


# --- socket event payloads (client -> server) ------------------------------------------------


class _OnePlace(StrictInput):
    """An event addressed to a person (`receiverId` or `userId`) or a group (`groupId`)."""

    groupId: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        person = getattr(self, "receiverId", None) or getattr(self, "userId", None)
        if (person is None) == (self.groupId is None):
            names = "receiverId" if "receiverId" in type(self).model_fields else "userId"
            raise ValueError(f"give exactly one of {names} and groupId")
        return self


class SendMessageEvent(_OnePlace):
    receiverId: str | None = None
    text: str | None = None
    image: str | None = None
    clientId: str | None = None
    replyToId: str | int | None = None
    forwardOf: str | int | None = None
    mentions: list[str] | None = None


class TypingEvent(_OnePlace):
    receiverId: str | None = None
    isTyping: bool


class MarkReadEvent(_OnePlace):
    userId: str | None = None
    upToMessageId: str | int | None = None


class SyncEvent(StrictInput):
    afterMessageId: str | int
    limit: int | None = None


class EditMessageEvent(StrictInput):
    messageId: str | int
    text: str | None = None


class DeleteMessageEvent(StrictInput):
    messageId: str | int


class ReactEvent(StrictInput):
    messageId: str | int
    emoji: str
    on: bool
