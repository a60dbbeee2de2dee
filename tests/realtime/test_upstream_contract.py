"""The transport fork's contract with upstream: every function or method of python-engineio,
python-socketio, uvicorn and websockets that src/socketspace/realtime/transport/ overrides,
copies or relies on by name, fingerprinted as it was reviewed.

An upgrade that changes one of them fails here, naming the module of ours to re-review. After
the review (and docs/upstream.md), record the new fingerprints:

    .venv/bin/python -m tests.realtime.test_upstream_contract

prints the table below for the installed versions.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
from importlib import metadata
from typing import Any

import pytest

from socketspace.realtime import transport

FORK = "src/socketspace/realtime/transport/"
ENGINE = FORK + "engine.py"
ROOMS = FORK + "rooms.py"
SERVER = FORK + "server.py"
WEBSOCKET = FORK + "websocket.py"

# Reviewed at these versions (pyproject.toml caps each at its next minor).
REVIEWED_AT = {
    "python-engineio": "4.15.1",
    "python-socketio": "5.18.1",
    "uvicorn": "0.54.0",
    "websockets": "17.4",
}
DISTRIBUTION = {
    "engineio": "python-engineio",
    "socketio": "python-socketio",
    "uvicorn": "uvicorn",
    "websockets": "websockets",
}

# upstream name: (fingerprint, the module of ours that overrides, copies or relies on it)
UPSTREAM: dict[str, tuple[str, str]] = {
    # engine.io's socket: DirectSocket overrides these, or calls them from its own loop.
    "engineio.base_socket.BaseSocket.__init__": ("8532b631a4dc815f", ENGINE),
    "engineio.async_socket.AsyncSocket.send": ("0437276ccba7ab09", ENGINE),
    "engineio.async_socket.AsyncSocket.close": ("faa2e93902543244", ENGINE),
    "engineio.async_socket.AsyncSocket.poll": ("826f58a9f3606db2", ENGINE),
    "engineio.async_socket.AsyncSocket.schedule_ping": ("fe316639159cd70d", ENGINE),
    "engineio.async_socket.AsyncSocket._send_ping": ("67db82a704ea49d0", ENGINE),
    "engineio.async_socket.AsyncSocket.receive": ("a91ae36ec2fb5340", ENGINE),
    "engineio.async_socket.AsyncSocket.check_ping_timeout": ("77616d5ca7809257", ENGINE),
    "engineio.async_socket.AsyncSocket.handle_get_request": ("05eaae9f0a60d9be", ENGINE),
    "engineio.async_socket.AsyncSocket._upgrade_websocket": ("820b83efe96adb98", ENGINE),
    "engineio.async_socket.AsyncSocket._websocket_handler": ("27f120df4d717a24", ENGINE),
    # engine.io's server: DirectEngine._handle_connect is a copy, calling these by name.
    "engineio.async_server.AsyncServer._handle_connect": ("5bd7edc1d1ae115a", ENGINE),
    "engineio.async_server.AsyncServer.handle_request": ("1a8c878e35166cfe", ENGINE),
    "engineio.async_server.AsyncServer._trigger_event": ("4a09b6e47eb66532", ENGINE),
    "engineio.async_server.AsyncServer.start_background_task": ("c873562535a68297", ENGINE),
    "engineio.base_server.BaseServer.__init__": ("a06b17502fbd9646", ENGINE),
    "engineio.base_server.BaseServer.generate_id": ("b6a591454237c0bb", ENGINE),
    "engineio.base_server.BaseServer._upgrades": ("040ebcdf64fbf1b3", ENGINE),
    "engineio.base_server.BaseServer._ok": ("b8f717402eac2b0d", ENGINE),
    "engineio.base_server.BaseServer._bad_request": ("af66afac6f6c67db", ENGINE),
    "engineio.base_server.BaseServer._unauthorized": ("ca5fd3aa77a14b77", ENGINE),
    # The ASGI WebSocket engine.io hands DirectSocket (asgi_receive, asgi_send, send, close).
    "engineio.async_drivers.asgi.WebSocket": ("ce9c81653992cd62", ENGINE),
    "engineio.payload.Payload.max_decode_packets": ("b17ef6d19c7a5b1e", ENGINE),
    "engineio.packet.Packet.encode": ("8f3d5d869711cbb8", ROOMS),
    # python-socketio's rooms: SharedFrameManager.emit replaces AsyncManager.emit (RedisFanout
    # calls it for acks), and reads rooms through these.
    "socketio.base_manager.BaseManager.__init__": ("bfee992d912fe9a4", ROOMS),
    "socketio.async_manager.AsyncManager.emit": ("01ccd5b82b4f955e", ROOMS),
    "socketio.base_manager.BaseManager.get_participants": ("7d78ad681c95de5b", ROOMS),
    "socketio.base_manager.BaseManager.basic_enter_room": ("3f509586d2d7f47e", ROOMS),
    "socketio.base_manager.BaseManager.is_connected": ("d37721466718b4f4", ROOMS),
    "socketio.async_server.AsyncServer.emit": ("84391bfd624104d1", ROOMS),
    "socketio.async_server.AsyncServer._send_eio_packet": ("64cf72a2ab7d75b1", ROOMS),
    # python-socketio's server: GatedServer's overrides.
    "socketio.async_server.AsyncServer._engineio_server_class": ("199c42bf149247e0", SERVER),
    "socketio.async_server.AsyncServer._handle_eio_message": ("bef50fc0e1635921", SERVER),
    "socketio.async_server.AsyncServer._handle_event": ("65178105ef8b593d", SERVER),
    "socketio.async_server.AsyncServer._send_packet": ("a00022b42c1c29e9", SERVER),
    "socketio.base_manager.BaseManager.sid_from_eio_sid": ("15467098a36bcd71", SERVER),
    "socketio.base_server.BaseServer.__init__": ("6b998e091b34a563", SERVER),
    "socketio.packet.Packet.__init__": ("5fe2fa797e082c1d", SERVER),
    "socketio.packet.Packet.uses_binary_events": ("3cbc87c7681f34db", SERVER),
    "socketio.packet.Packet.encode": ("513c45be75181da2", SERVER),
    # uvicorn's WebSocket protocol: CoalescingWebSocketProtocol overrides or wraps these, and
    # reads the state they keep (queue, read_paused, close_sent, handshake_complete, conn).
    "uvicorn.protocols.websockets.websockets_sansio_impl.WebSocketsSansIOProtocol.__init__": (
        "631dcd744eab875f",
        WEBSOCKET,
    ),
    "uvicorn.protocols.websockets.websockets_sansio_impl.WebSocketsSansIOProtocol.shutdown": (
        "e8ace796ada616b7",
        WEBSOCKET,
    ),
    "uvicorn.protocols.websockets.websockets_sansio_impl.WebSocketsSansIOProtocol.handle_events": (
        "b2c9351a5d13493f",
        WEBSOCKET,
    ),
    "uvicorn.protocols.websockets.websockets_sansio_impl.WebSocketsSansIOProtocol.send_receive_event_to_app": (  # noqa: E501
        "a2b10de91477dc1d",
        WEBSOCKET,
    ),
    "uvicorn.protocols.websockets.websockets_sansio_impl.WebSocketsSansIOProtocol.run_asgi": (
        "662375aa38d9044c",
        WEBSOCKET,
    ),
    "uvicorn.protocols.websockets.websockets_sansio_impl.WebSocketsSansIOProtocol.send": (
        "d4919ed760ce9f7b",
        WEBSOCKET,
    ),
    "uvicorn.protocols.websockets.websockets_sansio_impl.WebSocketsSansIOProtocol.receive": (
        "1dc0e715390021a1",
        WEBSOCKET,
    ),
    # websockets: the handshake parser that _forget_handshake_parser swaps for the frame parser.
    "websockets.server.ServerProtocol.parse": ("8c4d10340de4d32f", WEBSOCKET),
    "websockets.protocol.Protocol.parse": ("45aaf900644b63c4", WEBSOCKET),
    "websockets.streams.StreamReader.__init__": ("a17823aa6e21244c", WEBSOCKET),
}

# Our classes that subclass upstream ones: every upstream attribute they redefine must be in
# UPSTREAM (or it could change under us unseen).
FORK_CLASSES = (
    transport.DirectSocket,
    transport.DirectEngine,
    transport.SharedFrameManager,
    transport.RedisFanout,
    transport.GatedServer,
    transport.JsonOnlyPacket,
    transport.CoalescingWebSocketProtocol,
)
UPSTREAM_PACKAGES = tuple(DISTRIBUTION)
# Not code: the class's own bookkeeping, and `json`, which python-socketio's server sets on
# its packet class (JsonOnlyPacket) when it starts.
NOT_CODE = {"__doc__", "__module__", "__annotations__", "__dict__", "__weakref__", "json"}


def resolve(name: str) -> Any:
    """The object named by a dotted path: the longest importable module, then attributes."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            found = inspect.getattr_static(found, attribute)
            if isinstance(found, (staticmethod, classmethod)):
                found = found.__func__
        return found
    raise ImportError(name)


def fingerprint(name: str) -> str:
    """A hash of the source of `name` (of its value's repr when it has no source)."""
    found = resolve(name)
    try:
        text = inspect.getsource(found)
    except TypeError:
        text = repr(found)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def installed(name: str) -> str:
    distribution = DISTRIBUTION[name.split(".")[0]]
    return f"{distribution} {metadata.version(distribution)}"


@pytest.mark.parametrize("name", sorted(UPSTREAM))
def test_upstream_code_we_override_or_rely_on_is_as_reviewed(name: str) -> None:
    recorded, ours = UPSTREAM[name]
    try:
        now = fingerprint(name)
    except (ImportError, AttributeError) as exc:
        pytest.fail(f"{name} is gone ({installed(name)}): {exc}. Re-review {ours}.")
    distribution = DISTRIBUTION[name.split(".")[0]]
    assert now == recorded, (
        f"{name} changed upstream (reviewed at {distribution} {REVIEWED_AT[distribution]}, "
        f"installed: {installed(name)}). Re-review {ours} against it (and docs/upstream.md), "
        f"then record its new fingerprint ({now}; python -m tests.realtime.test_upstream_contract "
        "prints them all)"
    )


def upstream_attributes_redefined(cls: type) -> list[str]:
    """`module.Class.attribute` of each upstream definition that `cls` redefines."""
    found = []
    for attribute in vars(cls):
        if attribute in NOT_CODE:
            continue
        for base in cls.__mro__[1:]:
            if not base.__module__.startswith(UPSTREAM_PACKAGES):
                continue
            if attribute in vars(base):
                found.append(f"{base.__module__}.{base.__qualname__}.{attribute}")
                break
    return found


@pytest.mark.parametrize("cls", FORK_CLASSES, ids=lambda cls: cls.__name__)
def test_every_upstream_method_the_fork_redefines_is_fingerprinted(cls: type) -> None:
    missing = [name for name in upstream_attributes_redefined(cls) if name not in UPSTREAM]
    assert not missing, f"{cls.__name__} redefines {missing}: add them to UPSTREAM"


def test_the_reviewed_versions_are_the_ones_pyproject_allows() -> None:
    """pyproject.toml's range starts at the reviewed version: an upgrade is a deliberate act."""
    from pathlib import Path

    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text()
    for distribution, version in REVIEWED_AT.items():
        assert f'"{distribution}>={version},' in pyproject or (
            f'"{distribution}[standard]>={version},' in pyproject
        ), f"pyproject.toml should pin {distribution} from {version}, the reviewed version"


if __name__ == "__main__":
    for name, (_recorded, ours) in UPSTREAM.items():
        print(f"{name}: {fingerprint(name)}  ({installed(name)}; {ours})")
