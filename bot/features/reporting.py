"""The follow-up report, fetched from the store: /rapport in chat, `python -m bot report`."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from bot.core.commands import Command, CommandRouter
from bot.core.messages import Lang, Outcome, Reply
from bot.core.periods import PeriodError, parse_period
from bot.core.roles import Roles
from bot.core.texts import t
from bot.core.turn import Turn
from bot.features.report import build_report
from bot.knowledge.holder import KnowledgeHolder
from bot.store.base import Store

FOLLOW_UP_DAYS = 730  # the agreement is followed up every two years


async def report(holder: KnowledgeHolder, store: Store, start: dt.date, end: dt.date,
                 fmt: Literal["md", "html", "csv"], lang: Lang, today: dt.date) -> str:
    activities = await store.list_activities(start, end)
    requests = await store.list_requests(start=start, end=end)
    feedback = await store.list_feedback(start, end)
    return build_report(holder.kb, start, end, activities, requests, feedback, fmt, lang,
                        today)


class Reports:
    def __init__(self, holder: KnowledgeHolder, store: Store, commands: CommandRouter,
                 roles: Roles) -> None:
        self.holder = holder
        self.store = store
        commands.add(Command(name="rapport", aliases=("report",), run=self._report,
                             check=roles.is_staff, usage="[period]",
                             summary={"sv": "uppföljningsrapport (standard: två år)",
                                      "en": "follow-up report (default: two years)"}))

    async def _report(self, turn: Turn, args: str) -> Reply:
        try:
            start, end = parse_period(args, turn.today, default_days=FOLLOW_UP_DAYS)
        except PeriodError:
            return Reply(t("bad_period", turn.lang), Outcome.COMMAND, turn.lang)
        text = await report(self.holder, self.store, start, end, "md", turn.lang, turn.today)
        return Reply(text, Outcome.COMMAND, turn.lang)
