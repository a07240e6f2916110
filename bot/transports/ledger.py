"""The handled-event ledger's upkeep, shared by the transports that keep one (Matrix, the
Teams app): handled ids are forgotten after `keep`, and the store is asked at most once
`every`, not on every message."""

from __future__ import annotations

import datetime as dt

from bot.core.clock import Clock
from bot.core.ports import TransportState

__all__ = ["LedgerPruner"]


class LedgerPruner:
    def __init__(self, state: TransportState, clock: Clock, keep: dt.timedelta,
                 every: dt.timedelta = dt.timedelta(hours=1)) -> None:
        self._state = state
        self._clock = clock
        self._keep = keep
        self._every = every
        self._last: dt.datetime | None = None

    async def __call__(self) -> None:
        now = self._clock.now()
        if self._last and now - self._last < self._every:
            return
        self._last = now
        await self._state.prune_events(now - self._keep)
