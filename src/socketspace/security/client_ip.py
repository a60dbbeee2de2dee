"""Who is asking: the connection's address, or — only when that connection is a trusted proxy —
the nearest address in X-Forwarded-For that is not one of our proxies. Anyone can write an
X-Forwarded-For header; believing it from anyone would let each request pick its own address
and walk around every per-address limit."""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from typing import Any

Networks = tuple[IPv4Network | IPv6Network, ...]


def client_ip(scope: Mapping[str, Any], trusted: Networks) -> str:
    """The address of an ASGI connection (`scope`), as the edges receive it."""
    client = scope.get("client")
    peer = str(client[0]) if client else "unknown"
    if not trusted or not _within(peer, trusted):
        return peer
    forwarded = ",".join(
        value.decode("latin-1") for name, value in scope["headers"] if name == b"x-forwarded-for"
    )
    nearest = peer
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if _parse(hop) is None:
            break  # garbage: the last address a proxy of ours vouched for stands
        nearest = hop
        if not _within(hop, trusted):
            break
    return nearest


def _parse(value: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(value)
    except ValueError:
        return None


def _within(value: str, networks: Networks) -> bool:
    address = _parse(value)
    return address is not None and any(address in network for network in networks)
