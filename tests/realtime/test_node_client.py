"""The real npm socket.io-client v4, used exactly as the original web client uses it.

tests/node/client.mjs is a small scriptable client speaking JSON lines over stdin/stdout; these
tests drive it against a live server. They need `node` and `npm ci --prefix tests/node`: without
them they skip on a laptop and fail under CI=true.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from socketspace.realtime import events
from tests.conftest import LiveServer, People, Person, unavailable

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
CLIENT = NODE_DIR / "client.mjs"
WAIT = 10.0  # seconds: the bound on every wait for the node process


class NodeError(Exception):
    """The node client answered a command with {ok: false}."""

    def __init__(self, reply: dict[str, Any]) -> None:
        super().__init__(reply.get("error"))
        self.reply = reply


class NodeClient:
    """One node process holding any number of named socket.io-client sockets."""

    def __init__(self, process: asyncio.subprocess.Process, url: str) -> None:
        self.process = process
        self.url = url
        self.version = ""
        self._next_id = 0
        self._replies: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._events: dict[tuple[str, str], asyncio.Queue[Any]] = {}
        self._stderr: list[str] = []
        self._ready: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._readers = [
            asyncio.create_task(self._read_stdout()),
            asyncio.create_task(self._read_stderr()),
        ]

    @classmethod
    async def start(cls, url: str) -> NodeClient:
        node = shutil.which("node")
        if node is None:
            unavailable("node is not installed (the socket.io-client tests need Node.js 18+)")
        if not (NODE_DIR / "node_modules" / "socket.io-client" / "package.json").exists():
            unavailable("socket.io-client is not installed: run `npm ci --prefix tests/node`")
        process = await asyncio.create_subprocess_exec(
            node,
            str(CLIENT),
            cwd=NODE_DIR,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        client = cls(process, url)
        try:
            async with asyncio.timeout(WAIT):
                ready = await client._ready
        except BaseException:
            await client.close()
            raise
        client.version = ready["version"]
        return client

    # --- the process -------------------------------------------------------------------------

    async def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        try:
            async for raw in self.process.stdout:
                self._dispatch(json.loads(raw))
        finally:
            # The process is gone (or spoke nonsense): nobody may wait for it forever.
            failure = RuntimeError(f"node client stopped; stderr: {self.stderr()}")
            for future in [self._ready, *self._replies.values()]:
                if not future.done():
                    future.set_exception(failure)

    def _dispatch(self, line: dict[str, Any]) -> None:
        if line.get("ready"):
            self._ready.set_result(line)
        elif "fatal" in line:
            raise RuntimeError(f"node client: {line['fatal']}")
        elif "event" in line:
            args = line["args"]
            data = args[0] if len(args) == 1 else args or None
            self._queue(line["name"], line["event"]).put_nowait(data)
        elif line.get("id") in self._replies:
            future = self._replies.pop(line["id"])
            if not future.done():  # its waiter may have timed out
                future.set_result(line)
        else:
            raise RuntimeError(f"node client said something unexpected: {line}")

    async def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        async for raw in self.process.stderr:
            self._stderr.append(raw.decode(errors="replace"))

    def stderr(self) -> str:
        return "".join(self._stderr)[-4000:]

    async def close(self) -> None:
        """Close stdin (the client disconnects everything and exits); kill it if it lingers."""
        if self.process.stdin is not None and not self.process.stdin.is_closing():
            self.process.stdin.close()
        try:
            async with asyncio.timeout(WAIT):
                await self.process.wait()
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        results = await asyncio.gather(*self._readers, return_exceptions=True)
        for result in results:
            if isinstance(result, Exception):
                raise result
        assert self.process.returncode == 0, self.stderr()

    # --- commands ----------------------------------------------------------------------------

    async def _command(self, cmd: str, wait: float = WAIT, **fields: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        self._next_id += 1
        command_id = self._next_id
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._replies[command_id] = future
        line = json.dumps({"cmd": cmd, "id": command_id, **fields}) + "\n"
        self.process.stdin.write(line.encode())
        await self.process.stdin.drain()
        async with asyncio.timeout(wait):
            reply = await future
        if not reply["ok"]:
            raise NodeError(reply)
        return reply

    async def connect(
        self,
        name: str,
        token: str | None,
        *,
        auth: dict[str, Any] | None = None,
        origin: str | None = None,
    ) -> None:
        """io(url, {withCredentials: true, transports: ["websocket"]}) with the jwt cookie."""
        fields: dict[str, Any] = {"name": name, "url": self.url, "token": token}
        if auth is not None:
            fields["auth"] = auth
        if origin is not None:
            fields["origin"] = origin
        await self._command("connect", **fields)

    async def call(self, name: str, event: str, data: Any) -> Any:
        """Emit with an acknowledgement and return the server's ack."""
        return (await self._command("emit", name=name, event=event, data=data, ack=True))["ack"]

    async def flood(self, name: str, event: str, data: Any, count: int) -> dict[str, Any]:
        """Emit `count` events with acks as fast as the socket takes them; the ack codes
        counted ({"ok": n, "rate_limited": m, …}) and how long it took."""
        timeout_ms = 60_000
        return await self._command(
            "flood",
            wait=timeout_ms / 1000 + WAIT,
            name=name,
            event=event,
            data=data,
            count=count,
            timeoutMs=timeout_ms,
        )

    async def disconnect(self, name: str) -> None:
        await self._command("disconnect", name=name)

    # --- what the sockets received -----------------------------------------------------------

    def _queue(self, name: str, event: str) -> asyncio.Queue[Any]:
        return self._events.setdefault((name, event), asyncio.Queue())

    async def next(self, name: str, event: str) -> Any:
        """The next `event` socket `name` receives (waits for it)."""
        async with asyncio.timeout(WAIT):
            return await self._queue(name, event).get()

    async def next_matching(self, name: str, event: str, wanted: Any) -> Any:
        """Skip `event`s until one satisfies `wanted(data)`; return it."""
        async with asyncio.timeout(WAIT):
            while True:
                data = await self._queue(name, event).get()
                if wanted(data):
                    return data

    def pending(self, name: str, event: str) -> list[Any]:
        """Everything of `event` socket `name` received and nobody took yet."""
        queue = self._queue(name, event)
        return [queue.get_nowait() for _ in range(queue.qsize())]


@pytest.fixture
async def node(live_server: LiveServer) -> AsyncIterator[NodeClient]:
    client = await NodeClient.start(live_server.url)
    try:
        yield client
    finally:
        await client.close()


def _utc(timestamp: str) -> datetime:
    parsed = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    assert parsed.utcoffset() == timedelta(0), timestamp
    return parsed


async def test_the_client_is_socket_io_client_v4(node: NodeClient):
    assert node.version.split(".")[0] == "4", node.version


async def test_the_original_client_sees_who_is_online_and_gets_a_rest_message(
    node: NodeClient, alice: Person, bob: Person
):
    await node.connect("alice", alice.token)
    await node.connect("bob", bob.token)
    both = {alice.id, bob.id}
    for name in ("alice", "bob"):
        online = await node.next_matching(
            name, events.GET_ONLINE_USERS, lambda ids: both <= set(ids)
        )
        assert isinstance(online, list) and all(isinstance(i, str) for i in online)

    response = await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "hello bob"})
    assert response.status_code == 201, response.text
    sent = response.json()
    assert await node.next("bob", events.NEW_MESSAGE) == sent
    assert (sent["senderId"], sent["receiverId"], sent["text"]) == (alice.id, bob.id, "hello bob")


async def test_a_socket_send_is_acked_delivered_once_and_a_retry_is_a_duplicate(
    node: NodeClient, alice: Person, bob: Person
):
    await node.connect("alice", alice.token)
    await node.connect("bob", bob.token)
    payload = {"receiverId": bob.id, "text": "from node", "clientId": "node-1"}
    first = await node.call("alice", events.SEND_MESSAGE, payload)
    assert first["ok"] is True and first["duplicate"] is False
    message = first["message"]
    assert (message["senderId"], message["receiverId"], message["text"]) == (
        alice.id,
        bob.id,
        "from node",
    )
    assert await node.next("bob", events.NEW_MESSAGE) == message

    again = await node.call("alice", events.SEND_MESSAGE, payload)
    assert again["ok"] is True and again["duplicate"] is True
    assert again["message"]["_id"] == message["_id"]

    # A marker after the retry: had the retry been delivered, Bob would see it first.
    marker = await node.call("alice", events.SEND_MESSAGE, {"receiverId": bob.id, "text": "marker"})
    assert marker["ok"] is True
    assert await node.next("bob", events.NEW_MESSAGE) == marker["message"]
    assert node.pending("bob", events.NEW_MESSAGE) == []
    history = (await bob.http.get(f"/api/messages/{alice.id}")).json()
    assert [m["_id"] for m in history] == [message["_id"], marker["message"]["_id"]]


async def test_delta_presence_announces_a_user_coming_and_going(
    node: NodeClient, people: People, alice: Person
):
    carol = await people.signup("Carol")
    await node.connect("watcher", alice.token, auth={"presence": "delta"})
    await node.connect("carol", carol.token)
    came = await node.next_matching(
        "watcher", events.USER_ONLINE, lambda data: data["userId"] == carol.id
    )
    assert came == {"userId": carol.id}

    before = datetime.now().astimezone()
    await node.disconnect("carol")
    went = await node.next_matching(
        "watcher", events.USER_OFFLINE, lambda data: data["userId"] == carol.id
    )
    assert set(went) == {"userId", "lastSeen"}
    assert went["lastSeen"] is not None
    assert _utc(went["lastSeen"]) >= before - timedelta(seconds=1)
    # A delta client gets the full list once, on connecting, and no broadcasts of it after.
    # (Every broadcast is sent before the deltas of the same announcement.)
    assert len(node.pending("watcher", events.GET_ONLINE_USERS)) == 1


async def test_a_reconnecting_client_syncs_exactly_what_it_missed(
    node: NodeClient, alice: Person, bob: Person
):
    await node.connect("alice", alice.token)
    await node.connect("bob", bob.token)
    seen = await node.call("alice", events.SEND_MESSAGE, {"receiverId": bob.id, "text": "seen"})
    last_seen = (await node.next("bob", events.NEW_MESSAGE))["_id"]
    assert last_seen == seen["message"]["_id"]
    await node.disconnect("bob")
    assert await node.next("bob", "disconnect") == "io client disconnect"

    missed = []
    for n in range(3):
        ack = await node.call(
            "alice", events.SEND_MESSAGE, {"receiverId": bob.id, "text": f"missed {n}"}
        )
        assert ack["ok"] is True
        missed.append(ack["message"])

    await node.connect("bob again", bob.token)
    synced = await node.call("bob again", events.SYNC, {"afterMessageId": last_seen})
    assert synced["ok"] is True and synced["hasMore"] is False
    assert synced["messages"] == missed
    assert node.pending("bob", events.NEW_MESSAGE) == []


async def test_the_handshake_needs_a_session_and_the_servers_origin(
    node: NodeClient, live_server: LiveServer, alice: Person
):
    with pytest.raises(NodeError) as no_cookie:
        await node.connect("anonymous", None)
    with pytest.raises(NodeError) as forged:
        await node.connect("forged", "not-a-token")
    # Refused by the server's Socket.IO handshake with a reason, not a dead transport.
    for refused in (no_cookie, forged):
        assert refused.value.reply["error"] not in {"timeout", "websocket error"}
    with pytest.raises(NodeError) as cross_site:
        await node.connect("cross-site", alice.token, origin="http://evil.example")
    assert cross_site.value.reply["error"] == "websocket error"  # refused before the upgrade
    # The same client with the real session and origin gets in.
    await node.connect("alice", alice.token, origin=live_server.url)
    assert alice.id in await node.next("alice", events.GET_ONLINE_USERS)
