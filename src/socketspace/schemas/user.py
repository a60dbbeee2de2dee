from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from socketspace.models import User
from socketspace.schemas.common import StrictInput


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
