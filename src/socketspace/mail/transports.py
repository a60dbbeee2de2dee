"""Where composed emails go: an SMTP server, or (without SMTP_URL) .eml files for developers."""

from __future__ import annotations

import asyncio
import logging
import os
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

from socketspace.config import Settings

log = logging.getLogger(__name__)


class Transport(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class SmtpTransport:
    """smtp:// upgrades with STARTTLS (required when there are credentials to protect,
    otherwise whenever the server offers it); smtps:// speaks TLS from the first byte."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        self.implicit_tls = parts.scheme == "smtps"
        self.hostname = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.implicit_tls else 587)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    async def send(self, message: EmailMessage) -> None:
        await aiosmtplib.send(
            message,
            hostname=self.hostname,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.implicit_tls,
            start_tls=False if self.implicit_tls else (True if self.username else None),
            timeout=self.timeout,
        )


class FileTransport:
    """Writes each email to `<directory>/<Message-ID>.eml`: a resent email replaces its file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def send(self, message: EmailMessage) -> None:
        path = await asyncio.to_thread(self._write, message)
        log.info("email_written to=%s subject=%r path=%s", message["To"], message["Subject"], path)

    def _write(self, message: EmailMessage) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = str(message["Message-ID"]).strip("<>").partition("@")[0]
        path = self.directory / f"{name}.eml"
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(message.as_bytes())
        tmp.replace(path)
        return path


def transport_for(settings: Settings) -> Transport:
    if settings.smtp_url:
        return SmtpTransport(settings.smtp_url, settings.smtp_timeout_seconds)
    return FileTransport(settings.outbox_path)
