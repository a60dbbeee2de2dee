"""The Socket.IO tests: everyone signs up on the test's live server, where their sockets
connect (alice and bob included: the shared fixtures sign them up through `people`)."""

import pytest

from tests.conftest import People


@pytest.fixture
def people(live_people: People) -> People:
    return live_people
