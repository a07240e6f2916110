"""Dialogues: forms of named steps, one active per conversation, in memory only.

A form is declared as steps (a question with choices, or free text), a summary and a
finish; the engine holds one session per conversation key (transport, room, sender) under
a lock, understands choices by number or by words (fuzzy), repeats the question when an
answer fits no choice, ends on cancel words, and drops a session left alone past its
timeout (from the injected clock) without storing anything. A restart forgets sessions:
nothing half-done is ever stored.
"""

from __future__ import annotations

import abc
import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from bot.core.messages import Lang, Outcome, Reply
from bot.core.texts import t
from bot.core.turn import Turn
from bot.knowledge.normalize import fold

log = logging.getLogger(__name__)
Key = tuple[str, str, str]

CANCEL = {fold(w) for w in ("avbryt", "cancel", "/avbryt", "/cancel", "sluta", "stop",
                            "stopp", "avsluta", "glöm det", "nej tack", "quit")}
SKIP = {fold(w) for w in ("hoppa över", "hoppa", "skip", "vet inte", "-", "pass", "inget",
                          "ingen", "nej", "no")}
YES = {fold(w) for w in ("ja", "japp", "jo", "yes", "y", "ok", "okej", "spara", "save",
                         "stämmer", "det stämmer", "ja tack", "skicka", "send", "gärna")}
NO = {fold(w) for w in ("nej", "no", "n", "nä", "inte")}
# Every word that answers the bot's own question rather than saying something new.
REPLY_WORDS = frozenset(CANCEL | SKIP | YES | NO)


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: dict[Lang, str]
    words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Step:
    name: str  # shown in logs as "<Form>:<step>", never a bare number
    question: dict[Lang, str]
    choices: tuple[Choice, ...] = ()  # empty: free text
    optional: bool = False
    max_chars: int = 2000


class Form(abc.ABC):
    """One kind of dialogue. Subclasses declare `name` and build steps per session, so
    that choices can come from the knowledge base in service."""

    key: str  # how features and the knowledge base name it, e.g. "feedback"
    name: str  # the state prefix in logs, e.g. "Feedback" ("Feedback:area")

    @abc.abstractmethod
    def steps(self, turn: Turn) -> Sequence[Step]: ...

    @abc.abstractmethod
    def intro(self, turn: Turn) -> str: ...

    @abc.abstractmethod
    def summary(self, data: dict[str, Any], lang: Lang) -> str: ...

    @abc.abstractmethod
    async def finish(self, data: dict[str, Any], turn: Turn) -> str:
        """Store what was collected; the confirmation shown to the person."""

    def refuse(self, turn: Turn) -> str | None:
        """Why this person cannot start the form now (a limit), or None."""
        return None

    def accept(self, step: Step, text: str, lang: Lang) -> tuple[Any, str | None]:
        """A free-text answer as stored, with an optional note to the person."""
        return text, None


@dataclass
class Session:
    form: Form
    steps: Sequence[Step]
    lang: Lang
    expires: dt.datetime
    index: int = 0
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def confirming(self) -> bool:
        return self.index >= len(self.steps)

    def state(self) -> str:
        return f"{self.form.name}:{'confirm' if self.confirming else self.steps[self.index].name}"


def pick(choices: Sequence[Choice], text: str, lang: Lang) -> Choice | None:
    """A choice by its number, its label, or one of its words, forgiving typos."""
    answer = fold(text)
    if answer.isdigit():
        n = int(answer)
        return choices[n - 1] if 1 <= n <= len(choices) else None
    names: dict[str, Choice] = {}
    for choice in choices:
        for name in (choice.value, *choice.label.values(), *choice.words):
            names[fold(name)] = choice
    if answer in names:
        return names[answer]
    best = process.extractOne(answer, list(names), scorer=fuzz.WRatio, score_cutoff=86)
    return names[best[0]] if best else None


def numbered(choices: Sequence[Choice], lang: Lang) -> str:
    return "\n".join(f"{i}. {c.label[lang]}" for i, c in enumerate(choices, 1))


class Dialogues:
    """The pipeline step for dialogues, and the way features start or offer one."""

    def __init__(self, timeout: dt.timedelta = dt.timedelta(minutes=15),
                 on_event: Callable[[str, str], None] | None = None) -> None:
        self.timeout = timeout
        self.on_event = on_event  # (form name, "started" | "completed" | ...): metrics
        self._forms: dict[str, Form] = {}
        self._sessions: dict[Key, Session] = {}
        self._offers: dict[Key, tuple[str, dt.datetime]] = {}
        self._locks: dict[Key, asyncio.Lock] = {}
        self._swept: dt.datetime | None = None

    def register(self, form: Form) -> None:
        self._forms[form.key] = form

    def active(self, key: Key) -> bool:
        return key in self._sessions

    def offer(self, key: str, turn: Turn) -> None:
        """Remember that form `key` was offered; a "ja" next starts it."""
        self._offers[turn.msg.conversation] = (key, turn.now + self.timeout)

    async def start(self, key: str, turn: Turn) -> Reply:
        form = self._forms[key]
        if not turn.msg.is_direct:  # nothing personal is collected in a shared room
            return Reply(t("dialogue_private", turn.lang), Outcome.DIALOGUE, turn.lang)
        refusal = form.refuse(turn)
        if refusal:
            return Reply(refusal, Outcome.DIALOGUE, turn.lang)
        key = turn.msg.conversation
        steps = form.steps(turn)
        session = Session(form, steps, turn.lang, turn.now + self.timeout)
        self._sessions[key] = session
        self._offers.pop(key, None)
        log.info("dialogue started: %s", form.name)
        if self.on_event:
            self.on_event(form.name, "started")
        return self._ask(session, form.intro(turn))

    async def cancel(self, turn: Turn) -> Reply:
        key = turn.msg.conversation
        async with self._lock(key):
            session = self._end(key, "cancelled")
        lang = session.lang if session else turn.lang
        return Reply(t("cancelled" if session else "nothing_to_cancel", lang),
                     Outcome.DIALOGUE, lang)

    def _lock(self, key: Key) -> asyncio.Lock:
        return self._locks.setdefault(key, asyncio.Lock())

    def _end(self, key: Key, how: str) -> Session | None:
        session = self._sessions.pop(key, None)
        self._locks.pop(key, None)
        if session is not None:
            log.info("dialogue %s: %s at %s", how, session.form.name, session.state())
            if self.on_event:
                self.on_event(session.form.name, how)
        return session

    def _sweep(self, now: dt.datetime) -> None:
        """Forget sessions and offers nobody came back to (at most once a minute)."""
        if self._swept is not None and now - self._swept < dt.timedelta(minutes=1):
            return
        self._swept = now
        for key in [k for k, s in self._sessions.items() if now > s.expires]:
            self._end(key, "timed out")
        for key in [k for k, (_, until) in self._offers.items() if now > until]:
            del self._offers[key]

    async def __call__(self, turn: Turn) -> Reply | None:
        key = turn.msg.conversation
        self._sweep(turn.now)
        async with self._lock(key):
            session = self._sessions.get(key)
            if session is not None and turn.now > session.expires:
                self._end(key, "timed out")
                session = None
            if session is None:
                offered = self._offers.pop(key, None)
                if offered and turn.now <= offered[1] and fold(turn.text) in YES:
                    return await self.start(offered[0], turn)
                if fold(turn.text) in ("avbryt", "cancel"):
                    return Reply(t("nothing_to_cancel", turn.lang), Outcome.DIALOGUE, turn.lang)
                return None
            return await self._answer(key, session, turn)

    async def _answer(self, key: Key, session: Session, turn: Turn) -> Reply:
        lang, answer = session.lang, fold(turn.text)
        if answer in CANCEL:
            self._end(key, "cancelled")
            return Reply(t("cancelled", lang), Outcome.DIALOGUE, lang)
        session.expires = turn.now + self.timeout
        if session.confirming:
            if answer in YES:
                self._end(key, "completed")
                text = await session.form.finish(session.data, turn)
                return Reply(text, Outcome.DIALOGUE, lang)
            if answer in NO:
                self._end(key, "cancelled")
                return Reply(t("cancelled", lang), Outcome.DIALOGUE, lang)
            return self._ask(session, t("confirm_again", lang))
        step = session.steps[session.index]
        note = None
        if step.optional and answer in SKIP:
            value: Any = None
        elif step.choices:
            choice = pick(step.choices, turn.text, lang)
            if choice is None:
                return self._ask(session, t("pick_one", lang))
            value = choice.value
        elif len(turn.text) > step.max_chars:
            return self._ask(session, t("answer_too_long", lang, limit=step.max_chars))
        else:
            value, note = session.form.accept(step, turn.text.strip(), lang)
        session.data[step.name] = value
        session.index += 1
        return self._ask(session, note)

    def _ask(self, session: Session, before: str | None) -> Reply:
        lang = session.lang
        parts = [before] if before else []
        if session.confirming:
            parts += [session.form.summary(session.data, lang), t("confirm", lang)]
        else:
            step = session.steps[session.index]
            parts.append(f"**{step.question[lang]}**")
            if step.choices:
                parts.append(numbered(step.choices, lang))
            hint = "skip_or_cancel" if step.optional else "cancel_hint"
            parts.append(f"_{t(hint, lang)}_")
        return Reply("\n\n".join(parts), Outcome.DIALOGUE, lang)
