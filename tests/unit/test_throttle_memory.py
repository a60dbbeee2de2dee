"""The in-process rate-limit storage: clearing a key while its expiry task runs."""

import asyncio

import pytest

from socketspace.errors import RateLimited
from socketspace.security.throttle import Rule, Throttle, _MemoryStorage


async def test_clearing_a_key_the_expiry_task_waits_for_does_not_kill_the_task():
    storage = _MemoryStorage()
    await storage.acquire_entry("k", limit=10, expiry=60)
    # The expiry task lists the keys, then waits for this key's lock: hold it, so that the
    # key is cleared exactly while the task is between the two.
    lock = storage.locks["k"]
    await lock.acquire()
    if storage.timer is None or storage.timer.done():
        storage.timer = asyncio.create_task(storage._MemoryStorage__expire_events())  # type: ignore[attr-defined]
    task = storage.timer
    await asyncio.sleep(0)  # the task reaches the lock and waits
    await storage.clear("k")
    lock.release()
    await task  # raised KeyError before the fix
    assert storage.events.get("k", []) == []


async def test_a_cleared_rule_counts_from_zero_again():
    throttle = Throttle()
    rule = Rule.of("test", "2/minute", "Too many.")
    await throttle.hit(rule, "alice")
    await throttle.hit(rule, "alice")
    with pytest.raises(RateLimited):
        await throttle.hit(rule, "alice")
    await throttle.clear(rule, "alice")
    await throttle.hit(rule, "alice")
    await throttle.close()


def counting_store_calls(throttle: Throttle) -> list[str]:
    """The names of the limiter's calls from now on (each is a round trip to Redis there)."""
    calls: list[str] = []
    limiter = throttle._memory
    for name in ("hit", "test", "get_window_stats"):
        original = getattr(limiter, name)

        async def counted(*args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return await _original(*args, **kwargs)

        setattr(limiter, name, counted)
    return calls


async def test_a_rule_of_one_window_is_counted_in_one_call_to_the_store():
    # The /api ceiling is such a rule, hit on every request: with Redis, each call to the
    # store is a round trip.
    throttle = Throttle()
    calls = counting_store_calls(throttle)
    rule = Rule.of("api-ip", "2/minute", "Too many requests.")
    await throttle.hit(rule, "198.51.100.7")
    assert calls == ["hit"]
    await throttle.hit(rule, "198.51.100.7")
    with pytest.raises(RateLimited) as refused:
        await throttle.hit(rule, "198.51.100.7")
    assert 1 <= refused.value.retry_after <= 60
    assert refused.value.message.startswith("Too many requests. Please try again in")
    await throttle.hit(rule, "203.0.113.9")  # another key has its own window
    await throttle.close()


async def test_a_full_window_of_several_spends_none_of_the_others():
    throttle = Throttle()
    rule = Rule.of("test", "2/minute;3/hour", "Too many.")
    await throttle.hit(rule, "alice")
    await throttle.hit(rule, "alice")
    with pytest.raises(RateLimited):
        await throttle.hit(rule, "alice")  # the minute's window is full
    hour = rule.windows[1]
    stats = await throttle._memory.get_window_stats(hour, rule.name, "alice")
    assert stats.remaining == 1  # the refused one was not counted in the hour's
    await throttle.close()
