"""Answers depend on the injected clock: before, during and after a period."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.knowledge.loader import load_knowledge
from tests.conftest import FIXTURE

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
