"""Checks and conversions for the staff records (`records.py`), whatever the database.

Like `checks.checked_feedback`: a record goes into the store only through these, and a
wrong field is a ValueError naming the field, never its value (values are not logged or
repeated).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import unicodedata
from collections.abc import Mapping
from typing import get_args

from bot.store.checks import checked_municipality, plain_date, utc
from bot.store.records import LANGUAGES, Activity, RequestStatus, SessionRequest

MAX_NOTE = 2000
STATUSES: tuple[str, ...] = get_args(RequestStatus)
# Both databases keep ids as signed 64-bit integers: a larger one names no row.
MAX_ID = 2**63 - 1
MAX_SIZE = 2**31 - 1  # an INTEGER column



def record_id(value: object, what: str) -> int | None:
    """`value` as an id to look up, None when no row can have it (0, -1, 2**70)."""
    if type(value) is not int:  # bool is an int subclass; True is not an id
        raise ValueError(f"{what} must be an int")
    return value if 1 <= value <= MAX_ID else None


def aware(value: object, what: str) -> dt.datetime:
    """`value` in UTC; ValueError for a naive datetime or something else."""
    if not isinstance(value, dt.datetime):
        raise ValueError(f"{what} must be a datetime")
    try:
        return utc(value)
    except ValueError:
        raise ValueError(f"{what} is a naive datetime; pass an aware one") from None


def _text(value: object, what: str, *, required: bool = False, limit: int | None = None) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string")
    if required and not value.strip():
        raise ValueError(f"{what} must be a non-empty string")
    if limit is not None and len(value) > limit:
        raise ValueError(f"{what} is longer than {limit} characters")
    return value


def _name(value: object, what: str) -> str | None:
    """None, or a non-empty string (an id or name from the knowledge base)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string or None")
    return value


def checked_counts(counts: object) -> dict[str, int]:
    if not isinstance(counts, Mapping):
        raise ValueError("activity counts must be a mapping of unit to number")
    checked: dict[str, int] = {}
    for unit, number in counts.items():
        if not isinstance(unit, str) or not unit.strip():
            raise ValueError("activity counts: a unit must be a non-empty string")
        if type(number) is not int or number < 0:
            raise ValueError("activity counts: a number must be a non-negative int")
        checked[unit] = number
    return checked


def checked_activity_fields(activity: Activity) -> Activity:
    """`activity` with the fields an update replaces checked (kind … note)."""
    if not isinstance(activity, Activity):
        raise ValueError("not an Activity")
    return dataclasses.replace(
        activity,
        kind=_text(activity.kind, "activity kind", required=True),
        promise=_name(activity.promise, "activity promise"),
        place=_name(activity.place, "activity place"),
        day=plain_date(activity.day, "activity day"),
        counts=checked_counts(activity.counts),
        note=_text(activity.note, "activity note", limit=MAX_NOTE),
    )


def checked_activity(activity: Activity, now: dt.datetime, home: object = "") -> Activity:
    """`activity` as a store adds it: every field checked, created_at in UTC (`now` when
    None), municipality `home` when "", no id."""
    activity = checked_activity_fields(activity)
    created = activity.created_at
    return dataclasses.replace(
        activity,
        author=_text(activity.author, "activity author", required=True),
        created_at=utc(now) if created is None else aware(created, "activity created_at"),
        municipality=checked_municipality(activity.municipality, home,
                                          "activity municipality"),
        id=None,
    )


def checked_status(status: object) -> RequestStatus:
    if status not in STATUSES:
        raise ValueError(f"request status must be one of {', '.join(STATUSES)}")
    return status  # type: ignore[return-value]  # checked just above


def optional_aware(value: object, what: str) -> dt.datetime | None:
    return None if value is None else aware(value, what)


def checked_request(request: SessionRequest, now: dt.datetime,
                    home: object = "") -> SessionRequest:
    """`request` as a store adds it: every field checked, times in UTC, created_at `now`
    when None and updated_at created_at when None, municipality `home` when "", no id."""
    if not isinstance(request, SessionRequest):
        raise ValueError("not a SessionRequest")
    texts = {name: _text(getattr(request, name), f"request {name}")
             for name in ("audience", "topic", "wished", "contact", "requester", "transport",
                          "answer")}
    size = request.size
    if size is not None and (type(size) is not int or not 1 <= size <= MAX_SIZE):
        raise ValueError(f"request size must be an int 1..{MAX_SIZE} or None")
    if request.lang not in LANGUAGES:
        raise ValueError("request lang must be 'sv' or 'en'")
    created = optional_aware(request.created_at, "request created_at")
    if created is None:
        created = utc(now)
    updated = optional_aware(request.updated_at, "request updated_at")
    return dataclasses.replace(
        request,
        organisation=_text(request.organisation, "request organisation", required=True),
        **texts,
        status=checked_status(request.status),
        scheduled=optional_aware(request.scheduled, "request scheduled"),
        created_at=created,
        updated_at=created if updated is None else updated,
        municipality=checked_municipality(request.municipality, home,
                                          "request municipality"),
        id=None,
    )


def place_key(place: str) -> str:
    """What two place names must share to be the same place: "ÅSELE", "åsele " and an
    "å" written as a + ring (as some keyboards send it) are one place."""
    return unicodedata.normalize("NFC", place).strip().casefold()


def checked_filter(value: object, what: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{what} must be a string or None")
    return value


def day_span(start: dt.date | None, end: dt.date | None,
             ) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The instants [start 00:00 UTC, the day after end 00:00 UTC) for a filter on a
    timestamp by its UTC date; None for an open side."""
    low = high = None
    if start is not None:
        low = dt.datetime.combine(plain_date(start, "start"), dt.time(), dt.UTC)
    if end is not None:
        end = plain_date(end, "end")
        if end < dt.date.max:
            high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), dt.UTC)
    return low, high


def counts_json(counts: Mapping[str, int]) -> str:
    return json.dumps(counts, ensure_ascii=False, separators=(",", ":"))


def counts_from_json(text: str) -> dict[str, int]:
    """The counts as stored, by unit name (JSONB keeps no order, so neither database does)."""
    return dict(sorted(json.loads(text).items()))


def at_place(activities: list[Activity], place: str | None) -> list[Activity]:
    """The activities whose place is `place` as `place_key` compares them.

    Filtered here rather than in SQL: SQLite's lower() folds only ASCII, and PostgreSQL's
    depends on the database's locale (under "C" it leaves "Å" alone)."""
    if place is None:
        return activities
    key = place_key(place)
    return [a for a in activities if a.place is not None and place_key(a.place) == key]


def checked_answer(status: object, answer: object, scheduled: object,
                   ) -> tuple[RequestStatus, str, dt.datetime | None]:
    """The arguments of `update_request`, checked."""
    return (checked_status(status), _text(answer, "request answer"),
            optional_aware(scheduled, "request scheduled"))
