"""The ends of the calendar, under the store contract (every test runs on every backend):
records on 0001-01-01 and 9999-12-31 are kept, and queries bounded by date.min and date.max
(what `/aktiviteter 0001-01-01..9999-12-31` asks for) find them, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt

from bot.store import Feedback, Store
from bot.store.records import Activity, SessionRequest

FIRST, LAST = dt.date.min, dt.date.max  # 0001-01-01, 9999-12-31
MIDDLE = dt.date(2026, 11, 30)
DAYS = (FIRST, MIDDLE, LAST)


def activity(day: dt.date) -> Activity:
    return Activity(kind="trafikkontroll", promise=None, place="Lomsjö", day=day,
                    counts={"fordon": 99_999}, note="", author="@polis1:x")


async def test_activities_at_the_ends(store: Store) -> None:
    ids = [await store.add_activity(activity(day)) for day in (LAST, MIDDLE, FIRST)]
    assert [a.day for a in await store.list_activities(FIRST, LAST)] == list(DAYS)
    assert [a.day for a in await store.list_activities(start=LAST)] == [LAST]
    assert [a.day for a in await store.list_activities(end=FIRST)] == [FIRST]
    assert [a.day for a in await store.list_activities(LAST, LAST, place="lomsjö")] == [LAST]
    assert await store.list_activities(FIRST, FIRST, kind="skolbesok") == []
    first = await store.get_activity(ids[2])
    assert first is not None and first.day == FIRST
    await store.update_activity(dataclasses.replace(first, day=LAST))
    assert [a.day for a in await store.list_activities(start=LAST)] == [LAST, LAST]


async def test_feedback_at_the_ends(store: Store) -> None:
    for day in (LAST, FIRST, MIDDLE):
        await store.add_feedback(Feedback("trafik", "asele", "", None, day, "date", "sv"))
    assert [f.day for f in await store.list_feedback(FIRST, LAST)] == list(DAYS)
    assert [f.day for f in await store.list_feedback(LAST, LAST)] == [LAST]
    assert await store.purge_feedback(FIRST) == 0
    assert await store.purge_feedback(LAST) == 2
    assert [f.day for f in await store.list_feedback()] == [LAST]


async def test_unanswered_at_the_ends(store: Store) -> None:
    for day in DAYS:
        await store.record_unanswered("fråga", day)
    [row] = await store.top_unanswered(FIRST, LAST)
    assert (row.count, row.first_day, row.last_day) == (3, FIRST, LAST)
    assert await store.top_unanswered(FIRST, FIRST) == []  # by the day it was last asked
    assert await store.purge_unanswered(LAST) == 0
    assert await store.purge_unanswered(FIRST) == 0


async def test_requests_listed_over_the_whole_calendar(store: Store) -> None:
    new_id = await store.add_request(SessionRequest(
        organisation="Skolan", audience="larare", topic="drogtecken", size=2**31 - 1,
        wished="", contact="chat", requester="@l:x", transport="test"))
    assert [r.id for r in await store.list_requests(start=FIRST, end=LAST)] == [new_id]
    # PostgreSQL (through asyncpg) keeps the very first and last instants as -infinity and
    # infinity: they must still come back as the same aware datetimes.
    for when in (dt.datetime.combine(LAST, dt.time(23, 59), dt.UTC),
                 dt.datetime.max.replace(tzinfo=dt.UTC), dt.datetime.min.replace(tzinfo=dt.UTC)):
        updated = await store.update_request(new_id, status="confirmed", scheduled=when)
        assert updated.scheduled == when and updated.scheduled.tzinfo is not None
        stored = await store.get_request(new_id)
        assert stored is not None and stored.scheduled == when


async def test_created_at_at_the_ends(store: Store) -> None:
    for when in (dt.datetime.min.replace(tzinfo=dt.UTC), dt.datetime.max.replace(tzinfo=dt.UTC)):
        new_id = await store.add_activity(dataclasses.replace(activity(MIDDLE), created_at=when))
        stored = await store.get_activity(new_id)
        assert stored is not None and stored.created_at == when
        assert stored.created_at.tzinfo is not None
    last = await store.last_activity_by("@polis1:x")
    assert last is not None and last.created_at == dt.datetime.max.replace(tzinfo=dt.UTC)


async def test_ids_no_row_can_have(store: Store) -> None:
    await store.add_activity(activity(MIDDLE))
    for absurd in (0, -1, 2**63, 10**20, 10**30):
        assert await store.get_activity(absurd) is None
        assert await store.get_request(absurd) is None
        assert await store.delete_activity(absurd) is False
    assert len(await store.list_activities()) == 1
