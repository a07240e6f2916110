"""The public digest in chat: staff draft and approve it, residents ask for it (issue 16).

Staff: `/sammanfattning [månad] [kommun]` (alias /digest) drafts last month's digest (or
"november", "2026-11", "denna månad") for each municipality the staff member covers
(staff_scope.covered), saves each as a draft and shows it exactly as it will be published.
`/sammanfattning godkänn [kommun]` publishes the latest draft of each: stored as published
(residents read it in chat from then on) and sent to the configured public rooms
(config `digest`) through the Outbox.

Monthly (`tick`, one of the router's daily jobs): on the 1st to the 7th, a municipality
with no digest of last month gets a draft, and its staff room is told it is ready to
review. Once a month: a digest of the month in the store, or the month's reminder key
(`mark_reminded`, across processes), says it was done.

Residents: "vad har hänt?", "vad har polisen gjort?", "what have the police done in
Dorotea" get the latest published digest of the municipality the conversation is about
(whereabouts); a question naming a place of it ("… i Fredrika?") gets the number of each
activity type logged at that place in the published months of the current promise period:
counts only, and only months that staff have published (a draft is never shown to a
resident, nor are numbers of a month not yet approved).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from typing import Protocol

from bot.config import DigestSettings
from bot.core.address import Address
from bot.core.clock import TZ
from bot.core.commands import Command
from bot.core.messages import Lang, Outcome, Reply
from bot.core.outbox import Outbox
from bot.core.roles import Roles
from bot.core.router import Router
from bot.core.texts import t
from bot.core.turn import Turn
from bot.features import digest
from bot.features.report import md_text
from bot.features.staff_scope import base_of, covered, display
from bot.features.whereabouts import Whereabouts
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.render import day as day_text
from bot.store.ports import DigestRepo, ReminderRepo, ReportRepo
from bot.store.records import Digest
from bot.text.lang import base
from bot.text.normalize import fold

MONTHLY_DAYS = range(1, 8)  # the days of a month the monthly draft is made on
SAME = dt.timedelta(seconds=1)  # a publication this close to ours is ours (as stored)
_APPROVE = frozenset({"godkann", "godkänn", "approve", "publicera", "publish"})
_MONTH_NAMES = {fold(name): i for i, names in enumerate((
    ("januari", "january", "jan"), ("februari", "february", "feb"), ("mars", "march", "mar"),
    ("april", "apr"), ("maj", "may"), ("juni", "june", "jun"), ("juli", "july", "jul"),
    ("augusti", "august", "aug"), ("september", "sep", "sept"),
    ("oktober", "october", "okt", "oct"), ("november", "nov"),
    ("december", "dec")), 1) for name in names}
_THIS = re.compile(r"^(?:denna|den har|this|innevarande) (?:manad|manaden|month)$")
_LAST = re.compile(r"^(?:forra|forra manaden|forra manad|last|last month|senaste manaden)$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})$")

# A resident asking what police and municipality have done (folded words).
_WHO = (r"(?:polis(?:en|erna|arna)?|snut(?:en|arna)?|kommun(?:en)?"
        r"|(?:the )?(?:police|cops|municipality|council)|ni|you|they|de)")
_BY = _WHO + r"(?: (?:och|and) " + _WHO + r")?"
_SOFT = r"(?: (?:egentligen|faktiskt|hittills|verkligen|nu|actually|really|so far))?"
_CHECKS = r"\w*(?:kontroll|insats|check|control|patrull|patrol)\w*"
_ASKS = re.compile(
    r"\b(?:vad|vilka insatser|hur mycket) (?:har|hade) " + _BY + _SOFT
    + r" (?:gjort|gjorde|utratt\w*|hunnit)"
    r"|\bvad har (?:det )?gjorts\b|\bwhat (?:has|have) been done\b"
    r"|\bhar " + _BY + r" gjort (?:nagot|nat|nagonting|nan)\b"
    # "har polisen gjort några kontroller här?", "har ni gjort det ni lovade?"
    r"|\bhar " + _BY + r" gjort (?:nagra|nan|manga|fler) (?:\w+ )?" + _CHECKS
    + r"|\bhar " + _BY + r" gjort (?:det|vad) (?:\w+ )?(?:sa|sagt|lovade|lovat)\b"
    r"|\bhar " + _BY + r" (?:varit ute|synts|patrullerat|haft (?:nagra |nan )?" + _CHECKS
    + r")"
    r"|\bwhat (?:have|has|did) " + _BY + _SOFT + r" (?:done|do|been doing|been up to)\b"
    r"|\bhur manga ganger har " + _BY + r" varit\b"
    r"|\bvilka " + _CHECKS + r" har (?:det )?(?:gjorts|blivit|varit|hallits)\b"
    r"|\b(?:have|has|did) " + _BY + r" (?:done|do) anything\b"
    # "hur många kontroller har polisen gjort", "how many traffic checks were there"
    r"|\b(?:hur manga|how many) (?:\w+ )?" + _CHECKS
    + r"(?: \w+){0,3} (?:gjort|gjorts|blivit|varit|hallits|haft|done|held|been|carried)"
    # "har det blivit några trafikkontroller i Gafsele?"
    r"|\bhar det (?:blivit|varit|gjorts|hallits) (?:nagra|nan|nagon|manga) " + _CHECKS
    + r"|\b(?:has|have) there been (?:any|many) (?:\w+ )?" + _CHECKS)
_HAPPENED = re.compile(
    r"^(?:och |and )?(?:vad har hant|what s happened|what has happened|whats happened)"
    r"(?: (?:i|pa|in|at) [\w ]{1,40}| (?:pa sistone|senaste tiden|lately|recently))?$")

# About one's own errand ("vad har ni gjort med min synpunkt?"), not the public record;
# about one theme (the answers' promises say what is done for it).
_OWN = re.compile(r"\b(?:med|at|om|with|about) (?:min|mitt|mina|mig|var|vart|vara|my|me|our)\b"
                  r"|\bhos (?:mig|oss)\b|\b(?:at|om|med|with|about) (?:the )?"
                  r"(?:inbrott\w*|anmalan|anmalningen|arendet|report|case|complaint)\b"
                  # "… gjort för att minska droger": a theme's question, for the promises.
                  r"|\bfor att\b|\bin order to\b|\bdone to\b")


def asks(folded: str) -> bool:
    """Whether folded words ask what police and municipality have done."""
    text = folded.strip()
    return bool(_ASKS.search(text) or _HAPPENED.match(text)) and not _OWN.search(text)


def read_month(words: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The month `words` name: "" or "förra månaden" last month, "denna månad" this one,
    "november" [2026] the latest November begun by today, "2026-11"; None otherwise."""
    if match := _ISO.match(words.strip()):
        year, month = int(match.group(1)), int(match.group(2))
        return digest.month_of(dt.date(year, month, 1)) if 1 <= month <= 12 and year else None
    text = " ".join(fold(words).split())
    if not text or _LAST.match(text):
        return digest.last_month(today)
    if _THIS.match(text):
        return digest.month_of(today)
    parts = text.split()
    month = _MONTH_NAMES.get(parts[0]) if parts else None
    if month is None or len(parts) > 2 or (len(parts) == 2 and not parts[1].isdigit()):
        return None
    year = int(parts[1]) if len(parts) == 2 else (
        today.year if month <= today.month else today.year - 1)
    return digest.month_of(dt.date(year, month, 1)) if 1 <= year <= 9999 else None


class DigestStore(DigestRepo, ReminderRepo, ReportRepo, Protocol):
    """What the digest reads and writes."""


def router(holder: KnowledgeHolder, store: DigestStore, roles: Roles, outbox: Outbox,
           where: Whereabouts, settings: DigestSettings | None = None,
           lang: Lang = "sv") -> Router:
    """/sammanfattning for staff, the residents' question (a step before the answers), and
    the monthly draft (a daily job). `lang`: the language published to the public rooms
    and shown to staff in the preview (the deployment's)."""
    digests = Digests(holder, store, roles, outbox, where, settings or DigestSettings(), lang)
    return Router(
        "digest", step=digests.ask,
        commands=(Command(name="sammanfattning", aliases=("digest",), run=digests.command,
                          check=roles.is_staff, usage="[månad] [kommun] | godkänn [kommun]",
                          summary="cmd_sammanfattning"),),
        daily=(digests.tick,),
        texts=("dg_title", "dg_total", "dg_empty", "dg_promise", "dg_other", "dg_no_place",
               "dg_and", "dg_feedback_head", "dg_feedback_none", "dg_feedback_few",
               "dg_feedback", "dg_feedback_plain", "dg_footer", "dg_preview",
               "dg_preview_end", "dg_preview_end_one", "dg_published", "dg_published_rooms",
               "dg_published_chat", "dg_nothing", "dg_bad_month", "dg_future", "dg_ready",
               "dg_published_on", "dg_none_yet", "dg_place", "dg_place_none", "dg_button"))


class Digests:
    def __init__(self, holder: KnowledgeHolder, store: DigestStore, roles: Roles,
                 outbox: Outbox, where: Whereabouts, settings: DigestSettings,
                 lang: Lang) -> None:
        self.holder = holder
        self.store = store
        self.roles = roles
        self.outbox = outbox
        self.where = where
        self.settings = settings
        self.lang = lang
        where.on_choice("digest", self.ask)

    # ------------------------------------------------------------------ the parts
    def _ids(self) -> tuple[str, ...]:
        area = self.holder.area
        return tuple(area.files()) if len(area) > 1 else (self.holder.kb.id,)

    def _only(self, ident: str) -> tuple[str, ...] | None:
        """A store filter for one municipality's rows; None in a deployment of one (its
        rows may carry "" from before a police area)."""
        return (ident,) if len(self.holder.area) > 1 else None

    def _kb(self, ident: str) -> KnowledgeBase:
        return base_of(self.holder.area, ident, self.holder.kb)

    def _name(self, ident: str) -> str:
        return display(self.holder.area, ident) if len(self.holder.area) > 1 \
            else self.holder.kb.short_name

    async def make(self, ident: str, start: dt.date, end: dt.date, now: dt.datetime
                   ) -> Digest:
        """A draft of [start, end] for `ident`, saved (replacing an earlier draft of it)."""
        only = self._only(ident)
        activities = await self.store.list_activities(start, end, municipalities=only)
        feedback = await self.store.list_feedback(start, end, municipalities=only)
        made = Digest(ident, start, end, digest.drafts(self._kb(ident), activities, feedback,
                                                       start, end), "draft", made=now)
        return dataclasses.replace(made, id=await self.store.save_digest(made))

    def _text(self, d: Digest, lang: Lang) -> str:
        return d.texts.get(base(lang)) or next(iter(d.texts.values()), "")

    # ------------------------------------------------------------------ staff
    async def command(self, turn: Turn, args: str) -> Reply:
        words = args.split()
        if words and fold(words[0]) in _APPROVE:
            return await self.approve(turn, " ".join(words[1:]))
        cover = covered(self.holder.area, self.roles.scope(turn), turn, args)
        if isinstance(cover, Reply):
            return cover
        month = read_month(cover.rest, turn.today)
        if month is None:
            return self._reply(turn, t("dg_bad_month", turn.lang))
        start, end = month
        if start > turn.today:
            return self._reply(turn, t("dg_future", turn.lang))
        ids = cover.ids if len(self.holder.area) > 1 else self._ids()
        parts = []
        for ident in ids:
            made = await self.make(ident, start, end, turn.now)
            head = t("dg_preview", turn.lang, kommun=self._name(ident),
                     month=digest.month_label(start, end, turn.lang))
            parts.append(f"**{head}**\n\n{self._text(made, self.lang).rstrip()}")
        end_key = "dg_preview_end" if len(ids) > 1 else "dg_preview_end_one"
        parts.append(t(end_key, turn.lang))
        return self._reply(turn, "\n\n---\n\n".join(parts))

    async def approve(self, turn: Turn, args: str) -> Reply:
        cover = covered(self.holder.area, self.roles.scope(turn), turn, args)
        if isinstance(cover, Reply):
            return cover
        ids = cover.ids if len(self.holder.area) > 1 else self._ids()
        lines = []
        for ident in ids:
            drafts = await self.store.list_digests("draft", municipalities=self._only(ident))
            # The draft made last: the one the preview just showed, whatever its month.
            latest = max(drafts, key=lambda d: (d.made or dt.datetime.min.replace(
                tzinfo=dt.UTC), d.id or 0), default=None)
            if latest is None or latest.id is None:
                continue
            published = await self.store.publish_digest(latest.id, turn.now)
            if published.published is None or abs(published.published - turn.now) > SAME:
                continue  # published by someone else meanwhile: sent by them, not twice
            lines.append(self._publish(published, ident, turn.lang))
        if not lines:
            return self._reply(turn, t("dg_nothing", turn.lang))
        return self._reply(turn, "\n".join(lines))

    def _publish(self, d: Digest, ident: str, lang: Lang) -> str:
        """Send a published digest to its public rooms; the line that says where it went."""
        rooms: Sequence[Address] = self.settings.rooms_of(ident)
        text = self._text(d, self.lang)
        sent = sum(1 for room in rooms if self.outbox.to(room, text))
        where = (t("dg_published_rooms", lang, sent=sent, rooms=len(rooms)) if rooms
                 else t("dg_published_chat", lang))
        return t("dg_published", lang, kommun=self._name(ident),
                 month=digest.month_label(d.start, d.end, lang), where=where)

    @staticmethod
    def _reply(turn: Turn, text: str) -> Reply:
        return Reply(text, Outcome.COMMAND, turn.lang)

    # ------------------------------------------------------------------ monthly
    async def tick(self, today: dt.date) -> None:
        """On the 1st to the 7th: last month's draft for each municipality that has no
        digest of it yet, and a line to its staff room. Once a month a municipality."""
        if not self.settings.monthly or today.day not in MONTHLY_DAYS:
            return
        start, end = digest.last_month(today)
        now = dt.datetime.combine(today, dt.time(6, 0), tzinfo=dt.UTC)
        for ident in self._ids():
            made = await self.store.list_digests(municipalities=self._only(ident), limit=50)
            if any(d.start == start and d.end == end for d in made):
                continue  # drafted (by staff or an earlier day) or published already
            # Made first (one draft a month whoever makes it), then marked: a draft that
            # fails (the store away) is tried again the next day; one notice a month.
            await self.make(ident, start, end, now)
            if not await self.store.mark_reminded(f"digest:{ident}:{start:%Y-%m}", today):
                continue  # another process of this deployment told the room
            room = self.roles.room_of(ident)
            if room is not None:
                self.outbox.to(room, t("dg_ready", self.lang, kommun=self._name(ident),
                                       month=digest.month_label(start, end, self.lang)))

    # ------------------------------------------------------------------ residents
    async def ask(self, turn: Turn) -> Reply | None:
        """The step: a resident's "vad har polisen gjort (i Fredrika)?"."""
        if not asks(turn.folded):
            return None
        ident = self.where.municipality(turn)
        if ident is None:
            if self.where.should_ask(turn):
                return await self.where.ask(turn, resume="digest")
            ident = self.holder.area.default
        if len(self.holder.area) < 2:
            ident = self.holder.kb.id
        kb = self._kb(ident)
        published = await self.store.list_digests("published",
                                                  municipalities=self._only(ident))
        if not published:
            return self._answer(turn, t("dg_none_yet", turn.lang, kommun=kb.short_name))
        place = place_in(kb, turn.folded)
        if place is not None:
            return await self._place(turn, kb, ident, place, published)
        latest = published[0]
        when = latest.published.astimezone(TZ).date() if latest.published else latest.end
        return self._answer(turn, self._text(latest, turn.lang).rstrip() + "\n\n" + t(
            "dg_published_on", turn.lang, day=day_text(when, turn.lang)))

    async def _place(self, turn: Turn, kb: KnowledgeBase, ident: str, place: str,
                     published: Sequence[Digest]) -> Reply:
        period = kb.current_period(turn.today) or kb.latest_period(turn.today)
        since = period.start if period is not None else dt.date.min
        months = sorted({(d.start, d.end) for d in published if d.end >= since})
        if not months:
            months = [(published[0].start, published[0].end)]
        first, last = months[0][0], months[-1][1]
        found = await self.store.list_activities(first, last, place=place,
                                                 municipalities=self._only(ident))
        counts = digest.place_counts(kb, found, place, months, turn.lang)
        span = {"place": md_text(place), "first": day_text(first, turn.lang),
                "last": day_text(last, turn.lang)}
        if not counts:
            return self._answer(turn, t("dg_place_none", turn.lang, **span))
        return self._answer(turn, t("dg_place", turn.lang, counts=", ".join(counts), **span))

    @staticmethod
    def _answer(turn: Turn, text: str) -> Reply:
        return Reply(text, Outcome.ANSWERED, turn.lang)


def place_in(kb: KnowledgeBase, folded: str) -> str | None:
    """The place of `kb` the folded words name (its name or an alias; the longest first),
    not the municipality itself (that is the whole digest)."""
    own = {fold(kb.short_name), fold(kb.data.municipality.name.sv)}
    text = f" {folded} "
    names = sorted(((fold(name), place.name) for place in kb.data.places
                    if place.kind != "municipality"
                    for name in (place.name, *place.aliases)), key=lambda p: -len(p[0]))
    for name, place in names:
        if name and name not in own and f" {name} " in text:
            return place
    return None
