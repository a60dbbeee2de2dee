"""Local picture storage: keys of ours only, and never half a file under a real name."""

import os
from pathlib import Path

import pytest

from socketspace.media.storage import LocalFile, LocalStorage, content_type_of, key_of

NAME = "ab" * 32 + ".jpg"


def test_a_stored_key_is_found_and_deleted(tmp_path: Path):
    storage = LocalStorage(tmp_path)
    key = key_of("images", NAME)
    storage.put(key, b"picture", "image/jpeg")
    located = storage.locate(key)
    assert isinstance(located, LocalFile)
    assert located.path.read_bytes() == b"picture"
    storage.delete([key, key_of("images", "cd" * 32 + ".jpg")])  # a missing key is fine
    assert storage.locate(key) is None


def test_a_write_that_fails_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    storage = LocalStorage(tmp_path)

    def crash(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        storage.put(key_of("images", NAME), b"picture", "image/jpeg")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("images", "../secret.key"),
        ("images", "ab" * 32 + ".html"),
        ("images", "AB" * 32 + ".jpg"),
        ("../etc", NAME),
        ("images", NAME + "/.."),
    ],
)
def test_only_our_kinds_and_names_become_keys(kind: str, name: str):
    with pytest.raises(ValueError):
        key_of(kind, name)


def test_names_say_their_content_type():
    assert content_type_of(NAME) == "image/jpeg"
    assert content_type_of("ab" * 32 + ".thumb.webp") == "image/webp"
