"""Security headers on every answer, and the client page's Content-Security-Policy."""

from __future__ import annotations

import re

import pytest

from socketspace.app import create_app
from tests.conftest import make_client

COMMON = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


def assert_shielded(response) -> None:  # type: ignore[no-untyped-def]
    for name, value in COMMON.items():
        assert response.headers[name] == value, name
    assert "camera=()" in response.headers["permissions-policy"]
    assert "geolocation=()" in response.headers["permissions-policy"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("GET", "/api/auth/check", {}, 401),
        ("GET", "/healthz", {}, 200),
        ("POST", "/api/auth/login", {"json": {"email": "a@example.com", "password": "x"}}, 400),
        ("POST", "/api/auth/login", {"content": b"x" * 300_000}, 413),
        ("POST", "/api/auth/login", {"data": {"email": "a"}}, 415),
        ("POST", "/api/auth/logout", {"headers": {"Origin": "https://evil.example"}}, 403),
        ("GET", "/api/nothing-here", {}, 404),
        ("GET", "/", {}, 200),
    ],
)
async def test_every_answer_carries_the_security_headers(client, method, path, kwargs, status):
    response = await client.request(method, path, **kwargs)
    assert response.status_code == status
    assert_shielded(response)
    # Nothing the API answers may run, load or be framed.
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "strict-transport-security" not in response.headers  # served over http


async def test_hsts_when_served_over_https(settings):
    app = create_app(settings.model_copy(update={"public_origin": "https://chat.example"}))
    api = app.api
    async with api.router.lifespan_context(api), make_client(app, "https://chat.example") as c:
        response = await c.get("/healthz")
    assert response.headers["strict-transport-security"].startswith("max-age=63072000")


async def test_the_api_docs_may_load_swagger_but_not_be_framed(client):
    response = await client.get("/api/docs")
    assert response.headers["content-security-policy"] == "frame-ancestors 'none'"


PAGE = """<!doctype html><head><meta property="csp-nonce" nonce="__CSP_NONCE__">
<script type="module" src="/assets/index-abc.js" nonce="__CSP_NONCE__"></script></head>
<div id=root></div>"""


@pytest.fixture
def dist(tmp_path):
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text(PAGE)
    (folder / "assets" / "index-abc.js").write_text("console.log(1)")
    return folder


async def serve_page(settings, dist, path="/chat", **changes):  # type: ignore[no-untyped-def]
    app = create_app(settings.model_copy(update={"web_dist_dir": dist, **changes}))
    api = app.api
    async with api.router.lifespan_context(api), make_client(app) as c:
        return [await c.get(path), await c.get(path)]


async def test_the_client_page_names_a_fresh_nonce_in_its_policy(settings, dist):
    first, second = await serve_page(settings, dist)
    nonces = []
    for response in (first, second):
        assert_shielded(response)
        policy = response.headers["content-security-policy"]
        (nonce,) = re.findall(r'nonce="([^"]+)"', response.text)[:1]
        assert response.text.count(f'nonce="{nonce}"') == 2
        assert "__CSP_NONCE__" not in response.text
        assert f"style-src 'self' 'nonce-{nonce}'" in policy
        assert "script-src 'self';" in policy  # scripts: this origin only, no inline, no eval
        assert "img-src 'self' data: blob:;" in policy
        assert "connect-src 'self' ws: wss:" in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        nonces.append(nonce)
    assert nonces[0] != nonces[1] and len(nonces[0]) >= 20


async def test_index_html_by_name_gets_the_nonce_too(settings, dist):
    response, _ = await serve_page(settings, dist, path="/index.html")
    assert "__CSP_NONCE__" not in response.text
    assert "nonce-" in response.headers["content-security-policy"]


async def test_with_s3_the_bucket_endpoint_may_serve_pictures(settings, dist):
    response, _ = await serve_page(
        settings, dist, s3_bucket="pictures", s3_endpoint="https://s3.example.net:9000/"
    )
    assert (
        "img-src 'self' data: blob: https://s3.example.net:9000;"
        in (response.headers["content-security-policy"])
    )
