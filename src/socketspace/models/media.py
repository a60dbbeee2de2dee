from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from socketspace.models.base import Base, UTCDateTime, new_id, utcnow


class Media(Base):
    """One stored picture: an upload, or a data URL that came with a message or profile.

    The bytes live in storage under `<kind>/<name>` (and `<kind>/<sha>.thumb.<ext>`), named by
    their SHA-256, so two rows may share them. A row is kept while a message or a profile
    refers to its URL, or while it is recent (`used_at`: made or attached); the sweep removes
    the others, and the bytes when no row is left that names them.
    """

    __tablename__ = "media"
    __table_args__ = (Index("ix_media_kind_name", "kind", "name"),)

    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=new_id)
    # Who uploaded it: only they may attach it to a message or a profile.
    owner_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # "images" | "avatars"
    name: Mapped[str] = mapped_column(String(80))
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
