"""The message path through Bot.handle, on the small fixture knowledge base."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.commands import parse_command
from bot.core.messages import Outcome
from bot.store import Store
from bot.text.language import detect
from tests.conftest import ask, message


async def test_answer_carries_reply_metadata(fixture_bot: Bot) -> None:
    reply = await ask(fixture_bot, "vad har snuten lovat?", event_id="$q", thread="$root")
    assert reply.outcome is Outcome.ANSWERED
    assert reply.topic_id == "lofte"
    assert reply.reply_to == "$q" and reply.thread == "$root"
    assert "2021–2022" in reply.text


async def test_unknown_question_gets_an_honest_answer(fixture_bot: Bot) -> None:
    reply = await ask(fixture_bot, "vad kostar hundskatten")
    assert reply.outcome is Outcome.UNKNOWN
    assert "tyvärr inte svara" in reply.text and "112" in reply.text


async def test_english_question_gets_english(fixture_bot: Bot) -> None:
    reply = await ask(fixture_bot, "what did the police promise?")
    assert reply.lang == "en"
    assert "citizen promise" in reply.text.lower()


@pytest.mark.parametrize(("text", "lang"), [
    ("what is a citizen promise", "en"),
    ("how long does the agreement run", "en"),
    ("vad har ni lovat", "sv"),
    ("när går avtalet ut", "sv"),
    ("knark", "sv"),  # no clue either way: the default
    ("hej", "sv"),
    ("hi there", "en"),
])
def test_language_detection(text: str, lang: str) -> None:
    assert detect(text) == lang


async def test_forced_language(fixture_bot: Bot) -> None:
    reply = await ask(fixture_bot, "knark", lang="en")
    assert (reply.lang == "en" and "Drugs" in reply.text) or "drugs" in reply.text


@pytest.mark.parametrize("text", ["hej", "Hej bot!", "hallå där", "god morgon", "hello"])
async def test_greeting_lists_what_the_bot_can_do(fixture_bot: Bot, text: str) -> None:
    reply = await ask(fixture_bot, text)
    assert reply.outcome is Outcome.SMALLTALK
    assert "/hjälp" in reply.text or "/help" in reply.text


@pytest.mark.parametrize("text", ["tack", "Tack så mycket!", "thanks"])
async def test_thanks(fixture_bot: Bot, text: str) -> None:
    reply = await ask(fixture_bot, text)
    assert reply.outcome is Outcome.SMALLTALK
    assert "Varsågod" in reply.text or "welcome" in reply.text


@pytest.mark.parametrize("text", ["hjälp", "help", "/hjälp", "/help", "/HJÄLP", "vad kan du"])
async def test_help(fixture_bot: Bot, text: str) -> None:
    reply = await ask(fixture_bot, text)
    assert reply.outcome in (Outcome.SMALLTALK, Outcome.COMMAND)
    assert "fråga" in reply.text.lower() or "ask" in reply.text.lower()
    assert "112" in reply.text


@pytest.mark.parametrize("text", ["ok", "Okej!", "jaha", "nej", "ja", "cool"])
async def test_acknowledgements_get_a_short_answer(fixture_bot: Bot, text: str) -> None:
    reply = await ask(fixture_bot, text)
    assert reply.outcome is Outcome.SMALLTALK and "Okej" in reply.text


@pytest.mark.parametrize(("text", "said"), [
    ("vem är du?", "ingen människa"), ("Hej! Vad heter du?", "ingen människa"),
    ("vad är du för nåt", "ingen människa"), ("who are you", "not a person"),
    ("What's your name?", "not a person")])
async def test_who_are_you_is_answered_by_the_bot_about_itself(
        fixture_bot: Bot, text: str, said: str) -> None:
    reply = await ask(fixture_bot, text)
    assert reply.outcome is Outcome.SMALLTALK and said in reply.text and "112" in reply.text


@pytest.mark.parametrize("text", ["vem är kommunpolis", "vad heter hen",
                                  "vem är du och vem är kommunpolisen"])
async def test_who_questions_about_others_go_to_the_knowledge_base(
        fixture_bot: Bot, text: str) -> None:
    reply = await ask(fixture_bot, text)
    assert reply.outcome is not Outcome.SMALLTALK


@pytest.mark.parametrize("text", ["👍", "???", "🙂 !!"])
async def test_symbols_only_get_a_prompt(fixture_bot: Bot, text: str) -> None:
    reply = await ask(fixture_bot, text)
    assert reply.outcome is Outcome.SMALLTALK and "Skriv din fråga" in reply.text


async def test_unknown_command(fixture_bot: Bot) -> None:
    reply = await ask(fixture_bot, "/flyg till månen")
    assert reply.outcome is Outcome.COMMAND
    assert "/hjälp" in reply.text


def test_parse_command() -> None:
    assert parse_command("/Hjälp  mig") == ("hjalp", "mig")
    assert parse_command("/ logga") is None
    assert parse_command("vad är /hjälp") is None
    assert parse_command("/") is None


async def test_group_room_silent_unless_addressed(fixture_bot: Bot) -> None:
    assert await fixture_bot.handle(message("vad har snuten lovat", is_direct=False)) is None
    reply = await fixture_bot.handle(message("vad har snuten lovat", is_direct=False,
                                             addressed=True))
    assert reply is not None and reply.topic_id == "lofte"


async def test_group_room_emergency_is_answered_even_unaddressed(fixture_bot: Bot) -> None:
    reply = await fixture_bot.handle(message("hjälp han slår mig med en kniv nu",
                                             is_direct=False))
    assert reply is not None and reply.outcome is Outcome.EMERGENCY
    assert reply.text.splitlines()[0].count("112")


@pytest.mark.parametrize(("text", "key"), [
    ("x" * 5000, "för långt"),
    ("\x00\x01\x02", "kunde inte läsa"),
    ("\ufffd\ufffd\ufffd\ufffd", "kunde inte läsa"),
    ("   ", "Skriv din fråga"),
])
async def test_bad_input_gets_a_clear_answer(fixture_bot: Bot, text: str, key: str) -> None:
    reply = await ask(fixture_bot, text)
    assert reply.outcome is Outcome.INVALID
    assert key in reply.text


async def test_markup_is_not_a_problem(fixture_bot: Bot) -> None:
    reply = await ask(fixture_bot, "<script>alert(1)</script> vad har <b>polisen</b> lovat?")
    assert reply.topic_id == "lofte"
    assert "<script>" not in reply.text


async def test_handler_failure_reaches_the_user_without_the_body(
        fixture_bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    async def broken(turn):
        raise RuntimeError(f"boom {turn.text}")

    fixture_bot.pipeline.insert(0, broken)
    with caplog.at_level(logging.INFO):
        reply = await ask(fixture_bot, "hemligt innehåll 198112189876")
    assert reply.outcome is Outcome.INVALID and "fel" in reply.text
    assert "RuntimeError" in caplog.text
    assert "hemligt" not in caplog.text and "198112189876" not in caplog.text


async def test_log_lines_hold_no_body_or_sender(
        fixture_bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    # Our own logger by name: an earlier test that ran `main()` may have set its level.
    with caplog.at_level(logging.DEBUG, logger="bot"):
        await ask(fixture_bot, "vad har snuten lovat hemlisen", sender="@resident:x",
                  room="!secretroom:x")
    assert "handled" in caplog.text
    for secret in ("hemlisen", "@resident", "secretroom", "snuten"):
        assert secret not in caplog.text


async def test_suggestions_can_be_picked_by_number(fixture_bot: Bot,
                                                   clock: FixedClock) -> None:
    # "polis" alone is shared by several topics: suggestions, then a number picks one.
    reply = await ask(fixture_bot, "snuten")
    assert reply.outcome is Outcome.SUGGESTED, reply.text
    assert "1." in reply.text and "2." in reply.text
    picked = await ask(fixture_bot, "2")
    assert picked.outcome is Outcome.ANSWERED
    # Another person's "1" is not an answer to these suggestions.
    other = await ask(fixture_bot, "1", sender="@someone-else")
    assert other.outcome is not Outcome.ANSWERED or other.topic_id is None
    # The suggestions expire.
    await ask(fixture_bot, "snuten")
    clock.advance(dt.timedelta(hours=1))
    late = await ask(fixture_bot, "1")
    assert late.outcome is Outcome.UNKNOWN


async def test_clock_decides_current_or_latest(fixture_bot: Bot, clock: FixedClock) -> None:
    clock.set(dt.datetime(2022, 6, 1, 12, tzinfo=clock.now().tzinfo))
    assert "gäller nu" in (await ask(fixture_bot, "vad har snuten lovat")).text
    clock.set(dt.datetime(2023, 6, 1, 12, tzinfo=clock.now().tzinfo))
    assert "senaste" in (await ask(fixture_bot, "vad har snuten lovat")).text


async def test_medium_band_answers_with_did_you_mean(store: Store) -> None:
    from bot.knowledge.matcher import Band, Candidate, MatchResult

    class Stub:
        def match(self, text: str) -> MatchResult:
            return MatchResult(Band.MEDIUM, (Candidate("byar", 0.5), Candidate("lofte", 0.4)),
                               close=False)

    from bot.app import build_bot
    from bot.config import Config
    from bot.knowledge.holder import KnowledgeHolder
    from tests.conftest import FIXTURE

    holder = KnowledgeHolder.load(FIXTURE)
    holder.kb.matcher = Stub()  # type: ignore[assignment]
    bot = build_bot(Config(), FixedClock(dt.date(2026, 1, 1)), holder, store)
    reply = await ask(bot, "något oklart om byar")
    assert reply.outcome is Outcome.SUGGESTED and reply.topic_id == "byar"
    assert "Menade du" in reply.text and "1. Vad har lovats" in reply.text
