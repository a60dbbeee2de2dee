"""`socketspace backup [DEST]`: a consistent copy of the database, taken while the server runs.

SQLite: the online backup API copies every page inside one read transaction, so the copy is
the database as of one commit; in WAL mode readers never block the writer, so the server
goes on storing messages meanwhile. PostgreSQL: pg_dump does the same job better than we
could; we print the commands instead of running them. Pictures are not in the database: they
are copied separately (MEDIA_DIR, or the S3 bucket).
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from socketspace.config import Settings


class BackupError(Exception):
    """A backup that cannot be made; the message says why, for the operator."""


def default_name(suffix: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"socketspace-{stamp}{suffix}"


def destination(settings: Settings, dest: str | None, suffix: str) -> Path:
    """DEST, a default name inside DEST when it is a directory, or DATA_DIR/backups/…"""
    if dest is None:
        return settings.data_dir / "backups" / default_name(suffix)
    path = Path(dest)
    return path / default_name(suffix) if path.is_dir() else path


def sqlite_path(settings: Settings) -> Path:
    database = make_url(settings.database_url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(f"cannot back up this SQLite database: {database or 'in memory'}")
    return Path(database)


def backup_sqlite(settings: Settings, dest: Path) -> Path:
    """Copy the live SQLite database to `dest` (mode 0600); never overwrites."""
    source_path = sqlite_path(settings)
    if not source_path.is_file():
        raise BackupError(f"no database at {source_path}")
    if dest.exists():
        raise BackupError(f"{dest} exists already; choose another name or remove it")
    dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Written whole to a private temporary file, then linked into place: link() refuses to
    # overwrite, so a file that appeared meanwhile is not replaced, and a half-written copy
    # never carries the final name.
    partial = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        source = sqlite3.connect(source_path, timeout=30)
        try:
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy)  # all pages in one step: one read transaction
                # A single self-contained file, whatever the live database's journal mode.
                copy.execute("PRAGMA journal_mode=DELETE")
            finally:
                copy.close()
        finally:
            source.close()
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        try:
            os.link(partial, dest)
        except FileExistsError:
            raise BackupError(f"{dest} exists already; choose another name or remove it") from None
    finally:
        partial.unlink(missing_ok=True)
    return dest


def postgres_instructions(settings: Settings, dest: Path) -> list[str]:
    """What to run instead: pg_dump and pg_restore for DATABASE_URL, without its password."""
    configured = make_url(settings.database_url)
    url = URL.create(  # libpq's scheme, and no password (URL.set cannot remove one)
        "postgresql",
        username=configured.username,
        host=configured.host,
        port=configured.port,
        database=configured.database,
        query=configured.query,
    )
    target = shlex.quote(url.render_as_string(hide_password=False))
    file = shlex.quote(str(dest))
    lines = [
        "PostgreSQL is backed up with its own tools; nothing was done. To back up:",
        f"  pg_dump --format=custom --file={file} {target}",
        "To restore (into an existing, empty or to-be-replaced database):",
        f"  pg_restore --clean --if-exists --no-owner --dbname={target} {file}",
    ]
    if configured.password:
        lines.append("The password is not shown: give it with PGPASSWORD or ~/.pgpass.")
    return lines


def media_hint(settings: Settings) -> str:
    if settings.s3_bucket:
        where = f"the S3 bucket {settings.s3_bucket}"
        how = "copy it with your S3 tools (e.g. `aws s3 sync`)"
    else:
        where = str(settings.media_path)
        how = f"copy it too (e.g. `rsync -a {shlex.quote(str(settings.media_path))}/ …`)"
    return f"note: this backs up the database only; pictures live in {where}: {how}"
