"""Turn an outbox row into an email: Jinja2 templates (HTML autoescaped), both parts."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from socketspace.config import Settings
from socketspace.models import OutboxEmail
from socketspace.security.tokens import reset_token

SUBJECTS = {
    "welcome": "Welcome to SocketSpace",
    "password_reset": "Reset your SocketSpace password",
}


class Composer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.env = Environment(
            loader=PackageLoader("socketspace.mail"),
            autoescape=select_autoescape(["html"], default_for_string=False),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )
        self.domain = _domain_of(settings.mail_from) or urlsplit(settings.public_origin).hostname

    def compose(self, email: OutboxEmail) -> EmailMessage:
        subject = SUBJECTS[email.template]
        values = {**email.context, **self._links(email), "subject": subject}
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = self.settings.mail_from
        message["To"] = email.to_address
        message["Date"] = format_datetime(email.created_at)
        message["Message-ID"] = f"<{email.message_key}@{self.domain}>"
        message.set_content(self.env.get_template(f"{email.template}.txt").render(values))
        html = self.env.get_template(f"{email.template}.html").render(values)
        message.add_alternative(html, subtype="html")
        return message

    def _links(self, email: OutboxEmail) -> dict[str, Any]:
        origin = self.settings.public_origin
        links: dict[str, Any] = {"app_url": f"{origin}/"}
        if email.template == "password_reset":
            token = reset_token(self.settings.signing_key, email.context["reset_id"])
            links["reset_url"] = f"{origin}/reset-password?{urlencode({'token': token})}"
            links["minutes"] = self.settings.password_reset_minutes
        return links


def _domain_of(address: str) -> str | None:
    _name, addr = parseaddr(address)
    return addr.rpartition("@")[2] or None
