"""Replayed webhook requests: the same signed body sent again must not act twice.

A signature proves who wrote a body, not that it is new: whoever has seen one request
(a proxy's log, a captured packet) can send it again, and it would store a second
feedback entry or log a second activity. So a request is remembered, for a window, by a
keyed digest of its body (a random key per process: the digest names no resident and
cannot be matched against any log), and a body whose own timestamp is outside the window
is refused, since it can no longer be told apart from a replay.

Memory is bounded: at most `capacity` digests. When more arrive within a window, the
oldest is forgotten and every request stamped no later than it is refused from then on, so
that forgetting never reopens a replay (of a stamped body: one without a timestamp, which
Teams does not send, is only known by its digest).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import OrderedDict
from enum import StrEnum

from bot.core.clock import Clock


class Seen(StrEnum):
    NEW = "new"
    REPLAY = "replay"  # the same body within the window
    STALE = "stale"  # stamped outside the window: too old (or too far ahead) to tell


class ReplayGuard:
    def __init__(self, clock: Clock, window: dt.timedelta = dt.timedelta(minutes=5),
                 capacity: int = 20_000) -> None:
        if capacity < 1 or window <= dt.timedelta(0):
            raise ValueError("a replay guard needs a positive window and capacity")
        self._clock = clock
        self._window = window
        self._capacity = capacity
        self._key = secrets.token_bytes(32)
        # digest -> until when it must be remembered, in arrival order.
        self._seen: OrderedDict[bytes, dt.datetime] = OrderedDict()
        self._floor: dt.datetime | None = None  # stamped at or before this: refused

    def __len__(self) -> int:
        return len(self._seen)

    def check(self, body: bytes, stamped: dt.datetime | None) -> Seen:
        """Whether `body` (stamped by its sender, when it says) is new; remembers it if so.

        A body without a timestamp is only checked against the window's digests."""
        now = self._clock.now()
        self._forget(now)
        if stamped is not None and (abs(stamped - now) > self._window
                                    or (self._floor is not None and stamped <= self._floor)):
            return Seen.STALE
        digest = hashlib.blake2b(body, key=self._key, digest_size=16).digest()
        if digest in self._seen:
            return Seen.REPLAY
        # A replay is refused as stale once its stamp leaves the window: keep it till then.
        self._seen[digest] = (stamped if stamped is not None else now) + self._window
        while len(self._seen) > self._capacity:
            _, until = self._seen.popitem(last=False)
            floor = until - self._window
            self._floor = floor if self._floor is None else max(self._floor, floor)
        return Seen.NEW

    def _forget(self, now: dt.datetime) -> None:
        # Arrival order is nearly expiry order; one that expires early waits for those
        # before it, which only keeps it a little longer.
        while self._seen:
            digest, until = next(iter(self._seen.items()))
            if until > now:
                break
            del self._seen[digest]
