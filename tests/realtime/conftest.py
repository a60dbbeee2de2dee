"""Two people signed up on the test's live server, for the Socket.IO tests (they stand in
for the HTTP clients of the same names in tests/conftest.py)."""

import pytest

from tests.conftest import People, Person


@pytest.fixture
async def alice(people: People) -> Person:
    return await people.signup("Alice")


@pytest.fixture
async def bob(people: People) -> Person:
    return await people.signup("Bob")
