"""Retention: feedback older than the configured months is deleted, by the running bot
once a day and by `python -m bot purge`."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from bot.core.clock import Clock, today
from bot.store.ports import RetentionRepo

log = logging.getLogger(__name__)


def cutoff(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (clamped to the month's end): older entries go."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


async def purge(store: RetentionRepo, clock: Clock, months: int) -> int:
    """Feedback, and the counts of unanswered questions, older than `months`."""
    before = cutoff(today(clock), months)
    removed = await store.purge_feedback(before)
    await store.purge_unanswered(before)
    log.info("retention: removed %d feedback entr%s older than %d months", removed,
             "y" if removed == 1 else "ies", months)
    return removed


async def purge_daily(store: RetentionRepo, clock: Clock, months: int,
                      stopping: asyncio.Event) -> None:
    """Purge now and then once a day until `stopping` is set."""
    while not stopping.is_set():
        try:
            await purge(store, clock, months)
        except Exception as exc:  # the store may be away for a moment: try tomorrow
            log.error("retention: purge failed: %s", type(exc).__name__)
        try:
            await asyncio.wait_for(stopping.wait(), timeout=24 * 3600)
        except TimeoutError:
            continue
