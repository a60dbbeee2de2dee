"""Tokens this process recently found valid, so a request need not check its signature and
read its session from the database again.

Every REST request and socket handshake is authenticated; without this, a third of a REST
send's time went to decoding the token and reading the session (py-spy, bench/run.py --path
rest). An entry is trusted for `ttl` seconds at most and never past the session's end. An
ended session (logout, logout everywhere, a password change or reset) is forgotten at once
on every process: the bus carries the signal. A signal that is lost (Redis down) is made
good by the `ttl`, the same bound the sockets' periodic session check gives.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class KnownSession:
    user_id: str
    session_id: str
    # time.monotonic() after which the entry is read again from the database.
    recheck_at: float
    # time.time() at which the session (or its token) ends.
    ends_at: float


class SessionCache:
    def __init__(self, ttl_seconds: float, size: int = 10_000) -> None:
        self.ttl = ttl_seconds
        self.size = size
        self._known: dict[str, KnownSession] = {}
        # Bumped by every forget: a database read that began before it may have seen the
        # session still live, so what it found is not kept.
        self.generation = 0

    def get(self, token: str) -> KnownSession | None:
        known = self._known.get(token)
        if known is None:
            return None
        if time.monotonic() >= known.recheck_at or time.time() >= known.ends_at:
            del self._known[token]
            return None
        return known

    def put(
        self, token: str, *, user_id: str, session_id: str, ends_at: float, generation: int
    ) -> None:
        if self.ttl <= 0 or generation != self.generation:
            return
        if len(self._known) >= self.size:
            # The oldest entry goes (dicts keep insertion order); it is read again if needed.
            del self._known[next(iter(self._known))]
        self._known[token] = KnownSession(user_id, session_id, time.monotonic() + self.ttl, ends_at)

    def forget(self, user_id: str, session_ids: Collection[str] | None) -> None:
        """Drop the user's sessions named (None: all of them)."""
        self.generation += 1
        gone = [
            token
            for token, known in self._known.items()
            if known.user_id == user_id and (session_ids is None or known.session_id in session_ids)
        ]
        for token in gone:
            del self._known[token]

    async def on_revoked(self, signal: dict[str, Any]) -> None:
        """The bus handler for ended sessions (see realtime/notifier.py)."""
        ended = signal["sessionIds"]
        self.forget(signal["userId"], set(ended) if ended is not None else None)
