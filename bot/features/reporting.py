"""The follow-up report, fetched from the store: /rapport in chat, `python -m bot report`.

The report is rendered in a worker thread, never in the event loop. In chat it is cut to
CHAT_MOST bytes (a Matrix event holds 64 KiB) with the command for the whole report, and a
period of more than CHAT_YEARS years is refused there: its month tables alone would run to
megabytes (0001-01-01..9999-12-31 has 120,000 months).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from typing import Literal

from bot.core.commands import Command
from bot.core.messages import Lang, Outcome, Reply
from bot.core.roles import Roles
from bot.core.router import Router
from bot.core.texts import t
from bot.core.turn import Turn
from bot.features.area_report import combine
from bot.features.chat_size import cut
from bot.features.command_args import read_period
from bot.features.report import build_report
from bot.features.report_cycle import last_day, previous_window
from bot.features.staff_scope import base_of, covered, display
from bot.knowledge.holder import KnowledgeHolder
from bot.store.ports import ReportRepo
from bot.store.records import Survey, SurveyAnswer

FOLLOW_UP_DAYS = 730  # the agreement is followed up every two years
CHAT_YEARS = 10


async def report(holder: KnowledgeHolder, store: ReportRepo, start: dt.date, end: dt.date,
                 fmt: Literal["md", "html", "csv"], lang: Lang, today: dt.date,
                 municipalities: Sequence[str] | None = None) -> str:
    """The follow-up report; in a police area, of `municipalities` (all when None): one
    municipality's own, or the area's, one section a municipality (area_report)."""
    area = holder.area
    ids = tuple(municipalities) if municipalities is not None else tuple(area.files())
    only = None if len(ids) == len(area) else ids
    # From the previous period's start: the report compares the two (report_cycle).
    since = previous_window(start, end)[0]
    activities = await store.list_activities(since, end, municipalities=only)
    requests = await store.list_requests(start=start, end=end, municipalities=only)
    feedback = await store.list_feedback(since, end, municipalities=only)
    surveys = await _surveys(store, since, end, only)
    if len(area) < 2:
        ids = (holder.kb.id,)

    def one(ident: str) -> str:
        kb = base_of(area, ident, holder.kb)
        mine = (lambda rows: rows) if len(ids) == 1 else (
            lambda rows: [r for r in rows if (r.municipality or holder.kb.id) == ident])
        own = surveys if len(ids) == 1 else [
            (s, answers) for s, answers in surveys if (s.municipality or holder.kb.id) == ident]
        return build_report(kb, start, end, mine(activities), mine(requests),
                            mine(feedback), fmt, lang, today=today,
                            template_dir=holder.templates, surveys=own)

    def build() -> str:
        if len(ids) == 1:
            return one(ids[0])
        parts = {ident: (display(area, ident), one(ident)) for ident in ids}
        return combine(parts, fmt, lang, area.name or holder.kb.data.municipality.police_area
                       or "", start.isoformat(), end.isoformat())

    # `today` is the caller's clock (the turn's, or the CLI's): never the wall clock here.
    return await asyncio.to_thread(build)


async def _surveys(store: ReportRepo, first: dt.date, last: dt.date,
                   only: Sequence[str] | None
                   ) -> list[tuple[Survey, list[SurveyAnswer]]]:
    """The surveys that overlap [first, last], each with its answers (none from a store
    without surveys)."""
    list_surveys = getattr(store, "list_surveys", None)
    if list_surveys is None:
        return []
    found = []
    for survey in await list_surveys(municipalities=only):
        if survey.opens <= last and last_day(survey) >= first and survey.id is not None:
            found.append((survey, await store.survey_answers(survey.id)))  # type: ignore[attr-defined]
    return found


def router(holder: KnowledgeHolder, store: ReportRepo, roles: Roles) -> Router:
    """/rapport for staff."""
    reports = Reports(holder, store, roles)
    return Router("reports", commands=(
        Command(name="rapport", aliases=("report",), run=reports.chat_report,
                check=roles.is_staff, usage="[period] [kommun]", summary="cmd_rapport"),))


class Reports:
    def __init__(self, holder: KnowledgeHolder, store: ReportRepo, roles: Roles) -> None:
        self.holder = holder
        self.store = store
        self.roles = roles

    async def chat_report(self, turn: Turn, args: str) -> Reply:
        cover = covered(self.holder.area, self.roles.scope(turn), turn, args)
        if isinstance(cover, Reply):
            return cover
        period = read_period(turn, cover.rest, default_days=FOLLOW_UP_DAYS)
        if isinstance(period, Reply):
            return period
        start, end = period
        dates = {"start": start.isoformat(), "end": end.isoformat()}
        if (end.year - start.year) * 12 + end.month - start.month >= CHAT_YEARS * 12:
            return Reply(t("rep_chat_too_long", turn.lang, years=CHAT_YEARS, **dates),
                         Outcome.COMMAND, turn.lang)
        text = await report(self.holder, self.store, start, end, "md", turn.lang, turn.today,
                            cover.ids)
        return Reply(cut(text, t("rep_chat_cut", turn.lang, **dates)), Outcome.COMMAND,
                     turn.lang)
