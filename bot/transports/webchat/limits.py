"""Rate limits of the web chat, in memory only: new conversations per address per hour,
messages per conversation per minute.

An address is never kept: it is counted under HMAC(key, address) with a key drawn when
the process starts and never written anywhere, so the table cannot be turned back into
addresses, not even by someone who reads the process's memory later without the key
(and a restart forgets it all, like `per_day` today). Windows are fixed, from the first
count in them, read from the injected clock. The table is bounded: windows that have
ended are dropped first, then the oldest.

Which address: the peer's, and X-Forwarded-For only when the peer is a configured proxy
(otherwise anyone could claim any address and never be limited).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.clock import Clock

__all__ = ["AddressLimit", "Window", "client_address", "proxies"]

MAX_KEYS = 50_000  # about 5 MB at most: each key is 16 bytes and a small window


@dataclass(slots=True)
class Window:
    """A fixed window: `count` since `start` (seconds, from the injected clock)."""

    start: float = 0.0
    count: int = 0

    def take(self, now: float, limit: int, seconds: float) -> bool:
        """Count one more if the window allows it; False when the limit is reached."""
        if now - self.start >= seconds or now < self.start:
            self.start, self.count = now, 0
        if self.count >= limit:
            return False
        self.count += 1
        return True

    def ended(self, now: float, seconds: float) -> bool:
        return now - self.start >= seconds


class AddressLimit:
    """At most `limit` counts per address in `seconds` (new conversations per hour)."""

    def __init__(self, clock: Clock, limit: int, seconds: float = 3600.0,
                 max_keys: int = MAX_KEYS) -> None:
        self._clock = clock
        self._limit = limit
        self._seconds = seconds
        self._max = max_keys
        self._key = secrets.token_bytes(32)  # this process's only: never stored
        self._windows: OrderedDict[bytes, Window] = OrderedDict()

    def __len__(self) -> int:
        return len(self._windows)

    def _hash(self, address: str) -> bytes:
        return hmac.new(self._key, address.encode("utf-8", "replace"),
                        hashlib.sha256).digest()[:16]

    def take(self, address: str) -> bool:
        """Count one for `address`; False when it has reached its limit."""
        now = self._clock.now().timestamp()
        key = self._hash(address)
        window = self._windows.get(key)
        if window is None:
            self._make_room(now)
            window = self._windows[key] = Window(now)
        else:
            self._windows.move_to_end(key)
        return window.take(now, self._limit, self._seconds)

    def _make_room(self, now: float) -> None:
        # Least recently counted first: those whose window has ended go, then (a table
        # still full) the oldest, whose count starts again: the price of bounded memory.
        while self._windows:
            oldest = next(iter(self._windows.values()))
            if len(self._windows) < self._max and not oldest.ended(now, self._seconds):
                return
            self._windows.popitem(last=False)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def proxies(entries: Iterable[str]) -> tuple[Network, ...]:
    """The trusted proxies as networks ("10.0.0.5", "10.0.0.0/8", "::1"); ValueError names
    one that is neither."""
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(text: str, trusted: tuple[Network, ...]) -> bool:
    ip = _ip(text)
    return ip is not None and any(ip in net for net in trusted)


def client_address(peer: str | None, forwarded_for: str | None,
                   trusted: tuple[Network, ...]) -> str:
    """The address to count: the peer's; behind trusted proxies, the last address in
    X-Forwarded-For that is not one of them (the ones before it are the client's word)."""
    address = peer or ""
    if not trusted or not forwarded_for or not _trusted(address, trusted):
        return address
    for hop in reversed(forwarded_for.split(",")):
        hop = hop.strip()
        if _ip(hop) is None:
            return address  # a garbled header: count the proxy itself
        if not _trusted(hop, trusted):
            return hop
        address = hop
    return address
