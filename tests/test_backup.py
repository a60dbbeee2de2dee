"""`socketspace backup` as an operator runs it: a real process beside a database being written."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "socketspace.cli"]

INSERT_USER = (
    "INSERT INTO users (id, email, full_name, password_hash, profile_pic, created_at, updated_at)"
    " VALUES (?, ?, 'Writer', 'x', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/data/socketspace.db",
        "DATA_DIR": str(tmp_path / "data"),
    }


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


class Writer(threading.Thread):
    """Commits one user after another, each in its own transaction, until stopped."""

    def __init__(self, database: Path) -> None:
        super().__init__(daemon=True)
        self.database = database
        self.committed = 0
        self.warmed_up = threading.Event()
        self.stop = threading.Event()

    def run(self) -> None:
        conn = sqlite3.connect(self.database, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")  # as the server runs it
        try:
            while not self.stop.is_set():
                n = self.committed
                conn.execute(INSERT_USER, (f"u{n:023d}", f"writer{n}@example.com"))
                conn.commit()
                self.committed = n + 1
                if self.committed == 200:
                    self.warmed_up.set()
        finally:
            conn.close()


def database_file(env: dict[str, str]) -> Path:
    return Path(env["DATABASE_URL"].removeprefix("sqlite+aiosqlite:///"))


def test_a_backup_taken_while_the_server_writes_is_whole_and_holds_what_was_committed(
    env, tmp_path
):
    assert run(["migrate"], env).returncode == 0
    writer = Writer(database_file(env))
    writer.start()
    try:
        assert writer.warmed_up.wait(30)
        before = writer.committed
        dest = tmp_path / "copy.db"
        made = run(["backup", str(dest)], env)
        during = writer.committed
    finally:
        writer.stop.set()
        writer.join()
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == str(dest)
    assert "pictures live in" in made.stderr
    assert during > before, "the writer must have been writing while the backup ran"

    assert dest.stat().st_mode & 0o777 == 0o600
    copy = sqlite3.connect(dest)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        emails = {row[0] for row in copy.execute("SELECT email FROM users")}
    finally:
        copy.close()
    # Everything committed before the backup began, and a consistent moment: a prefix of the
    # writer's commits, never a gap.
    assert before <= len(emails) <= during
    assert emails == {f"writer{n}@example.com" for n in range(len(emails))}


def test_backup_names_its_file_under_data_dir_and_never_overwrites(env, tmp_path):
    assert run(["migrate"], env).returncode == 0
    made = run(["backup"], env)
    assert made.returncode == 0, made.stderr
    written = Path(made.stdout.strip())
    assert written.parent == tmp_path / "data" / "backups"
    assert written.name.startswith("socketspace-") and written.suffix == ".db"
    assert str(tmp_path / "data" / "media") in made.stderr  # where the pictures are

    written.write_bytes(b"an older backup")
    again = run(["backup", str(written)], env)
    assert again.returncode == 1
    assert "exists already" in again.stderr
    assert written.read_bytes() == b"an older backup"
    assert sorted(p.name for p in written.parent.iterdir()) == [written.name]  # no leftovers


def test_backup_into_a_directory_and_of_a_missing_database(env, tmp_path):
    missing = run(["backup", str(tmp_path)], env)
    assert missing.returncode == 1
    assert "no database at" in missing.stderr
    assert run(["migrate"], env).returncode == 0
    made = run(["backup", str(tmp_path)], env)
    assert made.returncode == 0, made.stderr
    assert Path(made.stdout.strip()).parent == tmp_path


def test_backup_of_postgresql_prints_pg_dump_without_the_password_and_does_nothing(env, tmp_path):
    pg = {**env, "DATABASE_URL": "postgresql+asyncpg://ops:hunter2@db.internal:5433/chat"}
    dest = tmp_path / "chat.dump"
    shown = run(["backup", str(dest)], pg)
    assert shown.returncode == 2
    assert (
        f"pg_dump --format=custom --file={dest} postgresql://ops@db.internal:5433/chat"
        in shown.stdout
    )
    assert (
        f"pg_restore --clean --if-exists --no-owner --dbname=postgresql://ops@db.internal:5433/chat"
        f" {dest}" in shown.stdout
    )
    assert "PGPASSWORD" in shown.stdout
    assert "hunter2" not in shown.stdout + shown.stderr
    assert not dest.exists()
