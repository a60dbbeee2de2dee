"""SMTP over TLS, against aiosmtpd with a certificate made for the test (and trusted through
SSL_CERT_FILE, as an operator with a private CA would)."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from socketspace.config import Settings
from socketspace.mail.compose import Composer
from socketspace.mail.transports import SmtpTransport
from socketspace.models import OutboxEmail
from socketspace.models.base import utcnow
from tests.conftest import free_port, unavailable
from tests.mail.conftest import SmtpServer


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        unavailable("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    make = "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
    name = "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1"
    subprocess.run(
        ["openssl", *make.split(), *name.split(), "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return cert, key


@pytest.fixture
def server_tls(certificate, monkeypatch) -> ssl.SSLContext:
    cert, key = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts this certificate only
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.fixture
def welcome() -> EmailMessage:
    settings = Settings(secret_key="k" * 32, public_origin="http://testserver")
    row = OutboxEmail(
        message_key="0" * 32,
        template="welcome",
        to_address="alice@example.com",
        context={"name": "Alice"},
        created_at=utcnow(),
    )
    return Composer(settings).compose(row)


def accept(server: SmtpServer):
    def authenticate(
        _smtp: SMTP, _session: Session, _envelope: Envelope, _mechanism: str, data: object
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        server.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=data.password == b"p@ss word")

    return authenticate


async def test_smtps_speaks_tls_from_the_first_byte_and_logs_in(server_tls, welcome):
    server = SmtpServer(free_port(), implicit_tls=server_tls, auth_require_tls=False)
    server.smtp_options["authenticator"] = accept(server)
    await server.start()
    try:
        transport = SmtpTransport(f"smtps://mailer:p%40ss%20word@127.0.0.1:{server.port}", 5)
        await transport.send(welcome)
        message = await server.next()
    finally:
        await server.stop()
    assert message["Subject"] == "Welcome to SocketSpace"
    assert server.logins == [("mailer", "p@ss word")]


async def test_smtp_with_a_password_upgrades_with_starttls_before_logging_in(server_tls, welcome):
    server = SmtpServer(
        free_port(), tls_context=server_tls, require_starttls=True, auth_required=True
    )
    server.smtp_options["authenticator"] = accept(server)
    await server.start()
    try:
        transport = SmtpTransport(f"smtp://mailer:p%40ss%20word@127.0.0.1:{server.port}", 5)
        await transport.send(welcome)
        message = await server.next()
    finally:
        await server.stop()
    assert message["To"] == "alice@example.com"
    assert server.logins == [("mailer", "p@ss word")]


async def test_a_certificate_nobody_vouches_for_is_refused(server_tls, welcome, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE")
    server = SmtpServer(free_port(), implicit_tls=server_tls)
    await server.start()
    try:
        transport = SmtpTransport(f"smtps://127.0.0.1:{server.port}", 5)
        with pytest.raises(Exception, match=r"CERTIFICATE_VERIFY_FAILED|certificate verify"):
            await transport.send(welcome)
    finally:
        await server.stop()
    assert server.received == []
