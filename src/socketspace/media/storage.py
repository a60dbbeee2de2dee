"""Where media bytes live. Local disk for now, content-addressed and written atomically."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

_NAME = re.compile(r"^[0-9a-f]{64}\.(webp|png|jpg|gif)$")


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, data: bytes, ext: str) -> str:
        """Store bytes under the name of their SHA-256; returns the name."""
        name = f"{hashlib.sha256(data).hexdigest()}.{ext}"
        target = self.root / name
        if target.exists():
            return name
        self.root.mkdir(parents=True, exist_ok=True)
        # Temporary file, then rename: a crash never leaves half a file under the real name.
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return name

    def path_of(self, name: str) -> Path | None:
        """The file for a stored name, or None; names that are not ours never reach the disk."""
        if not _NAME.match(name):
            return None
        path = self.root / name
        return path if path.is_file() else None
