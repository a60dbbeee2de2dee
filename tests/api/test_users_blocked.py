"""`GET /api/users/blocked`: the people I blocked, with their names, for the settings list
where they are unblocked (issue 19, item 9)."""

from __future__ import annotations

import pytest

from tests.conftest import People, Person


@pytest.fixture
async def mallory(people: People) -> Person:
    return await people.signup("mallory", "mallory@example.com")


async def test_the_blocked_are_listed_by_name_without_emails_until_unblocked(
    people: People, alice: Person, bob: Person, mallory: Person
) -> None:
    await alice.http.post(f"/api/users/{mallory.id}/block")
    await alice.http.post(f"/api/users/{bob.id}/block")

    listed = await alice.http.get("/api/users/blocked")

    assert listed.status_code == 200
    body = listed.json()
    assert [p["fullName"] for p in body["people"]] == ["Bob Builder", "mallory"]
    assert body["blocked"] == [bob.id, mallory.id]
    assert set(body["people"][0]) == {"_id", "fullName", "profilePic", "lastSeen"}
    assert "example.com" not in listed.text
    # Only my own blocks: Bob sees nobody.
    assert (await bob.http.get("/api/users/blocked")).json() == {"blocked": [], "people": []}

    await alice.http.delete(f"/api/users/{bob.id}/block")
    after = (await alice.http.get("/api/users/blocked")).json()
    assert [p["_id"] for p in after["people"]] == [mallory.id]


@pytest.mark.parametrize("target", ["not-an-id", "0" * 24, "a" * 500, "%00"])
async def test_blocking_nonsense_or_nobody_is_a_clear_404_and_lists_nothing(
    alice: Person, target: str
) -> None:
    for method in ("POST", "DELETE"):
        response = await alice.http.request(method, f"/api/users/{target}/block")
        assert response.status_code == 404, response.text
        assert response.json() == {"message": "User not found.", "code": "user_not_found"}
    assert (await alice.http.get("/api/users/blocked")).json() == {"blocked": [], "people": []}


async def test_the_list_needs_a_session(people: People) -> None:
    stranger = await people.signup("Stranger", "stranger@example.com")
    await stranger.http.post("/api/auth/logout")
    response = await stranger.http.get("/api/users/blocked")
    assert response.status_code == 401
    assert response.json()["message"]
