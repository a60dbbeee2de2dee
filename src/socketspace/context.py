"""The long-lived collaborators of a running server, built once from Settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from socketspace.config import Settings
from socketspace.db import Database
from socketspace.media.storage import LocalStorage
from socketspace.security.passwords import Passwords
from socketspace.security.tokens import Tokens


@dataclass
class AppContext:
    settings: Settings
    db: Database
    passwords: Passwords
    tokens: Tokens
    storage: LocalStorage

    @classmethod
    def build(cls, settings: Settings) -> AppContext:
        return cls(
            settings=settings,
            db=Database.from_url(settings.database_url),
            passwords=Passwords(
                memory_kib=settings.argon2_memory_kib,
                time_cost=settings.argon2_time_cost,
                workers=settings.hash_workers,
            ),
            tokens=Tokens(settings.signing_key, timedelta(days=settings.session_days)),
            storage=LocalStorage(settings.media_path / "avatars"),
        )

    async def close(self) -> None:
        self.passwords.close()
        await self.db.dispose()
