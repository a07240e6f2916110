"""The picks a reply offers as buttons (`Reply.choices`): what each says, and what
pressing it sends. A button does exactly what typing its `send` does: a number picks from
the numbered list the text still carries; a word button sends its own label, which the
step reads as it reads the typed word."""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.forms import CANCEL, RESTART, RESUME, SKIP, YES
from bot.core.messages import Choice, Lang
from bot.core.texts import t
from bot.text.normalize import fold

__all__ = ["Choice", "numbered", "paused", "word"]

# Each word button's catalogue key, the words its step understands, and what it sends
# when a deployment's wording of the label is not one of them ("Ja, gärna!").
_WORDS: dict[str, tuple[frozenset[str], str]] = {
    "choice_yes": (YES, "ja"),
    "choice_cancel": (CANCEL, "avbryt"),
    "choice_skip": (SKIP, "hoppa över"),
    "choice_resume": (RESUME, "/fortsätt"),
    "choice_restart": (RESTART, "börja om"),
}


def numbered(labels: Iterable[str]) -> tuple[Choice, ...]:
    """One button a line of a numbered list ("1. …"), sending its number."""
    return tuple(Choice(label, str(i)) for i, label in enumerate(labels, 1))


def word(key: str, lang: Lang) -> Choice:
    """The button for a reply word ("choice_yes", "choice_cancel", …) in `lang`."""
    understood, fallback = _WORDS[key]
    label = t(key, lang)
    if key == "choice_resume":
        # The command, as the paused hint says: during a crisis only a command passes the
        # safety check, and a plain "fortsätt" would get its 112 follow-up instead.
        return Choice(label, "/continue" if lang == "en" else "/fortsätt")
    return Choice(label, label if fold(label) in understood else fallback)


def paused(lang: Lang) -> tuple[Choice, ...]:
    """What a paused dialogue's hint offers: go on, start over, or end it."""
    return (word("choice_resume", lang), word("choice_restart", lang),
            word("choice_cancel", lang))
