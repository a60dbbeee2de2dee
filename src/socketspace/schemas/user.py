from __future__ import annotations

from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field

from socketspace.errors import InvalidInput
from socketspace.models import User
from socketspace.schemas.common import StrictInput

EMAIL_MAX = 254
# The special-use names (RFC 6761 and after) that stand for a local network or this machine:
# mDNS (RFC 6762), home networks (RFC 8375), testing, loopback. Accepted with
# ALLOW_LOCAL_EMAIL_DOMAINS; `.invalid`, `.onion` and the rest of `.arpa` never are.
LOCAL_DOMAINS = ("local", "home.arpa", "test", "localhost")


def check_email(value: str, *, allow_local_domains: bool = False) -> str:
    """The address, trimmed and lowercased, when it is well-formed; InvalidInput otherwise.

    By default it must be deliverable on the internet: a dot in the domain, and no
    special-use name. `allow_local_domains` (ALLOW_LOCAL_EMAIL_DOMAINS) also accepts names
    without a dot and the local special-use names of LOCAL_DOMAINS."""
    email = value.strip().lower()
    if len(email) > EMAIL_MAX:
        raise _invalid_email()
    checked = _with_local_name_as_test(email) if allow_local_domains else email
    try:
        validate_email(
            checked,
            check_deliverability=False,
            # Names without a dot, and no top-level domain needed.
            globally_deliverable=not allow_local_domains,
            # `.test` (and `test`) accepted.
            test_environment=allow_local_domains,
        )
    except EmailNotValidError:
        raise _invalid_email() from None
    return email


def _with_local_name_as_test(email: str) -> str:
    """`email` with a local special-use ending turned into `.test`, so that every other rule
    of email-validator still applies to it: its per-call options admit only `.test` among the
    special-use names, and its list of them is process-wide (SPECIAL_USE_DOMAIN_NAMES), not a
    setting of one server."""
    local_part, at, domain = email.rpartition("@")
    if not at:
        return email
    for name in LOCAL_DOMAINS:
        if domain == name or domain.endswith(f".{name}"):
            return f"{local_part}@{domain.removesuffix(name)}test"
    return email


def _invalid_email() -> InvalidInput:
    return InvalidInput("Invalid email format", code="invalid_email")


class UserOut(BaseModel):
    """The signed-in user as the original client knows it. Never carries the password hash."""

    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(serialization_alias="_id")
    full_name: str = Field(serialization_alias="fullName")
    email: str
    profile_pic: str = Field(serialization_alias="profilePic")
    created_at: datetime = Field(serialization_alias="createdAt")
    updated_at: datetime = Field(serialization_alias="updatedAt")

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            full_name=user.full_name,
            email=user.email,
            profile_pic=user.profile_pic,
            created_at=user.created_at,
            updated_at=user.updated_at,
        )


class SignupIn(StrictInput):
    fullName: str | None = None
    email: str | None = None
    password: str | None = None
    # The signup form's honeypot: hidden from people, filled in by form-filling bots.
    website: str | None = None


class LoginIn(StrictInput):
    email: str | None = None
    password: str | None = None


class UpdateProfileIn(StrictInput):
    profilePic: str | None = None
    fullName: str | None = None


class ChangePasswordIn(StrictInput):
    currentPassword: str | None = None
    newPassword: str | None = None


class ForgotPasswordIn(StrictInput):
    email: str | None = None


class ResetPasswordIn(StrictInput):
    token: str | None = None
    newPassword: str | None = None
