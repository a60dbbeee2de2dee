"""Hypothesis throws generated payloads at every socket event: each one gets an ack that says
ok or names the problem, and the server keeps serving."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socketspace.realtime import events
from tests.conftest import People, Person


@pytest.fixture
def people(live_people: People) -> People:
    """Everyone here, alice and bob included, on the live server: their sockets connect there."""
    return live_people


CLIENT_EVENTS = [
    events.SEND_MESSAGE,
    events.TYPING,
    events.MARK_READ,
    events.SYNC,
    events.EDIT_MESSAGE,
    events.DELETE_MESSAGE,
]
KEYS = [
    "receiverId",
    "userId",
    "text",
    "image",
    "clientId",
    "messageId",
    "upToMessageId",
    "afterMessageId",
    "limit",
    "isTyping",
    "$where",
    "__proto__",
]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=300)
    | st.sampled_from(["", " ", "0", "-1", "1e309", "' OR 1=1 --", "{{7*7}}", "\u0000", "😀" * 50])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=10,
)
payloads = values | st.dictionaries(st.sampled_from(KEYS), values, max_size=5)


async def test_every_event_answers_any_payload_and_the_server_keeps_serving(
    alice: Person, bob: Person
):
    tab = await alice.connect()
    loop = asyncio.get_running_loop()
    answered: list[dict[str, Any]] = []

    # Hypothesis drives a plain function; it runs in a worker thread and hands each call to
    # the test's event loop, where the socket lives.
    @settings(
        max_examples=300,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(event=st.sampled_from(CLIENT_EVENTS), payload=payloads)
    def throw(event: str, payload: Any) -> None:
        ack = asyncio.run_coroutine_threadsafe(tab.call(event, payload), loop).result(10)
        assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), ack
        if not ack["ok"]:
            assert isinstance(ack["message"], str) and ack["message"].strip(), ack
            assert ack["code"] != "internal_error", (event, payload, ack)
        answered.append(ack)

    await asyncio.to_thread(throw)
    assert len(answered) >= 300
    assert any(not ack["ok"] for ack in answered)

    # Still up, still correct.
    bob_tab = await bob.connect()
    ack = await tab.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "still here"})
    assert ack["ok"]
    assert (await bob_tab.next(events.NEW_MESSAGE))["text"] == "still here"
