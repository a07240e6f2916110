"""/boka keeps its half-entered request whatever the size answer is: understood, or one
clear line and the question again; nothing typed can make the request fail after "ja".
Through Bot.handle on the shipped knowledge base."""

from __future__ import annotations

import pytest

from bot.core.bot import Bot
from bot.core.messages import Outcome
from bot.store import Store
from tests.conftest import ask, message
from tests.test_feedback_interrupted import HOSTILE

SIZE = "Ungefär hur många blir ni?"
WHEN = "När skulle det passa?"


async def to_size(bot: Bot) -> None:
    for text in ("/boka", "Centralskolan", "1", "1"):
        await ask(bot, text)


async def finish(bot: Bot) -> str:
    for text in ("vecka 12", "hoppa över"):
        await ask(bot, text)
    return (await ask(bot, "ja")).text


@pytest.mark.parametrize("size", [
    "2147483648", "1" + "0" * 30, "10**30", "-5", "−5", "0", "två hundra", "two hundred",
    "2 klasser, 50 elever", "3,5", "²¹⁴⁷⁴⁸³⁶⁴⁸", "٢١٤٧٤٨٣٦٤٨", "9" * 45, "20 000",
])
async def test_a_size_it_cannot_take_gets_one_line_and_the_question_again(
        shipped_bot: Bot, store: Store, size: str) -> None:
    await to_size(shipped_bot)
    reply = await ask(shipped_bot, size)
    assert reply.outcome is Outcome.DIALOGUE and SIZE in reply.text
    assert reply.text.index(SIZE) > 0  # a line saying what to write comes first
    assert "hoppa över" in reply.text.split(SIZE)[0]
    assert WHEN in (await ask(shipped_bot, "25")).text
    assert "#1" in await finish(shipped_bot)
    [request] = await store.list_requests()
    assert request.size == 25 and request.organisation == "Centralskolan"


@pytest.mark.parametrize(("size", "stored"), [
    ("25", 25), ("ca 30 elever", 30), ("٢٥", 25), ("２５", 25), ("²⁵", 25),
    ("20-25", 25), ("20 till 25", 25), ("1 000", 1000), ("ungefär 40 st", 40),
    ("hoppa över", None), ("skip", None),
])
async def test_a_size_it_understands(shipped_bot: Bot, store: Store, size: str,
                                     stored: int | None) -> None:
    await to_size(shipped_bot)
    assert WHEN in (await ask(shipped_bot, size)).text
    await finish(shipped_bot)
    [request] = await store.list_requests()
    assert request.size == stored


async def test_menus_take_digits_of_any_script(shipped_bot: Bot, store: Store) -> None:
    plain = [(await ask(shipped_bot, t, sender="@a")).text
             for t in ("/boka", "Skolan", "2", "3", "25", "v 12", "-", "ja")]
    other = [(await ask(shipped_bot, t, sender="@b")).text
             for t in ("/boka", "Skolan", "②", "٣", "25", "v 12", "-", "ja")]
    assert "#1" in plain[-1] and "#2" in other[-1]
    first, second = await store.list_requests()
    assert (first.audience, first.topic) == (second.audience, second.topic)


async def test_a_question_mid_booking_is_answered(shipped_bot: Bot, store: Store) -> None:
    await ask(shipped_bot, "/boka")
    await ask(shipped_bot, "Centralskolan")
    reply = await ask(shipped_bot, "vad har polisen lovat?")
    assert reply.outcome is not Outcome.DIALOGUE
    assert "Tillbaka till din förfrågan" in reply.text and "Vilka ska" in reply.text
    for text in ("1", "1", "25"):
        await ask(shipped_bot, text)
    assert "#1" in await finish(shipped_bot)


@pytest.mark.parametrize("step", [1, 3, 4])  # organisation (free), topic (menu), size
@pytest.mark.parametrize("text", HOSTILE)
async def test_no_input_breaks_or_ends_a_booking(shipped_bot: Bot, store: Store, step: int,
                                                 text: str) -> None:
    for answer in ("/boka", "Centralskolan", "1", "1")[:step]:
        await ask(shipped_bot, answer)
    reply = await shipped_bot.handle(message(text))
    assert reply is not None and "Något gick fel" not in reply.text
    assert "Inget sparades" in (await ask(shipped_bot, "avbryt")).text
    assert await store.list_requests() == []
