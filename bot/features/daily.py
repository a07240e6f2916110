"""Work the bot does once a day on its own: the features' daily jobs (follow-up
reminders, the month's digest draft, which surveys are open), run for each new day the
injected clock shows.

`run_day` is what tests call with a day of their choosing; `run_daily` is the service's
loop around it, which wakes each hour and runs the jobs when the clock's day has changed
(the first time a minute after start, when the chat transports have connected, so that a
reminder finds its room). A job that fails is logged by its exception type and does not stop
the others; it is tried again the next day.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence

from bot.core.clock import Clock, today

log = logging.getLogger(__name__)
Job = Callable[[dt.date], Awaitable[None]]
WAKE_SECONDS = 3600.0
FIRST_SECONDS = 60.0


async def run_day(jobs: Sequence[Job], day: dt.date) -> int:
    """Run every job for `day`, in order; how many failed."""
    failed = 0
    for job in jobs:
        try:
            await job(day)
        except Exception as exc:  # the store may be away for a moment: tomorrow again
            failed += 1
            log.error("daily job %s failed: %s", getattr(job, "__qualname__", "?"),
                      type(exc).__name__)
    return failed


async def run_daily(jobs: Sequence[Job], clock: Clock, stopping: asyncio.Event,
                    wake: float = WAKE_SECONDS, first: float = FIRST_SECONDS) -> None:
    """Run the jobs for each new day of `clock` until `stopping` is set."""
    last: dt.date | None = None
    try:
        await asyncio.wait_for(stopping.wait(), timeout=first)
        return
    except TimeoutError:
        pass
    while not stopping.is_set():
        day = today(clock)
        if day != last:
            last = day
            await run_day(jobs, day)
        try:
            await asyncio.wait_for(stopping.wait(), timeout=wake)
        except TimeoutError:
            continue
