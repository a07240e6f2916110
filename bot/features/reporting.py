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

from bot.core.commands import Command, CommandRouter
from bot.core.messages import Lang, Outcome, Reply
from bot.core.roles import Roles
from bot.core.texts import add_texts, t
from bot.core.turn import Turn
from bot.features.chat_size import cut
from bot.features.command_args import read_period
from bot.features.report import build_report
from bot.knowledge.holder import KnowledgeHolder
from bot.store.base import Store

FOLLOW_UP_DAYS = 730  # the agreement is followed up every two years
CHAT_YEARS = 10

add_texts({
    "rep_chat_too_long": {
        "sv": "En rapport över mer än {years} år blir för stor för chatten. Ta fram den med "
              "`python -m bot report --from {start} --to {end} --format html --out rapport.html`",
        "en": "A report over more than {years} years is too large for the chat. Make it with "
              "`python -m bot report --from {start} --to {end} --format html --out report.html`",
    },
    "rep_chat_cut": {
        "sv": "… Rapporten är för lång för chatten; det här är början. Hela rapporten: "
              "`python -m bot report --from {start} --to {end} --format html --out rapport.html`",
        "en": "… The report is too long for the chat; this is its beginning. The whole "
              "report: `python -m bot report --from {start} --to {end} --format html "
              "--out report.html`",
    },
})


async def report(holder: KnowledgeHolder, store: Store, start: dt.date, end: dt.date,
                 fmt: Literal["md", "html", "csv"], lang: Lang, today: dt.date) -> str:
    activities = await store.list_activities(start, end)
    requests = await store.list_requests(start=start, end=end)
    feedback = await store.list_feedback(start, end)
    return await asyncio.to_thread(build_report, holder.kb, start, end, activities, requests,
                                   feedback, fmt, lang, today)


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
