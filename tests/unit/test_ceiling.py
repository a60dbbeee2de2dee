"""The per-address ceiling counted in this process: token buckets, one per window."""

import pytest

from socketspace.errors import RateLimited
from socketspace.security.ratelimit import TokenBucket
from socketspace.security.throttle import Ceiling, Rule, Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def ceiling_with_clock(spec: str, clock: Clock) -> Ceiling:
    ceiling = Ceiling(Throttle(), Rule.of("api-ip", spec, "Too many requests."))
    for bucket in ceiling.buckets:
        bucket.clock = clock
    return ceiling


async def test_a_key_gets_the_amount_at_once_then_the_steady_rate():
    clock = Clock()
    ceiling = ceiling_with_clock("60/minute", clock)
    for _ in range(60):
        await ceiling.hit("198.51.100.7")
    with pytest.raises(RateLimited) as refused:
        await ceiling.hit("198.51.100.7")
    assert refused.value.retry_after == 1
    assert "Please try again in 1 seconds." in refused.value.message
    await ceiling.hit("203.0.113.9")  # another address has its own bucket
    clock.now += 1.0  # one request a second comes back
    await ceiling.hit("198.51.100.7")
    with pytest.raises(RateLimited):
        await ceiling.hit("198.51.100.7")


async def test_every_window_must_have_room_and_a_refusal_spends_none():
    clock = Clock()
    ceiling = ceiling_with_clock("10/second;30/minute", clock)
    for _ in range(10):
        await ceiling.hit("k")
    with pytest.raises(RateLimited):
        await ceiling.hit("k")  # the second's window is full
    clock.now += 1.0
    for _ in range(10):
        await ceiling.hit("k")
    clock.now += 1.0
    for _ in range(10):
        await ceiling.hit("k")
    clock.now += 1.0
    # The minute's bucket (30 a minute: half a token a second) holds 1.5 tokens now, the
    # second's is full: one more request, then the minute's window refuses.
    await ceiling.hit("k")
    with pytest.raises(RateLimited) as refused:
        await ceiling.hit("k")
    assert refused.value.retry_after == 1
    assert ceiling.buckets[0].wait("k") == 0
    assert ceiling.buckets[0]._tokens("k", clock.now) == 9.0  # the refusal took none
    clock.now += 1.0
    await ceiling.hit("k")


def test_a_bucket_says_how_long_until_its_next_token_without_spending():
    clock = Clock()
    bucket = TokenBucket(rate=0.5, burst=1, clock=clock)
    assert bucket.wait("k") == 0
    bucket.take("k")
    assert bucket.wait("k") == 2
    assert bucket.wait("k") == 2  # asking spends nothing
    clock.now += 2.0
    assert bucket.wait("k") == 0
