from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict


class StrictInput(BaseModel):
    """Request bodies: exact JSON types, unknown fields refused."""

    model_config = ConfigDict(strict=True, extra="forbid")


class MessageOut(BaseModel):
    message: str


def describe_validation_error(errors: Sequence[Any]) -> str:
    """A sentence a person understands, naming the field, for the first validation error."""
    if not errors:
        return "The request is not valid."
    error = errors[0]
    kind = error.get("type", "")
    loc = [str(part) for part in error.get("loc", ()) if part != "body"]
    field = ".".join(loc)
    if kind == "json_invalid":
        return "The request body is not valid JSON."
    if not field and kind in ("missing", "model_attributes_type", "dict_type", "model_type"):
        return "The request body must be a JSON object."
    if kind == "extra_forbidden":
        return f"Unknown field: {field}."
    if kind == "missing":
        return f"{field} is required."
    if kind in ("string_type", "str_type"):
        return f"{field} must be a string."
    if kind in ("int_type", "int_parsing"):
        return f"{field} must be a whole number."
    if kind == "value_error" and not field:  # a model's own check: its sentence
        text = str(error.get("ctx", {}).get("error", error.get("msg", "")))
        return text[:1].upper() + text[1:] + "."
    return f"{field}: {error.get('msg', 'is not valid')}." if field else str(error.get("msg"))
