"""The store contract: every test runs against every backend (see conftest.BACKENDS).

Feedback has its own file, test_feedback.py, under the same contract."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest

from bot.store import Feedback, Store, StoreError, migrations, open_store

T0 = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
STOCKHOLM = ZoneInfo("Europe/Stockholm")

AWKWARD = [
    "'; DROP TABLE kv; --",
    'Robert"); DELETE FROM handled_events; --',
    "åäö ÅÄÖ é ß 🚓👮‍♀️",
    "line\nbreak\ttab\r\n",
    "back\\slash %_ like wildcards",
    "!room:example.org",
    "$event/with+odd=chars",
    "x" * 100_000,
]


async def test_fresh_store_answers_and_is_empty(store: Store) -> None:
    assert await store.ping()
    assert await store.schema_version() == migrations.latest()
    assert await store.get_value("nothing") is None
    assert await store.event_state("nothing") is None
    assert await store.prune_events(T0) == 0


async def test_value_round_trip_overwrite_and_delete(store: Store) -> None:
    await store.set_value("matrix.next_batch", "s1_abc")
    assert await store.get_value("matrix.next_batch") == "s1_abc"
    await store.set_value("matrix.next_batch", "s2_def")
    assert await store.get_value("matrix.next_batch") == "s2_def"
    await store.delete_value("matrix.next_batch")
    assert await store.get_value("matrix.next_batch") is None
    await store.delete_value("matrix.next_batch")  # deleting what is gone is fine


async def test_empty_string_is_a_value_not_none(store: Store) -> None:
    await store.set_value("empty", "")
    assert await store.get_value("empty") == ""


async def test_keys_are_independent(store: Store) -> None:
    await store.set_value("a", "1")
    await store.set_value("b", "2")
    await store.delete_value("a")
    assert await store.get_value("b") == "2"
    # The two tables do not share keys.
    await store.set_event_state("b", "received", T0)
    assert await store.get_value("b") == "2"


async def test_event_state_upsert(store: Store) -> None:
    key = "!room:example.org/$event1"
    assert await store.event_state(key) is None
    await store.set_event_state(key, "received", T0)
    assert await store.event_state(key) == "received"
    await store.set_event_state(key, "answered", T0 + dt.timedelta(seconds=2))
    assert await store.event_state(key) == "answered"


async def test_upsert_moves_the_time_too(store: Store) -> None:
    await store.set_event_state("e", "received", T0 - dt.timedelta(days=10))
    await store.set_event_state("e", "answered", T0)
    assert await store.prune_events(T0 - dt.timedelta(days=1)) == 0
    assert await store.event_state("e") == "answered"


async def test_prune_removes_only_older_events(store: Store) -> None:
    await store.set_event_state("old", "answered", T0 - dt.timedelta(days=2))
    await store.set_event_state("older", "answered", T0 - dt.timedelta(days=30))
    await store.set_event_state("edge", "answered", T0)
    await store.set_event_state("new", "received", T0 + dt.timedelta(hours=1))
    assert await store.prune_events(T0) == 2
    assert await store.event_state("old") is None
    assert await store.event_state("older") is None
    assert await store.event_state("edge") == "answered"  # strictly before goes
    assert await store.event_state("new") == "received"
    assert await store.prune_events(T0) == 0


async def test_prune_compares_instants_not_wall_clock_text(store: Store) -> None:
    # 12:30 in Stockholm is 11:30 UTC; 11:45 UTC reads 12:45 in Stockholm.
    await store.set_event_state("a", "answered", dt.datetime(2026, 11, 28, 12, 30,
                                                              tzinfo=STOCKHOLM))
    await store.set_event_state("b", "answered", dt.datetime(2026, 11, 28, 11, 45,
                                                              tzinfo=dt.UTC))
    # 06:40 at UTC-5 is 11:40 UTC.
    cut = dt.datetime(2026, 11, 28, 6, 40, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert await store.prune_events(cut) == 1
    assert await store.event_state("a") is None
    assert await store.event_state("b") == "answered"


async def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="naive"):
        await store.set_event_state("e", "received", dt.datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="naive"):
        await store.prune_events(dt.datetime(2026, 1, 1))
    assert await store.event_state("e") is None


async def test_unicode_and_quotes_round_trip(store: Store) -> None:
    for i, text in enumerate(AWKWARD):
        await store.set_value(text, text[::-1])
        await store.set_event_state(text, f"state {text}", T0 + dt.timedelta(seconds=i))
    for text in AWKWARD:
        assert await store.get_value(text) == text[::-1]
        assert await store.event_state(text) == f"state {text}"
    assert await store.ping()


async def test_concurrent_writers_lose_nothing(store: Store) -> None:
    async def writer(i: int) -> None:
        await store.set_value(f"key{i}", f"value{i}")
        await store.set_event_state(f"$event{i}", "received", T0)
        assert await store.event_state(f"$event{i}") == "received"
        await store.set_event_state(f"$event{i}", "answered", T0 + dt.timedelta(seconds=i))
        await store.set_value(f"key{i}", f"final{i}")

    await asyncio.gather(*(writer(i) for i in range(50)))
    for i in range(50):
        assert await store.get_value(f"key{i}") == f"final{i}"
        assert await store.event_state(f"$event{i}") == "answered"
    assert await store.prune_events(T0 + dt.timedelta(seconds=25)) == 25


async def test_reopen_keeps_everything(store_url: str) -> None:
    async with open_store(store_url) as store:
        await store.set_value("credentials", "device ABC")
        await store.set_event_state("$kept", "answered", T0)
        await store.set_event_state("$gone", "received", T0)
        await store.set_event_state("$gone", "answered", T0)
    async with open_store(store_url) as store:
        assert await store.get_value("credentials") == "device ABC"
        assert await store.event_state("$kept") == "answered"
        assert await store.prune_events(T0 + dt.timedelta(seconds=1)) == 2


async def test_migrations_are_recorded_once(store_url: str) -> None:
    for _ in range(3):
        async with open_store(store_url) as store:
            assert await store.schema_version() == migrations.latest() >= 5


async def test_a_store_that_is_not_open_says_so(store_url: str) -> None:
    store = open_store(store_url)
    assert not await store.ping()
    with pytest.raises(StoreError, match="not open"):
        await store.get_value("k")
    await store.open()
    await store.open()  # opening twice is harmless
    await store.set_value("k", "v")
    await store.close()
    await store.close()  # and so is closing twice
    with pytest.raises(StoreError, match="not open"):
        await store.set_value("k", "v2")
    assert not await store.ping()


async def test_nothing_private_reaches_the_log(
    store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with open_store(store_url) as store:
        await store.set_value("!secretroom:example.org", "secret-token-value")
        await store.get_value("!secretroom:example.org")
        await store.set_event_state("$secretevent", "answered", T0)
        await store.event_state("$secretevent")
        await store.prune_events(T0)
        await store.delete_value("!secretroom:example.org")
        await store.add_feedback(Feedback("trafik", "secretarea", "secret text", 2,
                                          T0.date(), "date", "sv"))
        await store.list_feedback()
        await store.purge_feedback(T0.date())
    assert "store opened" in caplog.text
    assert "secret" not in caplog.text
    assert store.url not in repr(store)


async def test_a_cancelled_write_leaves_the_store_usable(store: Store) -> None:
    # Cancelled while its BEGIN (or what follows) is still running: the transaction must
    # not be left open. test_sqlite cancels at each step deterministically.
    for turns in range(12):
        await store.set_value("k", "old")
        task = asyncio.create_task(store.set_value("k", "new"))
        for _ in range(turns):
            await asyncio.sleep(0)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        assert await store.get_value("k") in ("old", "new")
        await store.set_value(f"after{turns}", "ok")
        assert await store.get_value(f"after{turns}") == "ok"
