"""Rate limits for the doors of the server, with the `limits` library.

Each `Rule` is one or more windows ("5/minute;10/15 minutes;20/hour"): a key may act while every
window has room. Counts live in process memory, or in Redis when REDIS_URL is set so that every
server process shares them. When Redis cannot be reached the limits fall back to this process's
memory (logged), and Redis is tried again a little later: never silently off.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import redis.asyncio as redis
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from redis.exceptions import RedisError

from socketspace import metrics
from socketspace.config import Settings
from socketspace.errors import RateLimited
from socketspace.periodic import Periodic
from socketspace.security.ratelimit import TokenBucket

log = logging.getLogger(__name__)

REDIS_RETRY_SECONDS = 30.0
# How long one Redis call may take before the throttle counts in memory instead.
REDIS_TIMEOUT_SECONDS = 1.0
# Redis calls in flight at once, per process. Beyond it requests wait their turn: an
# overloaded server must not run out of connections and fall back to memory (which would
# stop sharing the limits between processes while Redis is perfectly well).
REDIS_MAX_CONCURRENCY = 64


@dataclass(frozen=True)
class Rule:
    name: str
    windows: tuple[RateLimitItem, ...]
    message: str

    @classmethod
    def of(cls, name: str, spec: str, message: str) -> Rule:
        return cls(name, tuple(parse_many(spec)), message)


class _MemoryStorage(MemoryStorage):
    """`limits`' in-process storage, with a `clear` its own expiry task survives.

    The task lists the keys, then awaits each key's lock and reads its events; `clear` in
    between removed the key, and the task died with a KeyError logged as "Task exception was
    never retrieved" (seen under concurrent logins, which clear their failure counts). An
    empty list reads as "no events", and the task removes it itself.
    """

    async def clear(self, key: str) -> None:
        await super().clear(key)
        self.events[key] = []


class Throttle:
    def __init__(
        self,
        redis_url: str | None = None,
        key_prefix: str = "socketspace",
        redis_timeout: float = REDIS_TIMEOUT_SECONDS,
        budget_sync_seconds: float = 0.5,
    ) -> None:
        # The per-user budgets' spend, shared in the background (None: one process alone).
        self.spend = SharedSpend(redis_url, key_prefix, budget_sync_seconds) if redis_url else None
        self._memory = MovingWindowRateLimiter(_MemoryStorage())
        self._redis: MovingWindowRateLimiter | None = None
        self._redis_storage: Storage | None = None
        if redis_url:
            storage: Storage = RedisStorage(
                redis_url.replace("redis", "async+redis", 1),
                wrap_exceptions=True,
                implementation="redispy",
                # A Redis that drops packets must not hold requests up: fail over to memory.
                socket_connect_timeout=redis_timeout,
                socket_timeout=redis_timeout,
                key_prefix=f"{key_prefix}:limits",
                max_connections=REDIS_MAX_CONCURRENCY,
            )
            self._redis = MovingWindowRateLimiter(storage)
            self._redis_storage = storage
        self._redis_down_until = 0.0
        self._redis_slots = asyncio.Semaphore(REDIS_MAX_CONCURRENCY)

    async def hit(self, rule: Rule, *key: str) -> None:
        """Count one action of `key`, or raise RateLimited (with the wait) when a window is full.

        A refused action counts in no window. The store counts each window only while it has
        room, in one step, so requests racing each other cannot all slip through between the
        check and the count. That step alone is the whole of a rule of one window (the /api
        ceiling, on every request): one call to the store, one Redis round trip, where a check
        first made it two (the two were about a third of a REST send's CPU with Redis:
        bench/run.py --open-loop). With several windows every one is checked first, so that a
        full one spends none."""
        several = len(rule.windows) > 1
        if several:
            await self.check(rule, *key)
        limiter = self._limiter()
        try:
            async with self._turn(limiter):
                counted = [await limiter.hit(w, rule.name, *key) for w in rule.windows]
        except StorageError as exc:
            self._redis_failed(exc)
            counted = [await self._memory.hit(w, rule.name, *key) for w in rule.windows]
        if not several and not counted[0]:
            await self.check(rule, *key)  # refused: raises with the wait (refusals are rare)
        if not all(counted):
            # Another request took the last room after our check.
            log.info("rate_limited rule=%s retry_after=1 raced=true", rule.name)
            metrics.RATE_LIMIT_REFUSALS.labels(rule.name).inc()
            raise RateLimited(1, f"{rule.message} Please try again in a moment.")

    async def check(self, rule: Rule, *key: str) -> None:
        """Raise RateLimited when a window of `key` is full; count nothing."""
        limiter = self._limiter()
        try:
            async with self._turn(limiter):
                wait = await self._wait(limiter, rule, key)
        except StorageError as exc:
            self._redis_failed(exc)
            wait = await self._wait(self._memory, rule, key)
        if wait is not None:
            raise _refusal(rule, wait)

    async def clear(self, rule: Rule, *key: str) -> None:
        limiter = self._limiter()
        try:
            async with self._turn(limiter):
                for window in rule.windows:
                    await limiter.clear(window, rule.name, *key)
        except StorageError as exc:
            self._redis_failed(exc)

    @property
    def shared(self) -> bool:
        """Counting in Redis, for every process."""
        return self._redis is not None

    def start(self) -> None:
        if self.spend is not None:
            self.spend.start()

    async def close(self) -> None:
        """Close the Redis connections (`limits` keeps its redis-py client on its bridge and
        offers no close of its own)."""
        if self.spend is not None:
            await self.spend.close()
        client = getattr(getattr(self._redis_storage, "bridge", None), "storage", None)
        if client is not None:
            await client.aclose()

    def _limiter(self) -> MovingWindowRateLimiter:
        if self._redis is not None and time.monotonic() >= self._redis_down_until:
            return self._redis
        return self._memory

    @asynccontextmanager
    async def _turn(self, limiter: MovingWindowRateLimiter) -> AsyncIterator[None]:
        """A slot for Redis calls (memory needs none)."""
        if limiter is self._memory:
            yield
            return
        async with self._redis_slots:
            yield

    def _redis_failed(self, exc: Exception) -> None:
        already_down = time.monotonic() < self._redis_down_until
        self._redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS
        if already_down:  # requests in flight failing together: said once
            return
        log.error(
            "rate_limit_store_unreachable fallback=memory retry_in_seconds=%s error=%s",
            REDIS_RETRY_SECONDS,
            exc,
        )

    @staticmethod
    async def _wait(
        limiter: MovingWindowRateLimiter, rule: Rule, key: tuple[str, ...]
    ) -> int | None:
        """Seconds until every window has room again, or None when they have room now."""
        wait: float | None = None
        for window in rule.windows:
            if not await limiter.test(window, rule.name, *key):
                stats = await limiter.get_window_stats(window, rule.name, *key)
                wait = max(wait or 0.0, stats.reset_time - time.time())
        return None if wait is None else max(1, math.ceil(wait))


class Ceiling:
    """A limit checked on every request of a key (the ceiling on /api per address).

    In this process it is one token bucket per window of the rule: the window's amount as
    the burst, refilled evenly over the window. That is O(1) a request; `limits`' moving window
    in memory keeps a timestamp per request in a list it inserts at the front of, and sweeps
    every key's list in a thread: a tenth of a REST send's time at a high ceiling (py-spy).
    Over any window a bucket admits at most twice the amount (a full burst, then a full
    refill), the same steady rate. When the throttle counts in Redis, the rule itself is
    checked there, so every process shares it."""

    def __init__(self, throttle: Throttle, rule: Rule) -> None:
        self.throttle = throttle
        self.rule = rule
        self.buckets = tuple(
            TokenBucket(rate=w.amount / w.get_expiry(), burst=w.amount) for w in rule.windows
        )

    async def hit(self, key: str) -> None:
        """Count one request of `key`, or raise RateLimited (counting nothing)."""
        if self.throttle.shared:
            await self.throttle.hit(self.rule, key)
            return
        wait = max(bucket.wait(key) for bucket in self.buckets)
        if wait:
            raise _refusal(self.rule, wait)
        for bucket in self.buckets:
            bucket.take(key)


def _refusal(rule: Rule, wait: int) -> RateLimited:
    """Log and count a refusal under `rule`; the error says how long to wait."""
    log.info("rate_limited rule=%s retry_after=%s", rule.name, wait)
    metrics.RATE_LIMIT_REFUSALS.labels(rule.name).inc()
    return RateLimited(wait, f"{rule.message} Please try again in {_human(wait)}.")


def _human(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes" if minutes < 90 else f"{math.ceil(minutes / 60)} hours"


@dataclass(frozen=True)
class Rules:
    """Every door's limit, from the settings."""

    login_ip: Rule
    login_failures: Rule  # keyed by account and address
    login_failures_account: Rule  # keyed by account alone
    signup_ip: Rule
    reset_ip: Rule
    reset_email: Rule
    api_ip: Rule

    @classmethod
    def from_settings(cls, settings: Settings) -> Rules:
        failed = "Too many failed logins for this account."
        resets = "Too many password reset requests."
        return cls(
            login_ip=Rule.of(
                "login-ip", settings.login_rate_per_ip, "Too many login attempts from your network."
            ),
            login_failures=Rule.of("login-fail", settings.login_failures_per_account_ip, failed),
            login_failures_account=Rule.of(
                "login-fail-account", settings.login_failures_per_account, failed
            ),
            signup_ip=Rule.of(
                "signup-ip", settings.signup_rate_per_ip, "Too many new accounts from your network."
            ),
            reset_ip=Rule.of("reset-ip", settings.reset_rate_per_ip, resets),
            reset_email=Rule.of("reset-email", settings.reset_rate_per_email, resets),
            api_ip=Rule.of(
                "api-ip", settings.api_rate_per_ip, "Too many requests from your network."
            ),
        )


class UserBudget:
    """What one user may do per unit of time (send messages, upload pictures): a token bucket
    in this process, answered at once without a Redis round trip. With REDIS_URL the
    processes share each user's spend in the background (`SharedSpend`), so a user spread over
    several processes gets about one budget, not one per process (docs/security.md: the
    bound)."""

    def __init__(
        self, throttle: Throttle, name: str, *, rate: float, burst: int, message: str
    ) -> None:
        self.name = name
        self.bucket = TokenBucket(rate=rate, burst=burst)
        self.message = message
        self._refused = metrics.RATE_LIMIT_REFUSALS.labels(name)
        self._spend = throttle.spend
        if self._spend is not None:
            self._spend.share(self)

    def take(self, user_id: str) -> Awaitable[None] | None:
        """Spend one, or raise RateLimited. Always answered at once (None): the awaitable is
        the shape of a check that had to ask someone, which no budget does any more."""
        try:
            self.bucket.take(user_id)
        except RateLimited as exc:
            self._refused.inc()
            wait = exc.retry_after
            raise RateLimited(wait, f"{self.message} Please try again in {_human(wait)}.") from None
        if self._spend is not None:
            self._spend.spent(self.name, user_id)
        return None


# A budget's buckets in Redis: one hash, each user's field the time their backlog runs out
# (GCRA's "theoretical arrival time", on Redis's clock so the processes' clocks need not
# agree). For each user in ARGV (user, spent) after ARGV[1] (seconds per token): add what was
# spent, answer the backlog in seconds from now, and drop the fields with none left (a full
# bucket). One call for all of a round's users: a handful of commands, not a few per user.
SPEND_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local per_token = tonumber(ARGV[1])
local users = {}
for i = 2, #ARGV, 2 do users[#users + 1] = ARGV[i] end
local dues = redis.call('HMGET', KEYS[1], unpack(users))
local backlogs, owing, clear = {}, {}, {}
for i, user in ipairs(users) do
  local due = math.max(tonumber(dues[i]) or now, now) + tonumber(ARGV[2 * i + 1]) * per_token
  if due > now then
    owing[#owing + 1] = user
    owing[#owing + 1] = string.format('%.6f', due)
  else
    clear[#clear + 1] = user
  end
  backlogs[i] = string.format('%.6f', due - now)
end
if #owing > 0 then redis.call('HSET', KEYS[1], unpack(owing)) end
if #clear > 0 then redis.call('HDEL', KEYS[1], unpack(clear)) end
redis.call('EXPIRE', KEYS[1], 86400)
return backlogs
"""
# Users per script call (Lua's unpack takes a few thousand values at most).
SPEND_CHUNK = 1000


class SharedSpend:
    """Each user's spend of the `UserBudget`s, shared between the processes through Redis, off
    the send path. Every `interval`, one pipelined write adds what this process spent since
    the last round to each user's bucket in Redis (`SPEND_SCRIPT`, one call per budget) and
    reads back what is left, for the users this process spent for lately; that is then what
    this process's bucket has left, less what it spent while the answer was on its way. A user
    is thus refused everywhere about one interval after their spend, summed over the
    processes, empties the bucket, and what was overspent meanwhile is owed: the rate over
    time is the budget's.

    Redis down: each process keeps counting alone (its spend kept for the next round), logged
    once; the budgets are never off."""

    def __init__(self, redis_url: str, key_prefix: str, interval: float) -> None:
        self.interval = interval
        self._redis = redis.from_url(
            redis_url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=2
        )
        self._script = self._redis.register_script(SPEND_SCRIPT)
        self._prefix = f"{key_prefix}:spend"
        self._budgets: dict[str, UserBudget] = {}
        self._spent: dict[tuple[str, str], int] = {}  # (budget, user): spent here, not yet sent
        # (budget, user) read each round: when this process last spent for them, and whether
        # they owed anything at the last read.
        self._watched: dict[tuple[str, str], tuple[float, bool]] = {}
        self._failing = False
        self._rounds = Periodic("budget_sync", interval, self.sync)

    def share(self, budget: UserBudget) -> None:
        self._budgets[budget.name] = budget

    def spent(self, budget: str, user_id: str) -> None:
        key = (budget, user_id)
        self._spent[key] = self._spent.get(key, 0) + 1

    def start(self) -> None:
        self._rounds.start()

    async def close(self) -> None:
        await self._rounds.stop()
        await self.sync()  # the last round's spend, for the processes that stay
        await self._redis.aclose()

    async def sync(self) -> None:
        """One round: this process's spend out, what is left in, in one pipelined write."""
        spent, self._spent = self._spent, {}
        now = time.monotonic()
        for key in spent:
            self._watched[key] = (now, True)
        # A user is read until they owe nothing and their bucket would have refilled since
        # their last spend here.
        for key, (at, owing) in list(self._watched.items()):
            if not owing and now - at >= self._refill_seconds(key[0]):
                del self._watched[key]
        calls: list[tuple[str, list[str]]] = []  # (budget, its users), one script call each
        for budget in self._budgets:
            users = [user for name, user in self._watched if name == budget]
            calls += [
                (budget, users[i : i + SPEND_CHUNK]) for i in range(0, len(users), SPEND_CHUNK)
            ]
        if not calls:
            return
        pipe = self._redis.pipeline(transaction=False)
        for budget, users in calls:
            rate = self._budgets[budget].bucket.rate
            args: list[str | float | int] = [1.0 / rate]
            for user in users:
                args += [user, spent.get((budget, user), 0)]
            await self._script(keys=[f"{self._prefix}:{budget}"], args=args, client=pipe)
        try:
            answers = await pipe.execute()
        except (RedisError, OSError) as exc:
            for key, count in spent.items():  # sent with the next round
                self._spent[key] = self._spent.get(key, 0) + count
            if not self._failing:
                log.error("budget_sync_failed shared=false error=%s", exc)
            self._failing = True
            return
        if self._failing:
            log.info("budget_sync_back shared=true")
        self._failing = False
        metrics.BUDGET_SYNCS.inc()
        for (budget, users), backlogs in zip(calls, answers, strict=True):
            bucket = self._budgets[budget].bucket
            for user, backlog in zip(users, backlogs, strict=True):
                key = (budget, user)
                owed = float(backlog) * bucket.rate
                # What it spent meanwhile is not in Redis's answer yet.
                bucket.set(user, bucket.burst - owed - self._spent.get(key, 0))
                self._watched[key] = (self._watched[key][0], owed > 0)

    def _refill_seconds(self, budget: str) -> float:
        bucket = self._budgets[budget].bucket
        return min(bucket.burst / bucket.rate, 600.0)
