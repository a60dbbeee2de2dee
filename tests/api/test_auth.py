import asyncio
import base64
import io
from datetime import UTC, datetime, timedelta

import bcrypt
import jwt
from PIL import Image
from sqlalchemy import func, select, update

from socketspace.models import Session, User
from socketspace.security.tokens import issue_token
from tests.conftest import make_client, signup

USER_FIELDS = {"_id", "fullName", "email", "profilePic", "createdAt", "updatedAt"}
KEY = "test-secret-key-that-is-long-enough-for-hs256"


def png_data_url() -> str:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (0, 150, 90)).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


async def count(db, model) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)))


async def test_signup_answers_201_with_the_user_and_a_session_cookie(client):
    response = await client.post(
        "/api/auth/signup",
        json={
            "fullName": "  Alice   Liddell ",
            "email": "  Alice@Example.COM ",
            "password": "secret1",
        },
    )
    assert response.status_code == 201
    user = response.json()
    assert set(user) == USER_FIELDS
    assert user["fullName"] == "Alice Liddell"
    assert user["email"] == "alice@example.com"
    assert user["profilePic"] == ""
    assert user["createdAt"].endswith("Z") or user["createdAt"].endswith("+00:00")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("jwt=")
    for attribute in ("HttpOnly", "Max-Age=604800", "Path=/", "SameSite=lax"):
        assert attribute in cookie
    assert "Secure" not in cookie
    assert "password" not in response.text and "argon2" not in response.text


async def test_the_session_cookie_is_secure_when_served_over_https(settings):
    from socketspace.app import create_app

    app = create_app(settings.model_copy(update={"public_origin": "https://chat.example"}))
    api = app.api
    async with api.router.lifespan_context(api), make_client(app, "https://chat.example") as c:
        response = await c.post(
            "/api/auth/signup",
            headers={"Origin": "https://chat.example"},
            json={"fullName": "A", "email": "a@b.io", "password": "secret1"},
        )
    assert response.status_code == 201
    assert "Secure" in response.headers["set-cookie"]


async def test_check_returns_the_signed_in_user(alice):
    response = await alice.http.get("/api/auth/check")
    assert response.status_code == 200
    assert response.json()["email"] == "alice@example.com"
    assert set(response.json()) == USER_FIELDS


async def test_login_accepts_any_case_of_the_email_and_sets_a_new_cookie(app, alice):
    async with make_client(app) as other_device:
        response = await other_device.post(
            "/api/auth/login", json={"email": " ALICE@example.com", "password": "correct horse"}
        )
        assert response.status_code == 200
        assert response.json()["fullName"] == "Alice Liddell"
        assert (await other_device.get("/api/auth/check")).status_code == 200


async def test_two_simultaneous_signups_with_one_email_give_one_account(app, db):
    async def attempt(email: str):
        async with make_client(app) as c:
            return await c.post(
                "/api/auth/signup", json={"fullName": "Twin", "email": email, "password": "secret1"}
            )

    responses = await asyncio.gather(attempt("twin@example.com"), attempt("TWIN@example.com"))
    assert sorted(r.status_code for r in responses) == [201, 400]
    loser = next(r for r in responses if r.status_code == 400)
    assert loser.json()["message"] == "Email already exists"
    assert await count(db, User) == 1


async def test_logout_clears_the_cookie_and_the_old_token_stops_working(alice):
    token = alice.http.cookies["jwt"]
    # Used once before, so the server knows it as live (it keeps that for a few seconds).
    assert (await alice.http.get("/api/auth/check")).status_code == 200
    response = await alice.http.post("/api/auth/logout")
    assert response.status_code == 200
    assert response.json() == {"message": "Logged out successfully"}
    cleared = response.headers["set-cookie"]
    assert cleared.startswith('jwt=""') or cleared.startswith("jwt=;")
    assert "Max-Age=0" in cleared
    replay = await alice.http.get("/api/auth/check", headers={"Cookie": f"jwt={token}"})
    assert replay.status_code == 401
    assert replay.json()["code"] == "not_authenticated"


async def test_logout_without_a_session_still_answers_200(client):
    response = await client.post("/api/auth/logout")
    assert response.status_code == 200


async def test_logout_all_ends_every_session_of_the_user(app, alice, bob):
    async with make_client(app) as phone:
        await phone.post(
            "/api/auth/login", json={"email": "alice@example.com", "password": "correct horse"}
        )
        assert (await phone.get("/api/auth/check")).status_code == 200
        response = await alice.http.post("/api/auth/logout-all")
        assert response.status_code == 200
        assert (await phone.get("/api/auth/check")).status_code == 401
    assert (
        await alice.http.get("/api/auth/check", headers={"Cookie": "jwt=" + phone.cookies["jwt"]})
    ).status_code == 401
    assert (await bob.http.get("/api/auth/check")).status_code == 200


async def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(app, alice):
    async with make_client(app) as phone:
        await phone.post(
            "/api/auth/login", json={"email": "alice@example.com", "password": "correct horse"}
        )
        assert (await phone.get("/api/auth/check")).status_code == 200
        response = await alice.http.put(
            "/api/auth/password",
            json={"currentPassword": "correct horse", "newPassword": "battery staple"},
        )
        assert response.status_code == 200
        assert (await phone.get("/api/auth/check")).status_code == 401
        assert (await alice.http.get("/api/auth/check")).status_code == 200
        old = await phone.post(
            "/api/auth/login", json={"email": "alice@example.com", "password": "correct horse"}
        )
        assert old.status_code == 400
        new = await phone.post(
            "/api/auth/login", json={"email": "alice@example.com", "password": "battery staple"}
        )
        assert new.status_code == 200


async def test_changing_the_password_needs_the_current_one(alice):
    response = await alice.http.put(
        "/api/auth/password",
        json={"currentPassword": "not it at all", "newPassword": "battery staple"},
    )
    assert response.status_code == 400
    assert response.json()["message"] == "Current password is incorrect"


async def test_an_imported_bcrypt_hash_logs_in_and_is_upgraded_to_argon2id(client, db):
    legacy = bcrypt.hashpw(b"old secret", bcrypt.gensalt(rounds=4)).decode()
    async with db.write() as session:
        session.add(User(email="legacy@example.com", full_name="Legacy", password_hash=legacy))
    response = await client.post(
        "/api/auth/login", json={"email": "legacy@example.com", "password": "old secret"}
    )
    assert response.status_code == 200
    async with db.read() as session:
        stored = await session.scalar(
            select(User.password_hash).where(User.email == "legacy@example.com")
        )
    assert stored.startswith("$argon2id$")


async def test_a_revoked_expired_foreign_or_unsigned_token_gets_401_json(app, alice, db):
    user_id = (await alice.http.get("/api/auth/check")).json()["_id"]
    async with db.read() as session:
        session_id = await session.scalar(select(Session.id).where(Session.user_id == user_id))
    now = datetime.now(UTC)
    tokens = {
        "expired": issue_token(
            KEY,
            user_id=user_id,
            session_id=session_id,
            issued=now - timedelta(days=8),
            expires=now - timedelta(days=1),
        ),
        "other key": issue_token(
            "another-key-" * 4,
            user_id=user_id,
            session_id=session_id,
            issued=now,
            expires=now + timedelta(days=1),
        ),
        "alg none": jwt.encode(
            {"sub": user_id, "sid": session_id, "iat": now, "exp": now + timedelta(days=1)},
            None,
            algorithm="none",
        ),
        "unknown session": issue_token(
            KEY, user_id=user_id, session_id="nope", issued=now, expires=now + timedelta(days=1)
        ),
        "garbage": "abc.def.ghi",
    }
    async with make_client(app) as stranger:
        for name, token in tokens.items():
            response = await stranger.get("/api/auth/check", headers={"Cookie": f"jwt={token}"})
            assert response.status_code == 401, name
            assert response.headers["content-type"] == "application/json", name
            assert response.json()["code"] == "not_authenticated", name


async def test_a_session_past_its_expiry_in_the_database_is_refused(alice, db):
    async with db.write() as session:
        await session.execute(
            update(Session).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert (await alice.http.get("/api/auth/check")).status_code == 401


async def test_a_bearer_token_works_like_the_cookie(app, alice):
    token = alice.http.cookies["jwt"]
    async with make_client(app) as script:
        response = await script.get("/api/auth/check", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


async def test_update_profile_changes_the_name(alice):
    response = await alice.http.put("/api/auth/update-profile", json={"fullName": "  Alice L. "})
    assert response.status_code == 200
    assert response.json()["fullName"] == "Alice L."
    assert (await alice.http.get("/api/auth/check")).json()["fullName"] == "Alice L."


async def test_update_profile_stores_a_picture_that_signed_in_users_can_fetch(app, alice, bob):
    response = await alice.http.put("/api/auth/update-profile", json={"profilePic": png_data_url()})
    assert response.status_code == 200
    url = response.json()["profilePic"]
    assert url.startswith("/api/media/avatars/") and url.endswith(".webp")
    assert "password" not in response.text and "argon2" not in response.text

    picture = await bob.http.get(url)
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/webp"
    assert picture.headers["x-content-type-options"] == "nosniff"
    assert Image.open(io.BytesIO(picture.content)).size == (64, 64)
    async with make_client(app) as stranger:
        assert (await stranger.get(url)).status_code == 401


async def test_a_data_url_whose_bytes_are_not_an_image_is_refused(alice):
    fake = "data:image/png;base64," + base64.b64encode(b"<script>alert(1)</script>").decode()
    response = await alice.http.put("/api/auth/update-profile", json={"profilePic": fake})
    assert response.status_code == 400
    assert "image" in response.json()["message"]
    assert (await alice.http.get("/api/auth/check")).json()["profilePic"] == ""


async def test_update_profile_with_nothing_to_change_is_refused(alice):
    response = await alice.http.put("/api/auth/update-profile", json={})
    assert response.status_code == 400
    assert response.json()["message"] == "Profile pic is required"


async def test_media_names_that_are_not_ours_are_404(alice):
    for name in ("..%2F..%2Fsecret.key", "abc.webp", "%2e%2e"):
        response = await alice.http.get(f"/api/media/avatars/{name}")
        assert response.status_code == 404, name
        assert response.json()["code"] == "not_found"


async def test_no_answer_ever_carries_a_password_hash(client):
    await signup(client, "Carol", "carol@example.com")
    bodies = [
        (await client.get("/api/auth/check")).text,
        (await client.put("/api/auth/update-profile", json={"fullName": "Caro"})).text,
        (
            await client.post(
                "/api/auth/login", json={"email": "carol@example.com", "password": "correct horse"}
            )
        ).text,
    ]
    for body in bodies:
        assert "$argon2" not in body and "password" not in body.lower()
