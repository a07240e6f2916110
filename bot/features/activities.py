"""Staff log what they did: /logga, /ångra, /aktiviteter, /ändra.

Entries are the authorities' own record, not anonymous: they keep the author's id and
the time. The reply confirms what was understood, with the entry's id.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.core.commands import Command, CommandRouter
from bot.core.messages import Lang, Outcome, Reply
from bot.core.periods import PeriodError, parse_period
from bot.core.roles import Roles
from bot.core.texts import t
from bot.core.turn import Turn
from bot.features import activity_texts  # noqa: F401  (registers its texts)
from bot.features.activity_parse import (
    NotUnderstood,
    ParsedActivity,
    is_log_command,
    parse_activity,
)
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.normalize import fold
from bot.store.base import Store
from bot.store.records import Activity

UNDO_WITHIN = dt.timedelta(days=1)
LIST_MOST = 20


def describe(kb: KnowledgeBase, entry: Activity | ParsedActivity, lang: Lang) -> str:
    """"Trafikkontroll · Lomsjö · 2026-11-28 · 23 fordon" with the promise it serves."""
    kinds = {a.id: a for a in kb.data.activities}
    kind = kinds[entry.kind].label.get(lang) if entry.kind in kinds else entry.kind
    parts = [f"**{kind}**"]
    if entry.place:
        parts.append(entry.place)
    parts.append(entry.day.isoformat())
    if entry.counts:
        parts.append(", ".join(f"{n} {unit}" for unit, n in entry.counts.items()))
    line = " · ".join(parts)
    if entry.promise and entry.promise in kb.promise_index:
        period, _ = kb.promise_index[entry.promise]
        line += f"\n{t('act_serves', lang, period=period.label)}: " + \
            kb.promise_index[entry.promise][1].text.get(lang)
    if entry.note:
        line += f"\n_{entry.note}_"
    return line


class ActivityLog:
    """The commands, and a pipeline step for "Logga trafikkontroll: …" without a slash."""

    def __init__(self, holder: KnowledgeHolder, store: Store, commands: CommandRouter,
                 roles: Roles) -> None:
        self.holder = holder
        self.store = store
        self.roles = roles
        staff = roles.is_staff
        for name, aliases, run, usage, sv, en in (
            ("logga", ("log",), self._log, "<aktivitet> [plats] [datum] [text]",
             "loggar en aktivitet", "logs an activity"),
            ("ångra", ("undo",), self._undo, "", "tar bort din senaste loggning",
             "removes your latest entry"),
            ("aktiviteter", ("activities",), self._list, "[period] [plats]",
             "listar loggade aktiviteter", "lists logged activities"),
            ("ändra", ("edit",), self._edit, "<id> <aktivitet> [plats] [datum] [text]",
             "rättar en loggning", "corrects an entry"),
        ):
            commands.add(Command(name=name, aliases=aliases, run=run, check=staff,
                                 usage=usage, summary={"sv": sv, "en": en}))

    async def __call__(self, turn: Turn) -> Reply | None:
        if turn.text.startswith("/"):
            return None  # the command router has it
        rest = is_log_command(turn.text)
        if rest is None:
            return None
        if not self.roles.is_staff(turn):
            return Reply(t("not_allowed", turn.lang), Outcome.COMMAND, turn.lang)
        return await self._log(turn, rest)

    def _parse(self, text: str, turn: Turn) -> ParsedActivity | Reply:
        kb = self.holder.kb
        parsed = parse_activity(text, kb.data.activities, kb.data.places, turn.today)
        if isinstance(parsed, ParsedActivity):
            return parsed
        return Reply(self._problem(kb, parsed, turn.lang), Outcome.COMMAND, turn.lang)

    @staticmethod
    def _problem(kb: KnowledgeBase, problem: NotUnderstood, lang: Lang) -> str:
        if problem.reason == "bad_date":
            return t("act_bad_date", lang)
        labels = {a.id: a.label.get(lang) for a in kb.data.activities}
        if problem.reason == "unknown_kind" and problem.suggestions:
            names = ", ".join(f"**{labels.get(s, s)}**" for s in problem.suggestions)
            return t("act_did_you_mean", lang, names=names)
        known = ", ".join(labels.values())
        return t("act_how", lang, kinds=known)

    async def _log(self, turn: Turn, args: str) -> Reply:
        parsed = self._parse(args, turn)
        if isinstance(parsed, Reply):
            return parsed
        entry = Activity(kind=parsed.kind, promise=parsed.promise, place=parsed.place,
                         day=parsed.day, counts=dict(parsed.counts), note=parsed.note,
                         author=turn.msg.sender, created_at=turn.now)
        entry_id = await self.store.add_activity(entry)
        text = t("act_logged", turn.lang, id=entry_id) + "\n" + describe(
            self.holder.kb, entry, turn.lang)
        return Reply(text, Outcome.COMMAND, turn.lang)

    async def _undo(self, turn: Turn, args: str) -> Reply:
        last = await self.store.last_activity_by(turn.msg.sender)
        if last is None or last.id is None or last.created_at is None or \
                turn.now - last.created_at > UNDO_WITHIN:
            return Reply(t("act_nothing_to_undo", turn.lang), Outcome.COMMAND, turn.lang)
        await self.store.delete_activity(last.id)
        text = t("act_undone", turn.lang, id=last.id) + "\n" + describe(
            self.holder.kb, last, turn.lang)
        return Reply(text, Outcome.COMMAND, turn.lang)

    async def _list(self, turn: Turn, args: str) -> Reply:
        kb = self.holder.kb
        place = None
        period_words = []
        places = {fold(n): p.name for p in kb.data.places for n in (p.name, *p.aliases)}
        for word in args.split():
            if fold(word) in places:
                place = places[fold(word)]
            else:
                period_words.append(word)
        try:
            start, end = parse_period(" ".join(period_words), turn.today, default_days=30)
        except PeriodError:
            return Reply(t("bad_period", turn.lang), Outcome.COMMAND, turn.lang)
        entries = await self.store.list_activities(start, end, place=place)
        head = t("act_list_head", turn.lang, start=start.isoformat(), end=end.isoformat(),
                 n=len(entries)) + (f" · {place}" if place else "")
        if not entries:
            return Reply(head, Outcome.COMMAND, turn.lang)
        shown = entries[-LIST_MOST:][::-1]
        lines = [head] + [f"- #{e.id} " + describe(kb, e, turn.lang).split("\n")[0]
                          for e in shown]
        if len(entries) > LIST_MOST:
            lines.append(t("act_list_more", turn.lang, n=len(entries) - LIST_MOST))
        return Reply("\n".join(lines), Outcome.COMMAND, turn.lang)

    async def _edit(self, turn: Turn, args: str) -> Reply:
        match = re.match(r"#?(\d+)\s+(.+)", args.strip(), re.S)
        if not match:
            return Reply(t("act_edit_how", turn.lang), Outcome.COMMAND, turn.lang)
        entry_id = int(match.group(1))
        old = await self.store.get_activity(entry_id)
        if old is None:
            return Reply(t("act_no_such", turn.lang, id=entry_id), Outcome.COMMAND, turn.lang)
        parsed = self._parse(match.group(2), turn)
        if isinstance(parsed, Reply):
            return parsed
        new = Activity(kind=parsed.kind, promise=parsed.promise, place=parsed.place,
                       day=parsed.day, counts=dict(parsed.counts), note=parsed.note,
                       author=old.author, created_at=old.created_at, id=entry_id)
        await self.store.update_activity(new)
        text = t("act_edited", turn.lang, id=entry_id) + "\n" + describe(
            self.holder.kb, new, turn.lang)
        return Reply(text, Outcome.COMMAND, turn.lang)
