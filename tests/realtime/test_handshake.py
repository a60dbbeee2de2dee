"""The Socket.IO handshake: only a live session may connect, only from a trusted origin."""

import httpx
import pytest

from tests.conftest import Refused, signup


@pytest.fixture
async def alice_token(live_server) -> str:
    async with httpx.AsyncClient(
        base_url=live_server.url, headers={"Origin": live_server.url}
    ) as c:
        await signup(c, "Alice Liddell", "alice@example.com")
        return c.cookies["jwt"]


async def test_a_signed_in_user_connects_with_the_session_cookie(sockets, alice_token):
    tab = await sockets.connect(cookie=alice_token)
    assert tab.client.connected
    # The original client learns who is online as soon as it connects.
    assert len(await tab.next("getOnlineUsers")) == 1


async def test_a_connection_without_a_session_is_refused(sockets):
    with pytest.raises(Refused) as refused:
        await sockets.connect()
    assert refused.value.reason == {"message": "Please log in to continue."}


async def test_a_revoked_session_cannot_connect(sockets, live_server, alice_token):
    async with httpx.AsyncClient(
        base_url=live_server.url, headers={"Origin": live_server.url}
    ) as c:
        response = await c.post("/api/auth/logout", headers={"Cookie": f"jwt={alice_token}"})
        assert response.status_code == 200
    with pytest.raises(Refused) as refused:
        await sockets.connect(cookie=alice_token)
    assert "session has ended" in refused.value.reason["message"]


async def test_a_handshake_from_another_site_is_refused(sockets, alice_token):
    # Browsers send the cookie on cross-site WebSocket handshakes; the Origin check is what
    # stops another site from opening a socket as the user.
    with pytest.raises(Refused):
        await sockets.connect(cookie=alice_token, origin="https://evil.example")
