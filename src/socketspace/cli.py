"""`socketspace serve | migrate | create-user | outbox | reports | backup`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import socket
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from socketspace import backup
from socketspace.config import Settings
from socketspace.context import AppContext
from socketspace.db import Database
from socketspace.errors import AppError
from socketspace.logs import configure_logging, logging_config
from socketspace.mail import outbox
from socketspace.migrations import upgrade
from socketspace.services import abuse, accounts

log = logging.getLogger("socketspace")


@asynccontextmanager
async def opened(settings: Settings) -> AsyncIterator[Database]:
    """The database, for one command."""
    db = Database.from_url(settings.database_url)
    try:
        yield db
    finally:
        await db.dispose()


async def _migrate(settings: Settings) -> None:
    async with opened(settings) as db:
        await upgrade(db.engine)


async def _create_user(settings: Settings, email: str, full_name: str, password: str) -> str:
    ctx = AppContext.build(settings)
    try:
        signed_in = await accounts.create_account(
            ctx.db,
            ctx.passwords,
            ctx.tokens,
            full_name=full_name,
            email=email,
            password=password,
            allow_local_email_domains=settings.allow_local_email_domains,
        )
        await accounts.logout(
            ctx.db, ctx.notifier, user_id=signed_in.user.id, session_id=signed_in.session_id
        )
        return signed_in.user.id
    finally:
        await ctx.close()


# How long an idle HTTP keep-alive connection stays open. Above the clients' own idle limits
# (Node's agent and httpx: 5 s; aiohttp: 15 s), so the client closes first: at uvicorn's default
# (5 s) the server closed as a Node client reused the connection, which the client saw as
# ECONNRESET. 75 s is nginx's default towards browsers.
KEEP_ALIVE_SECONDS = 75


def connection_options() -> dict[str, Any]:
    """How `socketspace serve` runs its connections (the test servers use the same)."""
    from socketspace.realtime.transport import WS_PROTOCOL

    return {
        "ws": WS_PROTOCOL,
        "ws_per_message_deflate": False,
        # Engine.IO's own heartbeat finds a silent peer and closes its WebSocket
        # (realtime/transport/engine.py): a second ping timer per connection would only cost.
        "ws_ping_interval": None,
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
    }


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    settings = settings.served_at(args.host, args.port)
    if args.workers > 1:
        # Workers share the port and restart on their own: none can be told from another.
        for key in [key for key in os.environ if key.lower() == "process_name"]:
            log.warning("process_name_ignored reason=workers")
            del os.environ[key]
    elif settings.process_name is None:
        name = f"{socket.gethostname()}:{args.host}:{args.port}"
        settings = settings.model_copy(update={"process_name": name})
    if args.workers > 1 and not settings.redis_url:
        print(
            "error: --workers needs REDIS_URL: the processes share events, presence and "
            "rate limits through Redis",
            file=sys.stderr,
        )
        return 2
    if not args.no_migrate:
        asyncio.run(_migrate(settings))
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "loop": "uvloop",
        "http": "httptools",
        **connection_options(),
        "log_level": settings.log_level.lower(),
        # uvicorn's own lines go through our handler, in LOG_FORMAT (see logs.py).
        "log_config": logging_config(settings.log_level, settings.log_format),
        "proxy_headers": False,
        # SIGTERM: stop accepting, close sockets (clients reconnect elsewhere), then let the
        # message writer and the outbox finish; give up on stragglers after this long.
        "timeout_graceful_shutdown": settings.shutdown_grace_seconds,
    }
    if args.workers > 1:
        # Each worker builds its app from the environment: hand it these settings there.
        # Long-polling would need every request of a client to reach the same worker, which
        # one shared port cannot promise: WebSocket only (docs/deploy.md).
        os.environ["PUBLIC_ORIGIN"] = settings.public_origin
        os.environ["ALLOWED_ORIGINS"] = ",".join(settings.allowed_origins)
        os.environ.setdefault("SOCKET_TRANSPORTS", "websocket")
        # Prometheus metrics summed over the workers (prometheus_client's multiprocess mode).
        os.environ.setdefault(
            "PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="socketspace-metrics-")
        )
        uvicorn.run(
            "socketspace.app:create_worker_app",
            factory=True,
            workers=args.workers,
            # A worker busy starting up (imports) on a loaded machine is not a dead one.
            timeout_worker_healthcheck=30,
            **options,
        )
        return 0
    from socketspace.app import create_worker_app

    uvicorn.run(create_worker_app(settings), **options)
    return 0


def cmd_migrate(_args: argparse.Namespace, settings: Settings) -> int:
    asyncio.run(_migrate(settings))
    log.info("migrated database=%s", settings.database_url.split("@")[-1])
    return 0


def cmd_create_user(args: argparse.Namespace, settings: Settings) -> int:
    password = args.password or getpass.getpass("Password: ")
    try:
        user_id = asyncio.run(_create_user(settings, args.email, args.name, password))
    except AppError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    print(user_id)
    return 0


async def _outbox_list(settings: Settings) -> list[str]:
    async with opened(settings) as db:
        rows = await outbox.unsent(db)
    lines = [
        f"{'ID':>6}  {'STATUS':<8} {'TRIES':>5}  {'NEXT TRY (UTC)':<19}  TEMPLATE  TO / LAST ERROR"
    ]
    for row in rows:
        when = row.next_attempt_at.strftime("%Y-%m-%d %H:%M:%S") if row.status == "pending" else "-"
        lines.append(
            f"{row.id:>6}  {row.status:<8} {row.attempts:>5}  {when:<19}  {row.template}  "
            f"{row.to_address}"
        )
        if row.last_error:
            lines.append(f"{'':>8}{row.last_error}")
    return lines


async def _outbox_retry(settings: Settings, email_id: int) -> bool:
    async with opened(settings) as db:
        return await outbox.retry(db, email_id)


async def _outbox_send(settings: Settings) -> int:
    sent = 0
    async with opened(settings) as db:
        worker = outbox.Outbox.build(db, settings)
        while claimed := await worker.send_due():
            sent += claimed
    return sent


def cmd_outbox(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "retry":
        if args.id is None:
            print("error: say which email: socketspace outbox retry ID", file=sys.stderr)
            return 2
        if not asyncio.run(_outbox_retry(settings, args.id)):
            print(f"error: no pending or failed email has id {args.id}", file=sys.stderr)
            return 1
        print(f"email {args.id} queued again")
        return 0
    if args.action == "send":
        print(f"tried {asyncio.run(_outbox_send(settings))} due email(s)")
        return 0
    lines = asyncio.run(_outbox_list(settings))
    print("\n".join(lines) if len(lines) > 1 else "no pending or failed emails")
    return 0


async def _reports(settings: Settings) -> list[str]:
    async with opened(settings) as db:
        rows = await abuse.reports(db)
    lines = []
    for row in rows:
        report = row.report
        when = report.created_at.strftime("%Y-%m-%d %H:%M")
        lines.append(
            f"#{report.id} {when} UTC  {row.reporter_email} reported {row.reported_email}, "
            f"message {report.message_id}"
        )
        if report.reason:
            lines.append(f"    reason: {report.reason}")
        lines.append(f"    text:   {report.text or '-'}")
        if report.image:
            lines.append(f"    image:  {report.image}")
    return lines


def cmd_reports(_args: argparse.Namespace, settings: Settings) -> int:
    lines = asyncio.run(_reports(settings))
    print("\n".join(lines) if lines else "no reported messages")
    return 0


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.is_sqlite:
        dest = backup.destination(settings, args.dest, ".dump")
        print("\n".join(backup.postgres_instructions(settings, dest)))
        print(backup.media_hint(settings), file=sys.stderr)
        return 2
    try:
        written = backup.backup_sqlite(settings, backup.destination(settings, args.dest, ".db"))
    except backup.BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(written)
    print(backup.media_hint(settings), file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="socketspace", description="SocketSpace chat server")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the server (migrates first)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-migrate", action="store_true", help="skip migrations at start")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes behind the one port (more than one needs REDIS_URL)",
    )
    serve.set_defaults(handler=cmd_serve)

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(handler=cmd_migrate)

    create = commands.add_parser("create-user", help="create an account")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--password", help="read from the terminal when left out")
    create.set_defaults(handler=cmd_create_user)

    mail = commands.add_parser(
        "outbox",
        help="list pending and failed emails; retry ID requeues one; send sends due ones now",
    )
    mail.add_argument("action", nargs="?", choices=["list", "retry", "send"], default="list")
    mail.add_argument("id", nargs="?", type=int, help="the email to retry")
    mail.set_defaults(handler=cmd_outbox)

    reported = commands.add_parser("reports", help="list reported messages, newest first")
    reported.set_defaults(handler=cmd_reports)

    saved = commands.add_parser(
        "backup",
        help="copy the SQLite database while the server runs (PostgreSQL: prints pg_dump)",
    )
    saved.add_argument(
        "dest", nargs="?", help="file or directory (default DATA_DIR/backups/socketspace-….db)"
    )
    saved.set_defaults(handler=cmd_backup)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    handler = args.handler
    return int(handler(args, settings))


if __name__ == "__main__":
    sys.exit(main())
