"""Settings: every one an environment variable with a safe default (docs/configuration.md)."""

from __future__ import annotations

import logging
import os
import secrets
from functools import cached_property
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from limits import parse_many
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

log = logging.getLogger(__name__)

# Without DATABASE_URL, the database is this SQLite file inside DATA_DIR.
DATABASE_FILE = "socketspace.db"
# HTTP client libraries that the bot database knows but that are welcome (scripts).
DEFAULT_ALLOWED_CLIENTS = (
    "curl",
    "wget",
    "httpie",
    "python-requests",
    "python-httpx",
    "python-urllib",
    "aiohttp",
    "go-http-client",
    "axios",
    "node-fetch",
    "okhttp",
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    # Unset (or blank): sqlite+aiosqlite:///<DATA_DIR>/socketspace.db, so that DATA_DIR moves
    # everything the server keeps on disk.
    database_url: str = ""
    redis_url: str | None = None
    secret_key: str | None = Field(default=None, repr=False)
    public_origin: str = "http://127.0.0.1:8000"
    # Further origins (comma-separated) allowed to make cookie-authenticated writes and
    # socket handshakes, e.g. a Vite dev server.
    allowed_origins: Annotated[list[str], NoDecode] = []
    data_dir: Path = Path("./data")
    media_dir: Path | None = None
    web_dist_dir: Path = Path("./web/dist")
    # smtp://user:password@host:587 (STARTTLS) or smtps://…:465 (implicit TLS). Without it,
    # emails are logged and written as .eml files under DATA_DIR/outbox.
    smtp_url: str | None = Field(default=None, repr=False)
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "SocketSpace <no-reply@localhost>"
    # The outbox worker looks for due emails this often (and at once after a new one).
    outbox_poll_seconds: float = 5.0
    # A failed email is retried after OUTBOX_RETRY_SECONDS, then twice that, … (at most an
    # hour between tries), and marked failed after OUTBOX_MAX_ATTEMPTS tries.
    outbox_retry_seconds: float = 30.0
    outbox_max_attempts: int = 8
    # A worker that claimed an email and vanished gives it up after this long.
    outbox_lease_seconds: float = 120.0
    password_reset_minutes: int = 30
    # Accept email addresses that are not deliverable on the internet, for LAN installs:
    # names without a dot (alice@nas) and the special-use names of a local network or machine
    # (.local, .home.arpa, .test, .localhost). `.invalid`, `.onion` and the rest of `.arpa`
    # stay refused. Login never checks the format: accounts made while this was on keep
    # working when it is turned off.
    allow_local_email_domains: bool = False
    log_level: str = "INFO"
    # text: `time level=… logger=… message`; json: one JSON object per line (time, level,
    # logger, message, request_id while handling an HTTP request), uvicorn's lines included.
    log_format: Literal["text", "json"] = "text"
    # When set, GET /metrics wants `Authorization: Bearer <token>` (401 otherwise). Unset, it
    # is open: block /metrics at the proxy, or set this.
    metrics_token: str | None = Field(default=None, repr=False)

    session_days: int = 7
    # OWASP minimum for Argon2id; tests lower these, nothing else should.
    argon2_memory_kib: int = 19_456
    argon2_time_cost: int = 2
    hash_workers: int = 2

    # Rate limits, in the `limits` notation ("5/minute;10/15 minutes": every window must have
    # room). Counted in Redis when REDIS_URL is set, so all processes share them.
    login_rate_per_ip: str = "30/5 minutes"
    # Failed logins for one account from one address: a growing lock-out, never permanent.
    login_failures_per_account_ip: str = "5/minute;10/15 minutes;20/hour"
    # Failed logins for one account from everywhere (a distributed guess).
    login_failures_per_account: str = "100/hour"
    signup_rate_per_ip: str = "10/minute;50/hour"
    reset_rate_per_ip: str = "10/hour"
    reset_rate_per_email: str = "3/hour"
    # A ceiling on every /api request from one address.
    api_rate_per_ip: str = "1200/minute"
    # Known crawlers, scrapers and headless browsers at signup, login and messages:
    # block (403), monitor (log only) or off.
    bot_protection: Literal["block", "monitor", "off"] = "block"
    # HTTP client libraries the bot database knows but that are welcome (scripts).
    bot_allowed_clients: Annotated[list[str], NoDecode] = list(DEFAULT_ALLOWED_CLIENTS)
    # Proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed.
    trusted_proxies: Annotated[list[str], NoDecode] = []
    redis_key_prefix: str = "socketspace"
    # With REDIS_URL: this process's name among the deployment's, the same across its
    # restarts, so that the others can tell a restart after a clean stop (nothing lost: their
    # clients need not resync) from one after a crash. `serve` names a process after its
    # machine, address and port; set this where the machine's name changes with each start (a
    # container's). `serve --workers N` leaves its workers unnamed.
    process_name: str | None = None

    # Group commit: while people send at the same time, the message writer waits this long
    # after a message before writing, so that the messages sent meanwhile share its
    # transaction (one commit costs about the same for one message as for fifty). Someone
    # chatting alone never waits. 0: never wait.
    message_batch_linger_ms: float = Field(default=1.0, ge=0, le=100)
    # Messages a user may send: a token bucket shared by REST and socket sends.
    message_rate_per_second: float = 10.0
    message_burst: int = 60
    # With REDIS_URL, how often each process shares its users' message and picture spend
    # with the others (one pipelined write to Redis). The budgets are answered in process;
    # over any window a user may get up to (processes - 1) x (burst + rate x interval) more
    # than the budget at first, and the same rate over time (docs/security.md).
    budget_sync_ms: int = Field(default=500, ge=50, le=10_000)
    # Events one socket connection may send (of any kind): a token bucket, so a flood from one
    # connection is refused cheaply before its payloads are even read.
    socket_events_per_second: float = 30.0
    socket_event_burst: int = 120
    # How often sockets are checked for sessions that ended elsewhere; also how long a token
    # found live is trusted without reading its session again (an ended session is
    # forgotten at once through the bus; this bounds a signal that was lost).
    session_check_seconds: float = 5.0
    # Presence changes are collected for a window, then announced once to every client: the
    # window is PRESENCE_WINDOW_MS plus PRESENCE_WINDOW_PER_USER_MS for each person online, at
    # most PRESENCE_MAX_WINDOW_MS. Every announcement costs a frame per client, so a larger
    # community gets coarser (cheaper) updates: 2,000 people connecting cost about 2 frames
    # each instead of 2,000 (bench/presence.py).
    presence_window_ms: int = 100
    presence_window_per_user_ms: float = 6.0
    presence_max_window_ms: int = 5000
    # With REDIS_URL (several processes): each process tells Redis it is alive this often, and
    # one silent for PRESENCE_PROCESS_TIMEOUT_SECONDS is taken as dead: its users go offline.
    presence_heartbeat_seconds: float = 5.0
    presence_process_timeout_seconds: float = 20.0
    # Socket.IO transports the server accepts. Long-polling needs every request of a client to
    # reach the same process: with several processes behind one port, use "websocket" alone
    # (`serve --workers N` does), or a proxy with sticky sessions (docs/deploy.md).
    socket_transports: Annotated[list[Literal["polling", "websocket"]], NoDecode] = [
        "polling",
        "websocket",
    ]
    # Engine.IO's heartbeat: the server pings every client this often, and closes a socket
    # whose client has not answered within the timeout (Socket.IO's defaults). Lower the
    # interval behind a proxy that drops connections idle for less than 25 s.
    socket_ping_interval_seconds: int = Field(default=25, ge=1)
    socket_ping_timeout_seconds: int = Field(default=20, ge=1)
    # On SIGTERM, connections get this long to finish before the server stops regardless.
    shutdown_grace_seconds: int = 30
    # A typing indicator ends by itself this long after the last refresh.
    typing_ttl_seconds: float = 5.0
    # The most people a group may have (checked when it is made and when people are added).
    group_max_members: int = Field(default=1000, ge=2)
    # The heap's free pages go back to the system this often (memory.py; 0: never).
    heap_trim_seconds: float = 30.0

    # Pictures: stored under MEDIA_DIR, or in an S3-compatible bucket when S3_BUCKET is set.
    s3_bucket: str | None = None
    s3_endpoint: str | None = None  # unset: AWS itself
    s3_region: str | None = None
    s3_access_key_id: str | None = Field(default=None, repr=False)
    s3_secret_access_key: str | None = Field(default=None, repr=False)
    # Pictures a user may send (uploads and data URLs alike): a token bucket.
    uploads_per_minute: float = 20.0
    upload_burst: int = 10
    # The largest picture accepted, by upload or as a data URL.
    upload_max_mb: int = 10
    # Threads that decode and encode pictures, off the event loop.
    image_workers: int = 2
    # A picture nothing shows is removed once it is this old; the sweep runs this often.
    media_orphan_hours: float = 24.0
    media_sweep_seconds: float = 3600.0

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip().rstrip("/") for part in value.split(",") if part.strip()]
        return value

    @field_validator("socket_transports", mode="before")
    @classmethod
    def _split_transports(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("bot_allowed_clients", mode="before")
    @classmethod
    def _split_clients(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        proxies = value.split(",") if isinstance(value, str) else value
        if not isinstance(proxies, list):
            return value
        for proxy in proxies:
            try:
                ip_network(str(proxy).strip(), strict=False)
            except ValueError:
                raise ValueError(f"TRUSTED_PROXIES: {proxy!r} is not an address") from None
        return [str(proxy).strip() for proxy in proxies if str(proxy).strip()]

    @field_validator(
        "login_rate_per_ip",
        "login_failures_per_account_ip",
        "login_failures_per_account",
        "signup_rate_per_ip",
        "reset_rate_per_ip",
        "reset_rate_per_email",
        "api_rate_per_ip",
    )
    @classmethod
    def _check_rate(cls, value: str) -> str:
        try:
            parse_many(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a rate like '5/minute;100/hour'") from None
        return value

    @cached_property
    def trusted_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        return tuple(ip_network(proxy, strict=False) for proxy in self.trusted_proxies)

    @field_validator("smtp_url")
    @classmethod
    def _check_smtp_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://user:password@host:587 or smtps://…")
        return value

    @field_validator("metrics_token", "process_name")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return value.strip()

    @field_validator("public_origin")
    @classmethod
    def _check_origin(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("PUBLIC_ORIGIN must look like http://host:port or https://host")
        return f"{parts.scheme}://{parts.netloc}"

    @model_validator(mode="after")
    def _database_in_data_dir(self) -> Settings:
        if not self.database_url.strip():
            self.database_url = default_database_url(self.data_dir)
        return self

    @property
    def trusted_origins(self) -> frozenset[str]:
        return frozenset([self.public_origin, *self.allowed_origins])

    @property
    def secure_cookies(self) -> bool:
        return self.public_origin.startswith("https://")

    @property
    def media_path(self) -> Path:
        return self.media_dir if self.media_dir is not None else self.data_dir / "media"

    @property
    def outbox_path(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def served_at(self, host: str, port: int) -> Settings:
        """These settings for a server listening on host:port. Without an explicit
        PUBLIC_ORIGIN, the origin is where the server listens, under both loopback names, so
        `socketspace serve --port 9000` works when opened as 127.0.0.1 or as localhost."""
        if "public_origin" in self.model_fields_set:
            return self
        names = ["127.0.0.1", "localhost"] if host in ("127.0.0.1", "localhost") else [host]
        origins = [f"http://{name}:{port}" for name in names]
        return self.model_copy(
            update={
                "public_origin": origins[0],
                "allowed_origins": [*self.allowed_origins, *origins[1:]],
            }
        )

    @cached_property
    def signing_key(self) -> str:
        """SECRET_KEY, or a key generated once and kept in DATA_DIR/secret.key (mode 0600)."""
        if self.secret_key:
            return self.secret_key
        return load_or_create_secret(self.data_dir / "secret.key")


def default_database_url(data_dir: Path) -> str:
    """The SQLite file in `data_dir` (relative paths stay relative to the working directory)."""
    return f"sqlite+aiosqlite:///{(data_dir / DATABASE_FILE).as_posix()}"


def load_or_create_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Written whole to a private temporary file, then linked into place: link() refuses to
    # overwrite, so when two processes start at once exactly one key wins and both use it.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    try:
        os.link(tmp, path)
        log.info("secret_key_created path=%s", path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()
