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
from collections.abc import Callable

from bot.core import choices
from bot.core.commands import Command
from bot.core.conversation_state import Held, Key
from bot.core.messages import Lang, Outcome, Reply
from bot.core.pending import Pending
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
from bot.features.staff_scope import base_of, covered, display, named_word, not_yours, whose
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.holder import KnowledgeHolder
from bot.store.ports import ActivityRepo
from bot.store.records import Activity
from bot.store.staff import MAX_NOTE
from bot.text.normalize import fold
from bot.text.numbers import grouped, read_int

UNDO_WITHIN = dt.timedelta(days=1)
LIST_MOST = 20
PLACES_NAMED = 5  # "Gjordes den i Fredrika, Gafsele, …?"
ASK_FOR = dt.timedelta(minutes=15)  # how long "Vilken kommun?" waits for its answer


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
    period = kb.period_on(entry.day)
    if period is not None and not period.promises:  # no source for that period's text
        return t("act_list_unknown" if short else "act_other_unknown", lang,
                 period=period.label)
    if short:
        return t("act_list_other", lang)
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


def router(holder: KnowledgeHolder, store: ActivityRepo, roles: Roles,
           where: Callable[[Turn], str | None] | None = None) -> Router:
    return ActivityLog(holder, store, roles, where).router()


def promise_id(kb: KnowledgeBase, parsed: ParsedActivity) -> str | None:
    """What a new or corrected entry is saved with: the promise it serves on its day."""
    found = kb.serves(parsed.kind, parsed.day, parsed.place)
    return found[1].id if found else None


class ActivityLog:
    """/logga (also said in words: "Logga trafikkontroll: …"), /ångra, /aktiviteter, /ändra.

    In a police area an entry belongs to the municipality of its place ("Borgafjäll" →
    Dorotea), or to the one the words name; staff of one municipality log, list and correct
    only its entries. A place (or no place) that could be in several of the staff member's
    municipalities is asked about once, with numbered choices."""

    def __init__(self, holder: KnowledgeHolder, store: ActivityRepo, roles: Roles,
                 where: Callable[[Turn], str | None] | None = None,
                 ask_for: dt.timedelta = ASK_FOR) -> None:
        self.holder = holder
        self.store = store
        self.roles = roles
        # The municipality the conversation is about (its room's binding, the area's
        # default): an entry that names no place is its, when the staff member's.
        self.where = where or (lambda turn: None)
        self.ask_for = ask_for
        self._asked: Pending[tuple[str, tuple[str, ...]]] = Pending()

    # `Stateful` (bot.core.conversation_state): the open "which one?" of a conversation.
    state_name = "activities"

    def snapshot(self, key: Key) -> Held | None:
        return self._asked.snapshot(key)

    def restore(self, key: Key, held: Held | None) -> None:
        self._asked.restore(key, held)

    def router(self) -> Router:
        staff = self.roles.is_staff
        return Router("activities", step=self, commands=(
            Command(name="logga", aliases=("log",), run=self._log, check=staff,
                    usage="<aktivitet> [plats] [datum] [text]", summary="cmd_logga",
                    phrase=said_log),
            Command(name="ångra", aliases=("undo",), run=self._undo, check=staff,
                    summary="cmd_angra"),
            Command(name="aktiviteter", aliases=("activities",), run=self._list, check=staff,
                    usage="[period] [plats] [kommun]", summary="cmd_aktiviteter"),
            Command(name="ändra", aliases=("edit",), run=self._edit, check=staff,
                    usage="<id> <aktivitet> [plats] [datum] [text]", summary="cmd_andra")))

    def _kb(self, ident: str | None) -> KnowledgeBase:
        return base_of(self.holder.area, ident, self.holder.kb)

    def _parse(self, text: str, turn: Turn, kb: KnowledgeBase) -> ParsedActivity | Reply:
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

    def _where(self, turn: Turn, args: str) -> tuple[str, ParsedActivity] | Reply:
        """The municipality a log line is about, and the line read with its places."""
        area, scope = self.holder.area, self.roles.scope(turn)
        if len(area) < 2:
            parsed = self._parse(args, turn, self.holder.kb)
            return parsed if isinstance(parsed, Reply) else (self.holder.kb.id, parsed)
        named = area.named_in(args)
        if named is not None and not scope.covers(named):
            return not_yours(area, scope, named, turn)
        mine = [named] if named is not None else [m for m in area.files() if scope.covers(m)]
        read: dict[str, ParsedActivity] = {}
        first: Reply | None = None
        for ident in mine:
            parsed = self._parse(args, turn, area.bases[ident])
            if isinstance(parsed, Reply):
                first = first or parsed
            else:
                read[ident] = parsed
        if not read:
            return first or Reply(t("act_how", turn.lang, kinds=""), Outcome.COMMAND, turn.lang)
        placed = [ident for ident, parsed in read.items() if parsed.place]
        if not placed:  # no place: the conversation's municipality, if it is theirs
            home = self.where(turn)
            placed = [home] if home in read else list(read)
        if len(placed) == 1:
            return placed[0], read[placed[0]]
        return self._ask(turn, args, placed)

    def _ask(self, turn: Turn, args: str, ids: list[str]) -> Reply:
        area = self.holder.area
        self._asked.put(turn.msg.conversation, (args, tuple(ids)), turn.now + self.ask_for)
        shown = [display(area, ident) for ident in ids]
        text = t("act_which_municipality", turn.lang) + "\n\n" + "\n".join(
            f"{i}. {name}" for i, name in enumerate(shown, 1))
        return Reply(text, Outcome.COMMAND, turn.lang, choices=choices.numbered(shown))

    async def __call__(self, turn: Turn) -> Reply | None:
        """The answer to "Vilken kommun?": its number or name logs the line asked about."""
        asked = self._asked.take(turn.msg.conversation, turn.now)
        if asked is None:
            return None
        args, ids = asked
        area = self.holder.area
        pick = read_int(turn.text)
        if pick is not None and 1 <= pick <= len(ids):
            ident = ids[pick - 1]
        else:
            ident, _ = named_word(area, turn.text.split())
            if ident not in ids:
                return None  # something else: the question is dropped
        if not self.roles.scope(turn).covers(ident):
            return None
        parsed = self._parse(args, turn, area.bases[ident])
        if isinstance(parsed, Reply):
            return parsed
        return await self._save(turn, ident, parsed)

    async def _log(self, turn: Turn, args: str) -> Reply:
        found = self._where(turn, args)
        if isinstance(found, Reply):
            return found
        return await self._save(turn, *found)

    async def _save(self, turn: Turn, ident: str, parsed: ParsedActivity) -> Reply:
        kb = self._kb(ident)
        entry = Activity(kind=parsed.kind, promise=promise_id(kb, parsed), place=parsed.place,
                         day=parsed.day, counts=dict(parsed.counts), note=kept(parsed.note),
                         author=turn.msg.sender, created_at=turn.now, municipality=ident)
        entry_id = await self.store.add_activity(entry)
        text = self._headed(t("act_logged", turn.lang, id=entry_id), ident) + "\n" + describe(
            kb, entry, turn.lang) + note_cut(parsed.note, turn.lang)
        return Reply(text, Outcome.COMMAND, turn.lang)

    def _headed(self, head: str, ident: str | None) -> str:
        """"Loggat som #3 (Dorotea):": the entry's municipality after its number."""
        colon = head.endswith(":")
        return head.removesuffix(":") + self._whose(ident) + (":" if colon else "")

    def _whose(self, ident: str | None) -> str:
        return whose(self.holder.area, ident)

    async def _undo(self, turn: Turn, args: str) -> Reply:
        last = await self.store.last_activity_by(turn.msg.sender)
        if last is None or last.id is None or last.created_at is None or \
                turn.now - last.created_at > UNDO_WITHIN or \
                not self.roles.scope(turn).covers(last.municipality):
            return Reply(t("act_nothing_to_undo", turn.lang), Outcome.COMMAND, turn.lang)
        await self.store.delete_activity(last.id)
        text = self._headed(t("act_undone", turn.lang, id=last.id), last.municipality) + \
            "\n" + describe(self._kb(last.municipality), last, turn.lang)
        return Reply(text, Outcome.COMMAND, turn.lang)

    async def _list(self, turn: Turn, args: str) -> Reply:
        area = self.holder.area
        cover = covered(area, self.roles.scope(turn), turn, args)
        if isinstance(cover, Reply):
            return cover
        place = None
        period_words = []
        places = {fold(n): p.name for ident in cover.ids
                  for p in area.files()[ident].places for n in (p.name, *p.aliases)}
        for word in cover.rest.split():
            if fold(word) in places:
                place = places[fold(word)]
            else:
                period_words.append(word)
        period = read_period(turn, " ".join(period_words), default_days=30)
        if isinstance(period, Reply):
            return period
        start, end = period
        entries = await self.store.list_activities(start, end, place=place,
                                                   municipalities=cover.only)
        where = [place] if place else []
        if len(area) > 1 and len(cover.ids) == 1:
            where.append(display(area, cover.ids[0]))
        head = t("act_list_head", turn.lang, start=start.isoformat(), end=end.isoformat(),
                 n=len(entries)) + "".join(f" · {w}" for w in where)
        if not entries:
            return Reply(head, Outcome.COMMAND, turn.lang)
        shown = entries[-LIST_MOST:][::-1]
        several = len({e.municipality for e in shown}) > 1
        lines = [f"- #{e.id}{self._whose(e.municipality) if several else ''} "
                 f"{summary(self._kb(e.municipality), e, turn.lang)} → "
                 f"{serves(self._kb(e.municipality), e, turn.lang, short=True)}"
                 for e in shown]
        text = fit_lines(head, lines, lambda n: t("act_list_more", turn.lang, n=n),
                         left=len(entries) - len(shown))
        return Reply(text, Outcome.COMMAND, turn.lang)

    async def _edit(self, turn: Turn, args: str) -> Reply:
        read = read_id(args)
        if read is None or not read[2]:
            return Reply(t("act_edit_how", turn.lang), Outcome.COMMAND, turn.lang)
        digits, entry_id, rest = read
        old = None if entry_id is None else await self.store.get_activity(entry_id)
        # Another municipality's entry is as unknown as one that does not exist.
        if old is None or entry_id is None or \
                not self.roles.scope(turn).covers(old.municipality):
            return Reply(t("act_no_such", turn.lang, id=shown_id(digits)), Outcome.COMMAND,
                         turn.lang)
        if old.author != turn.msg.sender and not self.roles.is_admin(turn):
            return Reply(t("act_not_yours", turn.lang, id=entry_id), Outcome.COMMAND,
                         turn.lang)
        kb = self._kb(old.municipality)  # an entry stays in its municipality
        parsed = self._parse(rest, turn, kb)
        if isinstance(parsed, Reply):
            return parsed
        if not parsed.dated:  # a correction that names no day keeps the entry's
            parsed = dataclasses.replace(parsed, day=old.day)
        new = Activity(kind=parsed.kind, promise=promise_id(kb, parsed), place=parsed.place,
                       day=parsed.day, counts=dict(parsed.counts), note=kept(parsed.note),
                       author=old.author, created_at=old.created_at, id=entry_id,
                       municipality=old.municipality)
        await self.store.update_activity(new)
        text = self._headed(t("act_edited", turn.lang, id=entry_id), old.municipality) + \
            "\n" + describe(
            kb, new, turn.lang) + note_cut(parsed.note, turn.lang)
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
