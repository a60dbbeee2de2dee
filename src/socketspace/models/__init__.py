"""ORM models. Importing this package registers every table on `Base.metadata`."""

from socketspace.models.abuse import Block, Report
from socketspace.models.base import Base
from socketspace.models.conversation import Conversation, ConversationMember
from socketspace.models.media import Media
from socketspace.models.mention import Mention
from socketspace.models.message import Message
from socketspace.models.outbox import OutboxEmail, PasswordReset
from socketspace.models.reaction import Reaction
from socketspace.models.session import Session
from socketspace.models.user import User

__all__ = [
    "Base",
    "Block",
    "Conversation",
    "ConversationMember",
    "Media",
    "Mention",
    "Message",
    "OutboxEmail",
    "PasswordReset",
    "Reaction",
    "Report",
    "Session",
    "User",
]
