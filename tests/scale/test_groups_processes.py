"""Groups across two server processes sharing PostgreSQL and Redis: a group's messages and
membership changes reach members on the other process at once."""

from __future__ import annotations

import pytest

from socketspace.realtime import events
from tests.scale.deployment import Deployment

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
GROUPS = {"groups": True}


async def test_a_member_removed_on_one_process_stops_receiving_on_the_other(
    deployment: Deployment,
):
    one, two = await deployment.start(), await deployment.start()
    alice, bob = await deployment.signup("Alice", one), await deployment.signup("Bob", two)
    carol = await deployment.signup("Carol", two)
    made = await alice.http.post(
        "/api/groups", json={"name": "Across", "memberIds": [bob.id, carol.id]}
    )
    group = made.json()
    bob_tab = await deployment.sockets.connect(cookie=bob.token, url=two.url, auth=GROUPS)
    carol_tab = await deployment.sockets.connect(cookie=carol.token, url=two.url, auth=GROUPS)
    alice_tab = await deployment.sockets.connect(cookie=alice.token, url=one.url, auth=GROUPS)

    sent = await alice_tab.call(events.SEND_MESSAGE, {"groupId": group["_id"], "text": "hi"})
    assert sent["ok"], sent
    assert (await bob_tab.next(events.NEW_MESSAGE))["text"] == "hi"
    assert (await carol_tab.next(events.NEW_MESSAGE))["text"] == "hi"

    removed = await alice.http.delete(f"/api/groups/{group['_id']}/members/{bob.id}")
    assert removed.status_code == 200
    assert await bob_tab.next(events.GROUP_REMOVED) == {"groupId": group["_id"]}
    await bob_tab.next(events.NEW_MESSAGE)  # the "removed" system message ends his history
    assert await carol_tab.next(events.NEW_MESSAGE)

    after = await alice_tab.call(events.SEND_MESSAGE, {"groupId": group["_id"], "text": "bye"})
    assert after["ok"], after
    assert (await carol_tab.next(events.NEW_MESSAGE))["text"] == "bye"
    refused = await bob_tab.call(events.SEND_MESSAGE, {"groupId": group["_id"], "text": "?"})
    assert refused["code"] == "group_not_found"
    assert bob_tab.pending(events.NEW_MESSAGE) == []
