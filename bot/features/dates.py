"""Dates and times as staff write them in commands: "igår", "måndag", "i måndags", "12/3",
"12/3-25", "12 mars", "2026-03-12", "imorgon", "kl 14", "9.30", "onsdag v 50".

A text about one day may name it twice ("tisdag 8 dec"): the calendar date is the day, the
weekday or word beside it only says it again (`main_date`). A weekday with a week number
("onsdag v.50", "v 51 torsdag") is that weekday of that ISO week; a week alone names no day.

`/logga` looks back (`past_day`: "12/3" is the most recent 12 March), `/bekräfta` looks
ahead (`coming_time`: "12/3" is the next one). A date that is written but cannot be used is
a DateProblem naming it, never silently today: one that is not in the calendar (32/13,
2026-02-30, year 0000 or 99999), one on the wrong side of today, or one so far away that the
year must be a typo. Only two-digit years are completed ("12/3-25" is 2025); "0001-01-01"
is year 1, not 2001.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from bot.core.messages import Lang
from bot.core.texts import t
from bot.text.normalize import fold

_fold = lru_cache(maxsize=1024)(fold)

Problem = Literal["no_such", "future", "past", "too_old", "too_far", "bad_time"]


@dataclass(frozen=True, slots=True)
class DateProblem:
    problem: Problem
    words: str  # the date or time as written


_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "maj": 5, "may": 5, "jun": 6, "jul": 7,
           "aug": 8, "sep": 9, "okt": 10, "oct": 10, "nov": 11, "dec": 12}
_WEEKDAYS = {"man": 0, "mon": 0, "tis": 1, "tue": 1, "ons": 2, "wed": 2, "tor": 3, "thu": 3,
             "fre": 4, "fri": 4, "lor": 5, "sat": 5, "son": 6, "sun": 6}
_DEN = r"(?:\b(?:den|on)\s+)?"  # "den 12 mars", "on monday" go with the date
# Years: two digits (completed to 20xx) or four; five or more are read so that they are
# refused, not left in the text while the entry gets today's date.
ISO = re.compile(_DEN + r"(?<![\d/-])(\d{4,})-(\d{1,2})-(\d{1,2})(?![\d-])", re.I)
DAY_MONTH = re.compile(
    _DEN + r"(?<![\d/:.-])(\d{1,2})/(\d{1,2})(?:[-/](\d{4,}|\d{2})(?!\d)|\s+(\d{4})(?!\d))?"
    r"(?![\d/])", re.I)
NAMED = re.compile(
    _DEN + r"\b(\d{1,2})(?::?e)?\s*(januari|january|jan|februari|february|feb|mars|march|mar"
    r"|april|apr|maj|may|juni|june|jun|juli|july|jul|augusti|august|aug|september|sept|sep"
    r"|oktober|october|okt|oct|november|nov|december|dec)\b\.?(?:\s+(\d{4,})\b)?", re.I)
RELATIVE = re.compile(
    r"\b(?:(i\s*dag|today|i\s*kv[aä]ll|tonight|i\s*morse)|((?:i\s*)?f[oö]rr?g[aå]r"
    r"|(?:the\s+)?day\s+before\s+yesterday)|(i\s*g[aå]r|yesterday)"
    r"|((?:i\s*)?[oö]verm[oå]rgon|(?:the\s+)?day\s+after\s+tomorrow)"
    r"|(i\s*m[oå]rgon|tomorrow))\b", re.I)
_OFFSETS = (0, -2, -1, 2, 1)  # RELATIVE's groups, in order
WEEKDAY = re.compile(
    r"\b(?:(i|last|on|p[aå]|n[aä]sta|next)\s+)?(m[aå]ndag|tisdag|onsdag|torsdag|fredag"
    r"|l[oö]rdag|s[oö]ndag|monday|tuesday|wednesday|thursday|friday|saturday|sunday)(s)?\b",
    re.I)
PATTERNS = (ISO, DAY_MONTH, NAMED, RELATIVE, WEEKDAY)
WEEK = re.compile(r"\b(?:v|vecka|veckan|week|wk)\.?\s*(\d{1,2})(?![\d/:.-])", re.I)
# "14:00", "9.30", "kl 14", "kl. 9"; a range "14:00–15:30" is read from its start.
TIME = re.compile(r"(?<![\d:.,/-])(?:\bkl\.?\s*)?(\d{1,2})[:.](\d{2})(?::\d{2})?(?![\d:.])"
                  r"|\bkl\.?\s*(\d{1,2})(?![\d:.])", re.I)


def find_dates(text: str) -> list[re.Match[str]]:
    """Every date written in `text`, in order."""
    return sorted((m for rx in PATTERNS for m in rx.finditer(text)), key=lambda m: m.start())


def main_date(dates: list[re.Match[str]]) -> re.Match[str] | None:
    """Of the dates found in one text, the one it is about: the first calendar date, else
    the first word ("tisdag 8 dec" is 8 December, whichever Tuesday "tisdag" alone is)."""
    return next((m for m in dates if _given(m) is not None), dates[0] if dates else None)


def week_of(text: str) -> int | None:
    """The week number written in `text` ("v 50", "vecka 50", "v.50"), if any."""
    found = WEEK.search(text)
    return int(found[1]) if found else None


def _year(digits: str) -> int | None:
    if len(digits) == 2:
        return 2000 + int(digits)
    return int(digits) if len(digits) == 4 else None  # five digits: past the calendar


def _given(m: re.Match[str]) -> tuple[str | None, int, int] | None:
    """(year digits or None, month, day) of a written calendar date; None for words."""
    if m.re is ISO:
        return m[1], int(m[2]), int(m[3])
    if m.re is DAY_MONTH:
        return m[3] or m[4], int(m[2]), int(m[1])
    if m.re is NAMED:
        return m[3], _MONTHS[_fold(m[2])[:3]], int(m[1])
    return None


def _nearest(month: int, day: int, today: dt.date, step: int) -> dt.date | None:
    """The nearest day/month from today (included) going `step` years at a time (-1 back,
    1 ahead); None when the calendar has none near enough."""
    try:
        dt.date(2000, month, day)  # a leap year: anything invalid here is never valid
    except ValueError:
        return None
    for year in range(today.year, today.year + 9 * step, step):  # 29/2 comes within 8
        if not 1 <= year <= 9999:
            return None
        try:
            date = dt.date(year, month, day)
        except ValueError:
            continue
        if (date - today).days * step >= 0:
            return date
    return None


def _in_week(weekday: int, week: int, today: dt.date, step: int) -> dt.date | Problem:
    """The weekday of ISO week `week` nearest today in the direction `step`."""
    for year in (today.year, today.year + step):
        try:
            day = dt.date.fromisocalendar(year, week, weekday + 1)
        except ValueError:
            continue  # week 0, 54, or 53 in a year that has 52
        if (day - today).days * step >= 0:
            return day
    return "no_such"


def _day(m: re.Match[str], today: dt.date, step: int, week: int | None = None
         ) -> dt.date | Problem:
    """The day `m` names, looking back (step -1) or ahead (1) for what has no year; a
    weekday in `week`, when the text gives one."""
    given = _given(m)
    if given is not None:
        digits, month, day = given
        if digits is None:
            return _nearest(month, day, today, step) or "no_such"
        year = _year(digits)
        if year is None:
            return "no_such"
        try:
            return dt.date(year, month, day)
        except ValueError:
            return "no_such"
    if m.re is RELATIVE:
        offset = next(o for o, g in zip(_OFFSETS, m.groups(), strict=True) if g)
    else:
        weekday = _WEEKDAYS[_fold(m[2])[:3]]
        word = _fold(m[1] or "")
        if week is not None:
            return _in_week(weekday, week, today, step)
        if m[3] or word == "last":  # "i måndags", "last monday": before today
            offset = -((today.weekday() - weekday) % 7 or 7)
        elif word in ("nasta", "next"):
            offset = (weekday - today.weekday()) % 7 or 7
        elif step < 0:
            offset = -((today.weekday() - weekday) % 7)
        else:
            offset = (weekday - today.weekday()) % 7
    try:
        return today + dt.timedelta(days=offset)
    except OverflowError:
        return "no_such"


def _problem(m: re.Match[str], problem: Problem) -> DateProblem:
    return DateProblem(problem, " ".join(m[0].split()))


def past_day(m: re.Match[str], today: dt.date, years: int, week: int | None = None
             ) -> dt.date | DateProblem:
    """The day of a done thing: not after today, not more than `years` calendar years
    back (from 1 January)."""
    day = _day(m, today, -1, week)
    if isinstance(day, str):
        return _problem(m, day)
    if day > today:
        return _problem(m, "future")
    if today.year - years > 1 and day < dt.date(today.year - years, 1, 1):
        return _problem(m, "too_old")
    return day


def coming_time(text: str, now: dt.datetime, years: int) -> dt.datetime | DateProblem | None:
    """The date and time in `text` of a thing to come (the first date, and the first time
    after it or anywhere), in `now`'s time zone; None when `text` names no date. Not before
    today, not more than `years` years ahead; midnight when no time is given."""
    dates = find_dates(text)
    masked = text
    for m in dates:  # a date's digits are not a time
        masked = masked[:m.start()] + " " * (m.end() - m.start()) + masked[m.end():]
    clock = TIME.search(masked)
    hour = minute = 0
    if clock is not None:
        hour, minute = int(clock[1] or clock[3]), int(clock[2] or 0)
        if hour > 23 or minute > 59:
            return DateProblem("bad_time", " ".join(clock[0].split()))
    main = main_date(dates)
    if main is None:
        return None
    today = now.date()
    day = _day(main, today, 1, week_of(text))
    if isinstance(day, str):
        return _problem(main, day)
    if day < today:
        return _problem(main, "past")
    if today.year + years <= 9999 and day > _years_after(today, years):
        return _problem(main, "too_far")
    when = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=now.tzinfo)
    try:
        when.astimezone(dt.UTC)  # the store keeps UTC: the first hours of year 1 have none
    except OverflowError:
        return _problem(main, "no_such")
    return when


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


_KEYS: dict[Problem, str] = {
    "no_such": "date_no_such", "future": "date_future", "past": "date_past",
    "too_old": "date_too_old", "too_far": "date_too_far", "bad_time": "date_bad_time"}


def explain(problem: DateProblem, lang: Lang, years: int) -> str:
    """The one line that names the date and what is wrong with it."""
    return t(_KEYS[problem.problem], lang, words=problem.words, years=years)
