"""The transport fork: where SocketSpace replaces pieces of python-engineio, python-socketio,
uvicorn and websockets from the inside, for speed and memory. Everything that reaches into
those libraries' internals lives in this package and nowhere else.

- `websocket.py` changes uvicorn's `WebSocketsSansIOProtocol` (and websockets' parser):
  `CoalescingWebSocketProtocol` writes a loop turn's frames at once, reads ahead, drops slow
  readers and keeps idle connections lean;
- `engine.py` changes python-engineio's `AsyncSocket` and `AsyncServer`: `DirectSocket` runs
  its own WebSocket loop, retires the queue and pings on a timer; `DirectEngine._handle_connect`
  is a copy of upstream's;
- `rooms.py` changes python-socketio's `AsyncManager` and takes the place of its
  `AsyncRedisManager`: `SharedFrameManager.emit` makes one frame per emit and no task per
  recipient; `RedisFanout` carries emits to the other processes in batches;
- `server.py` changes python-socketio's `AsyncServer` and `Packet`: `GatedServer` checks the
  event budget before a task; `JsonOnlyPacket`, `OrjsonJson`.

Each module's docstring says which upstream names it overrides, copies or relies on. The
versions are capped in pyproject.toml; tests/realtime/test_upstream_contract.py fingerprints
every one of those names and fails, naming the module to re-review, when an upgrade changes
one. tests/scale/test_fast_path.py checks on a real `socketspace serve` that the fast path is
engaged. docs/upstream.md proposes each change to its library, so the fork can shrink.
"""

from socketspace.realtime.transport.engine import DirectEngine, DirectSocket
from socketspace.realtime.transport.rooms import RedisFanout, SharedFrameManager
from socketspace.realtime.transport.server import GatedServer, JsonOnlyPacket, OrjsonJson
from socketspace.realtime.transport.websocket import WS_PROTOCOL, CoalescingWebSocketProtocol

__all__ = [
    "WS_PROTOCOL",
    "CoalescingWebSocketProtocol",
    "DirectEngine",
    "DirectSocket",
    "GatedServer",
    "JsonOnlyPacket",
    "OrjsonJson",
    "RedisFanout",
    "SharedFrameManager",
]
