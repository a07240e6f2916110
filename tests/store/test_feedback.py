"""Anonymous feedback, under the store contract: every test runs on every backend."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from typing import Any

import pytest

from bot.store import Feedback, Store, StoreError, open_store
from tests.store.conftest import raw_insert_feedback, table_columns

MONDAY = dt.date(2026, 11, 23)
THURSDAY = dt.date(2026, 11, 26)


def feedback(day: dt.date = THURSDAY, **fields: Any) -> Feedback:
    values: dict[str, Any] = {"category": "trafik", "area": "fredrika",
                              "text": "Det går fort förbi skolan", "rating": 2, "day": day,
                              "granularity": "date", "lang": "sv"}
    values.update(fields)
    return Feedback(**values)


async def test_round_trip(store: Store) -> None:
    sent = [
        feedback(),
        feedback(category="otrygghet", area="vill-inte-saga", text="", rating=None,
                 lang="en"),
        feedback(text="åäö 🚓 'quoted' \"double\" ; DROP TABLE feedback; --\nline",
                 rating=5),
    ]
    ids = [await store.add_feedback(fb) for fb in sent]
    assert all(isinstance(i, int) for i in ids)
    assert len(set(ids)) == 3
    assert await store.list_feedback() == [
        dataclasses.replace(fb, id=i) for fb, i in zip(sent, ids, strict=True)
    ]


async def test_an_id_given_by_the_caller_is_ignored(store: Store) -> None:
    new_id = await store.add_feedback(feedback(id=424242))
    [stored] = await store.list_feedback()
    assert stored.id == new_id


async def test_ordered_by_day_then_id(store: Store) -> None:
    days = [dt.date(2026, 11, d) for d in (28, 3, 15, 3, 28, 1)]
    ids = [await store.add_feedback(feedback(day, text=f"t{n}"))
           for n, day in enumerate(days)]
    listed = await store.list_feedback()
    assert [(f.day, f.id) for f in listed] == sorted(zip(days, ids, strict=True))
    # Same day: in the order they were given.
    assert [f.text for f in listed if f.day == days[0]] == ["t0", "t4"]


async def test_bounds_are_inclusive(store: Store) -> None:
    for d in range(1, 11):
        await store.add_feedback(feedback(dt.date(2026, 3, d)))

    async def days(start: dt.date | None, end: dt.date | None) -> list[int]:
        return [f.day.day for f in await store.list_feedback(start, end)]

    assert await days(dt.date(2026, 3, 3), dt.date(2026, 3, 5)) == [3, 4, 5]
    assert await days(dt.date(2026, 3, 8), None) == [8, 9, 10]
    assert await days(None, dt.date(2026, 3, 2)) == [1, 2]
    assert await days(dt.date(2026, 3, 4), dt.date(2026, 3, 4)) == [4]
    assert await days(dt.date(2026, 3, 5), dt.date(2026, 3, 4)) == []
    assert await days(dt.date(2026, 4, 1), None) == []
    assert len(await store.list_feedback()) == 10
    # Across a month and a year: dates compare as dates, not as text of another shape.
    await store.add_feedback(feedback(dt.date(2025, 12, 31)))
    assert await days(None, dt.date(2026, 1, 1)) == [31]


async def test_bounds_must_be_dates_not_datetimes(store: Store) -> None:
    at = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="start"):
        await store.list_feedback(at)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="before"):
        await store.purge_feedback(at)  # type: ignore[arg-type]


async def test_purge_deletes_strictly_before(store: Store) -> None:
    for d in (1, 2, 3, 4):
        await store.add_feedback(feedback(dt.date(2026, 3, d)))
    assert await store.purge_feedback(dt.date(2026, 3, 3)) == 2
    assert [f.day.day for f in await store.list_feedback()] == [3, 4]
    assert await store.purge_feedback(dt.date(2026, 3, 3)) == 0
    assert await store.purge_feedback(dt.date(2027, 1, 1)) == 2
    assert await store.list_feedback() == []


async def test_ids_are_not_reused_after_a_purge(store: Store) -> None:
    first = await store.add_feedback(feedback())
    await store.purge_feedback(dt.date(2030, 1, 1))
    assert await store.add_feedback(feedback()) > first


@pytest.mark.parametrize(("fields", "message"), [
    ({"rating": 0}, "rating"),
    ({"rating": 6}, "rating"),
    ({"rating": -1}, "rating"),
    ({"rating": True}, "rating"),
    ({"rating": 2.5}, "rating"),
    ({"rating": "3"}, "rating"),
    ({"granularity": "month"}, "granularity"),
    ({"granularity": "hour"}, "granularity"),
    ({"lang": "de"}, "lang"),
    ({"text": "x" * 2001}, "text"),
    ({"text": "🚓" * 2001}, "text"),
    ({"text": None}, "text"),
    ({"category": ""}, "category"),
    ({"category": "   "}, "category"),
    ({"area": ""}, "area"),
    ({"area": None}, "area"),
    ({"day": dt.datetime(2026, 11, 26, 14, 5, tzinfo=dt.UTC)}, "day"),  # a time of day
    ({"day": "2026-11-26"}, "day"),
])
async def test_invalid_feedback_is_refused(
    store: Store, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        await store.add_feedback(feedback(**fields))
    assert await store.list_feedback() == []


async def test_the_limits_themselves_are_accepted(store: Store) -> None:
    # 2000 characters, not bytes: 2000 emoji are 8000 bytes of UTF-8.
    for text, rating in [("x" * 2000, 1), ("🚓" * 2000, 5), ("ä" * 2000, None)]:
        await store.add_feedback(feedback(text=text, rating=rating))
    assert [len(f.text) for f in await store.list_feedback()] == [2000] * 3


async def test_week_granularity_is_stored_as_the_monday(store: Store) -> None:
    for day in (MONDAY, THURSDAY, MONDAY + dt.timedelta(days=6)):
        await store.add_feedback(feedback(day, granularity="week"))
    # Thursday 2026-01-01 is in ISO week 1, whose Monday is in 2025.
    await store.add_feedback(feedback(dt.date(2026, 1, 1), granularity="week"))
    listed = await store.list_feedback()
    assert [(f.day, f.granularity) for f in listed] == [
        (dt.date(2025, 12, 29), "week"), (MONDAY, "week"), (MONDAY, "week"), (MONDAY, "week"),
    ]
    # The exact date stays when the granularity is "date".
    await store.add_feedback(feedback(THURSDAY))
    assert (await store.list_feedback(THURSDAY))[0].day == THURSDAY


async def test_concurrent_adds_are_all_stored(store: Store) -> None:
    ids = await asyncio.gather(*(
        store.add_feedback(feedback(dt.date(2026, 3, 1 + i % 5), text=f"n{i}", rating=1 + i % 5))
        for i in range(20)
    ))
    assert len(set(ids)) == 20
    listed = await store.list_feedback()
    assert sorted(f.text for f in listed) == sorted(f"n{i}" for i in range(20))
    assert {f.id for f in listed} == set(ids)


async def test_feedback_survives_a_reopen(store_url: str) -> None:
    async with open_store(store_url) as store:
        new_id = await store.add_feedback(feedback())
    async with open_store(store_url) as store:
        assert await store.list_feedback() == [feedback(id=new_id)]


async def test_the_table_holds_nothing_that_could_identify_or_time(store: Store) -> None:
    columns = await table_columns(store, "feedback")
    # Exactly these: no sender, room, event id, created_at or time of day can hide here.
    # The municipality (migration 5) is coarser than the area already kept.
    assert set(columns) == {"id", "category", "area", "text", "rating", "day",
                            "granularity", "lang", "municipality"}
    assert not any("time" in kind for kind in columns.values()), columns
    assert columns["day"] in ("date", "text")


async def test_the_schema_itself_refuses_what_validation_refuses(store: Store) -> None:
    # A caller that writes around add_feedback still cannot store these.
    for day, granularity, rating in [(THURSDAY, "week", None), (MONDAY, "date", 7),
                                     (MONDAY, "hour", None)]:
        with pytest.raises(StoreError):
            await raw_insert_feedback(store, day, granularity, rating)
    await raw_insert_feedback(store, MONDAY, "week", 3)
    assert len(await store.list_feedback()) == 1


async def test_a_closed_store_refuses_feedback(store_url: str) -> None:
    store = open_store(store_url)
    with pytest.raises(StoreError, match="not open"):
        await store.add_feedback(feedback())
    with pytest.raises(StoreError, match="not open"):
        await store.list_feedback()
