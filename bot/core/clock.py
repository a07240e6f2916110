"""Time comes from an injected clock, so that expiry and timeouts are testable."""

from __future__ import annotations

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Stockholm")


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(TZ)


class FixedClock:
    """A clock that only moves when told to (tests, benchmarks, `--today`)."""

    def __init__(self, start: dt.datetime | dt.date) -> None:
        if not isinstance(start, dt.datetime):
            start = dt.datetime(start.year, start.month, start.day, 12, tzinfo=TZ)
        self._now = start if start.tzinfo else start.replace(tzinfo=TZ)

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, delta: dt.timedelta) -> None:
        self._now += delta

    def set(self, when: dt.datetime) -> None:
        self._now = when


def today(clock: Clock) -> dt.date:
    return clock.now().astimezone(TZ).date()
