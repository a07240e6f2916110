"""A question inside a longer message, and years named in words."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.bot import Bot
from bot.core.messages import Outcome
from bot.knowledge.when import with_years
from tests.conftest import ask

TODAY = dt.date(2026, 11, 30)


@pytest.mark.parametrize(("text", "expected"), [
    ("vad lovade ni förra året", "vad lovade ni 2025"),
    ("Vad gällde I FJOL?", "Vad gällde 2025?"),
    ("what did you promise last year", "what did you promise 2025"),
    ("vad gäller i år", "vad gäller 2026"),
    ("förrförra året", "2024"),
    ("nästa år", "2027"),
    ("i åratal har det varit så", "i åratal har det varit så"),  # not "i år"
    ("vi år", "vi år"),
])
def test_relative_years_become_years(text: str, expected: str) -> None:
    assert with_years(text, TODAY) == expected


@pytest.mark.parametrize("text", [
    "Hej! Jag flyttade hit i somras med tre barn och en hund. Vad har polisen och "
    "kommunen lovat?",
    "Jag sitter i en förening för pensionärer. Vi träffas varje torsdag. När går "
    "samverkansöverenskommelsen ut?",
    "I just moved here from Leeds with my family. What has the police promised in Åsele?",
])
async def test_the_question_in_a_longer_message_is_answered(shipped_bot: Bot,
                                                            text: str) -> None:
    reply = await ask(shipped_bot, text)
    assert reply.outcome in (Outcome.ANSWERED, Outcome.SUGGESTED), reply.text[:200]
    assert "2025–2027" in reply.text or "tills vidare" in reply.text \
        or "until further notice" in reply.text, reply.text[:200]


async def test_a_menu_answer_in_a_sentence_picks_the_one_choice_it_names(
        shipped_bot: Bot) -> None:
    await ask(shipped_bot, "/tyck")
    await ask(shipped_bot, "1")
    where = await ask(shipped_bot, "Gafsele, stugorna längs sjön")  # a village: Byarna
    assert "Berätta" in where.text, where.text[:200]
    await ask(shipped_bot, "/avbryt")
    await ask(shipped_bot, "/tyck")
    await ask(shipped_bot, "1")
    both = await ask(shipped_bot, "Fredrika eller centrum")  # two choices: asked again
    assert "Var ungefär" in both.text, both.text[:200]
