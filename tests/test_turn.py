"""A message is folded once a turn: Bot.handle folds it, the Turn carries the fold and its
words, and every step (safety, commands, dialogue, language, foreign notice, small talk)
reads that instead of folding the same text again."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import pkgutil
import sys

import pytest

import bot
from bot.core.bot import Bot
from bot.core.messages import IncomingMessage, Outcome
from bot.core.turn import Turn
from bot.text import normalize
from bot.text.language import detect, evidence
from tests.conftest import ask

NOW = dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)


def _turn(text: str, **kwargs: object) -> Turn:
    msg = IncomingMessage(transport="test", room="!r", sender="@anna", text=text)
    return Turn(msg, text, "sv", NOW, **kwargs)  # type: ignore[arg-type]


def test_a_turn_carries_the_fold_of_its_text_and_its_words() -> None:
    turn = _turn("Vad är MEDBORGARLÖFTET, 114 14?")
    assert turn.folded == normalize.fold(turn.text) == "vad ar medborgarloftet 11414"
    assert turn.words == ("vad", "ar", "medborgarloftet", "11414")
    empty = _turn("👍")
    assert (empty.folded, empty.words) == ("", ())


def test_a_given_fold_is_taken_and_a_copy_with_another_text_is_folded_again() -> None:
    turn = _turn("Hej", given_fold="hej")
    assert turn.folded == "hej" and turn.words == ("hej",)
    other = dataclasses.replace(turn, text="Hej då")
    assert other.folded == "hej da" and other.words == ("hej", "da")
    with pytest.raises(dataclasses.FrozenInstanceError):
        turn.folded = "x"  # type: ignore[misc]


def test_language_and_foreign_detection_read_the_given_words() -> None:
    # The words decide when given: proof that they are read rather than folded again.
    assert detect("hej", words=["what", "is", "the", "promise"]) == "en"
    assert evidence("what is the promise", words=["vad", "ar", "det"]) == "sv"


@pytest.fixture
def folds(shipped_bot: Bot, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text `fold` is called with, from any module of the bot. Modules import `fold`
    by name, so each module's own reference is replaced; all of them are imported first,
    so that none folds behind the counter's back."""
    for module in pkgutil.walk_packages(bot.__path__, "bot."):
        if module.name.split(".")[1] in ("core", "text", "knowledge", "features"):
            importlib.import_module(module.name)
    original, seen = normalize.fold, []

    def counting(text: str) -> str:
        seen.append(text)
        return original(text)

    patched = [name for name, module in list(sys.modules.items())
               if name.startswith("bot.") and getattr(module, "fold", None) is original]
    for name in patched:
        monkeypatch.setattr(sys.modules[name], "fold", counting)
    assert {"bot.core.bot", "bot.core.forms", "bot.features.safety_rules"} <= set(patched)
    return seen


# A conversation through every step that reads words: questions in both languages, small
# talk, a command, a foreign language, a dialogue with a question in the middle of it, its
# choice steps and its cancelling, an emergency. (A free-text answer is read again by the
# form itself, behind `Form.accept(text)` and `Form.notice(text)`: not in this list.)
CONVERSATION = [
    ("Vad är medborgarlöftet?", Outcome.ANSWERED),
    ("what did the police promise", Outcome.ANSWERED),
    ("hej", Outcome.SMALLTALK),
    ("tack så mycket", Outcome.SMALLTALK),
    ("/hjälp", Outcome.COMMAND),
    ("Mikä on poliisin puhelinnumero?", Outcome.FOREIGN),
    ("/tyck", Outcome.DIALOGUE),
    ("hur länge gäller avtalet?", Outcome.ANSWERED),
    ("trafk", Outcome.DIALOGUE),
    ("Fredrika", Outcome.DIALOGUE),
    ("avbryt", Outcome.DIALOGUE),
    ("det brinner i grannhuset nu", Outcome.EMERGENCY),  # last: a crisis follows it up
]


async def test_one_fold_of_the_message_per_turn(shipped_bot: Bot, folds: list[str]) -> None:
    for text, outcome in CONVERSATION:
        folds.clear()
        reply = await ask(shipped_bot, text, sender="@fold")
        assert reply.outcome is outcome, (text, reply.text)
        assert folds.count(text) == 1, (text, folds)
