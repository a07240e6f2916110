"""Activities logged by staff, under the store contract: every test runs on every backend.

Time comes from a FixedClock set on the store (`store.clock`), never from sleeping."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import unicodedata
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.core.clock import FixedClock
from bot.store import Store, open_store
from bot.store.records import Activity

T0 = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
STOCKHOLM = ZoneInfo("Europe/Stockholm")
DAY = dt.date(2026, 11, 26)


def activity(**fields: Any) -> Activity:
    values: dict[str, Any] = {
        "kind": "trafikkontroll", "promise": "narvaro-byarna", "place": "Fredrika",
        "day": DAY, "counts": {"fordon": 23}, "note": "", "author": "@anna:polisen.se",
    }
    values.update(fields)
    return Activity(**values)


@pytest.fixture
def clock(store: Store) -> FixedClock:
    fixed = FixedClock(T0)
    store.clock = fixed.now
    return fixed


async def test_round_trip_with_counts_and_unicode(store: Store, clock: FixedClock) -> None:
    sent = activity(
        kind="nykterhetskontroll", place="Örträsk", promise=None,
        counts={"fordon": 112, "rattfylleri": 2, "böter": 0, "blåsprov ✓": 7},
        note="Blåsprov vid E92 🚓 'quoted' \"double\"; DROP TABLE activities; --\nrad två",
        author="@örjan:kommun.se")
    new_id = await store.add_activity(sent)
    assert isinstance(new_id, int)
    expected = dataclasses.replace(sent, created_at=T0, id=new_id)
    got = await store.get_activity(new_id)
    assert got == expected
    assert got is not None and got.created_at is not None
    assert got.created_at.utcoffset() == dt.timedelta(0)
    # Counts come back ordered by unit on every backend (JSONB keeps no order).
    assert list(got.counts) == sorted(sent.counts)
    assert await store.list_activities() == [expected]
    # Nothing but the one kind of entry, and no place or counts at all is fine too.
    bare = activity(place=None, promise=None, counts={})
    bare_id = await store.add_activity(bare)
    assert await store.get_activity(bare_id) == dataclasses.replace(bare, created_at=T0,
                                                                    id=bare_id)


async def test_created_at_given_is_kept_as_the_same_instant_in_utc(store: Store) -> None:
    at = dt.datetime(2026, 7, 1, 14, 5, 30, 123456, tzinfo=STOCKHOLM)
    new_id = await store.add_activity(activity(created_at=at, id=4242))
    got = await store.get_activity(new_id)
    assert got is not None
    assert got.id == new_id != 4242  # an id given by the caller is ignored
    assert got.created_at == at
    assert got.created_at is not None and got.created_at.tzinfo is not None
    assert got.created_at.utcoffset() == dt.timedelta(0)


async def test_without_a_clock_created_at_is_the_wall_clock(store: Store) -> None:
    before = dt.datetime.now(dt.UTC)
    new_id = await store.add_activity(activity())
    after = dt.datetime.now(dt.UTC)
    got = await store.get_activity(new_id)
    assert got is not None and got.created_at is not None
    assert before <= got.created_at <= after


async def test_list_filters(store: Store, clock: FixedClock) -> None:
    rows = [  # (day of November, place, kind)
        (28, "Fredrika", "trafikkontroll"), (3, "ÅSELE", "skolbesok"),
        (15, "Åsele", "trafikkontroll"), (3, "Örträsk", "trafikkontroll"),
        (28, None, "trafikkontroll"), (1, "åsele", "hastighetskontroll"),
        # "Åsele" with the ring as a combining character, as some keyboards send it.
        (20, unicodedata.normalize("NFD", "Åsele"), "skolbesok"),
    ]
    ids = [await store.add_activity(activity(day=dt.date(2026, 11, d), place=p, kind=k))
           for d, p, k in rows]

    async def found(**filters: Any) -> list[int]:
        return [ids.index(a.id) for a in await store.list_activities(**filters)]

    # By day, then by id: the same day keeps the order they were given.
    assert await found() == [5, 1, 3, 2, 6, 0, 4]
    nov = dt.date(2026, 11, 1)
    assert await found(start=dt.date(2026, 11, 3), end=dt.date(2026, 11, 15)) == [1, 3, 2]
    assert await found(start=dt.date(2026, 11, 28)) == [0, 4]
    assert await found(end=dt.date(2026, 11, 3)) == [5, 1, 3]
    assert await found(start=nov, end=nov) == [5]
    assert await found(start=dt.date(2026, 11, 4), end=dt.date(2026, 11, 3)) == []
    assert await found(place="åsele") == [5, 1, 2, 6]
    assert await found(place="ÅSELE ") == [5, 1, 2, 6]
    assert await found(place="örträsk") == [3]
    assert await found(place="Vilhelmina") == []
    assert await found(kind="trafikkontroll") == [3, 2, 0, 4]
    assert await found(kind="Trafikkontroll") == []  # kinds are ids: exact
    assert await found(kind="skolbesok", place="åsele", start=dt.date(2026, 11, 10)) == [6]
    assert await found(kind="trafikkontroll", end=dt.date(2026, 11, 20),
                       place="Åsele") == [2]


async def test_list_arguments_are_checked(store: Store) -> None:
    at = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="start"):
        await store.list_activities(start=at)
    with pytest.raises(ValueError, match="end"):
        await store.list_activities(end="2026-11-01")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="place"):
        await store.list_activities(place=5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="kind"):
        await store.list_activities(kind=["trafikkontroll"])  # type: ignore[arg-type]


async def test_update_replaces_all_but_id_author_and_created_at(
    store: Store, clock: FixedClock
) -> None:
    new_id = await store.add_activity(activity(note="först"))
    other_id = await store.add_activity(activity(note="orörd"))
    clock.advance(dt.timedelta(hours=3))
    changed = Activity(kind="hastighetskontroll", promise=None, place="Åsele",
                       day=dt.date(2026, 11, 27), counts={"fordon": 40, "böter": 3},
                       note="rättad ✓", author="@mallory:evil.example",
                       created_at=T0 + dt.timedelta(days=9), id=new_id)
    assert await store.update_activity(changed) is None
    assert await store.get_activity(new_id) == dataclasses.replace(
        changed, author="@anna:polisen.se", created_at=T0)
    assert (await store.get_activity(other_id) or activity()).note == "orörd"
    # The author and created_at are not even read: an empty author does not matter.
    await store.update_activity(dataclasses.replace(changed, author="", created_at=None,
                                                    counts={}))
    got = await store.get_activity(new_id)
    assert got is not None
    assert (got.author, got.created_at, got.counts) == ("@anna:polisen.se", T0, {})


async def test_update_of_a_missing_activity(store: Store) -> None:
    kept = await store.add_activity(activity())
    await store.delete_activity(kept + 1)  # nothing there
    for missing in (kept + 1, 0, -1, 2**70):
        with pytest.raises(KeyError):
            await store.update_activity(activity(id=missing))
    with pytest.raises(ValueError, match="id"):
        await store.update_activity(activity(id=None))
    with pytest.raises(ValueError, match="counts"):
        await store.update_activity(activity(id=kept, counts={"fordon": -1}))
    [only] = await store.list_activities()  # and nothing changed
    assert only == activity(created_at=only.created_at, id=kept)


async def test_delete(store: Store) -> None:
    first = await store.add_activity(activity(note="a"))
    second = await store.add_activity(activity(note="b"))
    assert await store.delete_activity(first) is True
    assert await store.get_activity(first) is None
    assert await store.delete_activity(first) is False
    assert [a.note for a in await store.list_activities()] == ["b"]
    for missing in (0, -5, 2**70):
        assert await store.delete_activity(missing) is False
        assert await store.get_activity(missing) is None
    # Ids are not reused, so an /ångra of an old id cannot hit a newer entry.
    assert await store.add_activity(activity()) > second


async def test_last_activity_by_is_the_newest_created(store: Store, clock: FixedClock) -> None:
    anna, bo = "@anna:polisen.se", "@bo:asele.se"
    assert await store.last_activity_by(anna) is None

    async def add(author: str, note: str, minutes: int | None = None) -> int:
        at = None if minutes is None else T0 + dt.timedelta(minutes=minutes)
        # The day done is not the time created: a later entry about an earlier day.
        return await store.add_activity(activity(author=author, note=note, created_at=at,
                                                 day=DAY - dt.timedelta(days=len(note))))

    await add(anna, "a1", 1)
    await add(bo, "b1", 2)
    await add(anna, "a2", 3)
    await add(bo, "b2", 5)
    await add(anna, "a0", 0)  # added last, but created (e.g. imported) earliest
    assert (await store.last_activity_by(anna) or activity()).note == "a2"
    assert (await store.last_activity_by(bo) or activity()).note == "b2"
    # Equal times: the later id is the newer entry.
    clock.set(T0 + dt.timedelta(minutes=10))
    await add(anna, "a3")
    newest = await add(anna, "a4")
    assert await store.last_activity_by(anna) == await store.get_activity(newest)
    await store.delete_activity(newest)  # /ångra twice goes one further back
    assert (await store.last_activity_by(anna) or activity()).note == "a3"
    assert await store.last_activity_by("@nobody:example.org") is None
    assert await store.last_activity_by(anna.upper()) is None  # ids are exact
    with pytest.raises(ValueError, match="author"):
        await store.last_activity_by(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(("fields", "message"), [
    ({"kind": ""}, "kind"),
    ({"kind": "   "}, "kind"),
    ({"kind": None}, "kind"),
    ({"author": ""}, "author"),
    ({"author": None}, "author"),
    ({"promise": ""}, "promise"),
    ({"promise": 7}, "promise"),
    ({"place": " "}, "place"),
    ({"day": dt.datetime(2026, 11, 26, 14, 5, tzinfo=dt.UTC)}, "day"),
    ({"day": "2026-11-26"}, "day"),
    ({"counts": [("fordon", 3)]}, "counts"),
    ({"counts": {"": 3}}, "counts"),
    ({"counts": {"  ": 3}}, "counts"),
    ({"counts": {5: 3}}, "counts"),
    ({"counts": {"fordon": -1}}, "counts"),
    ({"counts": {"fordon": 1.5}}, "counts"),
    ({"counts": {"fordon": True}}, "counts"),
    ({"counts": {"fordon": "3"}}, "counts"),
    ({"counts": {"fordon": None}}, "counts"),
    ({"note": "x" * 2001}, "note"),
    ({"note": "🚓" * 2001}, "note"),
    ({"note": None}, "note"),
    ({"created_at": dt.datetime(2026, 11, 26, 14, 5)}, "naive"),
    ({"created_at": "2026-11-26T14:05:00+00:00"}, "created_at"),
])
async def test_invalid_activities_are_refused(
    store: Store, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        await store.add_activity(activity(**fields))
    assert await store.list_activities() == []


async def test_the_limits_themselves_are_accepted(store: Store) -> None:
    for note in ("x" * 2000, "🚓" * 2000, ""):
        await store.add_activity(activity(note=note, counts={"fordon": 0, "ä": 10**12}))
    listed = await store.list_activities()
    assert [len(a.note) for a in listed] == [2000, 2000, 0]
    assert listed[0].counts == {"fordon": 0, "ä": 10**12}


@pytest.mark.parametrize("bad", ["1", 1.0, True, None])
async def test_ids_must_be_ints(store: Store, bad: Any) -> None:
    with pytest.raises(ValueError, match="id"):
        await store.get_activity(bad)
    with pytest.raises(ValueError, match="id"):
        await store.delete_activity(bad)


async def test_concurrent_adds_are_all_stored(store: Store) -> None:
    ids = await asyncio.gather(*(
        store.add_activity(activity(day=dt.date(2026, 11, 1 + i % 7), note=f"n{i}",
                                    counts={"fordon": i}, author=f"@staff{i % 3}:x"))
        for i in range(20)
    ))
    assert len(set(ids)) == 20
    listed = await store.list_activities()
    assert {a.id for a in listed} == set(ids)
    assert sorted((a.note, a.counts["fordon"]) for a in listed) == sorted(
        (f"n{i}", i) for i in range(20))


async def test_activities_survive_a_reopen(store_url: str) -> None:
    async with open_store(store_url) as store:
        new_id = await store.add_activity(activity(created_at=T0))
    async with open_store(store_url) as store:
        assert await store.get_activity(new_id) == activity(created_at=T0, id=new_id)
