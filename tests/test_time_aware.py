"""Answers depend on the injected clock: before, during and after a period, on the small
test base and on the shipped one (2017 … 2025–2027) in 2026 and in 2022."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from bot.app import build_bot
from bot.config import Config
from bot.core.clock import FixedClock
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import load_knowledge
from bot.store import open_store
from tests.conftest import FIXTURE, SHIPPED, ask

kb = load_knowledge(FIXTURE)


def test_during_the_period_the_promise_is_current() -> None:
    text = kb.answer("lofte", "sv", dt.date(2022, 3, 1))
    assert "Medborgarlöfte 2021–2022** (gäller nu, till och med 31 december 2022)" in text
    assert "senaste" not in text
    assert "narkotika" in text


def test_after_the_period_it_is_the_latest_never_current() -> None:
    for lang, latest, current in (("sv", "Det senaste medborgarlöftet, 2021–2022", "gäller nu"),
                                  ("en", "The latest citizen promise, 2021–2022", "in force")):
        text = kb.answer("lofte", lang, dt.date(2026, 11, 28))
        assert latest in text
        assert current not in text


def test_before_the_period_the_earlier_one_is_current_and_document_only() -> None:
    text = kb.answer("lofte", "sv", dt.date(2020, 6, 1))
    assert "Medborgarlöfte 2019–2020** (gäller nu" in text
    assert "https://testby.example/2019.pdf" in text


def test_a_year_in_the_question_picks_the_period() -> None:
    text = kb.answer("lofte", "sv", dt.date(2026, 1, 1), "vad lovades 2020?")
    assert "2019–2020" in text and "en tidigare period" in text
    text = kb.answer("lofte", "sv", dt.date(2026, 1, 1), "vad har ni lovat för 2021-2022")
    assert "2021–2022" in text


def test_single_promise_carries_its_period() -> None:
    during = kb.answer("byar", "en", dt.date(2021, 5, 1))
    after = kb.answer("byar", "en", dt.date(2023, 5, 1))
    assert "Citizen promise 2021–2022** (in force now" in during
    assert "The latest citizen promise, 2021–2022" in after
    assert "traffic checks in the villages" in after


@pytest.mark.parametrize(("today", "needles", "absent"), [
    (dt.date(2018, 6, 1), ["börjar gälla 1 januari 2019", "tills vidare"], ["gällde"]),
    (dt.date(2022, 12, 31), ["gäller från 1 januari 2019 till och med 31 december 2022",
                             "Om ingen ny överenskommelse tecknas förlängs den tills vidare"],
     ["gällde"]),
    (dt.date(2023, 1, 1), ["gällde från", "2022", "gäller tills vidare"], ["Om ingen ny"]),
])
def test_agreement_is_prolonged_once_it_has_ended(
        today: dt.date, needles: list[str], absent: list[str]) -> None:
    text = kb.answer("avtal", "sv", today)
    for needle in needles:
        assert needle in text
    for needle in absent:
        assert needle not in text


def test_a_new_period_is_a_yaml_edit_only(tmp_path) -> None:
    import shutil

    folder = tmp_path / "kb"
    shutil.copytree(FIXTURE, folder)
    base = folder / "base.yaml"
    base.write_text(base.read_text(encoding="utf-8").replace(
        "agreement:",
        "  - id: \"2023-2024\"\n"
        "    start: 2023-01-01\n"
        "    end: 2024-12-31\n"
        "    promises:\n"
        "      - id: tobak\n"
        "        responsible: [kommun]\n"
        "        text: {sv: Mindre tobak bland unga., en: Less tobacco among the young.}\n"
        "agreement:"), encoding="utf-8")
    newer = load_knowledge(folder)
    text = newer.answer("lofte", "sv", dt.date(2024, 2, 1))
    assert "Medborgarlöfte 2023–2024** (gäller nu" in text and "tobak" in text
    assert "narkotika" not in text
    assert "Det senaste medborgarlöftet, 2023–2024" in newer.answer(
        "lofte", "sv", dt.date(2025, 2, 1))
    assert "en tidigare period" in newer.answer("byar", "sv", dt.date(2025, 2, 1))


# ------------------------------------------------------------------ the shipped base
# Asked through the whole bot with a FixedClock, as a resident would on that day.

HOLDER = KnowledgeHolder.load(SHIPPED)
SHEET = Path(__file__).resolve().parents[2] / "shared" / "sources" / "promises-sodra-lappland.md"
Y2026, Y2022 = dt.date(2026, 11, 30), dt.date(2022, 6, 1)


async def asked(day: dt.date, text: str) -> str:
    async with open_store("sqlite://:memory:") as store:
        bot = build_bot(Config(), FixedClock(day), HOLDER, store)
        return (await ask(bot, text)).text


def current(label: str, end: str) -> str:
    return f"Medborgarlöfte {label}** (gäller nu, till och med {end})"


@pytest.mark.parametrize("question", ["vad har polisen lovat", "vad e medborgarlöftet",
                                      "Gäller löftet fortfarande?",
                                      "vad har ni lovat för år 2025"])
async def test_in_2026_the_2025_2027_promise_is_current(question: str) -> None:
    text = await asked(Y2026, question)
    assert current("2025–2027", "31 december 2027") in text
    assert "våldsprevention" in text
    assert "gäller nu, till och med 31 december 2022" not in text
    assert "gäller nu, till och med 31 december 2024" not in text
    assert "senaste medborgarlöftet" not in text


async def test_in_2022_the_2021_2022_promise_is_current() -> None:
    text = await asked(Y2022, "vad har polisen lovat")
    assert current("2021–2022", "31 december 2022") in text
    assert "tidigt upptäcka unga personer som brukar narkotika" in text
    assert "**2017** (avslutad 31 december 2017)" in text
    assert "2025–2027" not in text and "2023–2024" not in text  # not begun: not shown


@pytest.mark.parametrize(("question", "period", "lang"), [
    ("vad lovade de 2021?", "2021–2022", "sv"),
    ("vad lovades 2023", "2023–2024", "sv"),
    ("vad lovade polisen år 2017", "2017", "sv"),
    ("what was promised in 2023?", "2023–2024", "en"),
    ("what did they promise in 2022", "2021–2022", "en"),
])
async def test_a_named_earlier_year_gets_its_period_labelled_as_ended(
        question: str, period: str, lang: str) -> None:
    text = await asked(Y2026, question)
    ended = "en tidigare period, avslutad" if lang == "sv" else "an earlier period, ended on"
    now = "(gäller nu, till och med" if lang == "sv" else "(in force now, until"
    assert re.search(rf"{period}\*\* \({ended}", text), text
    assert f"2025–2027** {now}" in text  # and which one is in force now


async def test_a_year_with_no_period_is_said_to_have_none() -> None:
    text = await asked(Y2026, "vad lovades 2018?")
    assert "För 2018 känner jag inte till något medborgarlöfte" in text
    assert "2018** (" not in text


async def test_period_boundaries_follow_the_clock() -> None:
    assert current("2023–2024", "31 december 2024") in await asked(
        dt.date(2024, 12, 31), "vad har polisen lovat")
    assert current("2025–2027", "31 december 2027") in await asked(
        dt.date(2025, 1, 1), "vad har polisen lovat")
    after = await asked(dt.date(2028, 1, 1), "vad har polisen lovat")
    assert "Det senaste medborgarlöftet, 2025–2027** (perioden slutade 31 december 2027" in after
    assert "gäller nu" not in after


async def test_2019_2020_is_named_as_not_published_never_invented() -> None:
    text = await asked(dt.date(2020, 6, 1), "vad har polisen lovat")
    assert current("2019–2020", "31 december 2020") in text
    assert "inte publicerade" in text
    assert "asele.azurewebsites.net/kommun-och-politik/medborgarlofte-2021-2022" in text
    own = text.split("**Tidigare medborgarlöften:**")[0]
    assert not re.search(r"^- ", own, re.M)  # no promise points of its own


async def test_traffic_in_2026_no_current_promise_and_the_ended_ones_as_earlier() -> None:
    for question in ("folk kör för fort i centrum", "fyllekörning", "trafikkontroller i byarna"):
        text = await asked(Y2026, question)
        assert "Medborgarlöfte 2021–2022** (gäller nu" not in text, question
        assert "Medborgarlöfte 2023–2024** (gäller nu" not in text, question
        assert re.search(r"Inget av löftena i medborgarlöftet 2025–2027, som gäller nu, "
                         r"handlar om (trafik|polisens närvaro)", text), question
        assert "114 14" in text, question
    english = await asked(Y2026, "people drive way too fast through town")
    assert "None of the promises in the citizen promise 2025–2027" in english
    assert "**2021–2022** (ended on 31 December 2022)" in english


async def test_traffic_in_2022_the_traffic_promise_is_current() -> None:
    text = await asked(Y2022, "folk kör för fort i centrum")
    assert current("2021–2022", "31 december 2022") in text
    assert "trafikövervakning mot hastighet" in text
    assert "Inget av löftena" not in text
    assert "**2017** (avslutad 31 december 2017)" in text


async def test_drugs_current_promise_first_earlier_ones_as_earlier() -> None:
    text = await asked(Y2026, "knark bland ungdomarna")
    now, _, before = text.partition("Tidigare löften om narkotika")
    assert current("2025–2027", "31 december 2027") in now
    assert "narkotika samt förhindra att barn och unga rekryteras" in now
    assert "**2021–2022** (avslutad 31 december 2022)" in before
    assert "2021–2022" not in now
    then = await asked(Y2022, "knark bland ungdomarna")
    assert current("2021–2022", "31 december 2022") in then
    assert "tidigt upptäcka unga personer som brukar narkotika i Åsele" in then


async def test_promise_and_agreement_are_told_apart_in_2022_too() -> None:
    promise = await asked(Y2022, "gäller löftet fortfarande?")
    assert current("2021–2022", "31 december 2022") in promise
    agreement = await asked(Y2022, "gäller avtalet fortfarande?")
    assert "gäller från 1 januari 2019 till och med 31 december 2022" in agreement
    assert "Om ingen ny överenskommelse tecknas förlängs den tills vidare" in agreement


def test_every_period_has_its_source_address() -> None:
    links = {p.id: p.links for p in HOLDER.kb.periods}
    police = "https://polisen.se/om-polisen/medborgarloften-och-lokal-samverkan/medborgarloften"
    page = "https://asele.azurewebsites.net/kommun-och-politik/medborgarlofte-2021-2022/"
    assert links == {
        "2017": ["https://polisen.se/om-polisen/medborgarloften/asele/"],
        "2019-2020": [page],
        "2021-2022": [page, f"{police}/asele/"],
        "2023-2024": [f"{police}/vasterbottens-lan/asele/"],
        "2025-2027": [f"{police}/vasterbottens-lan/asele"],
    }
    assert HOLDER.kb.periods[-1].end == dt.date(2027, 12, 31)
    assert not HOLDER.kb.periods[1].promises  # 2019–2020: not published, not invented


def test_promise_texts_are_the_published_wording() -> None:
    if not SHEET.exists():
        pytest.skip(f"{SHEET} is not beside the project")
    sheet = " ".join(SHEET.read_text(encoding="utf-8").split())
    for period in HOLDER.kb.periods:
        for promise in period.promises:
            published = " ".join(promise.text.sv.split())
            assert f'"{published}"' in sheet, (period.id, promise.id)


async def test_a_theme_while_an_unpublished_period_is_in_force_is_not_guessed() -> None:
    text = await asked(dt.date(2020, 6, 1), "folk kör för fort i centrum")
    assert "Löftena i medborgarlöftet 2019–2020, som gäller nu, är inte publicerade" in text
    assert "Inget av löftena" not in text  # unknown is not "none"
    gap = await asked(dt.date(2018, 6, 1), "folk kör för fort i centrum")
    assert "Just nu gäller inget medborgarlöfte som jag känner till" in gap
    assert "**2017** (avslutad 31 december 2017)" in gap
