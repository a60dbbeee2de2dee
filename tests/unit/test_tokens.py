from datetime import UTC, datetime, timedelta

import jwt

from socketspace.security.tokens import Tokens, issue_token, read_token

KEY = "k" * 48
NOW = datetime.now(UTC)


def test_a_token_reads_back_its_user_and_session():
    token = Tokens(KEY, timedelta(days=7)).issue(user_id="u1", session_id="s1", now=NOW)
    claims = read_token(KEY, token)
    assert claims is not None
    assert (claims.user_id, claims.session_id) == ("u1", "s1")


def test_an_expired_token_is_refused():
    token = issue_token(
        KEY,
        user_id="u1",
        session_id="s1",
        issued=NOW - timedelta(days=8),
        expires=NOW - timedelta(seconds=1),
    )
    assert read_token(KEY, token) is None


def test_a_token_signed_with_another_key_is_refused():
    token = issue_token(
        "x" * 48, user_id="u1", session_id="s1", issued=NOW, expires=NOW + timedelta(hours=1)
    )
    assert read_token(KEY, token) is None


def test_a_tampered_payload_is_refused():
    token = issue_token(
        KEY, user_id="u1", session_id="s1", issued=NOW, expires=NOW + timedelta(hours=1)
    )
    header, _payload, signature = token.split(".")
    forged = jwt.encode(
        {"sub": "admin", "sid": "s1", "iat": NOW, "exp": NOW + timedelta(hours=1)},
        "guess" * 10,
        algorithm="HS256",
    )
    assert read_token(KEY, f"{header}.{forged.split('.')[1]}.{signature}") is None


def test_alg_none_is_refused():
    token = jwt.encode(
        {"sub": "u1", "sid": "s1", "iat": NOW, "exp": NOW + timedelta(hours=1)},
        None,
        algorithm="none",
    )
    assert read_token(KEY, token) is None


def test_a_token_without_a_session_id_is_refused():
    token = jwt.encode(
        {"sub": "u1", "iat": NOW, "exp": NOW + timedelta(hours=1)}, KEY, algorithm="HS256"
    )
    assert read_token(KEY, token) is None


def test_garbage_is_refused():
    assert read_token(KEY, "not-a-token") is None
    assert read_token(KEY, "") is None
