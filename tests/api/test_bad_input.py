"""Bad input on the account routes and the send route: every refusal is a clear JSON 4xx
that changes nothing.

The matrix throws wrong JSON types, wrong shapes, wrong content types, malformed and oversized
bodies at signup, login, update-profile, password, forgot-password, reset-password and
send. Each case must be refused with a human-readable `message` and a `code`, set no cookie,
and leave the users, sessions and reset links exactly as they were, with no email queued (and
no message stored). Unicode, emoji and SQL-looking text are ordinary data: accepted, stored and
read back verbatim.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from socketspace.api.send_route import SendRoute
from socketspace.db import Database
from socketspace.models import Conversation, Message, PasswordReset, User
from socketspace.models.base import utcnow
from socketspace.security.tokens import hash_reset_token, reset_token
from tests.conftest import SECRET_KEY, Person, make_client, signup
from tests.snapshots import tables

Request = dict[str, Any]  # keyword arguments for httpx.AsyncClient.request

MB = 1024 * 1024
ALICE_EMAIL = "alice@example.com"
ALICE_PASSWORD = "correct horse"  # the conftest signup default
SQL_NAME = "Robert'); DROP TABLE users;--"

SIGNUP = "/api/auth/signup"
LOGIN = "/api/auth/login"
PROFILE = "/api/auth/update-profile"
PASSWORD = "/api/auth/password"
FORGOT = "/api/auth/forgot-password"
RESET = "/api/auth/reset-password"
RESET_ID = "a-reset-link-for-alice"
SEND = "/api/messages/send/"

# The untampered body of each route; every case below spoils exactly one thing about it.
SIGNUP_BODY = {"fullName": "Bob Builder", "email": "bob@example.com", "password": "correct horse"}
LOGIN_BODY = {"email": ALICE_EMAIL, "password": ALICE_PASSWORD}
PROFILE_BODY = {"fullName": "Alice Pleasance"}
PASSWORD_BODY = {"currentPassword": ALICE_PASSWORD, "newPassword": "a brand new horse"}
FORGOT_BODY = {"email": ALICE_EMAIL}
RESET_BODY = {"token": reset_token(SECRET_KEY, RESET_ID), "newPassword": "a brand new horse"}
SEND_BODY = {"text": "Hello Bob"}

WRONG_TYPES: list[tuple[str, Any]] = [
    ("mongo-operator-object", {"$gt": ""}),
    ("number", 42),
    ("float", 0.5),
    ("array", ["alice@example.com"]),
    ("true", True),
    ("false", False),
    ("null", None),
]


async def stored_name(db: Database, email: str) -> str | None:
    async with db.read() as s:
        return await s.scalar(select(User.full_name).where(User.email == email))


# --- what a refusal looks like ---------------------------------------------------------------


def assert_refused(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].split(";")[0].strip() == "application/json"
    body: dict[str, Any] = response.json()
    message, code = body.get("message"), body.get("code")
    assert isinstance(message, str), body
    assert message.strip(), body
    # A sentence for the toast, not a dumped validation structure.
    assert not message.lstrip().startswith(("[", "{")), body
    assert isinstance(code, str), body
    assert code.strip(), body
    assert "set-cookie" not in response.headers
    return body


# --- building the cases ------------------------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    status: int
    build: Callable[[], Request]  # built lazily: some bodies are megabytes


def bad(case_id: str, status: int, build: Callable[[], Request]) -> Any:
    return pytest.param(Bad(status, build), id=case_id)


def as_json(payload: Any) -> Request:
    return {"json": payload}


def raw(data: bytes, content_type: str | None = "application/json") -> Request:
    return {"content": data, "headers": {"Content-Type": content_type} if content_type else {}}


def chunked(data: bytes) -> Request:
    """A streamed body with no Content-Length, so the size is only known while reading."""

    async def stream() -> AsyncIterator[bytes]:
        for start in range(0, len(data), 256 * 1024):
            yield data[start : start + 256 * 1024]

    return {"content": stream(), "headers": {"Content-Type": "application/json"}}


def long_value(field: str) -> str:
    if "email" in field.lower():
        return "a" * (5000 - len("@example.com")) + "@example.com"
    return "x" * 5000


def without(body: dict[str, str], field: str) -> dict[str, str]:
    return {key: value for key, value in body.items() if key != field}


def matrix(valid: dict[str, str], *, oversize: int) -> list[Any]:
    """Cases every JSON route must refuse with status 400, 413 or 415."""
    cases: list[Any] = []
    for field in valid:
        for label, value in WRONG_TYPES:
            cases.append(
                bad(f"{field}-as-{label}", 400, lambda f=field, v=value: as_json({**valid, f: v}))
            )
        cases += [
            bad(f"{field}-missing", 400, lambda f=field: as_json(without(valid, f))),
            bad(f"{field}-empty-string", 400, lambda f=field: as_json({**valid, f: ""})),
            bad(f"{field}-blank", 400, lambda f=field: as_json({**valid, f: "   "})),
            bad(
                f"{field}-5000-chars",
                400,
                lambda f=field: as_json({**valid, f: long_value(f)}),
            ),
        ]
    first = next(iter(valid))
    text = json.dumps(valid).encode()

    def big() -> bytes:
        return json.dumps({**valid, first: "x" * oversize}).encode()

    cases += [
        bad("top-level-array", 400, lambda: as_json([valid])),
        bad("top-level-empty-array", 400, lambda: as_json([])),
        bad("top-level-string", 400, lambda: as_json(ALICE_EMAIL)),
        bad("top-level-number", 400, lambda: as_json(42)),
        bad("top-level-null", 400, lambda: raw(b"null")),
        bad("empty-object", 400, lambda: as_json({})),
        bad("empty-body", 400, lambda: raw(b"")),
        bad("unknown-field", 400, lambda: as_json({**valid, "isAdmin": True})),
        bad("unknown-field-_id", 400, lambda: as_json({**valid, "_id": "0" * 24})),
        bad("malformed-json-truncated", 400, lambda: raw(text[:-5])),
        bad("malformed-json-single-quotes", 400, lambda: raw(text.replace(b'"', b"'"))),
        bad("malformed-json-trailing-garbage", 400, lambda: raw(text + b" }")),
        bad("malformed-json-nan", 400, lambda: raw(f'{{"{first}": NaN}}'.encode())),
        bad("invalid-utf8", 400, lambda: raw(f'{{"{first}": "'.encode() + b'\xff\xfe"}')),
        bad("form-encoded", 415, lambda: {"data": valid}),
        bad("multipart", 415, lambda: {"files": {first: (None, valid[first])}}),
        bad("text-plain", 415, lambda: raw(text, "text/plain")),
        bad("no-content-type", 415, lambda: raw(text, None)),
        bad(f"body-{oversize // MB}mb", 413, lambda: raw(big())),
        bad(f"body-{oversize // MB}mb-chunked", 413, lambda: chunked(big())),
    ]
    return cases


def data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


SIGNUP_CASES = [
    *matrix(SIGNUP_BODY, oversize=10 * MB),
    bad("password-5-chars", 400, lambda: as_json({**SIGNUP_BODY, "password": "abc12"})),
    bad("email-without-at", 400, lambda: as_json({**SIGNUP_BODY, "email": "bob.example.com"})),
    bad("email-sql", 400, lambda: as_json({**SIGNUP_BODY, "email": SQL_NAME})),
    bad("name-over-50-chars", 400, lambda: as_json({**SIGNUP_BODY, "fullName": "B" * 51})),
]
LOGIN_CASES = [
    *matrix(LOGIN_BODY, oversize=10 * MB),
    bad("email-sql", 400, lambda: as_json({**LOGIN_BODY, "email": SQL_NAME})),
    bad("password-sql", 400, lambda: as_json({**LOGIN_BODY, "password": "' OR '1'='1"})),
]
# update-profile carries images as data URLs (10 MB image, base64), so its body limit is 15 MB:
# 10 MB must get past the size guard there and be refused for what it says instead.
PROFILE_CASES = [
    *matrix(PROFILE_BODY, oversize=16 * MB),
    bad("fullName-10mb", 400, lambda: as_json({"fullName": "x" * (10 * MB)})),
    bad("name-over-50-chars", 400, lambda: as_json({"fullName": "A" * 51})),
    bad("profilePic-plain-text", 400, lambda: as_json({"profilePic": "not an image"})),
    bad("profilePic-https-url", 400, lambda: as_json({"profilePic": "https://evil.example/a.png"})),
    bad("profilePic-javascript", 400, lambda: as_json({"profilePic": "javascript:alert(1)"})),
    bad(
        "profilePic-svg",
        400,
        lambda: as_json({"profilePic": data_url("image/svg+xml", b"<svg onload='x()'/>")}),
    ),
    bad(
        "profilePic-html",
        400,
        lambda: as_json({"profilePic": data_url("text/html", b"<script>x()</script>")}),
    ),
    bad(
        "profilePic-bad-base64",
        400,
        lambda: as_json({"profilePic": "data:image/png;base64,!!not base64!!"}),
    ),
    bad(
        "profilePic-png-label-not-an-image",
        400,
        lambda: as_json({"profilePic": data_url("image/png", b"hello, not a png")}),
    ),
    *[
        bad(f"profilePic-as-{label}", 400, lambda v=value: as_json({"profilePic": v}))
        for label, value in WRONG_TYPES
        if value is not None  # null profilePic beside a valid fullName is simply "not sent"
    ],
]
PASSWORD_CASES = [
    *matrix(PASSWORD_BODY, oversize=10 * MB),
    bad("new-password-5-chars", 400, lambda: as_json({**PASSWORD_BODY, "newPassword": "abc12"})),
    bad(
        "wrong-current-password",
        400,
        lambda: as_json({**PASSWORD_BODY, "currentPassword": "wrong horse"}),
    ),
]

FORGOT_CASES = [
    *matrix(FORGOT_BODY, oversize=10 * MB),
    bad("email-without-at", 400, lambda: as_json({"email": "alice.example.com"})),
    bad("email-sql", 400, lambda: as_json({"email": SQL_NAME})),
]
RESET_CASES = [
    *matrix(RESET_BODY, oversize=10 * MB),
    bad("new-password-5-chars", 400, lambda: as_json({**RESET_BODY, "newPassword": "abc12"})),
    bad("token-of-another-key", 400, lambda: as_json({**RESET_BODY, "token": "x" * 43})),
]
# A send carries its image as a data URL too: its body limit is update-profile's.
SEND_CASES = [
    *matrix(SEND_BODY, oversize=16 * MB),
    bad("text-2001-chars", 400, lambda: as_json({"text": "x" * 2001})),
    bad("image-https-url", 400, lambda: as_json({"image": "https://evil.example/a.png"})),
    bad(
        "image-svg",
        400,
        lambda: as_json({"image": data_url("image/svg+xml", b"<svg onload='x()'/>")}),
    ),
    bad("image-bad-base64", 400, lambda: as_json({"image": "data:image/png;base64,!!nope!!"})),
    bad("clientId-with-spaces", 400, lambda: as_json({**SEND_BODY, "clientId": "not an id"})),
]
# Refused in front of every route, by the body guard: no route is reached.
GUARD_REFUSALS = (413, 415)


@pytest.fixture
async def reset_link(alice: Person, db: Database) -> None:
    """A live reset link for Alice: RESET_BODY carries its token."""
    async with db.write() as s:
        user_id = await s.scalar(select(User.id).where(User.email == ALICE_EMAIL))
        assert user_id is not None
        s.add(
            PasswordReset(
                id=RESET_ID,
                user_id=user_id,
                token_hash=hash_reset_token(reset_token(SECRET_KEY, RESET_ID)),
                created_at=utcnow(),
                expires_at=utcnow() + timedelta(minutes=30),
            )
        )


@pytest.fixture
def sends_served(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The receivers of the sends that api/send_route.py answered. That is the route really
    served, in front of FastAPI; FastAPI's own /send/{user_id} is declared for the schema."""
    served: list[str] = []
    answer = SendRoute.send_message

    async def noted(route: SendRoute, scope: Any, receive: Any, send: Any, to: str) -> None:
        served.append(to)
        await answer(route, scope, receive, send, to)

    monkeypatch.setattr(SendRoute, "send_message", noted)
    return served


async def messages_stored(db: Database) -> tuple[int, int]:
    async with db.read() as s:
        messages = await s.scalar(select(func.count()).select_from(Message))
        conversations = await s.scalar(select(func.count()).select_from(Conversation))
    return int(messages or 0), int(conversations or 0)


# --- the matrix --------------------------------------------------------------------------------


async def test_the_untampered_bodies_are_accepted(client: httpx.AsyncClient, alice: Person) -> None:
    """The matrix spoils these bodies; unspoiled, each route takes them."""
    assert (await client.post(SIGNUP, json=SIGNUP_BODY)).status_code == 201
    assert (await client.post(LOGIN, json=LOGIN_BODY)).status_code == 200
    assert (await alice.http.put(PROFILE, json=PROFILE_BODY)).status_code == 200
    assert (await alice.http.put(PASSWORD, json=PASSWORD_BODY)).status_code == 200
    assert (await client.post(FORGOT, json=FORGOT_BODY)).status_code == 200


async def test_the_untampered_reset_body_is_accepted(
    client: httpx.AsyncClient, reset_link: None
) -> None:
    assert (await client.post(RESET, json=RESET_BODY)).status_code == 200


@pytest.mark.parametrize("case", SIGNUP_CASES)
async def test_signup_with_bad_input_is_refused_and_stores_nothing(
    client: httpx.AsyncClient, alice: Person, db: Database, case: Bad
) -> None:
    before = await tables(db)
    response = await client.post(SIGNUP, **case.build())
    assert_refused(response, case.status)
    assert await tables(db) == before


@pytest.mark.parametrize("case", LOGIN_CASES)
async def test_login_with_bad_input_is_refused_and_opens_no_session(
    client: httpx.AsyncClient, alice: Person, db: Database, case: Bad
) -> None:
    before = await tables(db)
    response = await client.post(LOGIN, **case.build())
    assert_refused(response, case.status)
    assert await tables(db) == before


@pytest.mark.parametrize("case", PROFILE_CASES)
async def test_profile_update_with_bad_input_is_refused_and_leaves_the_user_unchanged(
    alice: Person, db: Database, case: Bad
) -> None:
    before = await tables(db)
    response = await alice.http.put(PROFILE, **case.build())
    assert_refused(response, case.status)
    assert await tables(db) == before
    assert await stored_name(db, ALICE_EMAIL) == "Alice Liddell"


@pytest.mark.parametrize("case", PASSWORD_CASES)
async def test_password_change_with_bad_input_is_refused_and_keeps_the_old_password(
    alice: Person, app: Any, db: Database, case: Bad
) -> None:
    before = await tables(db)
    response = await alice.http.put(PASSWORD, **case.build())
    assert_refused(response, case.status)
    assert await tables(db) == before
    async with make_client(app) as again:
        assert (await again.post(LOGIN, json=LOGIN_BODY)).status_code == 200


@pytest.mark.parametrize("case", FORGOT_CASES)
async def test_forgot_password_with_bad_input_is_refused_and_queues_nothing(
    client: httpx.AsyncClient, alice: Person, db: Database, case: Bad
) -> None:
    before = await tables(db)
    response = await client.post(FORGOT, **case.build())
    assert_refused(response, case.status)
    assert await tables(db) == before


@pytest.mark.parametrize("case", RESET_CASES)
async def test_password_reset_with_bad_input_is_refused_and_keeps_the_link_usable(
    client: httpx.AsyncClient, reset_link: None, db: Database, case: Bad
) -> None:
    before = await tables(db)
    response = await client.post(RESET, **case.build())
    assert_refused(response, case.status)
    assert await tables(db) == before
    assert (await client.post(RESET, json=RESET_BODY)).status_code == 200


async def test_the_untampered_send_body_is_accepted_by_the_send_route(
    alice: Person, bob: Person, sends_served: list[str]
) -> None:
    bob_id = bob.id
    assert (await alice.http.post(SEND + bob_id, json=SEND_BODY)).status_code == 201
    assert sends_served == [bob_id]


@pytest.mark.parametrize("case", SEND_CASES)
async def test_send_with_bad_input_is_refused_and_stores_nothing(
    alice: Person,
    bob: Person,
    db: Database,
    sends_served: list[str],
    case: Bad,
) -> None:
    bob_id = bob.id
    before = await tables(db)
    response = await alice.http.post(SEND + bob_id, **case.build())
    assert_refused(response, case.status)
    assert sends_served == ([] if case.status in GUARD_REFUSALS else [bob_id])
    assert await tables(db) == before
    assert await messages_stored(db) == (0, 0)


# --- unicode is data -----------------------------------------------------------------------------

UNICODE_NAMES = [
    pytest.param("Zoë Ångström-Núñez", id="accented-latin"),
    pytest.param("山田 太郎", id="cjk"),
    pytest.param("محمد الأحمد", id="arabic-rtl"),
    pytest.param("Алиса Лидделл", id="cyrillic"),
    pytest.param("Alice 🐇🎩", id="emoji"),
    pytest.param("\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 Family", id="zwj"),
    pytest.param("Zoe\u0308 Cafe\u0301", id="combining-marks-not-normalised"),
    pytest.param("\U0001d4d0\U0001d4f5\U0001d4f2\U0001d4ec\U0001d4ee", id="astral-math-letters"),
    pytest.param("🐇" * 50, id="fifty-emoji-at-the-limit"),
]


@pytest.mark.parametrize("name", UNICODE_NAMES)
async def test_signup_with_a_unicode_name_succeeds_and_round_trips_exactly(
    client: httpx.AsyncClient, db: Database, name: str
) -> None:
    created = await signup(client, name, "bob@example.com")
    assert created["fullName"] == name
    checked = await client.get("/api/auth/check")
    assert checked.status_code == 200
    assert checked.json()["fullName"] == name
    assert await stored_name(db, "bob@example.com") == name


@pytest.mark.parametrize("name", UNICODE_NAMES)
async def test_profile_update_to_a_unicode_name_succeeds_and_round_trips_exactly(
    alice: Person, db: Database, name: str
) -> None:
    response = await alice.http.put(PROFILE, json={"fullName": name})
    assert response.status_code == 200, response.text
    assert response.json()["fullName"] == name
    assert (await alice.http.get("/api/auth/check")).json()["fullName"] == name
    assert await stored_name(db, ALICE_EMAIL) == name


async def test_a_unicode_password_works_for_signup_and_login(
    client: httpx.AsyncClient, app: Any
) -> None:
    password = "пароль 🔑 密码"
    await signup(client, "Bob Builder", "bob@example.com", password)
    async with make_client(app) as again:
        ok = await again.post(LOGIN, json={"email": "bob@example.com", "password": password})
        assert ok.status_code == 200, ok.text
        wrong = await again.post(
            LOGIN, json={"email": "bob@example.com", "password": password.replace("🔑", "🗝")}
        )
        assert wrong.status_code == 400


# --- SQL-looking strings are data ----------------------------------------------------------------

SQL_LOOKING = [
    pytest.param(SQL_NAME, id="bobby-tables"),
    pytest.param("' OR '1'='1", id="tautology"),
    pytest.param('"; DELETE FROM sessions; --', id="delete-sessions"),
    pytest.param("100% _real_ \\name", id="like-wildcards-and-backslash"),
    pytest.param("$1::text /* x */", id="placeholder-and-comment"),
]


@pytest.mark.parametrize("name", SQL_LOOKING)
async def test_signup_stores_a_sql_looking_name_literally(
    client: httpx.AsyncClient, alice: Person, db: Database, name: str
) -> None:
    before = await tables(db)
    created = await signup(client, name, "bob@example.com")
    assert created["fullName"] == name
    assert (await client.get("/api/auth/check")).json()["fullName"] == name
    assert await stored_name(db, "bob@example.com") == name
    after = await tables(db)
    assert (after.users, after.sessions) == (before.users + 1, before.sessions + 1)
    # Alice, her row and her session are untouched.
    assert (await alice.http.get("/api/auth/check")).status_code == 200
    assert set(before.user_rows) <= set(after.user_rows)
    assert set(before.session_rows) <= set(after.session_rows)


@pytest.mark.parametrize("name", SQL_LOOKING)
async def test_profile_update_stores_a_sql_looking_name_literally(
    alice: Person, bob: Person, db: Database, name: str
) -> None:
    response = await alice.http.put(PROFILE, json={"fullName": name})
    assert response.status_code == 200, response.text
    assert response.json()["fullName"] == name
    assert await stored_name(db, ALICE_EMAIL) == name
    assert await stored_name(db, "bob@example.com") == "Bob Builder"
    assert (await bob.http.get("/api/auth/check")).status_code == 200


async def test_login_with_a_sql_looking_email_is_just_invalid_credentials(
    client: httpx.AsyncClient, alice: Person, db: Database
) -> None:
    before = await tables(db)
    response = await client.post(LOGIN, json={"email": SQL_NAME, "password": ALICE_PASSWORD})
    body = assert_refused(response, 400)
    assert body["message"] == "Invalid credentials"
    assert await tables(db) == before
    assert (await alice.http.get("/api/auth/check")).status_code == 200


# --- the messages the original client shows ----------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(without(SIGNUP_BODY, "fullName"), id="no-fullName"),
        pytest.param(without(SIGNUP_BODY, "email"), id="no-email"),
        pytest.param(without(SIGNUP_BODY, "password"), id="no-password"),
        pytest.param({**SIGNUP_BODY, "fullName": ""}, id="empty-fullName"),
        pytest.param({**SIGNUP_BODY, "email": ""}, id="empty-email"),
        pytest.param({**SIGNUP_BODY, "password": ""}, id="empty-password"),
        pytest.param({**SIGNUP_BODY, "email": None}, id="null-email"),
        pytest.param({}, id="nothing"),
    ],
)
async def test_signup_with_a_missing_field_says_all_fields_are_required(
    client: httpx.AsyncClient, db: Database, body: dict[str, Any]
) -> None:
    before = await tables(db)
    response = await client.post(SIGNUP, json=body)
    assert assert_refused(response, 400)["message"] == "All fields are required"
    assert await tables(db) == before


@pytest.mark.parametrize("password", ["a", "abc12", "     "], ids=["1-char", "5-chars", "5-spaces"])
async def test_signup_with_a_password_under_6_characters_is_refused(
    client: httpx.AsyncClient, db: Database, password: str
) -> None:
    before = await tables(db)
    response = await client.post(SIGNUP, json={**SIGNUP_BODY, "password": password})
    assert "at least 6" in assert_refused(response, 400)["message"]
    assert await tables(db) == before


async def test_signup_with_a_password_of_exactly_6_characters_is_accepted(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(SIGNUP, json={**SIGNUP_BODY, "password": "abc123"})
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "email",
    [
        "plainaddress",
        "bob@",
        "@example.com",
        "bob@@example.com",
        "bob builder@example.com",
        "bob@example..com",
        "bob@example",
        "<bob@example.com>",
    ],
)
async def test_signup_with_an_invalid_email_says_invalid_email_format(
    client: httpx.AsyncClient, db: Database, email: str
) -> None:
    before = await tables(db)
    response = await client.post(SIGNUP, json={**SIGNUP_BODY, "email": email})
    assert assert_refused(response, 400)["message"] == "Invalid email format"
    assert await tables(db) == before


@pytest.mark.parametrize(
    "email",
    ["alice@example.com", "ALICE@Example.COM", "  Alice@Example.com  ", "\talice@EXAMPLE.com\n"],
)
async def test_signup_with_a_taken_email_in_any_case_or_spacing_says_email_already_exists(
    client: httpx.AsyncClient, alice: Person, db: Database, email: str
) -> None:
    before = await tables(db)
    response = await client.post(
        SIGNUP, json={"fullName": "Mallory", "email": email, "password": "another horse"}
    )
    assert assert_refused(response, 400)["message"] == "Email already exists"
    assert await tables(db) == before
    assert await stored_name(db, ALICE_EMAIL) == "Alice Liddell"


async def test_login_says_invalid_credentials_alike_for_wrong_password_and_unknown_email(
    client: httpx.AsyncClient, alice: Person, db: Database
) -> None:
    before = await tables(db)
    wrong_password = await client.post(
        LOGIN, json={"email": ALICE_EMAIL, "password": "wrong horse"}
    )
    unknown_email = await client.post(
        LOGIN, json={"email": "nobody@example.com", "password": ALICE_PASSWORD}
    )
    assert assert_refused(wrong_password, 400)["message"] == "Invalid credentials"
    assert assert_refused(unknown_email, 400)["message"] == "Invalid credentials"
    assert wrong_password.json() == unknown_email.json()
    assert await tables(db) == before


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"email": ALICE_EMAIL}, id="no-password"),
        pytest.param({"password": ALICE_PASSWORD}, id="no-email"),
        pytest.param({"email": "", "password": ""}, id="empty-both"),
    ],
)
async def test_login_with_a_missing_field_is_a_400(
    client: httpx.AsyncClient, alice: Person, db: Database, body: dict[str, str]
) -> None:
    before = await tables(db)
    assert_refused(await client.post(LOGIN, json=body), 400)
    assert await tables(db) == before
