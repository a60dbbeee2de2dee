"""Every Prometheus metric the server exports, in one place (served at GET /metrics).

The hot paths (the message writer, the announcer) use children bound once at import, so a
message costs an increment or an observation — no label lookups, no allocation.

Several processes (`socketspace serve --workers N`): the parent sets PROMETHEUS_MULTIPROC_DIR
to a fresh directory before the workers start. prometheus_client reads it when it is first
imported and then keeps every value in a memory-mapped file there; /metrics sums the files of
all workers with MultiProcessCollector (see `exposition`). Gauges therefore say how to combine
processes: `livesum` (only processes still alive count: a stopping worker calls
`process_exiting`) or `mostrecent`. Without the variable
everything stays in this process's memory.
"""

from __future__ import annotations

import os

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    multiprocess,
)
from prometheus_client.exposition import choose_encoder

# No `*_created` timestamp series beside every counter and histogram: noise for Prometheus.
disable_created_metrics()  # type: ignore[no-untyped-call]

# Seconds; from well under a millisecond (a batch delivered at once) up to the point where
# people notice.
DELIVERY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
HTTP_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

SOCKETS_CONNECTED = Gauge(
    "socketspace_sockets_connected",
    "Socket.IO connections open now (signed in).",
    multiprocess_mode="livesum",
)
MESSAGES_STORED = Counter(
    "socketspace_messages_stored",
    "New messages committed to the database (retries of a known clientId not counted).",
)
MESSAGES_DELIVERED = Counter(
    "socketspace_messages_delivered",
    "New messages announced to their rooms (the emit returned).",
)
MESSAGE_BATCH_SIZE = Histogram(
    "socketspace_message_batch_size",
    "Messages committed together in one transaction by the message writer (group commit).",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)
DELIVERY_SECONDS = Histogram(
    "socketspace_message_delivery_seconds",
    "From a message's commit to the emit of newMessage returning.",
    buckets=DELIVERY_BUCKETS,
)
HTTP_REQUEST_SECONDS = Histogram(
    "socketspace_http_request_seconds",
    "HTTP requests by route template (not the raw path), method and status class.",
    ["route", "method", "status"],
    buckets=HTTP_BUCKETS,
)
OUTBOX_EMAILS = Gauge(
    "socketspace_outbox_emails",
    "Emails in the outbox by status (pending: not sent yet; failed: gave up), counted at scrape.",
    ["status"],
    multiprocess_mode="mostrecent",
)
# The transport's fast path (realtime/transport/): is it engaged? Counted on transitions and at
# scrape time, never per message.
WEBSOCKETS = Gauge(
    "socketspace_websockets",
    "Engine.IO sockets on a WebSocket, by how their packets are written: `direct` (the fast "
    "path: straight to the connection, engine.io's queue retired) or `asgi` (through the ASGI "
    "send: the server does not run `socketspace serve`'s WebSocket protocol).",
    ["writer"],
    multiprocess_mode="livesum",
)
WEBSOCKETS_DIRECT = WEBSOCKETS.labels("direct")
WEBSOCKETS_ASGI = WEBSOCKETS.labels("asgi")
EMITS = Counter(
    "socketspace_emits",
    "Socket.IO emits by the way they were delivered: `shared_frame` (one frame for all "
    "recipients, no task per recipient) or `socketio` (python-socketio's own, for acks). "
    "Brought up to date when /metrics is scraped (with several workers: as of each one's "
    "last scrape).",
    ["path"],
)
EMITS_SHARED_FRAME = EMITS.labels("shared_frame")
EMITS_SOCKETIO = EMITS.labels("socketio")
BUDGET_SYNCS = Counter(
    "socketspace_budget_syncs",
    "Rounds in which this process wrote its users' message and picture spend to Redis and "
    "learnt the other processes' (one pipelined write each).",
)
FANOUT_RESYNCS = Counter(
    "socketspace_fanout_resyncs",
    "Times this process asked its clients to sync because cross-process events may have been "
    "lost: `lost` (another process reported batches it could not publish: the clients in "
    "their rooms), `gap` (a batch missing from a process's sequence), `reset` (a process's "
    "sequence started over: a new or restarted process), `crash` (a process was counted out "
    "without stopping cleanly) or `link` (this process's own link to Redis was lost, or came "
    "up only after start-up).",
    ["reason"],
)
FANOUT_LOST_BATCHES = Counter(
    "socketspace_fanout_lost_batches",
    "Batches of this process's events that never reached Redis (a failed PUBLISH, or dropped "
    "while Redis was down): the next batch that does reports them, and the other processes "
    "ask the clients in their rooms to sync.",
)
RATE_LIMIT_REFUSALS = Counter(
    "socketspace_rate_limit_refusals",
    "Actions refused by a rate limit, by rule.",
    ["rule"],
)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def process_exiting() -> None:
    """A worker stopping: its live gauges leave the sum. (A worker that crashed leaves its
    files behind until the next start gives the workers a fresh directory.)"""
    if multiprocess_dir() is not None:
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


def exposition(accept: str) -> tuple[bytes, str]:
    """The body and content type of a scrape (the Prometheus text format, or OpenMetrics when
    the scraper asks for it)."""
    encoder, content_type = choose_encoder(accept)
    if multiprocess_dir() is None:
        return encoder(REGISTRY), content_type
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return encoder(registry), content_type
