"""Pictures over HTTP: uploading, attaching to messages and profiles, who may see them, what
hostile input gets (a clear 4xx and nothing stored), and the sweep of what nothing shows."""

from __future__ import annotations

import base64
import io
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select

from socketspace.app import create_app
from socketspace.config import Settings
from socketspace.db import Database
from socketspace.media.images import MAX_BYTES
from socketspace.models import Media, Message
from socketspace.models.base import utcnow
from tests.conftest import People, Person, make_client, signup
from tests.pictures import (
    animated_gif,
    decompression_bomb,
    jpeg_bytes,
    jpeg_with_gps,
    metadata_of,
    png_bytes,
    polyglot_png,
    svg_with_script,
)

MB = 1024 * 1024
UPLOAD = "/api/media"


# --- helpers ---------------------------------------------------------------------------------


async def upload(
    client: httpx.AsyncClient,
    data: bytes,
    *,
    filename: str = "picture.jpg",
    content_type: str = "image/jpeg",
    purpose: str | None = None,
) -> httpx.Response:
    fields = {"purpose": purpose} if purpose else None
    return await client.post(UPLOAD, files={"file": (filename, data, content_type)}, data=fields)


async def uploaded(client: httpx.AsyncClient, data: bytes, **kwargs: Any) -> dict[str, Any]:
    response = await upload(client, data, **kwargs)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def send(client: httpx.AsyncClient, to: str, **body: Any) -> httpx.Response:
    return await client.post(f"/api/messages/send/{to}", json=body)


def data_url(data: bytes, kind: str = "jpeg") -> str:
    return f"data:image/{kind};base64," + base64.b64encode(data).decode()


def stored_files(settings: Settings) -> list[Path]:
    root = settings.media_path
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


async def count(db: Database, model: type[Any]) -> int:
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


def assert_json_refusal(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert isinstance(body["message"], str) and body["message"].strip()
    assert isinstance(body["code"], str) and body["code"].strip()
    return body


@pytest.fixture
async def carol(people: People) -> Person:
    return await people.signup("Carol Danvers", "carol@example.com")


# --- uploading -------------------------------------------------------------------------------


async def test_an_upload_answers_with_its_id_urls_size_and_type(alice, settings):
    body = await uploaded(alice.http, jpeg_bytes(size=(300, 200)))
    assert set(body) == {"id", "url", "thumbUrl", "width", "height", "contentType"}
    assert (body["width"], body["height"], body["contentType"]) == (300, 200, "image/jpeg")
    assert body["url"].startswith("/api/media/images/") and body["url"].endswith(".jpg")
    assert body["thumbUrl"].endswith(".thumb.jpg")
    assert len(stored_files(settings)) == 2  # the picture and its thumbnail


async def test_the_uploader_sees_the_picture_with_safe_headers(alice):
    body = await uploaded(alice.http, jpeg_bytes())
    picture = await alice.http.get(body["url"])
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/jpeg"
    assert picture.headers["x-content-type-options"] == "nosniff"
    assert picture.headers["content-disposition"].startswith("inline")
    assert "immutable" in picture.headers["cache-control"]
    assert Image.open(io.BytesIO(picture.content)).size == (300, 200)
    thumb = await alice.http.get(body["thumbUrl"])
    assert thumb.status_code == 200
    assert Image.open(io.BytesIO(thumb.content)).size == (300, 200)  # already small


async def test_a_large_upload_gets_a_thumbnail_of_400_pixels(alice):
    body = await uploaded(alice.http, png_bytes(size=(1600, 800)), content_type="image/png")
    thumb = await alice.http.get(body["thumbUrl"])
    assert Image.open(io.BytesIO(thumb.content)).size == (400, 200)


async def test_a_sent_upload_is_the_messages_picture_and_both_people_see_it(alice, bob, carol):
    body = await uploaded(alice.http, jpeg_bytes())
    response = await send(alice.http, bob.id, image=body["id"])
    assert response.status_code == 201, response.text
    assert response.json()["image"] == body["url"]
    for viewer in (alice, bob):
        assert (await viewer.http.get(body["url"])).status_code == 200
        assert (await viewer.http.get(body["thumbUrl"])).status_code == 200
    for url in (body["url"], body["thumbUrl"]):
        refused = assert_json_refusal(await carol.http.get(url), 403)
        assert refused["code"] == "media_forbidden"


async def test_an_unsent_upload_is_only_for_its_uploader(alice, bob):
    body = await uploaded(alice.http, jpeg_bytes())
    assert_json_refusal(await bob.http.get(body["url"]), 403)


async def test_pictures_are_for_signed_in_people_only(app, alice):
    body = await uploaded(alice.http, jpeg_bytes())
    async with make_client(app) as stranger:
        assert_json_refusal(await stranger.get(body["url"]), 401)
        assert_json_refusal(await upload(stranger, jpeg_bytes()), 401)


async def test_a_data_url_message_goes_through_the_same_pipeline(alice, bob, carol, db):
    response = await send(alice.http, bob.id, image=data_url(jpeg_with_gps()))
    assert response.status_code == 201, response.text
    url = response.json()["image"]
    picture = await bob.http.get(url)
    assert picture.status_code == 200
    assert metadata_of(picture.content) == {}
    assert_json_refusal(await carol.http.get(url), 403)
    assert await count(db, Media) == 1


async def test_an_uploaded_photo_keeps_no_gps_coordinates(alice):
    body = await uploaded(alice.http, jpeg_with_gps())
    for url in (body["url"], body["thumbUrl"]):
        stored = (await alice.http.get(url)).content
        assert metadata_of(stored) == {}
        assert b"SpyCam" not in stored and b"xmpmeta" not in stored and b"secret" not in stored


async def test_an_avatar_upload_becomes_the_profile_picture_for_everyone(alice, carol):
    body = await uploaded(
        alice.http, png_bytes(size=(900, 600)), content_type="image/png", purpose="avatar"
    )
    assert (body["width"], body["height"], body["contentType"]) == (512, 512, "image/webp")
    response = await alice.http.put("/api/auth/update-profile", json={"profilePic": body["id"]})
    assert response.status_code == 200, response.text
    assert response.json()["profilePic"] == body["url"]
    for url, side in ((body["url"], 512), (body["thumbUrl"], 128)):
        picture = await carol.http.get(url)
        assert picture.status_code == 200
        assert picture.headers["content-type"] == "image/webp"
        assert Image.open(io.BytesIO(picture.content)).size == (side, side)


async def test_someone_elses_upload_cannot_be_sent_or_worn(alice, bob, db):
    body = await uploaded(alice.http, jpeg_bytes())
    refused = assert_json_refusal(await send(bob.http, alice.id, image=body["id"]), 404)
    assert refused["code"] == "media_not_found"
    assert_json_refusal(
        await bob.http.put("/api/auth/update-profile", json={"profilePic": body["id"]}), 404
    )
    assert await count(db, Message) == 0


async def test_an_upload_is_used_only_for_its_purpose(alice, bob):
    picture = await uploaded(alice.http, jpeg_bytes())
    avatar = await uploaded(alice.http, jpeg_bytes(), purpose="avatar")
    refused = assert_json_refusal(
        await alice.http.put("/api/auth/update-profile", json={"profilePic": picture["id"]}), 400
    )
    assert refused["code"] == "wrong_media_purpose"
    assert_json_refusal(await send(alice.http, bob.id, image=avatar["id"]), 400)


# --- what is not a picture upload ------------------------------------------------------------


async def test_an_upload_that_is_not_multipart_is_415(alice):
    response = await alice.http.post(UPLOAD, json={"file": data_url(jpeg_bytes())})
    assert_json_refusal(response, 415)


@pytest.mark.parametrize(
    ("files", "data", "code"),
    [
        ({}, {"purpose": "message"}, "missing_file"),
        ({"picture": ("a.jpg", jpeg_bytes(), "image/jpeg")}, None, "invalid_upload"),
        (
            {"file": ("a.jpg", jpeg_bytes(), "image/jpeg")},
            {"purpose": "wallpaper"},
            "invalid_upload",
        ),
        ({"file": ("a.jpg", jpeg_bytes(), "image/jpeg")}, {"caption": "hi"}, "invalid_upload"),
    ],
    ids=["no-file", "wrong-field", "unknown-purpose", "unknown-field"],
)
async def test_malformed_uploads_are_400_and_store_nothing(alice, db, settings, files, data, code):
    # httpx sends a multipart body whenever there are files; force one for the no-file case.
    extra = {"files": files or {"ignored": (None, b"")}}
    if not files:
        extra = {"files": {"purpose": (None, b"message")}}
        data = None
    response = await alice.http.post(UPLOAD, data=data, **extra)
    assert assert_json_refusal(response, 400)["code"] == code
    assert await count(db, Media) == 0
    assert stored_files(settings) == []


async def test_two_files_in_one_upload_are_refused(alice, db):
    files = [
        ("file", ("a.jpg", jpeg_bytes(), "image/jpeg")),
        ("file", ("b.jpg", jpeg_bytes(), "image/jpeg")),
    ]
    response = await alice.http.post(UPLOAD, files=files)
    assert assert_json_refusal(response, 400)["code"] == "too_many_files"
    assert await count(db, Media) == 0


async def test_a_body_cut_off_mid_way_is_400(alice, db):
    response = await alice.http.post(
        UPLOAD,
        content=b"--xyz\r\nContent-Disposition: form-data; "
        b'name="file"; filename="a.jpg"\r\n\r\nabc',
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert_json_refusal(response, 400)
    assert await count(db, Media) == 0


async def test_an_upload_over_10_mb_is_413_before_it_is_read(alice, db, settings):
    response = await upload(alice.http, b"\xff" * (11 * MB))
    assert assert_json_refusal(response, 413)["code"] == "payload_too_large"
    assert await count(db, Media) == 0
    assert stored_files(settings) == []


async def test_a_streamed_upload_over_10_mb_is_cut_off_while_it_arrives(alice, db, settings):
    boundary = b"streamedboundary"
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; '
        yield b'filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        for _ in range(40):  # 40 MB if nobody stops us
            sent += MB
            yield b"\xff" * MB
        yield b"\r\n--" + boundary + b"--\r\n"

    response = await alice.http.post(
        UPLOAD,
        content=body(),
        headers={"Content-Type": "multipart/form-data; boundary=" + boundary.decode()},
    )
    code = assert_json_refusal(response, 413)["code"]
    assert code in ("image_too_large", "payload_too_large")
    assert sent <= 12 * MB
    assert await count(db, Media) == 0
    assert stored_files(settings) == []


# --- hostile pictures: the same refusals by upload and by data URL ---------------------------

HOSTILE: list[tuple[str, bytes, str, str, int]] = [
    # (id, bytes, filename, declared type, status)
    ("random-bytes-named-jpg", bytes(range(256)) * 64, "cat.jpg", "jpeg", 400),
    ("png-declared-as-jpeg", png_bytes(), "cat.jpg", "jpeg", 400),
    ("truncated-jpeg", jpeg_bytes(size=(400, 300))[:500], "cat.jpg", "jpeg", 400),
    ("truncated-png", png_bytes(size=(400, 300))[:80], "cat.png", "png", 400),
    ("decompression-bomb", decompression_bomb(), "bomb.png", "png", 400),
    ("thousands-of-frames", animated_gif(frames=3000), "anim.gif", "gif", 400),
    ("svg-with-script", svg_with_script(), "cat.svg", "png", 400),
    ("polyglot-png-html", polyglot_png(), "cat.png", "png", 400),
]


@pytest.mark.parametrize(
    ("data", "filename", "declared", "status"),
    [case[1:] for case in HOSTILE],
    ids=[case[0] for case in HOSTILE],
)
async def test_a_hostile_upload_is_refused_and_nothing_is_stored(
    alice, db, settings, data, filename, declared, status
):
    response = await upload(alice.http, data, filename=filename, content_type=f"image/{declared}")
    assert_json_refusal(response, status)
    assert await count(db, Media) == 0
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("data", "filename", "declared", "status"),
    [case[1:] for case in HOSTILE],
    ids=[case[0] for case in HOSTILE],
)
async def test_a_hostile_data_url_is_refused_and_nothing_is_stored(
    alice, bob, db, settings, data, filename, declared, status
):
    bob_id = bob.id
    assert_json_refusal(await send(alice.http, bob_id, image=data_url(data, declared)), status)
    response = await alice.http.put(
        "/api/auth/update-profile", json={"profilePic": data_url(data, declared)}
    )
    assert_json_refusal(response, status)
    assert await count(db, Media) == 0
    assert await count(db, Message) == 0
    assert stored_files(settings) == []
    assert (await alice.http.get("/api/auth/check")).json()["profilePic"] == ""


async def test_an_svg_upload_is_refused_by_its_declared_type(alice):
    response = await upload(
        alice.http, svg_with_script(), filename="x.svg", content_type="image/svg+xml"
    )
    assert assert_json_refusal(response, 400)["code"] == "invalid_image"


@pytest.mark.parametrize(
    "value",
    [
        "data:image/jpeg;base64,",
        "data:image/jpeg;base64,@@@@",
        "data:image/jpeg;base64,/9j/4AAQSkZJRg",  # cut mid-way: not valid base64 padding
        "data:image/svg+xml;base64," + base64.b64encode(svg_with_script()).decode(),
        "data:text/html,<script>alert(1)</script>",
        "javascript:alert(1)",
    ],
    ids=["empty", "not-base64", "bad-padding", "svg", "html", "javascript"],
)
async def test_malformed_or_empty_data_urls_are_400(alice, bob, db, settings, value):
    assert_json_refusal(await send(alice.http, bob.id, text="hi", image=value), 400)
    assert_json_refusal(
        await alice.http.put("/api/auth/update-profile", json={"profilePic": value}), 400
    )
    assert await count(db, Media) == 0
    assert stored_files(settings) == []


async def test_an_11_mb_data_url_is_413_and_nothing_is_stored(alice, bob, db, settings):
    huge = data_url(b"\xff" * (11 * MB))
    response = await send(alice.http, bob.id, image=huge)
    assert assert_json_refusal(response, 413)["code"] in ("image_too_large", "payload_too_large")
    assert await count(db, Media) == 0
    assert stored_files(settings) == []


async def test_exactly_10_mb_is_not_refused_for_its_size(alice):
    # 10 MB of junk: over the size check, then refused as not a picture (400, not 413).
    response = await upload(alice.http, b"\xff" * MAX_BYTES)
    assert assert_json_refusal(response, 400)["code"] == "invalid_image"


# --- serving ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/media/avatars/..%2F..%2Fsecret.key",
        "/api/media/avatars/abc.webp",
        "/api/media/avatars/%2e%2e",
        "/api/media/images/" + "0" * 64 + ".jpg",
        "/api/media/secrets/" + "0" * 64 + ".jpg",
        "/api/media/images/" + "0" * 64 + ".html",
        "/api/media/avatars/",
    ],
)
async def test_names_that_are_not_stored_pictures_are_404_json(alice, path):
    response = await alice.http.get(path)
    assert response.status_code in (404, 405), path
    assert response.headers["content-type"].startswith("application/json")


# --- limits ----------------------------------------------------------------------------------


async def test_uploads_are_rate_limited_per_user(settings):
    app = create_app(settings.model_copy(update={"upload_burst": 2, "uploads_per_minute": 1}))
    api = app.api
    async with api.router.lifespan_context(api), make_client(app) as dave:
        await signup(dave, "Dave", "dave@example.com")
        for _ in range(2):
            assert (await upload(dave, jpeg_bytes())).status_code == 201
        response = await upload(dave, jpeg_bytes())
        assert assert_json_refusal(response, 429)["code"] == "rate_limited"
        assert int(response.headers["retry-after"]) > 0
        response = await dave.put(
            "/api/auth/update-profile", json={"profilePic": data_url(jpeg_bytes())}
        )
        assert response.status_code == 429


# --- the sweep -------------------------------------------------------------------------------


def later(hours: float) -> Any:
    return utcnow() + timedelta(hours=hours)


async def test_a_replaced_avatar_is_swept_and_the_current_one_kept(app, alice, carol, settings, db):
    ctx = app.api.state.ctx
    first = await uploaded(
        alice.http, png_bytes(color=(1, 1, 1)), content_type="image/png", purpose="avatar"
    )
    second = await uploaded(
        alice.http, png_bytes(color=(2, 2, 2)), content_type="image/png", purpose="avatar"
    )
    for body in (first, second):
        response = await alice.http.put("/api/auth/update-profile", json={"profilePic": body["id"]})
        assert response.status_code == 200
    assert await ctx.media.sweep(now=later(1)) == 0  # too recent to judge
    assert await ctx.media.sweep(now=later(25)) == 1
    assert (await carol.http.get(first["url"])).status_code == 404
    assert (await carol.http.get(first["thumbUrl"])).status_code == 404
    assert (await carol.http.get(second["url"])).status_code == 200
    assert len(stored_files(settings)) == 2
    assert await count(db, Media) == 1


async def test_a_deleted_messages_picture_is_swept_and_a_shown_one_kept(app, alice, bob, settings):
    ctx = app.api.state.ctx
    bob_id = bob.id
    kept = (await send(alice.http, bob_id, image=data_url(jpeg_bytes(color=(9, 9, 9))))).json()
    gone = (await send(alice.http, bob_id, image=data_url(jpeg_bytes(color=(200, 9, 9))))).json()
    assert (await alice.http.delete(f"/api/messages/{gone['_id']}")).status_code == 200
    assert await ctx.media.sweep(now=later(25)) == 1
    assert (await bob.http.get(kept["image"])).status_code == 200
    assert len(stored_files(settings)) == 2
    # Still shown: kept by later sweeps too.
    assert await ctx.media.sweep(now=later(50)) == 0
    assert (await bob.http.get(kept["image"])).status_code == 200


async def test_an_unsent_upload_is_swept_only_after_the_grace_period(app, alice, settings):
    ctx = app.api.state.ctx
    await uploaded(alice.http, jpeg_bytes())
    assert await ctx.media.sweep(now=later(23)) == 0
    assert len(stored_files(settings)) == 2
    assert await ctx.media.sweep(now=later(25)) == 1
    assert stored_files(settings) == []


async def test_bytes_two_rows_share_stay_while_one_row_is_left(app, alice, bob, settings, db):
    ctx = app.api.state.ctx
    same = jpeg_bytes(color=(5, 6, 7))
    old = await uploaded(alice.http, same)
    fresh = await uploaded(alice.http, same)
    assert fresh["url"] == old["url"]  # content-addressed: the same file
    await age(db, old["id"], hours=30)
    assert await ctx.media.sweep() == 1  # the old row; the fresh one keeps the file
    assert await count(db, Media) == 1
    assert len(stored_files(settings)) == 2
    assert (await send(alice.http, bob.id, image=fresh["id"])).status_code == 201
    assert (await bob.http.get(fresh["url"])).status_code == 200


async def age(db: Database, media_id: str, hours: float) -> None:
    async with db.write() as s:
        media = await s.get(Media, media_id)
        assert media is not None
        media.used_at = utcnow() - timedelta(hours=hours)


async def test_attaching_an_old_upload_saves_it_from_the_next_sweep(app, alice, bob, db):
    ctx = app.api.state.ctx
    body = await uploaded(alice.http, jpeg_bytes())
    await age(db, body["id"], hours=30)
    assert (await send(alice.http, bob.id, image=body["id"])).status_code == 201
    assert await ctx.media.sweep() == 0
    assert (await bob.http.get(body["url"])).status_code == 200


async def test_a_picture_stored_before_kinds_had_folders_is_still_served(alice, bob, settings):
    # Before the media pipeline, avatars lay flat in MEDIA_DIR under the same kind of name.
    name = "ab" * 32 + ".webp"
    settings.media_path.mkdir(parents=True)
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="WEBP")
    (settings.media_path / name).write_bytes(out.getvalue())
    picture = await bob.http.get(f"/api/media/avatars/{name}")
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/webp"


async def test_the_size_limit_is_a_setting_for_uploads_and_data_urls(settings, db):
    app = create_app(settings.model_copy(update={"upload_max_mb": 1}))
    api = app.api
    async with api.router.lifespan_context(api), make_client(app) as dave:
        await signup(dave, "Dave", "dave@example.com")
        too_big = b"\xff" * (MB + MB // 2)
        assert_json_refusal(await upload(dave, too_big), 413)
        response = await dave.put(
            "/api/auth/update-profile", json={"profilePic": data_url(too_big)}
        )
        assert "1 MB" in assert_json_refusal(response, 413)["message"]
        assert (await upload(dave, jpeg_bytes())).status_code == 201
