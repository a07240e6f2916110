"""Checks every value passes on its way into the store, whatever the database.

A wrong field is a ValueError naming the field, never its value (values are not logged or
repeated). The schema's CHECKs repeat the important ones, so a caller that writes around
these cannot store a finer day or an out-of-range value either. The staff records' checks
are in `staff.py`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata

from bot.store.records import (
    GRANULARITIES,
    LANGUAGES,
    MAX_FEEDBACK_TEXT,
    MAX_UNANSWERED_TEXT,
    Feedback,
)

# Both databases take LIMIT as a signed 64-bit integer.
MAX_LIMIT = 2**63 - 1
# A knowledge id: a municipality ("asele"), a question or a choice ("kvall", "ja").
ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def utc(at: dt.datetime) -> dt.datetime:
    """`at` in UTC; a naive datetime is a caller bug (the clock always gives aware ones)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("naive datetime given to the store; pass an aware one")
    return at.astimezone(dt.UTC)


def plain_date(value: object, what: str) -> dt.date:
    """`value` if it is a date and not a datetime (which would carry a time of day)."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValueError(f"{what} must be a datetime.date, not {type(value).__name__}")
    return value


def no_home() -> str:
    """The home of a repository made without a store: none, so "" is stored as given."""
    return ""


def checked_municipality(value: object, home: object, what: str) -> str:
    """The municipality a new row gets: `value`, or `home` (the store's) when it is ""."""
    # PostgreSQL cannot store NUL: refused the same way on every database.
    if not isinstance(value, str) or "\x00" in value:
        raise ValueError(f"{what} must be a string without NUL characters")
    if value:
        return value
    if not isinstance(home, str) or "\x00" in home:
        raise ValueError("the store's home municipality must be a string without NUL"
                         " characters")
    return home


def checked_municipality_id(value: object, home: object, what: str) -> str:
    """As `checked_municipality`, and the result a knowledge id ("asele") or "" (a store
    without a home, before `Store.adopt`)."""
    municipality = checked_municipality(value, home, what)
    if municipality and not is_id(municipality):
        raise ValueError(f"{what} must be a municipality id such as 'asele'")
    return municipality


def is_id(value: object) -> bool:
    """Whether `value` is a knowledge id: lower-case letters a-z, digits, '-' and '_',
    starting with a letter or digit, at most 64 characters."""
    return isinstance(value, str) and ID.fullmatch(value) is not None


def checked_text(value: object, what: str, limit: int) -> str:
    """A text both databases can keep (no NUL, valid Unicode), at most `limit` chars."""
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string")
    if len(value) > limit:
        raise ValueError(f"{what} is longer than {limit} characters")
    if "\x00" in value:
        raise ValueError(f"{what} must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{what} is not valid Unicode") from None
    return value


def checked_adoptive(municipality: object) -> str:
    """The municipality `Store.adopt` gives the rows that have none."""
    if not isinstance(municipality, str) or not municipality or "\x00" in municipality:
        raise ValueError("municipality must be a non-empty string without NUL characters")
    return municipality


def checked_feedback(feedback: Feedback, home: object = "") -> Feedback:
    """`feedback` as the store keeps it, or ValueError naming the field that is wrong.

    A week is always stored as its Monday, even when the caller passed another day of it:
    the stored value must never be finer than the granularity says."""
    for name in ("category", "area"):
        value = getattr(feedback, name)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"feedback {name} must be a non-empty string")
    if not isinstance(feedback.text, str):
        raise ValueError("feedback text must be a string")
    if len(feedback.text) > MAX_FEEDBACK_TEXT:
        raise ValueError(f"feedback text is longer than {MAX_FEEDBACK_TEXT} characters")
    rating = feedback.rating
    # bool is an int subclass; True is not a rating.
    if rating is not None and (type(rating) is not int or not 1 <= rating <= 5):
        raise ValueError("feedback rating must be 1..5 or None")
    if feedback.granularity not in GRANULARITIES:
        raise ValueError("feedback granularity must be 'date' or 'week'")
    if feedback.lang not in LANGUAGES:
        raise ValueError("feedback lang must be 'sv' or 'en'")
    day = plain_date(feedback.day, "feedback day")
    if feedback.granularity == "week":
        day -= dt.timedelta(days=day.weekday())
    municipality = checked_municipality(feedback.municipality, home, "feedback municipality")
    return dataclasses.replace(feedback, day=day, municipality=municipality, id=None)


def checked_question(text: object) -> str:
    """An unanswered question's text as the store keeps it (NFC, so "å" typed as a + ring
    counts as "å"), or ValueError; the message never repeats the text."""
    if not isinstance(text, str):
        raise ValueError("unanswered text must be a string")
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise ValueError("unanswered text must be a non-empty string")
    if len(text) > MAX_UNANSWERED_TEXT:
        raise ValueError(f"unanswered text is longer than {MAX_UNANSWERED_TEXT} characters;"
                         " shorten it before recording")
    # PostgreSQL cannot store NUL, and a lone surrogate is no UTF-8 at all: refused the
    # same way on every database.
    if "\x00" in text:
        raise ValueError("unanswered text must not contain NUL characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("unanswered text is not valid Unicode") from None
    return text


def checked_limit(limit: object) -> int:
    if type(limit) is not int or not 0 <= limit <= MAX_LIMIT:  # True is not a limit
        raise ValueError("limit must be an int >= 0")
    return limit
