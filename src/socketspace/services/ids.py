"""Checks of the ids a client names (people, messages, positions), shared by every service
that takes one. A leaf among the services: it imports none of them."""

from __future__ import annotations

import re

from socketspace.errors import InvalidInput, NotFound

_USER_ID = re.compile(r"^[0-9a-f]{24}$")
_MESSAGE_ID = re.compile(r"^[0-9]{1,18}$")


def check_user_id(value: object) -> str:
    if not isinstance(value, str) or not _USER_ID.match(value):
        raise NotFound("User not found.", code="user_not_found")
    return value


def check_message_id(value: object) -> int:
    if isinstance(value, bool):
        raise NotFound("Message not found.", code="message_not_found")
    if isinstance(value, int) and 0 < value < 2**63:
        return value
    if isinstance(value, str) and _MESSAGE_ID.match(value):
        return int(value)
    raise NotFound("Message not found.", code="message_not_found")


def check_cursor_id(value: object, field: str) -> int:
    """A message id used as a position (`before`, `after`): 0 or more."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63:
        return value
    if isinstance(value, str) and _MESSAGE_ID.match(value):
        return int(value)
    raise InvalidInput(f"{field} must be a message id.", code="invalid_cursor")
