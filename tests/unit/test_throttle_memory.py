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
