"""The follow-up report, fetched from the store: /rapport in chat, `python -m bot report`.

The report is rendered in a worker thread, never in the event loop. In chat it is cut to
CHAT_MOST bytes (a Matrix event holds 64 KiB) with the command for the whole report, and a
period of more than CHAT_YEARS years is refused there: its month tables alone would run to
megabytes (0001-01-01..9999-12-31 has 120,000 months).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Literal

from bot.core.commands import Command
from bot.core.messages import Lang, Outcome, Reply
from bot.core.roles import Roles
from bot.core.router import Router
from bot.core.texts import t
from bot.core.turn import Turn
from bot.features.chat_size import cut
from bot.features.command_args import read_period
from bot.features.report import build_report
from bot.knowledge.holder import KnowledgeHolder
from bot.store.ports import ReportRepo

FOLLOW_UP_DAYS = 730  # the agreement is followed up every two years
CHAT_YEARS = 10


async def report(holder: KnowledgeHolder, store: ReportRepo, start: dt.date, end: dt.date,
                 fmt: Literal["md", "html", "csv"], lang: Lang, today: dt.date) -> str:
    activities = await store.list_activities(start, end)
    requests = await store.list_requests(start=start, end=end)
    feedback = await store.list_feedback(start, end)
    # `today` is the caller's clock (the turn's, or the CLI's): never the wall clock here.
    return await asyncio.to_thread(build_report, holder.kb, start, end, activities, requests,
                                   feedback, fmt, lang, today=today,
                                   template_dir=holder.templates)


def router(holder: KnowledgeHolder, store: ReportRepo, roles: Roles) -> Router:
    """/rapport for staff."""
    reports = Reports(holder, store)
    return Router("reports", commands=(
        Command(name="rapport", aliases=("report",), run=reports.chat_report,
                check=roles.is_staff, usage="[period]", summary="cmd_rapport"),))


class Reports:
    def __init__(self, holder: KnowledgeHolder, store: ReportRepo) -> None:
        self.holder = holder
        self.store = store

    async def chat_report(self, turn: Turn, args: str) -> Reply:
        period = read_period(turn, args, default_days=FOLLOW_UP_DAYS)
        if isinstance(period, Reply):
            return period
        start, end = period
        dates = {"start": start.isoformat(), "end": end.isoformat()}
        if (end.year - start.year) * 12 + end.month - start.month >= CHAT_YEARS * 12:
            return Reply(t("rep_chat_too_long", turn.lang, years=CHAT_YEARS, **dates),
                         Outcome.COMMAND, turn.lang)
        text = await report(self.holder, self.store, start, end, "md", turn.lang, turn.today)
        return Reply(cut(text, t("rep_chat_cut", turn.lang, **dates)), Outcome.COMMAND,
                     turn.lang)
