"""The long-lived collaborators of a running server, built once from Settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from socketspace.config import Settings
from socketspace.db import Database
from socketspace.mail.outbox import Outbox
from socketspace.security.passwords import Passwords
from socketspace.security.session_cache import SessionCache
from socketspace.security.throttle import Rules, Throttle, UserBudget
from socketspace.security.tokens import Tokens
from socketspace.services.abuse import Blocks
from socketspace.services.media import MediaLibrary
from socketspace.services.message_writer import MessageWriter
from socketspace.services.notify import Notifier, NullNotifier
from socketspace.services.search_index import SearchIndexer


@dataclass
class AppContext:
    settings: Settings
    db: Database
    passwords: Passwords
    tokens: Tokens
    sessions: SessionCache
    media: MediaLibrary
    notifier: Notifier
    writer: MessageWriter
    send_limiter: UserBudget
    outbox: Outbox
    throttle: Throttle
    blocks: Blocks
    rules: Rules
    search_index: SearchIndexer

    @classmethod
    def build(cls, settings: Settings, notifier: Notifier | None = None) -> AppContext:
        db = Database.from_url(settings.database_url)
        notifier = notifier or NullNotifier()
        throttle = Throttle(
            settings.redis_url,
            settings.redis_key_prefix,
            budget_sync_seconds=settings.budget_sync_ms / 1000,
        )
        return cls(
            settings=settings,
            db=db,
            passwords=Passwords(
                memory_kib=settings.argon2_memory_kib,
                time_cost=settings.argon2_time_cost,
                workers=settings.hash_workers,
            ),
            tokens=Tokens(settings.signing_key, timedelta(days=settings.session_days)),
            # Trusted as long as the sockets' periodic session check lets a socket live.
            sessions=SessionCache(settings.session_check_seconds),
            media=MediaLibrary.build(db, settings, throttle),
            notifier=notifier,
            writer=MessageWriter(db, notifier, linger=settings.message_batch_linger_ms / 1000),
            # REST and socket sends spend from one budget per user.
            send_limiter=UserBudget(
                throttle,
                "messages",
                rate=settings.message_rate_per_second,
                burst=settings.message_burst,
                message="You are sending messages too fast. Please slow down.",
            ),
            outbox=Outbox.build(db, settings),
            throttle=throttle,
            rules=Rules.from_settings(settings),
            blocks=Blocks(db),
            search_index=SearchIndexer(db),
        )

    async def start(self) -> None:
        await self.blocks.start()
        self.throttle.start()
        self.writer.start()
        self.media.start()
        self.outbox.start()
        self.search_index.start()

    async def close(self) -> None:
        await self.blocks.stop()
        await self.outbox.stop()
        await self.writer.stop()
        await self.search_index.stop()
        await self.throttle.close()
        await self.media.close()
        self.passwords.close()
        await self.db.dispose()
