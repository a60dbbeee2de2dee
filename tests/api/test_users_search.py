"""The people search behind the contacts list (`GET /api/messages/contacts?q=&cursor=&limit=`):
keyset pages by name that a client walks as the list scrolls, on both databases."""

from __future__ import annotations

import base64
import json

import pytest

from socketspace.db import Database
from socketspace.models import User
from tests.conftest import Person

CONTACTS = "/api/messages/contacts"


async def seed_people(db: Database, names: list[str]) -> None:
    """People straight into the table: the search reads names, it never logs anyone in."""
    async with db.write() as session:
        session.add_all(
            User(email=f"p{n}@example.com", full_name=name, password_hash="-")
            for n, name in enumerate(names)
        )


async def walk(alice: Person, *, limit: int, q: str | None = None) -> list[str]:
    """Every page from the first to the last, as the client scrolls."""
    names: list[str] = []
    params: dict[str, str | int] = {"limit": limit}
    if q is not None:
        params["q"] = q
    for _ in range(100):
        response = await alice.http.get(CONTACTS, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page) <= limit
        names += [p["fullName"] for p in page]
        cursor = response.headers.get("x-next-cursor")
        if cursor is None:
            return names
        params["cursor"] = cursor
    raise AssertionError("the pages never ended")


# Capitals and letters beyond ASCII, and the same name twice: SQLite's lower() folds only
# ASCII, so the order must come from the database's own sort key, cursor included.
NAMES = [f"Person {n:03}" for n in range(40)] + [
    "Élodie",
    "Émile",
    "élan",
    "Zoë",
    "Ana",
    "ana",
    "Ana",
    "Øystein",
    "Ünal",
    "ünal",
]


async def test_walking_the_pages_lists_everyone_once_in_the_order_of_one_page(
    db: Database, alice: Person
) -> None:
    await seed_people(db, NAMES)
    everyone = await walk(alice, limit=1000)
    assert sorted(everyone) == sorted(NAMES)
    for limit in (1, 3, 7):
        assert await walk(alice, limit=limit) == everyone


async def test_a_search_pages_too_and_takes_wildcards_literally(
    db: Database, alice: Person
) -> None:
    await seed_people(db, [*NAMES, "100% Real", "under_score", "Ann"])
    found = await walk(alice, limit=3, q="person 01")
    assert found == [f"Person {n:03}" for n in range(10, 20)]
    # The three Anas sort as one name, then by id: pages of two split them, losing none.
    assert sorted(await walk(alice, limit=2, q="AN")) == ["Ana", "Ana", "Ann", "ana", "élan"]
    # A name typed as it is written is found, whatever either database folds.
    assert await walk(alice, limit=2, q="Élodie") == ["Élodie"]
    assert await walk(alice, limit=2, q="%") == ["100% Real"]
    assert await walk(alice, limit=2, q="_") == ["under_score"]
    assert await walk(alice, limit=5, q="  ") == await walk(alice, limit=5)


def encoded(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "-1"},
        {"limit": "1001"},
        {"limit": "ten"},
        {"limit": "1e3"},
        {"cursor": "%%%"},
        {"cursor": "not base64 at all!"},
        {"cursor": base64.urlsafe_b64encode(b"not json").decode()},
        {"cursor": base64.urlsafe_b64encode(b"\xff\xfe").decode()},
        {"cursor": encoded(["only a name"])},
        {"cursor": encoded(["a", "b", "c"])},
        {"cursor": encoded([1, 2])},
        {"cursor": encoded({"name": "a", "id": "b"})},
        {"cursor": encoded(None)},
        {"cursor": encoded("a string")},
    ],
)
async def test_nonsense_limits_and_cursors_are_a_clear_400(
    alice: Person, params: dict[str, str]
) -> None:
    response = await alice.http.get(CONTACTS, params=params)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["message"] and body["code"]
