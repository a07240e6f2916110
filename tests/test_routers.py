"""Features as routers: joined in the declared order, clashes refused when the bot is
built, one command path (and one role check) for slash commands and commands in words."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import Config, Roles
from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.commands import Command, CommandRouter
from bot.core.dialogues import Dialogues, Form, Step
from bot.core.messages import Lang, Outcome, Reply
from bot.core.router import Router, include
from bot.core.turn import Turn
from bot.features.activities import ActivityLog
from bot.features.answers import Answers
from bot.features.digest_chat import Digests
from bot.features.foreign_notice import ForeignNotice
from bot.features.request_status import RequestStatus
from bot.features.safety import SafetyCheck
from bot.features.smalltalk import SmallTalk
from bot.features.survey import SurveyStart
from tests.conftest import ROOT, ask, message

STAFF, ADMIN, RESIDENT = "@polis:x", "@chef:x", "@anna:x"


async def nothing(turn: Turn, args: str) -> Reply:
    return Reply("RAN", Outcome.COMMAND, turn.lang)


def command(name: str, *aliases: str, summary: str | None = None) -> Command:
    return Command(name=name, aliases=aliases, run=nothing, summary=summary or f"cmd_{name}")


class NamedForm(Form):
    name = "Named"

    def __init__(self, key: str) -> None:
        self.key = key

    def steps(self, turn: Turn) -> Sequence[Step]:
        return ()

    def intro(self, turn: Turn) -> str:
        return ""

    def summary(self, data: dict[str, Any], lang: Lang) -> str:
        return ""

    async def finish(self, data: dict[str, Any], turn: Turn) -> str:
        return ""


# ---------------------------------------------------------------- clashes, when built
@pytest.mark.parametrize(("first", "second", "named"), [
    (command("tyck"), command("tyck", summary="cmd_other"), "/tyck"),
    # An alias that folds to another command's name: /hjalp would reach only one of them.
    (command("hjälp"), command("meny", "HJALP"), "/hjalp"),
    (command("a", "boka"), command("b", "Böka"), "/boka"),
])
def test_a_command_two_routers_bring_is_refused_by_name(first: Command, second: Command,
                                                          named: str) -> None:
    with pytest.raises(ValueError, match=f"command {named} in feedback and sessions"):
        include([Router("feedback", commands=(first,)),
                 Router("sessions", commands=(second,))])


def test_a_command_twice_in_one_router_is_refused() -> None:
    with pytest.raises(ValueError, match="command /logga twice in activities"):
        include([Router("activities", commands=(command("logga"), command("log", "logga",
                                                                          summary="x")))])


def test_a_form_key_two_routers_bring_is_refused() -> None:
    with pytest.raises(ValueError, match="form booking in sessions and survey"):
        include([Router("sessions", forms=(NamedForm("booking"),)),
                 Router("survey", forms=(NamedForm("booking"),))])


def test_a_text_key_two_routers_own_is_refused() -> None:
    with pytest.raises(ValueError, match="text key bk_title in sessions and survey"):
        include([Router("sessions", texts=("bk_title",)),
                 Router("survey", texts=("bk_title",))])
    # A command's summary is a key its router owns.
    with pytest.raises(ValueError, match="text key cmd_tyck in feedback and survey"):
        include([Router("feedback", commands=(command("tyck"),)),
                 Router("survey", texts=("cmd_tyck",))])


def test_a_router_name_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="router answers twice"):
        include([Router("answers"), Router("answers")])


def test_distinct_routers_are_joined_in_the_declared_order() -> None:
    async def first(turn: Turn) -> Reply | None:
        return None

    async def second(turn: Turn) -> Reply | None:
        return None

    async def close() -> None:
        return None

    def hook(turn: Turn, reply: Reply) -> Reply:
        return reply

    a, b, c = command("a"), command("b"), command("c")
    forms = NamedForm("x"), NamedForm("y")
    included = include([
        Router("one", commands=(b,), step=first, unaddressed=first, forms=(forms[1],)),
        Router("two", commands=(a,), after=hook, closers=(close,)),
        Router("three", commands=(c,), step=second, forms=(forms[0],)),
    ])
    assert included.commands == (b, a, c)
    assert included.pipeline == (first, second)
    assert included.unaddressed == (first,)
    assert included.after == (hook,)
    assert included.closers == (close,)
    assert [f.key for f in included.forms] == ["y", "x"]


def test_a_form_registered_twice_is_refused() -> None:
    dialogues = Dialogues()
    dialogues.register(NamedForm("feedback"))
    with pytest.raises(ValueError, match="form feedback"):
        dialogues.register(NamedForm("feedback"))


# ---------------------------------------------------------------- one command path
async def test_a_command_said_in_words_takes_the_same_role_check() -> None:
    ran: list[str] = []

    async def log(turn: Turn, args: str) -> Reply:
        ran.append(args)
        return Reply("LOGGED", Outcome.COMMAND, turn.lang)

    def said(turn: Turn) -> str | None:
        return turn.text.removeprefix("Logga ") if turn.text.startswith("Logga ") else None

    router = CommandRouter([Command(name="logga", run=log, summary="cmd_logga", phrase=said,
                                    check=lambda turn: turn.msg.sender == STAFF)])
    bot = Bot([router], FixedClock(dt.date(2026, 1, 1)))
    refused = await ask(bot, "Logga trafikkontroll", sender=RESIDENT)
    assert (refused.text, refused.outcome) == ("Det kommandot är för personal.",
                                               Outcome.COMMAND)
    assert ran == []
    assert (await ask(bot, "Logga trafikkontroll", sender=STAFF)).text == "LOGGED"
    assert (await ask(bot, "/logga skolbesök", sender=STAFF)).text == "LOGGED"
    assert ran == ["trafikkontroll", "skolbesök"]
    # "/ Logga …" is neither a slash command nor words: nothing here answers it.
    assert await bot.handle(message("/ Logga trafikkontroll", sender=STAFF)) is None
    assert ran == ["trafikkontroll", "skolbesök"]


async def test_a_slashless_log_by_a_resident_is_refused_by_the_command_path(
        store: Any, clock: FixedClock, caplog: pytest.LogCaptureFixture) -> None:
    from bot.app import build_bot
    from bot.knowledge.holder import KnowledgeHolder

    bot = build_bot(Config(roles=Roles(staff=[STAFF])), clock,
                    KnowledgeHolder.load(Config().knowledge), store)
    with caplog.at_level("INFO", logger="bot.core.commands"):
        reply = await ask(bot, "Logga trafikkontroll: Lomsjö", sender=RESIDENT)
    assert reply.text == "Det kommandot är för personal."
    assert "command refused: /logga" in caplog.text
    assert "Lomsjö" not in caplog.text and RESIDENT not in caplog.text


# ---------------------------------------------------------------- the bot as built
@pytest.fixture
def bot(store: Any, clock: FixedClock) -> Bot:
    from bot.app import build_bot
    from bot.knowledge.holder import KnowledgeHolder

    config = Config(roles=Roles(staff=[STAFF], admins=[ADMIN]))
    return build_bot(config, clock, KnowledgeHolder.load(Config().knowledge), store)


def test_the_pipeline_runs_in_the_declared_order(bot: Bot) -> None:
    # A step is a component, or a bound method of one (the survey's, the digest's).
    kinds = [type(getattr(step, "__self__", step)) for step in bot.pipeline]
    assert kinds == [SafetyCheck, CommandRouter, Dialogues, SurveyStart, ActivityLog,
                     ForeignNotice, RequestStatus, Digests, SmallTalk, Answers]
    assert [type(step) for step in bot.unaddressed] == [SafetyCheck]
    # The dialogues' way back to a paused dialogue, then the survey's invitation.
    assert len(bot.after) == 2 and len(bot.closers) == 1
    # The survey periods re-read, the reminders, the month's digest draft.
    assert len(bot.daily) == 3


def _listed(text: str) -> list[str]:
    return re.findall(r"^- `/(\S+?)[` ]", text, re.MULTILINE)


def _in_order(listed: list[str], expected: list[str]) -> bool:
    """`expected` appear in `listed` in this order (a later feature may add commands)."""
    positions = [listed.index(name) for name in expected]
    return positions == sorted(positions)


async def test_help_lists_the_commands_as_before(bot: Bot) -> None:
    staff = (await ask(bot, "/hjälp", sender=ADMIN)).text
    expected = ["hjälp", "avbryt", "fortsätt", "tyck", "synpunkter", "boka", "förfrågningar",
                "bekräfta", "avböj", "genomförd", "logga", "ångra", "aktiviteter", "ändra",
                "rapport", "ladda", "obesvarade"]
    assert _in_order(_listed(staff), expected)
    assert "- `/tyck`: lämna en anonym synpunkt om tryggheten" in staff
    assert "- `/rapport [period] [kommun]`: uppföljningsrapport (standard: två år)" in staff
    assert "- `/ladda om`: laddar om kunskapsbasen (admin)" in staff
    resident = _listed((await ask(bot, "/hjälp", sender=RESIDENT)).text)
    assert _in_order(resident, ["hjälp", "avbryt", "fortsätt", "tyck", "boka"])
    assert not {"logga", "synpunkter", "ladda", "obesvarade"} & set(resident)
    english = (await ask(bot, "/help", sender=RESIDENT, lang="en")).text
    assert "- `/help`: shows what I can do" in english
    assert "- `/tyck`: give anonymous feedback on safety" in english


def test_every_command_summary_is_in_every_catalogue(bot: Bot) -> None:
    router = next(step for step in bot.pipeline if isinstance(step, CommandRouter))
    keys = {c.summary for c in router.commands}
    assert keys and all(key.startswith("cmd_") for key in keys)
    for catalogue in sorted(Path(ROOT / "bot" / "i18n").glob("*.yaml")):
        texts = yaml.safe_load(catalogue.read_text(encoding="utf-8"))
        if not isinstance(texts, dict) or "greeting" not in texts:
            continue  # not a language catalogue
        assert keys <= texts.keys(), (catalogue.name, sorted(keys - texts.keys()))
