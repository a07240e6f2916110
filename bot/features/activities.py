"""Staff log what they did: /logga, /ångra, /aktiviteter, /ändra.

Entries are the authorities' own record, not anonymous: they keep the author's id and
the time. The reply confirms what was understood, with the entry's id.

Limits: a note longer than the store keeps (MAX_NOTE) is cut to its first MAX_NOTE
characters and the reply says so: the entry is not lost for a long text, and the whole text
is still in the chat to copy from. Only the author or an admin may /ändra an entry; /ändra
without a date keeps the entry's day. /aktiviteter lists at most LIST_MOST, within CHAT_MOST.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from bot.core.commands import Command
from bot.core.messages import Lang, Outcome, Reply
from bot.core.roles import Roles
from bot.core.router import Router
from bot.core.texts import t
from bot.core.turn import Turn
from bot.features.activity_parse import (
    LOG_YEARS,
    MAX_COUNT,
    NotUnderstood,
    ParsedActivity,
    is_log_command,
    parse_activity,
)
from bot.features.chat_size import fit_lines
from bot.features.command_args import read_id, read_period, shown_id
from bot.features.dates import explain
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.holder import KnowledgeHolder
from bot.store.ports import ActivityRepo
from bot.store.records import Activity
from bot.store.staff import MAX_NOTE
from bot.text.normalize import fold
from bot.text.numbers import grouped

UNDO_WITHIN = dt.timedelta(days=1)
LIST_MOST = 20
PLACES_NAMED = 5  # "Gjordes den i Fredrika, Gafsele, …?"


def describe(kb: KnowledgeBase, entry: Activity, lang: Lang) -> str:
    """"Trafikkontroll · Lomsjö · 2026-11-28 · 23 fordon", then the promise it serves in the
    period it was done in, or "övrigt arbete" when it serves none of that period's."""
    line = summary(kb, entry, lang) + "\n" + serves(kb, entry, lang)
    if entry.note:
        line += f"\n_{entry.note}_"
    return line


def summary(kb: KnowledgeBase, entry: Activity, lang: Lang) -> str:
    kinds = {a.id: a for a in kb.data.activities}
    kind = kinds[entry.kind].label.get(lang) if entry.kind in kinds else entry.kind
    parts = [f"**{kind}**"]
    if entry.place:
        parts.append(entry.place)
    parts.append(entry.day.isoformat())
    if entry.counts:
        parts.append(", ".join(f"{n} {unit}" for unit, n in entry.counts.items()))
    return " · ".join(parts)


def serves(kb: KnowledgeBase, entry: Activity, lang: Lang, short: bool = False) -> str:
    """The promise `entry` counts for, from the knowledge base as it is now (the id saved
    with the entry only for a type the base no longer knows)."""
    found = kb.serves(entry.kind, entry.day, entry.place, entry.promise)
    if found is not None:
        period, promise = found
        if short:
            return t("act_list_serves", lang, period=period.label, title=promise.short(lang))
        return f"{t('act_serves', lang, period=period.label)}: {promise.text.get(lang)}"
    if short:
        return t("act_list_other", lang)
    period = kb.period_on(entry.day)
    if period is None:
        return t("act_other_no_period", lang)
    text = t("act_other", lang, period=period.label)
    places = [] if entry.place else kb.place_needed(entry.kind, entry.day)
    if places:
        named = ", ".join(places[:PLACES_NAMED]) + (" …" if len(places) > PLACES_NAMED else "")
        text += " " + t("act_other_place", lang, places=named)
    return text


def said_log(turn: Turn) -> str | None:
    """What follows "Logga trafikkontroll: …" written without a slash: /logga's arguments."""
    return is_log_command(turn.text)


def router(holder: KnowledgeHolder, store: ActivityRepo, roles: Roles) -> Router:
    return ActivityLog(holder, store, roles).router()


def promise_id(kb: KnowledgeBase, parsed: ParsedActivity) -> str | None:
    """What a new or corrected entry is saved with: the promise it serves on its day."""
    found = kb.serves(parsed.kind, parsed.day, parsed.place)
    return found[1].id if found else None


class ActivityLog:
    """/logga (also said in words: "Logga trafikkontroll: …"), /ångra, /aktiviteter, /ändra."""

    def __init__(self, holder: KnowledgeHolder, store: ActivityRepo, roles: Roles) -> None:
        self.holder = holder
        self.store = store
        self.roles = roles

    def router(self) -> Router:
        staff = self.roles.is_staff
        return Router("activities", commands=(
            Command(name="logga", aliases=("log",), run=self._log, check=staff,
                    usage="<aktivitet> [plats] [datum] [text]", summary="cmd_logga",
                    phrase=said_log),
            Command(name="ångra", aliases=("undo",), run=self._undo, check=staff,
                    summary="cmd_angra"),
            Command(name="aktiviteter", aliases=("activities",), run=self._list, check=staff,
                    usage="[period] [plats]", summary="cmd_aktiviteter"),
            Command(name="ändra", aliases=("edit",), run=self._edit, check=staff,
                    usage="<id> <aktivitet> [plats] [datum] [text]", summary="cmd_andra")))

    def _parse(self, text: str, turn: Turn) -> ParsedActivity | Reply:
        kb = self.holder.kb
        parsed = parse_activity(text, kb.data.activities, kb.data.places, turn.today)
        if isinstance(parsed, ParsedActivity):
            return parsed
        return Reply(self._problem(kb, parsed, turn.lang), Outcome.COMMAND, turn.lang)

    @staticmethod
    def _problem(kb: KnowledgeBase, problem: NotUnderstood, lang: Lang) -> str:
        if problem.reason == "bad_date" and problem.date is not None:
            return explain(problem.date, lang, LOG_YEARS)
        if problem.reason == "big_count":
            return t("act_big_count", lang, words=problem.words, most=number(MAX_COUNT, lang))
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
        entry = Activity(kind=parsed.kind, promise=promise_id(self.holder.kb, parsed),
                         place=parsed.place,
                         day=parsed.day, counts=dict(parsed.counts), note=kept(parsed.note),
                         author=turn.msg.sender, created_at=turn.now)
        entry_id = await self.store.add_activity(entry)
        text = t("act_logged", turn.lang, id=entry_id) + "\n" + describe(
            self.holder.kb, entry, turn.lang) + note_cut(parsed.note, turn.lang)
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
        period = read_period(turn, " ".join(period_words), default_days=30)
        if isinstance(period, Reply):
            return period
        start, end = period
        entries = await self.store.list_activities(start, end, place=place)
        head = t("act_list_head", turn.lang, start=start.isoformat(), end=end.isoformat(),
                 n=len(entries)) + (f" · {place}" if place else "")
        if not entries:
            return Reply(head, Outcome.COMMAND, turn.lang)
        shown = entries[-LIST_MOST:][::-1]
        lines = [f"- #{e.id} {summary(kb, e, turn.lang)} → "
                 f"{serves(kb, e, turn.lang, short=True)}" for e in shown]
        text = fit_lines(head, lines, lambda n: t("act_list_more", turn.lang, n=n),
                         left=len(entries) - len(shown))
        return Reply(text, Outcome.COMMAND, turn.lang)

    async def _edit(self, turn: Turn, args: str) -> Reply:
        read = read_id(args)
        if read is None or not read[2]:
            return Reply(t("act_edit_how", turn.lang), Outcome.COMMAND, turn.lang)
        digits, entry_id, rest = read
        old = None if entry_id is None else await self.store.get_activity(entry_id)
        if old is None or entry_id is None:
            return Reply(t("act_no_such", turn.lang, id=shown_id(digits)), Outcome.COMMAND,
                         turn.lang)
        if old.author != turn.msg.sender and not self.roles.is_admin(turn):
            return Reply(t("act_not_yours", turn.lang, id=entry_id), Outcome.COMMAND,
                         turn.lang)
        parsed = self._parse(rest, turn)
        if isinstance(parsed, Reply):
            return parsed
        if not parsed.dated:  # a correction that names no day keeps the entry's
            parsed = dataclasses.replace(parsed, day=old.day)
        new = Activity(kind=parsed.kind, promise=promise_id(self.holder.kb, parsed),
                       place=parsed.place,
                       day=parsed.day, counts=dict(parsed.counts), note=kept(parsed.note),
                       author=old.author, created_at=old.created_at, id=entry_id)
        await self.store.update_activity(new)
        text = t("act_edited", turn.lang, id=entry_id) + "\n" + describe(
            self.holder.kb, new, turn.lang) + note_cut(parsed.note, turn.lang)
        return Reply(text, Outcome.COMMAND, turn.lang)


number = grouped  # "99 999" in Swedish, "99,999" in English


def kept(note: str) -> str:
    """What is stored of a note: its first MAX_NOTE characters."""
    return note[:MAX_NOTE].rstrip()


def note_cut(note: str, lang: Lang) -> str:
    """The line that says a note was cut to MAX_NOTE characters; "" when it was not."""
    if len(note) <= MAX_NOTE:
        return ""
    return "\n" + t("act_note_cut", lang, size=number(len(note), lang),
                    most=number(MAX_NOTE, lang))
