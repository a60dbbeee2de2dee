"""What one process pays to read another process's fan-out batches: the figure that decides
whether routing batches by user (`route:<user>` sets, only the processes that hold a
recipient) is worth its bookkeeping (docs/deploy.md, "Routing by user").

Every process reads every other process's batches. This measures, in one process and without
any service, the CPU per event of parsing a batch as it comes off the socket (hiredis, the
parser redis-py uses) and of `RedisFanout._received` (decoding, sequence checks, a look at
the rooms here), for batches of several sizes whose events are for nobody here, with 1,000
users connected here. Redis-py's own per-message handling is not included (about 8 µs per
batch read in a loop on the development machine; divide by the batch size).

    .venv/bin/python bench/fanout_read.py [--events 200000] [--batches 1,20,100]
"""

from __future__ import annotations

import argparse
import asyncio
import time
import types
import uuid

import hiredis
import orjson

from socketspace.realtime.transport.rooms import RedisFanout

PACKET = '2["newMessage",{"_id":"1234567","senderId":"a","receiverId":"b","text":"hello"}]'


async def measure(events: int, batch: int) -> float:
    """CPU µs per event read, none of them for a connection here."""
    fanout = RedisFanout("redis://127.0.0.1:1/0", "bench")  # never connects
    fanout.server = types.SimpleNamespace(eio=types.SimpleNamespace(sockets={}))
    for n in range(1_000):
        await fanout.enter_room(f"sid{n}", "/", f"user:here{n}", eio_sid=f"eio{n}")
    host = uuid.uuid4().hex.encode()
    emits = [["/", f"user:elsewhere{n}", PACKET] for n in range(batch)]
    fanout._senders[host] = 0
    reader = hiredis.Reader()
    frames = []
    for sequence in range(1, events // batch + 1):
        data = host + b"%d " % sequence + orjson.dumps([None, emits])
        frames.append(b"*3\r\n$7\r\nmessage\r\n$5\r\nbench\r\n$%d\r\n%s\r\n" % (len(data), data))
    started = time.process_time()
    for frame in frames:
        reader.feed(frame)
        _kind, _channel, data = reader.gets()
        await fanout._received(data)
    return (time.process_time() - started) / (len(frames) * batch) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--batches", default="1,20,100")
    args = parser.parse_args()
    for batch in (int(size) for size in args.batches.split(",")):
        cost = min(asyncio.run(measure(args.events, batch)) for _ in range(3))
        print(f"batch of {batch:>4}: {cost:.2f} µs of CPU per event read (best of 3)")


if __name__ == "__main__":
    main()
