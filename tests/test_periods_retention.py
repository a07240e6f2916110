from __future__ import annotations

import datetime as dt

import pytest

from bot.core.dialogues import Choice, pick
from bot.core.periods import PeriodError, parse_period
from bot.features.feedback import stored_day
from bot.features.feedback_staff import cell
from bot.features.retention import cutoff

TODAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize(("text", "start", "end"), [
    ("", dt.date(2026, 8, 31), TODAY),
    ("30 dagar", dt.date(2026, 10, 30), TODAY),
    ("7d", dt.date(2026, 11, 22), TODAY),
    ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ("2026-01-01..2026-06-30", dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
    ("2026-01-01 till 2026-01-31", dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
])
def test_periods(text: str, start: dt.date, end: dt.date) -> None:
    assert parse_period(text, TODAY) == (start, end)


@pytest.mark.parametrize("text", ["igår", "2026-13", "2026-02-30..2026-03-01", "0 dagar",
                                  "2026-06-30..2026-01-01"])
def test_bad_periods(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text, TODAY)


@pytest.mark.parametrize(("day", "months", "expected"), [
    (dt.date(2026, 11, 28), 24, dt.date(2024, 11, 28)),
    (dt.date(2026, 3, 31), 1, dt.date(2026, 2, 28)),
    (dt.date(2024, 3, 31), 1, dt.date(2024, 2, 29)),
    (dt.date(2026, 1, 15), 13, dt.date(2024, 12, 15)),
])
def test_retention_cutoff(day: dt.date, months: int, expected: dt.date) -> None:
    assert cutoff(day, months) == expected


def test_week_granularity_keeps_the_monday() -> None:
    assert stored_day(dt.date(2026, 11, 28), "week") == dt.date(2026, 11, 23)
    assert stored_day(dt.date(2026, 11, 23), "week") == dt.date(2026, 11, 23)
    assert stored_day(dt.date(2026, 11, 28), "date") == dt.date(2026, 11, 28)


def test_small_cells() -> None:
    assert [cell(n) for n in (0, 1, 2, 3, 10)] == ["0", "<3", "<3", "3", "10"]


def test_pick_by_number_label_word_and_typo() -> None:
    choices = (Choice("trafik", {"sv": "Trafik", "en": "Traffic"}, ("bilar",)),
               Choice("annat", {"sv": "Annat", "en": "Something else"}))
    assert pick(choices, "2", "sv") is choices[1]
    assert pick(choices, "Traffic", "en") is choices[0]
    assert pick(choices, "bilar", "sv") is choices[0]
    assert pick(choices, "trafk", "sv") is choices[0]
    assert pick(choices, "3", "sv") is None
    assert pick(choices, "fiskar", "sv") is None
