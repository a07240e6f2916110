"""Periods staff ask for in commands: "2026", "2026-11", "2026-01-01..2026-06-30",
"30 dagar", "90d", "2026-01-01 2026-06-30"; inclusive date ranges, today from the injected
clock. Anything else, or a period outside the calendar (year 1 to 9999), is a PeriodError
whose `key` names the problem in the text catalogue."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_DAYS = re.compile(r"^(\d+)\s*(?:d|dag|dagar|days?)$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\s*(?:\.\.|–|—|-|till|to)\s*|\s+)"
                    r"(\d{4}-\d{2}-\d{2})$")
# A year of five digits or more, alone or in a date: past the end of the calendar.
_BIG_YEAR = re.compile(r"^\d{5,}$|(?<!\d)\d{5,}-\d")
MOST_DAYS = 10**7  # more days than the calendar has; the number is not even converted


class PeriodError(ValueError):
    """`key` is the catalogue text for the problem: "bad_period" (not a period),
    "bad_period_date" (a day that does not exist: 2026-02-30, year 0000, month 13),
    "bad_period_order" (it ends before it starts), "bad_period_range" (outside year 1-9999)."""

    def __init__(self, text: str, key: str = "bad_period") -> None:
        super().__init__(text)
        self.key = key


def parse_period(text: str, today: dt.date, default_days: int = 90) -> tuple[dt.date, dt.date]:
    """The inclusive (start, end) a staff member meant; PeriodError when unclear."""
    text = text.strip().lower()
    try:
        return _parse(text, today, default_days)
    except OverflowError:  # a day count that reaches before year 1
        raise PeriodError(text, "bad_period_range") from None
    except PeriodError:
        raise
    except ValueError:  # dt.date refused it: year 0, month 13, 30 February
        raise PeriodError(text, "bad_period_date") from None


def _parse(text: str, today: dt.date, default_days: int) -> tuple[dt.date, dt.date]:
    if not text:
        return today - dt.timedelta(days=default_days - 1), today
    if _BIG_YEAR.search(text):
        raise PeriodError(text, "bad_period_range")
    if match := _DAYS.match(text):
        if len(match.group(1)) > len(str(MOST_DAYS)):
            raise PeriodError(text, "bad_period_range")
        days = int(match.group(1))
        if days < 1:
            raise PeriodError(text)
        return today - dt.timedelta(days=days - 1), today
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if match := _MONTH.match(text):
        year, month = int(match.group(1)), int(match.group(2))
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    if match := _RANGE.match(text):
        start, end = (dt.date.fromisoformat(g) for g in match.groups())
        if end < start:
            raise PeriodError(text, "bad_period_order")
        return start, end
    raise PeriodError(text)
