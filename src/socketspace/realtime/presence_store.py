"""Who is online across every server process: connection counts per user.

Each process tells the store how many connections each user has on it (absolute counts, so
telling twice is harmless) and gets back who changed state for everyone: came online (the
first connection anywhere) or went offline (the last one closed). A user told with no
connections here is reported offline whenever they are connected nowhere, even without a
change: someone who came and went within one window was shown online to this process's
clients, who must hear that they left.

With one process the store is a dict. With REDIS_URL it lives in Redis:

    <prefix>:presence:online         hash  user -> connections on all processes
    <prefix>:presence:proc:<host>    hash  user -> connections on that process
    <prefix>:presence:hosts          zset  host -> time of its last heartbeat (Redis's clock)

Every update is one Lua script, so two processes never interleave halfway. A process that
stops sending heartbeats (killed, frozen, cut off) is reaped by any other after a timeout: its
connections are taken off the totals and its users who are on no other process go offline.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import redis.asyncio as redis

Changes = dict[str, bool]  # user -> now online


class Reaped(NamedTuple):
    hosts: list[str]  # processes that went silent, now counted out
    users: list[str]  # their users who are connected nowhere else


# Set this process's counts for the given users (ARGV[3..]: user, count, …); with ARGV[2] = 1,
# also zero every user of this process not given. Records the heartbeat. Returns, as user,
# 1 (online) / 0 (offline), …: the users whose state changed for everyone, and every user given
# with no connection here who is offline everywhere.
_SYNC = """
local proc, online, hosts = KEYS[1], KEYS[2], KEYS[3]
local time = redis.call('TIME')
redis.call('ZADD', hosts, tonumber(time[1]) + tonumber(time[2]) / 1e6, ARGV[1])
local counts = {}
for i = 3, #ARGV, 2 do counts[ARGV[i]] = tonumber(ARGV[i + 1]) end
if ARGV[2] == '1' then
  for _, user in ipairs(redis.call('HKEYS', proc)) do
    if counts[user] == nil then counts[user] = 0 end
  end
end
local changes = {}
for user, count in pairs(counts) do
  local old = tonumber(redis.call('HGET', proc, user) or '0')
  if count ~= old then
    if count > 0 then redis.call('HSET', proc, user, count) else redis.call('HDEL', proc, user) end
    local total = redis.call('HINCRBY', online, user, count - old)
    local before = total - (count - old)
    if total <= 0 then redis.call('HDEL', online, user) end
    if before <= 0 and total > 0 then
      table.insert(changes, user); table.insert(changes, 1)
    elseif before > 0 and total <= 0 then
      table.insert(changes, user); table.insert(changes, 0)
    end
  elseif count == 0 and redis.call('HEXISTS', online, user) == 0 then
    table.insert(changes, user); table.insert(changes, 0)
  end
end
return changes
"""

# Take every process whose heartbeat is older than ARGV[1] seconds off the totals
# (ARGV[2]: the prefix of the per-process keys). Returns the processes taken off, and the
# users now offline everywhere.
_REAP = """
local hosts, online = KEYS[1], KEYS[2]
local time = redis.call('TIME')
local now = tonumber(time[1]) + tonumber(time[2]) / 1e6
local gone = {}
local reaped = redis.call('ZRANGEBYSCORE', hosts, '-inf', now - tonumber(ARGV[1]))
for _, host in ipairs(reaped) do
  local proc = ARGV[2] .. host
  local fields = redis.call('HGETALL', proc)
  for i = 1, #fields, 2 do
    local total = redis.call('HINCRBY', online, fields[i], -tonumber(fields[i + 1]))
    if total <= 0 then
      redis.call('HDEL', online, fields[i])
      table.insert(gone, fields[i])
    end
  end
  redis.call('DEL', proc)
  redis.call('ZREM', hosts, host)
end
return {reaped, gone}
"""


class PresenceStore:
    """The store of a single process."""

    shared = False

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    async def sync(self, counts: Mapping[str, int], *, complete: bool = False) -> Changes:
        if complete:
            counts = {**dict.fromkeys(self._counts, 0), **counts}
        changes: Changes = {}
        for user, count in counts.items():
            was = user in self._counts
            if count > 0:
                self._counts[user] = count
            else:
                self._counts.pop(user, None)
            if was != (count > 0) or count == 0:
                changes[user] = count > 0
        return changes

    async def online(self) -> set[str]:
        return set(self._counts)

    async def reap(self, after_seconds: float) -> Reaped:
        return Reaped([], [])

    async def leave(self) -> None:
        self._counts.clear()

    async def close(self) -> None:
        pass


class RedisPresenceStore(PresenceStore):
    shared = True

    def __init__(self, url: str, prefix: str, host: str) -> None:
        super().__init__()
        self._redis = redis.from_url(
            url, socket_timeout=2, socket_connect_timeout=2, decode_responses=True
        )
        self._host = host
        self._proc_prefix = f"{prefix}:presence:proc:"
        self._online = f"{prefix}:presence:online"
        self._hosts = f"{prefix}:presence:hosts"
        self._keys = [f"{self._proc_prefix}{host}", self._online, self._hosts]
        self._sync = self._redis.register_script(_SYNC)
        self._reap = self._redis.register_script(_REAP)

    async def sync(self, counts: Mapping[str, int], *, complete: bool = False) -> Changes:
        args: list[str | int] = [self._host, 1 if complete else 0]
        for user, count in counts.items():
            args += [user, count]
        flat = await self._sync(keys=self._keys, args=args)
        return {flat[i]: bool(flat[i + 1]) for i in range(0, len(flat), 2)}

    async def online(self) -> set[str]:
        return {str(user) for user in await self._redis.hkeys(self._online)}

    async def reap(self, after_seconds: float) -> Reaped:
        keys = [self._hosts, self._online]
        hosts, users = await self._reap(keys=keys, args=[after_seconds, self._proc_prefix])
        return Reaped([str(host) for host in hosts], [str(user) for user in users])

    async def leave(self) -> None:
        """Stop counting this process (its connections have closed)."""
        await self.sync({}, complete=True)
        await self._redis.zrem(self._hosts, self._host)

    async def close(self) -> None:
        await self._redis.aclose()
