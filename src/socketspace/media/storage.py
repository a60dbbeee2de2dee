"""Where media bytes live: local disk by default, S3-compatible object storage when configured.

Both sit behind one small interface. Keys are `<kind>/<name>`, where the name is the SHA-256
of the bytes: a key's content never changes, so it may be cached for good. Every method
blocks (disk or network): callers run them in a worker thread.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

KINDS = ("images", "avatars")
_NAME = re.compile(r"^[0-9a-f]{64}(\.thumb)?\.(webp|jpg)$")
CONTENT_TYPES = {"webp": "image/webp", "jpg": "image/jpeg"}
IMMUTABLE = "private, max-age=31536000, immutable"
PRESIGNED_SECONDS = 300


def is_media_name(name: str) -> bool:
    return _NAME.match(name) is not None


def content_type_of(name: str) -> str:
    return CONTENT_TYPES[name.rsplit(".", 1)[1]]


def key_of(kind: str, name: str) -> str:
    """The storage key of a stored name; only names and kinds of ours ever become keys."""
    if kind not in KINDS or not is_media_name(name):
        raise ValueError(f"not a media key: {kind}/{name}")
    return f"{kind}/{name}"


@dataclass(frozen=True)
class LocalFile:
    path: Path


@dataclass(frozen=True)
class Redirect:
    url: str


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store bytes under a key; storing the same key again is harmless."""

    def delete(self, keys: Sequence[str]) -> None:
        """Remove keys; missing ones are fine."""

    def locate(self, key: str) -> LocalFile | Redirect | None:
        """How to serve a key: a file on disk, or a short-lived URL to redirect to."""


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, key: str, data: bytes, content_type: str) -> None:
        target = self.root / key
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        # Temporary file, then rename: a crash never leaves half a file under the real name.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def delete(self, keys: Sequence[str]) -> None:
        for key in keys:
            (self.root / key).unlink(missing_ok=True)

    def locate(self, key: str) -> LocalFile | None:
        path = self.root / key
        if path.is_file():
            return LocalFile(path)
        # Pictures stored before keys had a kind lay flat in the root (same names).
        legacy = self.root / key.rsplit("/", 1)[-1]
        return LocalFile(legacy) if legacy.is_file() else None


class S3Storage:
    """An S3-compatible bucket (AWS, MinIO, SeaweedFS, Garage, ...). Serving hands out a
    presigned URL that expires after a few minutes, so the bucket itself stays private."""

    def __init__(self, client: S3Client, bucket: str, *, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    @classmethod
    def connect(
        cls,
        bucket: str,
        *,
        endpoint: str | None = None,
        region: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
    ) -> S3Storage:
        import boto3
        from botocore.config import Config

        config = Config(
            signature_version="s3v4",
            # Path-style works with every S3 look-alike; virtual hosts need DNS for buckets.
            s3={"addressing_style": "path" if endpoint else "auto"},
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=30,
        )
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=region or "us-east-1",
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=config,
        )
        return cls(client, bucket)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=self.prefix + key,
            Body=data,
            ContentType=content_type,
            CacheControl=IMMUTABLE,
        )

    def delete(self, keys: Sequence[str]) -> None:
        for start in range(0, len(keys), 1000):
            chunk = keys[start : start + 1000]
            self.client.delete_objects(
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": self.prefix + k} for k in chunk], "Quiet": True},
            )

    def locate(self, key: str) -> Redirect:
        params: dict[str, Any] = {
            "Bucket": self.bucket,
            "Key": self.prefix + key,
            "ResponseContentType": content_type_of(key),
            "ResponseContentDisposition": "inline",
            "ResponseCacheControl": IMMUTABLE,
        }
        url = self.client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=PRESIGNED_SECONDS
        )
        return Redirect(url)
