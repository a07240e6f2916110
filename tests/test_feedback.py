"""The anonymous feedback dialogue through Bot.handle, with the injected clock."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.app import build_bot
from bot.config import Config, FeedbackSettings, Roles
from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.messages import Outcome
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store
from tests.conftest import ask

PNR = "19811218-9876"  # a valid personnummer (Luhn)


async def run(bot: Bot, *texts: str, **kwargs: object) -> list[str]:
    return [(await ask(bot, text, **kwargs)).text for text in texts]


async def test_full_flow_stores_only_what_it_says(shipped_bot: Bot, store: Store) -> None:
    replies = await run(shipped_bot, "/tyck", "2", "Fredrika",
                        f"Langning vid skolan, ring mig på 070-123 45 67, mitt pnr {PNR}",
                        "4", "ja", sender="@anna:example.org", room="!rum:example.org")
    assert "ingen polisanmälan" in replies[0] and "112" in replies[0]
    assert "1. Trafik" in replies[0] and "ser alla" not in replies[0]
    assert "Var ungefär?" in replies[1] and "2. Fredrika" in replies[1]
    assert "telefonnummer" in replies[3] and "personnummer" in replies[3]
    summary = replies[4]
    assert "[telefonnummer]" in summary and "[personnummer]" in summary
    assert "070-123" not in summary and PNR not in summary
    assert "Narkotika och alkohol" in summary and "ganska tryggt" in summary
    assert "sparad" in replies[5]
    [entry] = await store.list_feedback()
    assert (entry.category, entry.area, entry.rating, entry.lang) == (
        "narkotika-alkohol", "fredrika", 4, "sv")
    assert entry.day == dt.date(2026, 11, 28) and entry.granularity == "date"
    assert entry.text == "Langning vid skolan, ring mig på [telefonnummer], mitt pnr [personnummer]"


@pytest.mark.parametrize("step", range(6))
@pytest.mark.parametrize("word", ["avbryt", "Cancel", "/avbryt"])
async def test_cancel_at_every_step_saves_nothing(
        shipped_bot: Bot, store: Store, step: int, word: str) -> None:
    answers = ["/tyck", "1", "3", "Mörkt vid lekplatsen", "2"][:step]
    await run(shipped_bot, *answers)
    reply = await ask(shipped_bot, word)
    expected = "Inget sparades" if step else "inget att avbryta"
    assert expected in reply.text
    assert await store.list_feedback() == []
    # The dialogue is over: "1" is no longer an answer to it.
    assert "Trafik" not in (await ask(shipped_bot, "ja")).text


async def test_timeout_drops_the_dialogue_without_storing(
        shipped_bot: Bot, store: Store, clock: FixedClock) -> None:
    await run(shipped_bot, "/tyck", "1", "2", "Mörkt vid busshållplatsen", "3")
    clock.advance(dt.timedelta(minutes=16))
    reply = await ask(shipped_bot, "ja")  # would have confirmed; too late now
    assert reply.outcome is not Outcome.DIALOGUE
    assert await store.list_feedback() == []


async def test_answers_by_number_by_words_and_with_typos(shipped_bot: Bot,
                                                        store: Store) -> None:
    await run(shipped_bot, "/tyck", "trafk", "lomsjö", "Bilar kör fort", "mycket tryggt", "ja")
    [entry] = await store.list_feedback()
    assert (entry.category, entry.area, entry.rating) == ("trafik", "byarna", 5)


async def test_an_answer_that_fits_no_choice_gets_the_question_again(
        shipped_bot: Bot, store: Store) -> None:
    await ask(shipped_bot, "/tyck")
    reply = await ask(shipped_bot, "banan")
    assert "passade inte" in reply.text and "1. Trafik" in reply.text
    assert "Var ungefär?" in (await ask(shipped_bot, "1")).text
    assert "passade inte" in (await ask(shipped_bot, "9")).text  # out of range


async def test_safety_comes_first_inside_a_dialogue(shipped_bot: Bot, store: Store) -> None:
    await run(shipped_bot, "/tyck", "1", "2")
    emergency = await ask(shipped_bot, "han slår mig med en kniv nu")
    assert emergency.outcome is Outcome.EMERGENCY and "112" in emergency.text
    # While the emergency lasts, what follows is read in its light, not as an answer.
    follow_up = await ask(shipped_bot, "Folk kör för fort")
    assert follow_up.outcome is Outcome.EMERGENCY and "112" in follow_up.text
    # When the danger is over, the dialogue is still there, paused at the same step: the
    # person says when to go on, and what they wrote is offered, never taken unasked.
    await ask(shipped_bot, "polisen är här nu, det är lugnt")
    other = await ask(shipped_bot, "Folk kör för fort")
    assert other.outcome is not Outcome.DIALOGUE and "/fortsätt" in other.text
    resumed = await ask(shipped_bot, "fortsätt")
    assert "> han slår mig med en kniv nu" in resumed.text and "Berätta" in resumed.text
    assert "Hur trygg" in (await ask(shipped_bot, "Folk kör för fort")).text
    await run(shipped_bot, "3", "ja")
    [entry] = await store.list_feedback()
    assert (entry.category, entry.area, entry.text) == ("trafik", "fredrika",
                                                        "Folk kör för fort")


async def test_two_people_in_one_room_keep_separate_dialogues(
        shipped_bot: Bot, store: Store) -> None:
    anna = {"sender": "@anna:x", "room": "!shared:x"}
    erik = {"sender": "@erik:x", "room": "!shared:x"}
    await ask(shipped_bot, "/tyck", **anna)
    await ask(shipped_bot, "/tyck", **erik)
    await ask(shipped_bot, "1", **anna)
    await ask(shipped_bot, "3", **erik)
    await ask(shipped_bot, "1", **anna)
    await ask(shipped_bot, "2", **erik)
    await ask(shipped_bot, "Det första svaret", **anna)
    await ask(shipped_bot, "Det andra svaret", **erik)
    for who in (anna, erik):
        await ask(shipped_bot, "hoppa över", **who)
        await ask(shipped_bot, "ja", **who)
    entries = {e.text: e for e in await store.list_feedback()}
    first, second = entries["Det första svaret"], entries["Det andra svaret"]
    assert (first.category, first.area) == ("trafik", "centrala-asele")
    assert (second.category, second.area) == ("skadegorelse", "fredrika")


async def test_not_collected_in_a_group_room(shipped_bot: Bot, store: Store) -> None:
    reply = await ask(shipped_bot, "/tyck", is_direct=False, addressed=True)
    assert "privat" in reply.text
    follow = await ask(shipped_bot, "1", is_direct=False, addressed=True)
    assert "Vad gäller det" not in follow.text


@pytest.mark.parametrize("lang", ["sv", "en"])
async def test_a_conversation_others_read_is_named_before_the_first_question(
        shipped_bot: Bot, store: Store, lang: str) -> None:
    # A Teams channel: treated as direct so the dialogue goes on, but read by all.
    replies = await run(shipped_bot, "/tyck", "avbryt", seen_by_others=True, lang=lang)
    warning = {"sv": "ser alla i kanalen", "en": "everyone in this channel sees"}[lang]
    assert replies[0].index(warning) < replies[0].index("1. ")
    assert await store.list_feedback() == []


async def test_natural_wish_starts_it_and_feeling_unsafe_offers_it(shipped_bot: Bot) -> None:
    started = await ask(shipped_bot, "jag vill lämna en synpunkt", sender="@a:x")
    assert "Vad gäller det?" in started.text
    offered = await ask(shipped_bot, "Känner mig otrygg vid busstationen när det är mörkt",
                        sender="@b:x")
    assert "Svara **ja**" in offered.text and "anonym" in offered.text
    accepted = await ask(shipped_bot, "ja", sender="@b:x")
    assert "Vad gäller det?" in accepted.text


async def test_week_granularity_and_daily_limit(store: Store, clock: FixedClock) -> None:
    config = Config(feedback=FeedbackSettings(time_granularity="week", per_day=2))
    bot = build_bot(config, clock, KnowledgeHolder.load(Config().knowledge), store)
    for _ in range(2):
        await run(bot, "/tyck", "1", "1", "Fart", "hoppa över", "ja")
    refused = await ask(bot, "/tyck")
    assert "många synpunkter i dag" in refused.text
    assert [e.day for e in await store.list_feedback()] == [dt.date(2026, 11, 23)] * 2
    clock.advance(dt.timedelta(days=1))  # a new day, a new count
    assert "Vad gäller det?" in (await ask(bot, "/tyck")).text


async def test_a_number_after_a_restart_gets_told_what_happened(
        shipped_bot: Bot, store: Store, clock: FixedClock) -> None:
    await run(shipped_bot, "/tyck", "1")
    restarted = build_bot(Config(), clock, KnowledgeHolder.load(Config().knowledge), store)
    reply = await ask(restarted, "2")
    assert "startats om" in reply.text and "Inget halvfärdigt sparades" in reply.text


async def test_staff_summary_withholds_what_would_give_a_small_count_away(
        store: Store, clock: FixedClock) -> None:
    config = Config(roles=Roles(staff=["@staff:x"]))
    bot = build_bot(config, clock, KnowledgeHolder.load(Config().knowledge), store)
    # Trafik 4 and Skadegörelse 1 of 5: shown, the 4 would give the 1 away.
    for i, category in enumerate(["1", "1", "1", "1", "3"]):
        await run(bot, "/tyck", category, "1", f"Text {i}", "3", "ja", sender=f"@r{i}:x")
    summary = (await ask(bot, "/synpunkter", sender="@staff:x")).text
    assert "5 st" in summary
    assert "Trafik .." in summary and "Skadegörelse <3" in summary
    assert "Trafik 4" not in summary and ".. ett antal som döljs" in summary


async def test_staff_summary_suppresses_small_cells(store: Store, clock: FixedClock) -> None:
    config = Config(roles=Roles(staff=["@staff:x"]))
    bot = build_bot(config, clock, KnowledgeHolder.load(Config().knowledge), store)
    refused = await ask(bot, "/synpunkter", sender="@resident:x")
    assert refused.text == "Det kommandot är för personal."
    for i, (category, area) in enumerate([("1", "2"), ("1", "2")]):
        await run(bot, "/tyck", category, area, f"Text nummer {i}", "3", "ja",
                  sender=f"@r{i}:x")
    few = (await ask(bot, "/synpunkter", sender="@staff:x")).text
    assert "<3 st" in few and "Trafik <3" in few and "Fredrika <3" in few
    assert "Text nummer" not in few and "färre än 3" in few
    await run(bot, "/tyck", "3", "1", "Text nummer 3", "5", "ja", sender="@r3:x")
    many = (await ask(bot, "/synpunkter 30 dagar", sender="@staff:x")).text
    assert "3 st" in many and "Text nummer 3" in many and "Skadegörelse <3" in many
    assert "Trafik <3" in many and "<3 betyder 1 eller 2" in many
    assert "Upplevd trygghet i snitt: 3.7 av 5" in many
    assert "förstod jag inte" in (await ask(bot, "/synpunkter igår", sender="@staff:x")).text
    # Residents do not even see the command in the help.
    assert "/synpunkter" not in (await ask(bot, "/hjälp", sender="@resident:x")).text
    assert "/synpunkter" in (await ask(bot, "/hjälp", sender="@staff:x")).text
