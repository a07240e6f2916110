"""What follows a 112 reply, and what an unsure message gets, through Bot.handle: an
emergency stays one for a while, with guidance for its kind; "is anyone in danger?" comes
first when the check is unsure; "I don't know" never answers distress."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import pytest

from bot.app import build_bot
from bot.config import Config
from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.messages import Outcome
from bot.features.safety import CRISIS_WINDOW, SafetyCheck
from bot.features.safety_model import Features, Scores
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store
from tests.conftest import ask, message

ACCIDENT = "en bil har kört i diket vid Lomsjö och föraren rör sig inte"
FIRST_112 = ("**Ring 112", "**Call 112", "**Är någon i fara just nu? Ring 112.**",
             "**Is anyone in danger right now? Call 112.**")


def opens_with_112(text: str) -> bool:
    return text.startswith(FIRST_112)


async def test_the_next_message_gets_112_and_guidance(shipped_bot: Bot) -> None:
    first = await ask(shipped_bot, ACCIDENT)
    assert first.outcome is Outcome.EMERGENCY
    for follow_up in ("vad gör jag nu??", "han svarar inte", "trafikkontroller"):
        reply = await ask(shipped_bot, follow_up)
        assert reply.outcome is Outcome.EMERGENCY and reply.topic_id is None, follow_up
        assert opens_with_112(reply.text)
        assert "Flytta inte en skadad person" in reply.text


@pytest.mark.parametrize(("first", "guide", "line"), [
    ("min kompis skriver att hon ska ta livet av sig ikväll", "Lämna inte personen ensam",
     "90101"),
    ("vår son på 8 år har inte kommit hem och det är mörkt ute", "24 timmar", None),
    ("det brinner i köket hos grannen", "stäng dörrarna", None),
    ("min sambo slår mig, jag har låst in mig i badrummet", "Ta dig i säkerhet",
     "020-50 50 50"),
    ("han ligger på golvet och andas inte", "hjärt-lungräddning", None),
])
async def test_guidance_fits_the_kind(shipped_bot: Bot, first: str, guide: str,
                                      line: str | None) -> None:
    assert (await ask(shipped_bot, first)).outcome is Outcome.EMERGENCY
    reply = await ask(shipped_bot, "vad ska jag göra")
    assert opens_with_112(reply.text) and guide in reply.text
    if line is not None:
        assert line in reply.text


async def test_english_follow_up_is_english(shipped_bot: Bot) -> None:
    await ask(shipped_bot, "my dad collapsed and he is not breathing", lang="en")
    reply = await ask(shipped_bot, "what now", lang="en")
    assert reply.text.startswith("**Call 112") and "CPR" in reply.text


async def test_the_crisis_ends_after_a_quiet_window(shipped_bot: Bot,
                                                     clock: FixedClock) -> None:
    await ask(shipped_bot, ACCIDENT)
    clock.advance(CRISIS_WINDOW - dt.timedelta(minutes=1))
    assert (await ask(shipped_bot, "vad har polisen lovat?")).outcome is Outcome.EMERGENCY
    clock.advance(CRISIS_WINDOW - dt.timedelta(minutes=1))  # each message starts it again
    assert (await ask(shipped_bot, "vad har polisen lovat?")).outcome is Outcome.EMERGENCY
    clock.advance(CRISIS_WINDOW + dt.timedelta(seconds=1))
    reply = await ask(shipped_bot, "vad har polisen lovat?")
    assert reply.outcome is Outcome.ANSWERED and not opens_with_112(reply.text)


async def test_help_has_come(shipped_bot: Bot) -> None:
    await ask(shipped_bot, ACCIDENT)
    calm = await ask(shipped_bot, "ambulansen är här nu")
    assert "skönt" in calm.text and "112" in calm.text
    assert (await ask(shipped_bot, "vad har polisen lovat?")).outcome is Outcome.ANSWERED


async def test_only_that_conversation_is_in_crisis(shipped_bot: Bot) -> None:
    await ask(shipped_bot, ACCIDENT, sender="@anna")
    other = await ask(shipped_bot, "vad har polisen lovat?", sender="@berit")
    assert other.outcome is Outcome.ANSWERED


async def test_commands_still_work_in_a_crisis(shipped_bot: Bot) -> None:
    await ask(shipped_bot, ACCIDENT)
    assert (await ask(shipped_bot, "/hjälp")).outcome is Outcome.COMMAND


async def test_group_room_follow_up_only_when_addressed(shipped_bot: Bot) -> None:
    group = {"is_direct": False, "room": "!group"}
    await ask(shipped_bot, ACCIDENT, **group)
    assert await shipped_bot.handle(message("ok vi ses sen", addressed=False, **group)) is None
    reply = await ask(shipped_bot, "vad gör jag?", addressed=True, **group)
    assert reply.outcome is Outcome.EMERGENCY and opens_with_112(reply.text)


async def test_remembered_crises_are_bounded(clock: FixedClock, store: Store,
                                             shipped_holder: KnowledgeHolder) -> None:
    check = SafetyCheck(max_crises=2)
    bot = build_bot(Config(), clock, shipped_holder, store, safety=check)
    for who in ("@a", "@b", "@c"):
        await ask(bot, ACCIDENT, sender=who)
    first = await ask(bot, "vad har polisen lovat?", sender="@a")
    assert first.outcome is Outcome.ANSWERED  # the oldest was let go
    assert (await ask(bot, "vad gör jag", sender="@c")).outcome is Outcome.EMERGENCY


class UnsureModel:
    """Unsure (between the thresholds) about messages with "blorp", sure of the rest."""

    thresholds: ClassVar[dict[str, float]] = {
        "emergency": 0.9, "rule_floor": 0.5, "strong_floor": 0.5, "unsure": 0.3,
        "report": 0.95, "kind": 0.6}

    def score(self, f: Features) -> Scores:
        names = {name for group, _ in f.blocks for name in group}
        if "w:blorp" in names:
            return Scores(0.6, 0.1, 0.3, "suicide", 0.7)
        return Scores(0.001, 0.001, 0.998, "fire", 0.5)


@pytest.fixture
def unsure_bot(clock: FixedClock, store: Store, shipped_holder: KnowledgeHolder) -> Bot:
    check = SafetyCheck(UnsureModel())  # type: ignore[arg-type]
    return build_bot(Config(), clock, shipped_holder, store, safety=check)


async def test_unsure_puts_112_first_and_still_answers(unsure_bot: Bot) -> None:
    reply = await ask(unsure_bot, "vad har polisen lovat blorp")
    assert reply.outcome is Outcome.ANSWERED and reply.topic_id is not None
    parts = reply.text.split("\n\n")
    assert parts[0] == "**Är någon i fara just nu? Ring 112.**"
    plain = await ask(unsure_bot, "vad har polisen lovat")
    assert reply.text == parts[0] + "\n\n" + plain.text


async def test_unsure_pattern_adds_its_support_line(unsure_bot: Bot) -> None:
    # A pattern sees violence at home that the classifier doubts: the answer comes, between
    # the unsure line and the support line.
    reply = await ask(unsure_bot, "min man slår mig, vad säger löftet om våld i nära relationer")
    assert reply.outcome in (Outcome.ANSWERED, Outcome.SUGGESTED)
    parts = reply.text.split("\n\n")
    assert opens_with_112(parts[0]) and "020-50 50 50" in parts[-1]


async def test_distress_never_gets_i_dont_know(unsure_bot: Bot) -> None:
    reply = await ask(unsure_bot, "blorp")
    assert reply.outcome is Outcome.DISTRESS
    assert opens_with_112(reply.text)
    assert "vet jag tyvärr inte" not in reply.text and "90101" in reply.text
    english = await ask(unsure_bot, "blorp", lang="en")
    assert english.text.startswith("**Is anyone in danger right now? Call 112.**")


async def test_unsure_in_a_dialogue_keeps_the_dialogue(unsure_bot: Bot) -> None:
    started = await ask(unsure_bot, "/tyck")
    assert started.outcome is Outcome.DIALOGUE
    reply = await ask(unsure_bot, "blorp")
    assert opens_with_112(reply.text) and reply.outcome is Outcome.DIALOGUE


async def test_unsure_is_quiet_in_group_talk(unsure_bot: Bot) -> None:
    group = message("blorp", is_direct=False, addressed=False)
    assert await unsure_bot.handle(group) is None
