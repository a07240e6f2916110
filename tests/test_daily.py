"""The features' daily work: run once for each new day the injected clock shows."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

import pytest

from bot.core.clock import FixedClock
from bot.features.daily import run_daily, run_day

DAY = dt.date(2026, 12, 1)


async def test_a_failing_job_does_not_stop_the_others(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[str] = []

    async def broken(day: dt.date) -> None:
        raise RuntimeError("secret text that must not be logged")

    async def fine(day: dt.date) -> None:
        seen.append(day.isoformat())

    with caplog.at_level(logging.ERROR):
        failed = await run_day([broken, fine], DAY)
    assert failed == 1
    assert seen == ["2026-12-01"]
    assert "RuntimeError" in caplog.text
    assert "secret" not in caplog.text


async def test_the_loop_runs_each_new_day() -> None:
    clock = FixedClock(DAY)
    stopping = asyncio.Event()
    days: list[dt.date] = []

    async def job(day: dt.date) -> None:
        days.append(day)
        clock.advance(dt.timedelta(days=1))  # the next wake sees a new day
        if len(days) == 3:
            stopping.set()

    await asyncio.wait_for(run_daily([job], clock, stopping, wake=0, first=0), timeout=10)
    assert days == [DAY, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=2)]


async def test_wakes_on_the_same_day_run_nothing_again() -> None:
    clock = FixedClock(DAY)
    stopping = asyncio.Event()
    days: list[dt.date] = []

    async def job(day: dt.date) -> None:
        days.append(day)

    async def stop_later() -> None:
        for _ in range(50):  # many wakes of the loop (wake=0), all on the same day
            await asyncio.sleep(0)
        stopping.set()

    stopper = asyncio.create_task(stop_later())
    await asyncio.wait_for(run_daily([job], clock, stopping, wake=0, first=0), timeout=10)
    await stopper
    assert days == [DAY]


async def test_stopping_before_the_first_run_runs_nothing() -> None:
    stopping = asyncio.Event()
    stopping.set()
    ran: list[dt.date] = []

    async def job(day: dt.date) -> None:
        ran.append(day)

    await run_daily([job], FixedClock(DAY), stopping, first=3600)
    assert ran == []
