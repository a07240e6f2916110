"""Periods staff ask for in commands: "2026", "2026-11", "2026-01-01..2026-06-30",
"30 dagar", "90d"; inclusive date ranges, today from the injected clock."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_DAYS = re.compile(r"^(\d{1,4})\s*(?:d|dag|dagar|days?)$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|–|—|-|till|to)\s*(\d{4}-\d{2}-\d{2})$")


class PeriodError(ValueError):
    pass


def parse_period(text: str, today: dt.date, default_days: int = 90) -> tuple[dt.date, dt.date]:
    """The inclusive (start, end) a staff member meant; PeriodError when unclear."""
    text = text.strip().lower()
    if not text:
        return today - dt.timedelta(days=default_days - 1), today
    if match := _DAYS.match(text):
        days = int(match.group(1))
        if days < 1:
            raise PeriodError(text)
        return today - dt.timedelta(days=days - 1), today
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if match := _MONTH.match(text):
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(text)
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    if match := _RANGE.match(text):
        try:
            start, end = (dt.date.fromisoformat(g) for g in match.groups())
        except ValueError:
            raise PeriodError(text) from None
        if end < start:
            raise PeriodError(text)
        return start, end
    raise PeriodError(text)
