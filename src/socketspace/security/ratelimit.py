"""A per-key token bucket: `rate` tokens a second, bursts up to `burst`."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from socketspace.errors import RateLimited


class TokenBucket:
    def __init__(
        self, *, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)

    def take(self, key: str, message: str | None = None) -> None:
        """Spend one token of `key`, or raise RateLimited with the seconds to wait."""
        now = self.clock()
        tokens = self._tokens(key, now)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            raise RateLimited(self._seconds_until_one(tokens), message)
        self._buckets[key] = (tokens - 1.0, now)
        if len(self._buckets) > 100_000:
            self._forget_full(now)

    def set(self, key: str, tokens: float) -> None:
        """Set what `key` has left (learnt from elsewhere): below zero, it refuses until it
        has refilled past one."""
        self._buckets[key] = (min(float(self.burst), tokens), self.clock())

    def wait(self, key: str) -> int:
        """Whole seconds until `key` has a token (0: it has one now); spends nothing."""
        tokens = self._tokens(key, self.clock())
        return 0 if tokens >= 1.0 else self._seconds_until_one(tokens)

    def _seconds_until_one(self, tokens: float) -> int:
        return math.ceil((1.0 - tokens) / self.rate)

    def _tokens(self, key: str, now: float) -> float:
        tokens, at = self._buckets.get(key, (float(self.burst), now))
        return min(float(self.burst), tokens + (now - at) * self.rate)

    def forget(self, key: str) -> None:
        self._buckets.pop(key, None)

    def _forget_full(self, now: float) -> None:
        # A bucket that has refilled completely says nothing: drop it to bound memory.
        self._buckets = {
            k: v for k, v in self._buckets.items() if now - v[1] < (self.burst - v[0]) / self.rate
        }
