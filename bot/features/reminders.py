"""Follow-up reminders for the staff room: the agreement's follow-up and a period's end.

The cooperation agreement is followed up every N years (or months) from its start, by the
people its `follow_up.by` names. For each due date d the municipality's staff room gets
a reminder a month before (on d − 30 days, or on the first day the bot runs in the month
before d, once) and one on the day (or on the first day it runs in the week after, once),
each with the /rapport command for the interval that ends on d. A promise period that ends
within 90 days gets one reminder to start the medborgardialog for the next period, saying
so when the knowledge base has no later period yet.

`due(kb, today)` is pure: every reminder that is due on `today`, each with a key that is
the same every day it is due. `Reminders.tick(today)` (once a day, from the service) sends
each of them once: the store marks a key the first time (`ReminderRepo.mark_reminded`),
across processes. A municipality without a staff room (or one no transport reaches) is
logged and its reminder is left unmarked: it is sent on a later tick, still in its window,
once a room is configured.

An agreement that has ended (and is not prolonged until further notice) gets no reminders
after its end.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from bot.core.outbox import Outbox
from bot.core.roles import Roles
from bot.core.router import Router
from bot.core.texts import t
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.render import day
from bot.store.ports import ReminderRepo

log = logging.getLogger(__name__)

BEFORE_DAYS = 30  # "a month before" a follow-up is due
LATE_DAYS = 7  # the reminder on the day is still sent this many days after it
PERIOD_END_DAYS = 90  # a period that ends within this many days: start the next dialogue
LANGS = ("sv", "en")
STAFF_LANG = "sv"  # the staff room's language, as every notice there


@dataclass(frozen=True)
class Reminder:
    key: str  # stable and unique per event: "followup:asele:2027-01-01:month-before"
    municipality: str
    texts: dict[str, str]  # lang -> Markdown

    def text(self, lang: str) -> str:
        return self.texts.get(lang) or self.texts[STAFF_LANG]


def add_months(start: dt.date, months: int) -> dt.date:
    """`start` moved `months` calendar months on; the 31st becomes a shorter month's last."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_dates(kb: KnowledgeBase, until: dt.date) -> Iterator[tuple[dt.date, dt.date]]:
    """Each follow-up due date up to `until`, with the start of the interval it ends."""
    agreement = kb.data.agreement
    if agreement is None or agreement.follow_up is None:
        return
    months = agreement.follow_up.months
    previous, k = agreement.start, 1
    while True:
        try:
            d = add_months(agreement.start, k * months)
        except ValueError:  # past year 9999
            return
        if d > until:
            return
        yield d, previous
        previous, k = d, k + 1


def due(kb: KnowledgeBase, today: dt.date, *, name_in_command: bool = False
        ) -> list[Reminder]:
    """Every reminder for `kb`'s municipality that is due on `today` (see the module).

    `name_in_command`: the /rapport command names the municipality (a police area's staff
    room covers several)."""
    return [*_follow_ups(kb, today, name_in_command), *_period_ends(kb, today)]


def _follow_ups(kb: KnowledgeBase, today: dt.date, name_in_command: bool) -> list[Reminder]:
    agreement = kb.data.agreement
    if agreement is None or agreement.follow_up is None:
        return []
    # An agreement that is not prolonged is followed up to its end: the follow-up due the
    # day after its last day (2027-01-01 for one ending 2026-12-31) is the last.
    ended = not agreement.prolonged_until_further_notice
    last = agreement.end + dt.timedelta(days=1)
    if ended and today > last + dt.timedelta(days=LATE_DAYS):
        return []
    found = []
    for d, start in due_dates(kb, today + dt.timedelta(days=BEFORE_DAYS)):
        if ended and d > last:
            break
        if d - dt.timedelta(days=BEFORE_DAYS) <= today < d:
            which, key = "rm_followup_soon", "month-before"
        elif d <= today <= d + dt.timedelta(days=LATE_DAYS):
            which, key = "rm_followup_due", "due"
        else:
            continue
        period = f"{start.isoformat()} {(d - dt.timedelta(days=1)).isoformat()}"
        command = f"/rapport {period}" + (f" {kb.short_name}" if name_in_command else "")
        texts = {lang: t(which, lang, kommun=kb.short_name, d=day(d, lang),
                         by=agreement.follow_up.by.get(lang), command=command,
                         start=day(start, lang), end=day(d - dt.timedelta(days=1), lang))
                 for lang in LANGS}
        found.append(Reminder(f"followup:{kb.id}:{d.isoformat()}:{key}", kb.id, texts))
    return found


def _period_ends(kb: KnowledgeBase, today: dt.date) -> list[Reminder]:
    found = []
    for period in kb.periods:
        if not period.end - dt.timedelta(days=PERIOD_END_DAYS) <= today <= period.end:
            continue
        later = any(p.start > period.end for p in kb.periods)
        texts = {lang: t("rm_period_end", lang, kommun=kb.short_name, label=period.label,
                         d=day(period.end, lang))
                 + ("" if later else " " + t("rm_period_none_later", lang))
                 for lang in LANGS}
        found.append(Reminder(f"period-end:{kb.id}:{period.id}", kb.id, texts))
    return found


class Reminders:
    """Sends each due reminder once, to its municipality's staff room."""

    def __init__(self, holder: KnowledgeHolder, store: ReminderRepo, outbox: Outbox,
                 roles: Roles) -> None:
        self.holder = holder
        self.store = store
        self.outbox = outbox
        self.roles = roles

    async def tick(self, today: dt.date) -> list[Reminder]:
        """Send what is due on `today` and not sent before; returns what was sent."""
        area = self.holder.area
        several = len(area) > 1
        sent = []
        for ident in area.files():
            kb = area.bases[ident]
            for reminder in due(kb, today, name_in_command=several):
                room = self.roles.room_of(reminder.municipality or None)
                if room is None or not self.outbox.can_reach(room):
                    # The key names the event, never a person; no text is logged.
                    log.warning("reminders: no staff room reaches %s: %s not sent yet",
                                ident or "the municipality", reminder.key)
                    continue
                if not await self.store.mark_reminded(reminder.key, today):
                    continue
                self.outbox.to(room, reminder.text(STAFF_LANG))
                log.info("reminders: sent %s", reminder.key)
                sent.append(reminder)
        return sent

    async def daily(self, today: dt.date) -> None:
        """The daily job: `tick`."""
        await self.tick(today)

    def router(self) -> Router:
        """Its place in the bot: a daily job, no commands."""
        return Router("reminders", daily=(self.daily,))
