"""The Socket.IO handshake: only a live session may connect, only from a trusted origin."""

import pytest

from tests.conftest import Person, Refused


async def test_a_signed_in_user_connects_with_the_session_cookie(alice: Person):
    tab = await alice.connect()
    assert tab.client.connected
    # The original client learns who is online as soon as it connects.
    assert len(await tab.next("getOnlineUsers")) == 1


async def test_a_connection_without_a_session_is_refused(sockets):
    with pytest.raises(Refused) as refused:
        await sockets.connect()
    assert refused.value.reason == {"message": "Please log in to continue."}


async def test_a_revoked_session_cannot_connect(alice: Person):
    response = await alice.http.post("/api/auth/logout")
    assert response.status_code == 200
    with pytest.raises(Refused) as refused:
        await alice.connect()
    assert "session has ended" in refused.value.reason["message"]


async def test_a_handshake_from_another_site_is_refused(alice: Person):
    # Browsers send the cookie on cross-site WebSocket handshakes; the Origin check is what
    # stops another site from opening a socket as the user.
    with pytest.raises(Refused):
        await alice.connect(origin="https://evil.example")
