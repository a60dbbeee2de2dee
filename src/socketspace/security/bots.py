"""Known crawlers, scrapers and headless browsers, recognised by their user agent with
crawlerdetect (a maintained database). Ordinary HTTP client libraries (curl, Python scripts)
are in that database too, but SocketSpace is meant to be scriptable: they are let through
unless the operator removes them from BOT_ALLOWED_CLIENTS."""

from __future__ import annotations

from collections.abc import Iterable

from crawlerdetect import CrawlerDetect

from socketspace.config import DEFAULT_ALLOWED_CLIENTS

CACHE_SIZE = 4096


class BotDetector:
    def __init__(self, allowed_clients: Iterable[str] = DEFAULT_ALLOWED_CLIENTS) -> None:
        self._detect = CrawlerDetect()
        self.allowed = frozenset(name.strip().lower() for name in allowed_clients)
        self._seen: dict[str, str | None] = {}

    def bot_name(self, user_agent: str) -> str | None:
        """Which bot this user agent belongs to, or None for browsers and allowed clients."""
        user_agent = user_agent[:512]
        if user_agent in self._seen:
            return self._seen[user_agent]
        name: str | None = None
        if self._detect.isCrawler(user_agent):
            match = str(self._detect.getMatches() or "").strip("/ ").lower()
            name = None if match in self.allowed else (match or "unknown")
        if len(self._seen) >= CACHE_SIZE:
            self._seen.clear()
        self._seen[user_agent] = name
        return name
