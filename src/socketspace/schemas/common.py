from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictInput(BaseModel):
    """Request bodies: exact JSON types, unknown fields refused."""

    model_config = ConfigDict(strict=True, extra="forbid")


class MessageOut(BaseModel):
    message: str


class ErrorOut(BaseModel):
    message: str
    code: str
