"""Which municipality of the area a conversation is about: decided in one place (issue 15).

In order: the municipality this message names, by its name or a place of its own ("vad har
polisen lovat i Lycksele?", "skoteråkning i Borgafjäll" -> Dorotea), which the answers
step then remembers for the conversation (`bases`); else the one the conversation named or
chose last; else the one its place is about (the web chat's embed says it; config
`municipalities` binds a room, `"matrix:!room:x"`, or a whole transport, `"teams"`); else
the area's `default`.

An area whose area.yaml gives no default (`Area.asks`) has none to fall back on: a
question there, when nothing says, is answered with "Vilken kommun gäller det?" and the
municipalities as numbered choices, the question kept. A reply of a number, or of a
name (a place of its own counts; a typo or two is fine), remembers it and the kept
question is answered. Anything else drops the kept question and is handled as a new
message: it is asked once more at most (ASK_TIMES in all, a conversation); after that,
answers come from the area's first municipality and say whose they are ("Om Åsele
kommun:"), so that nothing reads as local that is not.

Another feature that needs the municipality (/tyck, /boka) reads `municipality(turn)`;
when it is None it returns `await whereabouts.ask(turn, resume="feedback")`, having
registered `whereabouts.on_choice("feedback", handler)`: the reply that picks one reaches
the answers step (last in the pipeline, which calls `take`), and the handler is called
with the kept message's turn, the municipality now remembered. (A dialogue under way
gets its messages first; commands and the safety check come before all of this.)

Kept in memory, a bounded number of conversations (least recently used first out): the
municipality a conversation is about, and the message kept while it is asked. `Stateful`
(bot.core.conversation_state): where several processes serve one conversation, the store
keeps it between its messages (sealed), the municipality for REMEMBER_FOR after the
conversation's last message, the kept message only until the question expires.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core import choices
from bot.core.conversation_state import Held
from bot.core.messages import Lang, Outcome, Reply
from bot.core.texts import t
from bot.core.turn import Turn
from bot.knowledge.area import Area
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.holder import KnowledgeHolder
from bot.text.normalize import fold
from bot.text.numbers import read_int

__all__ = ["ASK_TIMES", "TEXTS", "Whereabouts", "bound_problems"]

Key = tuple[str, str, str]
Resume = Callable[[Turn], Awaitable[Reply]]
ASK_TIMES = 2  # a conversation is asked at most this often which municipality it means
REPLY_WORDS = 4  # a reply naming one in more words than this is a question of its own
NAME_CUTOFF = 80  # fuzz.ratio of a typed name to a municipality's: a typo, not another
MIN_FUZZY = 4  # shorter replies are matched exactly only
REMEMBER_FOR = dt.timedelta(days=7)  # in the shared store, after the last message
TEXTS = ("where_ask", "where_pick")
_FILLER = frozenset({"i", "in", "kommun", "kommune", "municipality", "det", "gäller",
                     "galler", "it", "is", "the"})


# Words for the writer's own municipality ("och hos oss?", "i vår kommun", "here where I
# live"): the one the conversation's place is about, not the one it asked about last.
_HOME = re.compile(r"\b(?:hos oss|har hos oss|var kommun|vara kommun|varan kommun|"
                   r"min kommun|dar jag bor|har jag bor|our municipality|my municipality|"
                   r"where i live)\b")


def bound_problems(holder: KnowledgeHolder, bound: Mapping[str, str]) -> list[str]:
    """One line per place bound to a municipality the area does not have."""
    known = ", ".join(holder.area.files()) or "none"
    return [f"municipalities.{where}: {ident!r} is none of the municipalities ({known})"
            for where, ident in bound.items() if ident not in holder.area.files()]


@dataclass(slots=True)
class Asked:
    """An open "which municipality?": the ids in the order listed, the message kept."""

    options: tuple[str, ...]
    kept: str
    lang: Lang
    resume: str  # the name of the handler (`on_choice`) that answers the kept message
    expires: dt.datetime


@dataclass(slots=True)
class Memory:
    """What is known of one conversation: plain data, so that a store can keep it."""

    about: str | None = None  # the municipality it named or chose last
    asked: Asked | None = None
    times: int = 0  # how often it was asked
    seen: dt.datetime | None = None  # its last message that changed this


class Whereabouts:
    def __init__(self, holder: KnowledgeHolder, bound: Mapping[str, str] | None = None, *,
                 max_entries: int = 10_000,
                 ask_ttl: dt.timedelta = dt.timedelta(minutes=30)) -> None:
        self.holder = holder
        # Where a conversation comes from -> its municipality (config `municipalities`).
        self.bound = dict(bound or {})
        self.max_entries = max_entries
        self.ask_ttl = ask_ttl
        self._memory: OrderedDict[Key, Memory] = OrderedDict()
        self._resume: dict[str, Resume] = {}

    # ------------------------------------------------------------------ what it is about
    def municipality(self, turn: Turn) -> str | None:
        """The id of the municipality this conversation is about now: the one this
        message names > the one remembered > the embed's or binding's > the area's
        default. None only in an area that asks (`Area.asks`) when nothing says: then
        `ask`. Only reads: a question naming one is remembered by `bases` (the answers
        step); a feature that wants a name remembered calls `remember`."""
        area = self.holder.area
        if len(area) < 2:
            return area.default
        named = area.named_in(turn.text, turn.folded)
        if named is None and _HOME.search(turn.folded):
            # "och hos oss?" after a question about another: back to the page's own.
            named = self._placed(turn, area) or (None if area.asks else area.default)
        return (named or self._remembered(turn, area)
                or self._placed(turn, area) or (None if area.asks else area.default))

    def bases(self, turn: Turn) -> tuple[KnowledgeBase, KnowledgeBase | None]:
        """The knowledge base a message is answered from, and the one its place is about
        (answers from that one need not say whose). One municipality: its base, both.
        In an area that asks, the place is the one the conversation chose or named last;
        when nothing says (it was asked ASK_TIMES already), the area's first municipality
        answers, and the place is None: every answer says whose it is."""
        area = self.holder.area
        if len(area) < 2:
            return self.holder.kb, self.holder.kb
        ident = self.municipality(turn)
        if ident is None:
            return area.default_base, None
        if ident != self._remembered(turn, area):
            self.remember(turn, ident)
        home = self._placed(turn, area) or (ident if area.asks else area.default)
        return area.bases[ident], area.bases[home]

    def remember(self, turn: Turn, ident: str) -> None:
        """From now on the conversation is about `ident` (until it names another); an open
        "which municipality?" is closed. Nothing is kept when `ident` is what its place
        is about anyway (a conversation that was never asked)."""
        key, area = turn.msg.conversation, self.holder.area
        memory = self._memory.get(key)
        placed = self._placed(turn, area) or (None if area.asks else area.default)
        if ident == placed and (memory is None or memory.times == 0):
            self._memory.pop(key, None)  # what it is about anyway: nothing to keep
            return
        memory = self._entry(turn)
        memory.about, memory.asked = ident, None

    def forget(self, turn: Turn) -> None:
        self._memory.pop(turn.msg.conversation, None)

    # ------------------------------------------------------------------ asking
    def should_ask(self, turn: Turn) -> bool:
        """Nothing says which municipality, the area has no default, and the conversation
        was asked fewer than ASK_TIMES times."""
        if self.municipality(turn) is not None:
            return False
        memory = self._memory.get(turn.msg.conversation)
        return memory is None or memory.times < ASK_TIMES

    def on_choice(self, name: str, handler: Resume) -> None:
        """`handler` answers a message kept by `ask(turn, resume=name)` once the
        municipality is chosen (it is remembered by then: `municipality(turn)`)."""
        self._resume[name] = handler  # a feature built again replaces its own

    async def ask(self, turn: Turn, resume: str = "answers") -> Reply:
        """"Vilken kommun gäller det?" with the municipalities as numbered choices; the
        message is kept for `resume` (a name given to `on_choice`)."""
        if resume not in self._resume:
            raise ValueError(f"whereabouts: no handler named {resume!r} (on_choice)")
        memory = self._entry(turn)
        options = tuple(self.holder.area.files())
        memory.asked = Asked(options, turn.text, turn.lang, resume, turn.now + self.ask_ttl)
        memory.times += 1
        return self._question(options, turn.lang)

    async def take(self, turn: Turn) -> Reply | None:
        """The reply to an open "which municipality?": a number or a name remembers it
        and answers the kept message; a number that is none of the choices asks again;
        anything else closes the question (None: the message is handled as any other)."""
        memory = self._memory.get(turn.msg.conversation)
        asked = memory.asked if memory is not None else None
        if memory is None or asked is None:
            return None
        if turn.now > asked.expires:
            memory.asked = None
            return None
        files = self.holder.area.files()
        number = read_int(turn.text)
        if number is not None:
            index = number - 1
            if not (0 <= index < len(asked.options) and asked.options[index] in files):
                asked.options = tuple(files)  # a reload may have changed them
                return self._question(asked.options, asked.lang, again=True)
            ident: str | None = asked.options[index]
        else:
            ident = self._typed(turn)
        if ident is None or ident not in files:
            memory.asked = None
            return None
        self.remember(turn, ident)
        handler = self._resume.get(asked.resume)
        if handler is None:
            return None
        kept = dataclasses.replace(turn, msg=dataclasses.replace(turn.msg, text=asked.kept),
                                   text=asked.kept, lang=asked.lang, given_fold=None)
        return await handler(kept)

    # ------------------------------------------------------------------ the parts
    def _question(self, options: tuple[str, ...], lang: Lang, *, again: bool = False
                  ) -> Reply:
        files = self.holder.area.files()
        names = [files[ident].municipality.name.get(lang) for ident in options
                 if ident in files]
        listed = "\n".join(f"{i}. {name}" for i, name in enumerate(names, 1))
        lines = [t("pick_one", lang)] if again else []
        lines += [f"**{t('where_ask', lang)}**", listed, t("where_pick", lang)]
        return Reply("\n\n".join(lines), Outcome.SUGGESTED, lang,
                     choices=choices.numbered(names))

    def _typed(self, turn: Turn) -> str | None:
        """The municipality a short reply names: by a name or place of its own, or by a
        municipality's name typed with a typo ("lyksele")."""
        words = [w.strip(".,!?:;()\"'") for w in turn.folded.split()]
        words = [w for w in words if w and w not in _FILLER]
        if not words or len(turn.words) > REPLY_WORDS:
            return None
        area = self.holder.area
        named = area.named_in(turn.text, turn.folded)
        if named is not None:
            return named
        typed = " ".join(words)
        if len(typed) < MIN_FUZZY:
            return None
        names = {ident: fold(data.municipality.short_name)
                 for ident, data in area.files().items()}
        found = process.extractOne(typed, names, scorer=fuzz.ratio,
                                   score_cutoff=NAME_CUTOFF)
        return None if found is None else str(found[2])

    def _remembered(self, turn: Turn, area: Area) -> str | None:
        """The one the conversation named or chose; one a reload took away is forgotten."""
        memory = self._memory.get(turn.msg.conversation)
        if memory is None or memory.about is None:
            return None
        if memory.about not in area.files():
            memory.about = None
        return memory.about

    def _placed(self, turn: Turn, area: Area) -> str | None:
        """The one the conversation's place is about: the page's (an unknown id is
        ignored), else its room's binding, else its transport's."""
        msg, files = turn.msg, area.files()
        given = msg.municipality if msg.municipality in files else None
        ident = (given or self.bound.get(f"{msg.transport}:{msg.room}")
                 or self.bound.get(msg.transport))
        return ident if ident in files else None

    def _entry(self, turn: Turn) -> Memory:
        key = turn.msg.conversation
        memory = self._memory.get(key)
        if memory is None:
            memory = self._memory[key] = Memory()
        memory.seen = turn.now
        self._memory.move_to_end(key)
        self._entry_bound()
        return memory

    def _entry_bound(self) -> None:
        while len(self._memory) > self.max_entries:
            self._memory.popitem(last=False)

    # ------------------------------------------------------------------ `Stateful`
    state_name = "whereabouts"

    def snapshot(self, key: Key) -> Held | None:
        """What is known of the conversation, until when it matters: the kept message
        no longer than its question is open."""
        memory = self._memory.get(key)
        if memory is None or memory.seen is None:
            return None
        asked = memory.asked
        held: dict[str, object] = {"about": memory.about, "times": memory.times,
                                   "seen": memory.seen}
        if asked is not None:
            held["asked"] = {"options": asked.options, "kept": asked.kept,
                             "lang": asked.lang, "resume": asked.resume,
                             "expires": asked.expires}
            return held, asked.expires
        return held, memory.seen + (REMEMBER_FOR if memory.about else self.ask_ttl)

    def restore(self, key: Key, held: Held | None) -> None:
        self._memory.pop(key, None)
        if held is None:
            return
        value = held[0]
        asked = value.get("asked")
        self._memory[key] = Memory(
            about=value.get("about"), times=int(value.get("times", 0)), seen=value["seen"],
            asked=None if asked is None else Asked(
                tuple(asked["options"]), asked["kept"], asked["lang"], asked["resume"],
                asked["expires"]))
        self._entry_bound()
