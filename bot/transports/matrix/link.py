"""The link to the homeserver: backoff with jitter, and one log line per state change."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable

import aiohttp

log = logging.getLogger("bot.matrix")


# What a homeserver that is down or restarting looks like from here.
NETWORK_ERRORS = (aiohttp.ClientError, OSError, TimeoutError)


class Link:
    """Tracks whether the homeserver answers, and waits between retries.

    Retries double from `base` up to `cap` seconds, with jitter so that many bots (or
    many rooms) do not hammer a homeserver that has just come back all at once."""

    def __init__(self, stopping: asyncio.Event, *, base: float = 0.5, cap: float = 60.0,
                 rng: Callable[[], float] = random.random,
                 on_restore: Callable[[], None] | None = None) -> None:
        self.stopping = stopping
        self.on_restore = on_restore  # metrics: reconnects
        self.base = base
        self.cap = cap
        self.rng = rng
        self.up = False
        self.failures = 0
        self._ever_up = False

    def delay(self) -> float:
        raw = min(self.cap, self.base * 2 ** min(self.failures, 30))
        return raw * (0.5 + self.rng() / 2)

    def ok(self) -> None:
        if not self.up:
            if self._ever_up:
                log.info("matrix: connection restored after %d failed attempt(s)",
                         self.failures)
                if self.on_restore is not None:
                    self.on_restore()
            else:
                log.info("matrix: connected")
        self.up = True
        self._ever_up = True
        self.failures = 0

    def failed(self, reason: str) -> None:
        if self.up or (self.failures == 0 and not self._ever_up):
            log.warning("matrix: homeserver not answering (%s); retrying with backoff", reason)
        self.up = False
        self.failures += 1

    async def wait(self, seconds: float | None = None) -> bool:
        """Sleep `seconds` (default: the next backoff delay) unless stopping; True if the
        caller should go on, False when the transport is stopping."""
        if self.stopping.is_set():
            return False
        try:
            await asyncio.wait_for(self.stopping.wait(), self.delay() if seconds is None
                                   else seconds)
        except TimeoutError:
            return True
        return False
