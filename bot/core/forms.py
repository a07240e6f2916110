"""What a dialogue is made of: forms of named steps, choices, and the words that steer them.

A form is declared as steps (a question with choices, or free text), a summary and a
finish. The engine that runs them is `bot.core.dialogues`.
"""

from __future__ import annotations

import abc
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from bot.core.messages import Lang
from bot.core.texts import t
from bot.core.turn import Turn
from bot.text.normalize import fold
from bot.text.numbers import read_int


def _folded(*words: str) -> frozenset[str]:
    return frozenset(fold(w) for w in words)


CANCEL = _folded("avbryt", "cancel", "/avbryt", "/cancel", "sluta", "stop", "stopp", "avsluta",
                 "glöm det", "nej tack", "quit")
SKIP = _folded("hoppa över", "hoppa", "skip", "vet inte", "-", "pass", "inget", "ingen", "nej",
               "no")
YES = _folded("ja", "japp", "jo", "yes", "y", "ok", "okej", "spara", "save", "stämmer",
              "det stämmer", "ja tack", "skicka", "send", "gärna")
NO = _folded("nej", "no", "n", "nä", "inte")
# Steering a dialogue that is under way: they are the whole message, never part of one.
PAUSE = _folded("paus", "pausa", "pause", "vänta lite", "wait a moment")
RESUME = _folded("fortsätt", "fortsatt", "fortsätta", "continue", "resume", "/fortsätt",
                 "/continue", "/resume", "fortsätt med synpunkten", "go on")
RESTART = _folded("börja om", "starta om", "börja från början", "restart", "start over",
                  "start again")
# Every word that answers the bot's own question rather than saying something new.
REPLY_WORDS = frozenset(CANCEL | SKIP | YES | NO | PAUSE | RESUME | RESTART)

# How a question opens, folded; "jag undrar" and "i wonder" anywhere in the first words.
_QUESTION_OPENERS = _folded(*"""
    vad vem vems var vart varifrån när hur varför vilken vilket vilka kan kan får finns har är
    ska skall gäller måste berätta förklara stämmer
    what who whom whose where when how why which can could do does did is are was will would
    should shall may tell explain have has
""".split())
_WONDER = re.compile(r"\b(?:undrar|undra|wonder|wondering|fundera\w*)\b")


class NotAccepted(Exception):
    """A form's refusal of an answer: the message says why, the step is asked again."""

    def __init__(self, message: str) -> None:
        super().__init__("answer not accepted")
        self.message = message


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
    # Free text that tells what happened: kept as the answer even when the safety check
    # answers it first (a report, or an emergency that pauses the dialogue).
    incident: bool = False


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
        """Store what was collected; the confirmation shown to the person. May raise: the
        dialogue then stays at its confirmation and nothing is lost."""

    def title(self, lang: Lang) -> str:
        """What the person is doing, to be named mid-sentence ("din synpunkt")."""
        return t("dialogue_this", lang)

    def refuse(self, turn: Turn) -> str | None:
        """Why this person cannot start the form now (a limit), or None."""
        return None

    def begin(self, turn: Turn) -> dict[str, Any]:
        """What a session starts with in its data, before any step (what the conversation
        is about: its municipality, in a police area)."""
        return {}

    def accept(self, step: Step, text: str, lang: Lang) -> tuple[Any, str | None]:
        """A free-text answer as stored, with an optional note to the person; raises
        NotAccepted for an answer the step cannot take."""
        return text, None

    def notice(self, step: Step, text: str, lang: Lang) -> str | None:
        """A word to the person about what a free-text answer says (a crime told in
        feedback: "this is not a police report"), or None."""
        return None


# The choices' names are the knowledge base's, few and fixed: folded once, not every answer.
_fold_name = lru_cache(maxsize=1024)(fold)


def pick(choices: Sequence[Choice], text: str, lang: Lang, *,
         folded: str | None = None) -> Choice | None:
    """A choice by its number (in any script: "2", "²", "②", "٢", "２"), its label, or one
    of its words, forgiving typos. `folded`: `fold(text)` when the caller has it."""
    number = read_int(text)
    if number is not None:
        return choices[number - 1] if 1 <= number <= len(choices) else None
    answer = fold(text) if folded is None else folded
    if not answer:
        return None
    names: dict[str, Choice] = {}
    for choice in choices:
        for name in (choice.value, *choice.label.values(), *choice.words):
            names[_fold_name(name)] = choice
    if answer in names:
        return names[answer]
    # An answer in a sentence ("Fredrika, busskuren vid affären", "Gafsele, stugorna"):
    # the one choice whose word or two-word name it contains; none when two choices are.
    words = answer.split()
    hits = [names[w] for w in (*words, *map(" ".join, itertools.pairwise(words)))
            if w in names]
    found = {id(c): c for c in hits}  # choices hold dicts: not hashable themselves
    if len(found) == 1:
        return hits[0]
    if found:
        return None
    best = process.extractOne(answer, list(names), scorer=fuzz.WRatio, score_cutoff=86)
    return names[best[0]] if best else None


def numbered(choices: Sequence[Choice], lang: Lang) -> str:
    return "\n".join(f"{i}. {c.label[lang]}" for i, c in enumerate(choices, 1))


def looks_like_question(text: str, words: Sequence[str] | None = None) -> bool:
    """Whether a message that answers none of a menu's choices is a question of its own
    ("vad har polisen lovat?", "when does the agreement end", "jag undrar om …") rather
    than a wrong answer ("banan", "bakom skolan"). One word is never a question here.
    `words`: the folded words of `text` when the caller has them."""
    if words is None:
        words = fold(text).split()
    if len(words) < 2:
        return False
    return (text.rstrip().endswith("?") or words[0] in _QUESTION_OPENERS
            or bool(_WONDER.search(" ".join(words[:4]))))
