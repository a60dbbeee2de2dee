"""Serving the browser client from the same origin as the API."""

import os

import pytest

from socketspace.api.shield import NONCE_PLACEHOLDER
from socketspace.app import create_app
from tests.conftest import make_client


async def test_without_a_build_the_root_says_the_server_runs(client):
    response = await client.get("/")
    assert response.status_code == 200
    assert "SocketSpace is running" in response.text
    assert 'href="/api/docs"' in response.text


async def test_the_api_docs_are_served_with_their_files_from_this_server(client):
    page = await client.get("/api/docs")
    assert page.status_code == 200
    assert "cdn." not in page.text and "https://" not in page.text
    for asset in ("/api/docs/assets/swagger-ui-bundle.js", "/api/docs/assets/swagger-ui.css"):
        assert asset in page.text
        served = await client.get(asset)
        assert served.status_code == 200 and len(served.content) > 10_000
    spec = (await client.get("/api/openapi.json")).json()
    assert "/api/auth/signup" in spec["paths"]


@pytest.fixture
def dist(tmp_path):
    return tmp_path / "dist"


@pytest.fixture
async def built_client(settings, dist):
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><div id=root></div>")
    (dist / "assets" / "index-abc123.js").write_text("console.log(1)")
    (dist / "favicon.svg").write_text("<svg/>")
    app = create_app(settings.model_copy(update={"web_dist_dir": dist}))
    api = app.api
    async with api.router.lifespan_context(api), make_client(app) as c:
        yield c


async def test_client_routes_fall_back_to_index_html(built_client):
    for path in ("/", "/login", "/chat", "/chat/some-user"):
        response = await built_client.get(path)
        assert response.status_code == 200, path
        assert "id=root" in response.text
        assert response.headers["cache-control"] == "no-cache"


async def test_hashed_assets_are_cached_for_a_year(built_client):
    response = await built_client.get("/assets/index-abc123.js")
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]
    assert (await built_client.get("/favicon.svg")).text == "<svg/>"


async def test_unknown_api_paths_stay_json_404_with_a_build(built_client):
    response = await built_client.get("/api/nope")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


async def test_files_outside_the_build_are_not_served(built_client):
    response = await built_client.get("/..%2F..%2Fetc%2Fpasswd")
    assert "root:" not in response.text


async def test_a_build_file_answers_head_with_its_etag(built_client):
    # The emoji picker asks HEAD for its data's ETag before fetching the data again.
    got = await built_client.get("/favicon.svg")
    head = await built_client.head("/favicon.svg")
    assert head.status_code == 200
    assert head.headers["etag"] == got.headers["etag"]
    assert head.content == b""


async def test_a_client_rebuilt_under_a_running_server_is_served_at_once(built_client, dist):
    """The page was read once at start: rebuilt (new hashed names, the old files deleted), the
    server went on naming files that were gone, and every page came up blank until a restart."""
    assert "id=root" in (await built_client.get("/")).text
    rebuilt = f'<!doctype html><script nonce="{NONCE_PLACEHOLDER}" src="/assets/index-def456.js">'
    (dist / "index.html").write_text(rebuilt)
    assert "index-def456.js" in (await built_client.get("/chat")).text
    # The same size, a later time (set: two writes may share a clock tick): still seen.
    before = (dist / "index.html").stat().st_mtime_ns
    (dist / "index.html").write_text(rebuilt.replace("def456", "fed654"))
    os.utime(dist / "index.html", ns=(before + 10**9, before + 10**9))
    assert "index-fed654.js" in (await built_client.get("/")).text
    # Mid-rebuild, with no page for a moment, or one half written: the last one, not an error.
    (dist / "index.html").unlink()
    response = await built_client.get("/")
    assert response.status_code == 200 and "index-fed654.js" in response.text
    (dist / "index.html").write_text("<!doctype html><scr")
    assert "index-fed654.js" in (await built_client.get("/")).text
