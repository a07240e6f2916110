"""Information-session requests, under the store contract: every test runs on every backend.

Time comes from a FixedClock set on the store (`store.clock`), never from sleeping."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.core.clock import FixedClock
from bot.store import Store, open_store
from bot.store.records import SessionRequest

T0 = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def request(**fields: Any) -> SessionRequest:
    values: dict[str, Any] = {
        "organisation": "Centralskolan", "audience": "larare", "topic": "drogtecken",
        "size": 25, "wished": "vecka 5 eller 6", "contact": "chat",
        "requester": "@lärare:skolan.se", "transport": "matrix",
    }
    values.update(fields)
    return SessionRequest(**values)


@pytest.fixture
def clock(store: Store) -> FixedClock:
    fixed = FixedClock(T0)
    store.clock = fixed.now
    return fixed


async def test_round_trip(store: Store, clock: FixedClock) -> None:
    sent = [
        request(),
        request(organisation="Fritidsgården Örnen 🦅", audience="foraldrar", topic="annat",
                size=None, wished="en kväll i mars, 'helst' tisdag; --\nelse onsdag",
                contact="rektor@skolan.se, 070-123 45 67", requester="29:1a-teams-id",
                transport="teams", lang="en"),
    ]
    ids = [await store.add_request(r) for r in sent]
    assert len(set(ids)) == 2
    expected = [dataclasses.replace(r, status="open", answer="", scheduled=None,
                                    created_at=T0, updated_at=T0, id=i)
                for r, i in zip(sent, ids, strict=True)]
    assert [await store.get_request(i) for i in ids] == expected
    assert await store.list_requests() == expected
    got = await store.get_request(ids[0])
    assert got is not None and got.created_at is not None and got.updated_at is not None
    assert got.created_at.utcoffset() == got.updated_at.utcoffset() == dt.timedelta(0)


async def test_given_fields_and_times_are_kept(store: Store) -> None:
    created = dt.datetime(2026, 3, 2, 8, 30, tzinfo=STOCKHOLM)
    scheduled = dt.datetime(2026, 3, 20, 18, 0, tzinfo=STOCKHOLM)
    sent = request(status="confirmed", answer="20 mars kl. 18", scheduled=scheduled,
                   created_at=created, id=999)
    new_id = await store.add_request(sent)
    got = await store.get_request(new_id)
    assert got is not None
    assert got.id == new_id != 999  # an id given by the caller is ignored
    # Not updated since it was created: updated_at is created_at, not the wall clock.
    assert got == dataclasses.replace(sent, updated_at=created, id=new_id)
    assert got.scheduled is not None and got.scheduled.utcoffset() == dt.timedelta(0)


async def test_without_a_clock_the_times_are_the_wall_clock(store: Store) -> None:
    before = dt.datetime.now(dt.UTC)
    new_id = await store.add_request(request())
    updated = await store.update_request(new_id, status="declined")
    after = dt.datetime.now(dt.UTC)
    assert updated.created_at is not None and updated.updated_at is not None
    assert before <= updated.created_at <= updated.updated_at <= after


async def test_open_confirmed_done(store: Store, clock: FixedClock) -> None:
    new_id = await store.add_request(request())
    other = await store.add_request(request(organisation="Norrskolan"))
    clock.advance(dt.timedelta(hours=2))
    when = dt.datetime(2026, 12, 9, 15, 0, tzinfo=STOCKHOLM)
    confirmed = await store.update_request(new_id, status="confirmed",
                                           answer="Onsdag 9 december kl. 15", scheduled=when)
    assert confirmed == dataclasses.replace(
        request(), status="confirmed", answer="Onsdag 9 december kl. 15", scheduled=when,
        created_at=T0, updated_at=T0 + dt.timedelta(hours=2), id=new_id)
    assert await store.get_request(new_id) == confirmed
    clock.advance(dt.timedelta(days=12))
    done = await store.update_request(new_id, status="done", answer="Genomfört",
                                      scheduled=when)
    assert (done.status, done.answer, done.scheduled) == ("done", "Genomfört", when)
    assert (done.created_at, done.updated_at) == (T0, clock.now())
    assert await store.get_request(new_id) == done
    # The other request is untouched.
    untouched = await store.get_request(other)
    assert untouched is not None
    assert (untouched.status, untouched.updated_at) == ("open", T0)


async def test_open_declined(store: Store, clock: FixedClock) -> None:
    new_id = await store.add_request(request())
    clock.advance(dt.timedelta(minutes=30))
    declined = await store.update_request(
        new_id, status="declined", answer="Ingen möjlighet vecka 5–6; hör av er i april 🙏")
    assert declined.status == "declined"
    assert declined.answer == "Ingen möjlighet vecka 5–6; hör av er i april 🙏"
    assert declined.scheduled is None
    assert declined.updated_at == T0 + dt.timedelta(minutes=30)
    assert await store.get_request(new_id) == declined


async def test_an_update_replaces_answer_and_scheduled(store: Store) -> None:
    new_id = await store.add_request(request())
    when = dt.datetime(2026, 12, 9, 15, 0, tzinfo=dt.UTC)
    await store.update_request(new_id, status="confirmed", answer="9/12", scheduled=when)
    # Defaults are part of the update: a later decline clears the time and the answer.
    cleared = await store.update_request(new_id, status="declined")
    assert (cleared.answer, cleared.scheduled) == ("", None)


async def test_list_by_status_and_date(store: Store, clock: FixedClock) -> None:
    ids = []
    # Created on 1, 2 … 6 November at 23:30 UTC, which is already the next day in Sweden:
    # the bounds are UTC dates.
    for n in range(6):
        clock.set(dt.datetime(2026, 11, 1 + n, 23, 30, tzinfo=dt.UTC))
        ids.append(await store.add_request(request(organisation=f"skola {n}")))
    await store.update_request(ids[1], status="confirmed")
    await store.update_request(ids[2], status="declined")
    await store.update_request(ids[3], status="confirmed")
    await store.update_request(ids[3], status="done")

    async def found(**filters: Any) -> list[int]:
        return [ids.index(r.id) for r in await store.list_requests(**filters)]

    assert await found() == [0, 1, 2, 3, 4, 5]
    assert await found(status="open") == [0, 4, 5]
    assert await found(status="confirmed") == [1]
    assert await found(status="declined") == [2]
    assert await found(status="done") == [3]
    assert await found(start=dt.date(2026, 11, 2), end=dt.date(2026, 11, 4)) == [1, 2, 3]
    assert await found(start=dt.date(2026, 11, 5)) == [4, 5]
    assert await found(end=dt.date(2026, 11, 1)) == [0]
    assert await found(start=dt.date(2026, 11, 7)) == []
    assert await found(status="open", start=dt.date(2026, 11, 2)) == [4, 5]
    assert await found(end=dt.date.max, start=dt.date.min) == [0, 1, 2, 3, 4, 5]
    with pytest.raises(ValueError, match="status"):
        await store.list_requests(status="pending")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="start"):
        await store.list_requests(start=clock.now())


async def test_one_requesters_requests(store: Store, clock: FixedClock) -> None:
    """/mina's query: only that person on that transport, newest first, capped, counted."""
    mine = []
    for n in range(5):
        clock.set(dt.datetime(2026, 11, 1 + n, 12, tzinfo=dt.UTC))
        mine.append(await store.add_request(request(organisation=f"skola {n}")))
        await store.add_request(request(requester="@annan:skolan.se"))
        await store.add_request(request(transport="teams"))  # the same id elsewhere
    got, total = await store.requests_of("matrix", "@lärare:skolan.se", limit=3)
    assert [r.id for r in got] == mine[::-1][:3] and total == 5
    got, total = await store.requests_of("matrix", "@lärare:skolan.se",
                                         since=dt.date(2026, 11, 4))
    assert [r.id for r in got] == mine[::-1][:2] and total == 2
    assert await store.requests_of("matrix", "@ingen:skolan.se") == ([], 0)
    got, total = await store.requests_of("matrix", "@lärare:skolan.se", limit=0)
    assert got == [] and total == 5


async def test_missing_requests(store: Store) -> None:
    kept = await store.add_request(request())
    for missing in (kept + 1, 0, -1, 2**70):
        assert await store.get_request(missing) is None
        with pytest.raises(KeyError):
            await store.update_request(missing, status="confirmed")
    with pytest.raises(ValueError, match="id"):
        await store.get_request("1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="id"):
        await store.update_request(None, status="done")  # type: ignore[arg-type]
    assert [r.status for r in await store.list_requests()] == ["open"]


@pytest.mark.parametrize(("fields", "message"), [
    ({"organisation": ""}, "organisation"),
    ({"organisation": "  "}, "organisation"),
    ({"organisation": None}, "organisation"),
    ({"audience": None}, "audience"),
    ({"requester": 42}, "requester"),
    ({"size": 0}, "size"),
    ({"size": -3}, "size"),
    ({"size": True}, "size"),
    ({"size": 2.5}, "size"),
    ({"size": "25"}, "size"),
    ({"size": 2**31}, "size"),
    ({"status": "pending"}, "status"),
    ({"status": None}, "status"),
    ({"lang": "de"}, "lang"),
    ({"scheduled": dt.datetime(2026, 12, 9, 15)}, "naive"),
    ({"scheduled": dt.date(2026, 12, 9)}, "scheduled"),
    ({"created_at": dt.datetime(2026, 12, 9, 15)}, "naive"),
    ({"updated_at": dt.datetime(2026, 12, 9, 15)}, "naive"),
])
async def test_invalid_requests_are_refused(
    store: Store, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        await store.add_request(request(**fields))
    assert await store.list_requests() == []


@pytest.mark.parametrize(("arguments", "message"), [
    ({"status": "cancelled"}, "status"),
    ({"status": "confirmed", "scheduled": dt.datetime(2026, 12, 9, 15)}, "naive"),
    ({"status": "confirmed", "scheduled": "2026-12-09 15:00"}, "scheduled"),
    ({"status": "declined", "answer": None}, "answer"),
])
async def test_invalid_updates_are_refused_and_change_nothing(
    store: Store, clock: FixedClock, arguments: dict[str, Any], message: str
) -> None:
    new_id = await store.add_request(request())
    before = await store.get_request(new_id)
    clock.advance(dt.timedelta(hours=1))
    with pytest.raises(ValueError, match=message):
        await store.update_request(new_id, **arguments)
    assert await store.get_request(new_id) == before


async def test_the_limits_themselves_are_accepted(store: Store) -> None:
    for size in (1, 2**31 - 1, None):
        await store.add_request(request(size=size))
    assert [r.size for r in await store.list_requests()] == [1, 2**31 - 1, None]


async def test_concurrent_requests_and_answers(store: Store) -> None:
    ids = await asyncio.gather(*(store.add_request(request(organisation=f"skola {i}"))
                                 for i in range(20)))
    assert len(set(ids)) == 20
    await asyncio.gather(*(store.update_request(i, status="confirmed", answer=str(i))
                           for i in ids[::2]))
    confirmed = await store.list_requests(status="confirmed")
    assert [(r.id, r.answer) for r in confirmed] == [(i, str(i)) for i in sorted(ids[::2])]
    assert len(await store.list_requests(status="open")) == 10


async def test_requests_survive_a_reopen(store_url: str) -> None:
    async with open_store(store_url) as store:
        new_id = await store.add_request(request(created_at=T0))
        await store.update_request(new_id, status="declined", answer="nej")
    async with open_store(store_url) as store:
        got = await store.get_request(new_id)
        assert got is not None
        assert (got.status, got.answer, got.created_at) == ("declined", "nej", T0)
