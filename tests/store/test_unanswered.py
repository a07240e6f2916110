"""Unanswered questions (migration 4), under the store contract: every test runs on every
backend."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import unicodedata
from typing import Any

import pytest

from bot.store import Store, StoreError, Unanswered, migrations, open_store
from bot.store.records import MAX_UNANSWERED_TEXT
from tests.store.conftest import index_names, raw_execute, raw_fetch, table_columns

D1, D2, D3, D4 = (dt.date(2026, 3, d) for d in (1, 2, 3, 4))


def texts(top: list[Unanswered]) -> list[str]:
    return [u.text for u in top]


async def test_record_and_count(store: Store) -> None:
    assert await store.top_unanswered() == []
    for _ in range(3):
        await store.record_unanswered("hur många poliser finns i åsele", D1)
    await store.record_unanswered("när öppnar simhallen", D1)
    assert await store.top_unanswered() == [
        Unanswered("hur många poliser finns i åsele", 3, D1, D1),
        Unanswered("när öppnar simhallen", 1, D1, D1),
    ]


async def test_first_and_last_day_take_in_every_day(store: Store) -> None:
    # Out of order, as a late retry or a --today replay may record them.
    for day in (D3, D1, D4, D2, D2):
        await store.record_unanswered("fråga", day)
    assert await store.top_unanswered() == [Unanswered("fråga", 5, D1, D4)]
    # Across a month and a year: compared as dates, on SQLite's text too.
    await store.record_unanswered("fråga", dt.date(2025, 12, 31))
    await store.record_unanswered("fråga", dt.date(2026, 10, 1))
    assert await store.top_unanswered() == [
        Unanswered("fråga", 7, dt.date(2025, 12, 31), dt.date(2026, 10, 1))]


async def test_ordered_by_count_then_last_day_then_text(store: Store) -> None:
    asked = {"c": [D1] * 3, "b": [D1, D2], "a": [D1, D2], "d": [D1, D3], "e": [D4],
             "f": [D2], "Z": [D2], "ä": [D2], "z": [D2]}
    for text, days in asked.items():
        for day in days:
            await store.record_unanswered(text, day)
    top = await store.top_unanswered()
    assert [(u.text, u.count, u.last_day) for u in top] == [
        ("c", 3, D1), ("d", 2, D3), ("a", 2, D2), ("b", 2, D2), ("e", 1, D4),
        # Code-point order, as Python sorts: "Z" < "f" < "z" < "ä", on every backend.
        ("Z", 1, D2), ("f", 1, D2), ("z", 1, D2), ("ä", 1, D2)]
    assert texts(await store.top_unanswered(limit=2)) == ["c", "d"]
    assert texts(await store.top_unanswered(limit=1)) == ["c"]
    assert await store.top_unanswered(limit=0) == []
    assert len(await store.top_unanswered(limit=100)) == 9


async def test_the_default_limit_is_20(store: Store) -> None:
    for n in range(25):
        await store.record_unanswered(f"fråga {n:02}", D1)
    top = await store.top_unanswered()
    assert texts(top) == [f"fråga {n:02}" for n in range(20)]


async def test_the_period_filters_on_the_last_day(store: Store) -> None:
    for text, days in {"one": [D1], "two": [D2], "three": [D3], "four": [D4],
                       "one-to-three": [D1, D3], "long": [dt.date(2025, 6, 1), D4]}.items():
        for day in days:
            await store.record_unanswered(text, day)

    async def found(start: dt.date | None, end: dt.date | None) -> set[str]:
        return set(texts(await store.top_unanswered(start, end)))

    assert await found(D2, D3) == {"two", "three", "one-to-three"}
    assert await found(D3, None) == {"three", "four", "one-to-three", "long"}
    assert await found(None, D1) == {"one"}
    assert await found(D4, D4) == {"four", "long"}
    assert await found(D3, D2) == set()
    assert await found(dt.date(2026, 4, 1), None) == set()
    assert len(await found(None, None)) == 6
    # The filter comes before the limit.
    [top] = await store.top_unanswered(D3, D3, limit=1)
    assert (top.text, top.count) == ("one-to-three", 2)


async def test_purge_deletes_those_last_asked_strictly_before(store: Store) -> None:
    await store.record_unanswered("old", D1)
    await store.record_unanswered("old and new", D1)
    await store.record_unanswered("old and new", D3)
    await store.record_unanswered("on the day", D2)
    assert await store.purge_unanswered(D2) == 1
    assert set(texts(await store.top_unanswered())) == {"old and new", "on the day"}
    assert await store.purge_unanswered(D2) == 0
    assert await store.purge_unanswered(dt.date(2027, 1, 1)) == 2
    assert await store.top_unanswered() == []
    # Purged means forgotten: asked again, it starts over.
    await store.record_unanswered("old", D4)
    assert await store.top_unanswered() == [Unanswered("old", 1, D4, D4)]


@pytest.mark.parametrize(("text", "message"), [
    ("", "non-empty"),
    ("   ", "non-empty"),
    ("x" * (MAX_UNANSWERED_TEXT + 1), "longer than 300"),
    ("🚓" * (MAX_UNANSWERED_TEXT + 1), "longer than 300"),
    (None, "string"),
    (b"bytes", "string"),
    ("nul\x00inside", "NUL"),
    ("lone \ud800 surrogate", "Unicode"),
])
async def test_invalid_text_is_refused(store: Store, text: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        await store.record_unanswered(text, D1)
    assert "xxx" not in str(caught.value)  # the message never repeats the text
    assert await store.top_unanswered() == []


@pytest.mark.parametrize("day", [
    dt.datetime(2026, 3, 1, 14, 5, tzinfo=dt.UTC),  # a time of day
    dt.datetime(2026, 3, 1),
    "2026-03-01",
    None,
])
async def test_the_day_must_be_a_plain_date(store: Store, day: Any) -> None:
    with pytest.raises(ValueError, match="day"):
        await store.record_unanswered("fråga", day)
    assert await store.top_unanswered() == []


async def test_bounds_and_limit_are_checked(store: Store) -> None:
    at = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="start"):
        await store.top_unanswered(at)
    with pytest.raises(ValueError, match="end"):
        await store.top_unanswered(None, "2026-03-01")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="before"):
        await store.purge_unanswered(at)
    for limit in (-1, True, 2.0, "20", None, 2**63):
        with pytest.raises(ValueError, match="limit"):
            await store.top_unanswered(limit=limit)


async def test_the_limits_themselves_are_accepted(store: Store) -> None:
    # 300 characters, not bytes: 300 emoji are 1200 bytes of UTF-8.
    for text in ("x" * 300, "🚓" * 300, "ä" * 300):
        await store.record_unanswered(text, D1)
    assert sorted(len(u.text) for u in await store.top_unanswered()) == [300] * 3


async def test_unicode_is_kept_exactly_and_composed(store: Store) -> None:
    sent = ["vad gör polisen i fredrika 🚓", "ånge älvdalen övik", "ﬁnns det ߷ 中文",
            "'quoted' \"double\" ; drop table unanswered --"]
    for text in sent:
        await store.record_unanswered(text, D1)
    assert set(texts(await store.top_unanswered())) == set(sent)
    # "å" as a + combining ring (as some keyboards send it) counts as "å".
    decomposed = unicodedata.normalize("NFD", "ånge älvdalen övik")
    assert decomposed != "ånge älvdalen övik"
    await store.record_unanswered(decomposed, D2)
    [top] = await store.top_unanswered(limit=1)
    assert top == Unanswered("ånge älvdalen övik", 2, D1, D2)
    assert await store.top_unanswered(limit=100) == [top] + [
        Unanswered(t, 1, D1, D1) for t in sorted(set(sent) - {top.text})]


async def test_fifty_concurrent_records_of_one_text_count_fifty(store: Store) -> None:
    days = [dt.date(2026, 3, 1 + n % 28) for n in range(50)]
    await asyncio.gather(*(store.record_unanswered("samma fråga", day) for day in days))
    assert await store.top_unanswered() == [
        Unanswered("samma fråga", 50, min(days), max(days))]


async def test_fifty_concurrent_records_of_different_texts(store: Store) -> None:
    sent = [f"fråga nummer {n}" for n in range(50)]
    # Each text twice, the two records of one text racing each other.
    await asyncio.gather(*(store.record_unanswered(t, D1) for t in sent + sent))
    top = await store.top_unanswered(limit=100)
    assert sorted(texts(top)) == sorted(sent)
    assert {u.count for u in top} == {2}


async def test_several_stores_on_one_database_lose_no_count(store_url: str) -> None:
    # As when the bot and `medborgarbot report` write at once: the upsert is atomic in
    # the database, not only behind one store's lock.
    stores = [open_store(store_url) for _ in range(3)]
    await asyncio.gather(*(s.open() for s in stores))
    try:
        await asyncio.gather(*(stores[n % 3].record_unanswered("delad", D1)
                               for n in range(60)))
        assert await stores[0].top_unanswered() == [Unanswered("delad", 60, D1, D1)]
    finally:
        await asyncio.gather(*(s.close() for s in stores))


async def test_the_table_keeps_only_the_text_the_count_and_two_days(store: Store) -> None:
    # ... and the municipality it was asked in (migration 5).
    columns = await table_columns(store, "unanswered")
    assert columns == (
        {"text": "text", "count": "integer", "first_day": "date", "last_day": "date",
         "municipality": "text"}
        if store.backend == "postgres" else
        {"text": "text", "count": "integer", "first_day": "text", "last_day": "text",
         "municipality": "text"})
    await store.record_unanswered("fråga", D1)
    assert await raw_fetch(store, "SELECT * FROM unanswered") == (
        [("fråga", 1, D1, D1, "")] if store.backend == "postgres" else
        [("fråga", 1, "2026-03-01", "2026-03-01", "")])


async def test_the_last_day_index_exists(store: Store) -> None:
    assert "unanswered_last_day" in await index_names(store)


@pytest.mark.parametrize(("values", "fixed"), [
    ("('', 1, '2026-03-01', '2026-03-01')", "('x', 1, '2026-03-01', '2026-03-01')"),
    ("('x', 0, '2026-03-01', '2026-03-01')", "('x', 1, '2026-03-01', '2026-03-01')"),
    ("('x', 1, '2026-03-02', '2026-03-01')", "('x', 1, '2026-03-01', '2026-03-01')"),
    ("(repeat('x', 301), 1, '2026-03-01', '2026-03-01')",
     "(repeat('x', 300), 1, '2026-03-01', '2026-03-01')"),
])
async def test_the_schema_itself_refuses_what_validation_refuses(
    store: Store, values: str, fixed: str
) -> None:
    def sql(v: str) -> str:
        if store.backend == "sqlite":
            v = v.replace("repeat('x', 301)", "printf('%301s', 'x')")
            v = v.replace("repeat('x', 300)", "printf('%300s', 'x')")
        return f"INSERT INTO unanswered (text, count, first_day, last_day) VALUES {v}"

    with pytest.raises(StoreError, match=r"(?i)check"):
        await raw_execute(store, sql(values))
    assert await store.top_unanswered() == []
    await raw_execute(store, sql(fixed))
    assert len(await store.top_unanswered()) == 1


async def test_the_schema_refuses_a_day_that_is_no_date(store: Store) -> None:
    # SQLite by its CHECK on the text, PostgreSQL by its DATE type.
    refused = r"(?i)check" if store.backend == "sqlite" else "wrong type"
    for day in ("2026-13-01", "2026-3-1", "2026-03-01 12:00", "yesterday"):
        with pytest.raises(StoreError, match=refused):
            await raw_execute(store, "INSERT INTO unanswered (text, count, first_day, last_day)"
                              " VALUES ('x', 1, $1, $1)", day)
    assert await store.top_unanswered() == []


async def test_a_version_3_database_upgrades_keeping_what_it_had(
    store_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:3])
    async with open_store(store_url) as old:
        assert await old.schema_version() == 3
        # Written as that version did: this code's add_feedback knows migration 5.
        await raw_execute(old, "INSERT INTO feedback (category, area, text, rating, day,"
                          " granularity, lang) VALUES ('trafik', 'asele', 'mörkt', 2, $1,"
                          " 'date', 'sv')", D1)
        assert await table_columns(old, "unanswered") == {}
    monkeypatch.undo()
    caplog.set_level(logging.INFO, logger="bot.store")
    async with open_store(store_url) as store:
        assert await store.schema_version() == migrations.latest()
        assert [f.text for f in await store.list_feedback()] == ["mörkt"]
        await store.record_unanswered("fråga", D1)
        assert await store.top_unanswered() == [Unanswered("fråga", 1, D1, D1)]
    messages = [r.getMessage() for r in caplog.records]
    assert "store: applied migration 4 (unanswered questions)" in messages
    assert "store: applied migration 3 (staff activities and information-session requests)" \
        not in messages


async def test_counts_survive_a_reopen(store_url: str) -> None:
    async with open_store(store_url) as store:
        await store.record_unanswered("fråga", D1)
    async with open_store(store_url) as store:
        await store.record_unanswered("fråga", D2)
        assert await store.top_unanswered() == [Unanswered("fråga", 2, D1, D2)]


async def test_nothing_asked_reaches_the_log(
    store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with open_store(store_url) as store:
        await store.record_unanswered("secret question", D1)
        await store.record_unanswered("secret question", D2)
        await store.top_unanswered(D1, D2)
        for bad in ("secret" * 60, "secret\x00"):
            with pytest.raises(ValueError):
                await store.record_unanswered(bad, D1)
        await store.purge_unanswered(D4)
    assert "store opened" in caplog.text
    assert "secret" not in caplog.text
