"""The cache of live sessions: what it keeps, for how long, and what makes it forget."""

import time

from socketspace.security.session_cache import SessionCache

LATER = time.time() + 3600


def remember(cache: SessionCache, token: str, user: str, session: str, **changes) -> None:
    fields = {"ends_at": LATER, "generation": cache.generation, **changes}
    cache.put(token, user_id=user, session_id=session, **fields)


def test_a_remembered_token_is_known_until_forgotten():
    cache = SessionCache(ttl_seconds=60)
    remember(cache, "t1", "alice", "s1")
    known = cache.get("t1")
    assert known is not None and (known.user_id, known.session_id) == ("alice", "s1")
    assert cache.get("t2") is None


def test_forgetting_named_sessions_keeps_the_users_others_and_other_users():
    cache = SessionCache(ttl_seconds=60)
    remember(cache, "phone", "alice", "s1")
    remember(cache, "laptop", "alice", "s2")
    remember(cache, "bob", "bob", "s3")
    cache.forget("alice", {"s1"})
    assert cache.get("phone") is None
    assert cache.get("laptop") is not None
    cache.forget("alice", None)
    assert cache.get("laptop") is None
    assert cache.get("bob") is not None


def test_a_read_that_began_before_a_forget_is_not_kept():
    """A request read the session as live, a logout ended it meanwhile: what the request
    found must not outlive the logout."""
    cache = SessionCache(ttl_seconds=60)
    began = cache.generation
    cache.forget("alice", {"s1"})
    remember(cache, "t1", "alice", "s1", generation=began)
    assert cache.get("t1") is None


def test_nothing_is_kept_past_the_sessions_end_or_the_ttl():
    cache = SessionCache(ttl_seconds=60)
    remember(cache, "ended", "alice", "s1", ends_at=time.time() - 1)
    assert cache.get("ended") is None
    stale = SessionCache(ttl_seconds=1e-9)
    remember(stale, "t1", "alice", "s1")
    assert stale.get("t1") is None
    off = SessionCache(ttl_seconds=0)
    remember(off, "t1", "alice", "s1")
    assert off.get("t1") is None


def test_the_oldest_entries_make_room_for_new_ones():
    cache = SessionCache(ttl_seconds=60, size=2)
    for n in range(3):
        remember(cache, f"t{n}", "alice", f"s{n}")
    assert cache.get("t0") is None
    assert cache.get("t1") is not None and cache.get("t2") is not None


async def test_the_bus_signal_forgets_the_sessions_it_names():
    cache = SessionCache(ttl_seconds=60)
    remember(cache, "t1", "alice", "s1")
    remember(cache, "t2", "alice", "s2")
    await cache.on_revoked({"userId": "alice", "sessionIds": ["s1"], "keep": None})
    assert cache.get("t1") is None and cache.get("t2") is not None
    await cache.on_revoked({"userId": "alice", "sessionIds": None, "keep": "s2"})
    assert cache.get("t2") is None
