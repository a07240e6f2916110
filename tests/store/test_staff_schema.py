"""Migration 3 (activities, session requests) on every backend: the upgrade of a version-2
database, the schema itself, durability across kill -9, and what reaches the log."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

import pytest

from bot.store import Feedback, Store, StoreError, migrations, open_store
from bot.store.records import Activity, SessionRequest
from tests.store.conftest import index_names, raw_execute, table_columns
from tests.store.test_durability import run_child

T0 = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
ACTIVITY = Activity("trafikkontroll", "narvaro-byarna", "Fredrika", dt.date(2026, 11, 26),
                    {"fordon": 23}, "", "@anna:polisen.se")
REQUEST = SessionRequest("Centralskolan", "larare", "drogtecken", 25, "vecka 5", "chat",
                         "@larare:skolan.se", "matrix")


async def test_a_version_2_database_upgrades_keeping_its_feedback(
    store_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    feedback = [Feedback("trafik", "fredrika", "Mörkt vid skolan 🚸", 2,
                         dt.date(2026, 11, 23), "week", "sv"),
                Feedback("otrygghet", "asele", "", None, dt.date(2026, 11, 26), "date", "en")]
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:2])
    async with open_store(store_url) as old:
        assert await old.schema_version() == 2
        # Written as that version did: this code's add_feedback knows migration 5.
        ids = [await old.db.fetchval(
            "INSERT INTO feedback (category, area, text, rating, day, granularity, lang)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id", fb.category, fb.area,
            fb.text, fb.rating, fb.day, fb.granularity, fb.lang) for fb in feedback]
        await old.set_value("matrix.next_batch", "s42")
        assert await table_columns(old, "activities") == {}
    monkeypatch.undo()

    caplog.set_level(logging.INFO, logger="bot.store")
    async with open_store(store_url) as store:
        assert await store.schema_version() == migrations.latest()
        assert await store.list_feedback() == [
            dataclasses.replace(fb, id=i) for fb, i in zip(feedback, ids, strict=True)]
        assert await store.get_value("matrix.next_batch") == "s42"
        # The new tables work, and feedback goes on where it was.
        activity_id = await store.add_activity(ACTIVITY)
        assert await store.get_activity(activity_id) is not None
        request_id = await store.add_request(REQUEST)
        assert (await store.update_request(request_id, status="done")).status == "done"
        assert await store.add_feedback(feedback[0]) > max(ids)
    messages = [r.getMessage() for r in caplog.records]
    assert "store: applied migration 3 (staff activities and information-session requests)" \
        in messages
    assert "store: applied migration 2 (anonymous feedback)" not in messages


async def test_the_columns_are_the_records_fields(store: Store) -> None:
    activities = await table_columns(store, "activities")
    requests = await table_columns(store, "session_requests")
    assert set(activities) == {f.name for f in dataclasses.fields(Activity)}
    assert set(requests) == {f.name for f in dataclasses.fields(SessionRequest)}
    if store.backend == "postgres":
        assert activities["counts"] == "jsonb"
        assert activities["day"] == "date"
        assert activities["created_at"] == "timestamp with time zone"
        for column in ("scheduled", "created_at", "updated_at"):
            assert requests[column] == "timestamp with time zone"
        assert requests["size"] == "integer"


async def test_the_indexes_exist(store: Store) -> None:
    wanted = {"activities_day", "activities_author_created", "session_requests_status"}
    assert wanted <= await index_names(store)


@pytest.mark.parametrize("sql", [
    "INSERT INTO session_requests (organisation, audience, topic, wished, contact,"
    " requester, transport, lang, status, created_at, updated_at) VALUES ('Skolan', 'larare',"
    " 'annat', '', 'chat', 'x', 'matrix', 'sv', 'pending', $1, $1)",
    "INSERT INTO session_requests (organisation, audience, topic, size, wished, contact,"
    " requester, transport, lang, status, created_at, updated_at) VALUES ('Skolan', 'larare',"
    " 'annat', 0, '', 'chat', 'x', 'matrix', 'sv', 'open', $1, $1)",
    "INSERT INTO session_requests (organisation, audience, topic, wished, contact,"
    " requester, transport, lang, status, created_at, updated_at) VALUES ('', 'larare',"
    " 'annat', '', 'chat', 'x', 'matrix', 'sv', 'open', $1, $1)",
    "INSERT INTO activities (kind, day, counts, author, created_at)"
    " VALUES ('', '2026-11-26', '{}', 'a', $1)",
    "INSERT INTO activities (kind, day, counts, author, created_at)"
    " VALUES ('k', '2026-11-26', '[1, 2]', 'a', $1)",
    "INSERT INTO activities (kind, day, counts, note, author, created_at)"
    " VALUES ('k', '2026-11-26', '{}', repeat('x', 2001), 'a', $1)",
])
async def test_the_schema_itself_refuses_what_validation_refuses(
    store: Store, sql: str
) -> None:
    if store.backend == "sqlite":
        sql = sql.replace("repeat('x', 2001)", "printf('%2001s', 'x')")
    with pytest.raises(StoreError, match=r"(?i)check"):
        await raw_execute(store, sql, T0)
    assert await store.list_activities() == []
    assert await store.list_requests() == []
    # The same statement with the values fixed goes in: it was the CHECK that refused.
    for wrong, right in [("'pending'", "'open'"), (" 0,", " 1,"), ("('',", "('x',"),
                         ("'[1, 2]'", "'{}'"), ("2001", "2000")]:
        sql = sql.replace(wrong, right)
    await raw_execute(store, sql, T0)
    assert len(await store.list_activities()) + len(await store.list_requests()) == 1


WRITE_THEN_DIE = """
import asyncio, datetime, os, signal, sys
from bot.store import open_store
from bot.store.records import Activity, SessionRequest

async def main():
    store = open_store(sys.argv[1])
    await store.open()
    await store.add_activity(Activity("trafikkontroll", None, "Fredrika",
                                      datetime.date(2026, 11, 26), {"fordon": 23}, "",
                                      "@anna:polisen.se"))
    request_id = await store.add_request(SessionRequest(
        "Centralskolan", "larare", "drogtecken", 25, "vecka 5", "chat", "@l:skolan.se",
        "matrix"))
    await store.update_request(request_id, status="confirmed", answer="9/12")
    print("written", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main())
"""


async def test_confirmed_writes_survive_kill_9(store_url: str) -> None:
    assert await run_child(WRITE_THEN_DIE, store_url) == "written"
    async with open_store(store_url) as store:
        [activity] = await store.list_activities()
        assert (activity.place, activity.counts) == ("Fredrika", {"fordon": 23})
        [request] = await store.list_requests()
        assert (request.status, request.answer) == ("confirmed", "9/12")


async def test_nothing_private_reaches_the_log(
    store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = dataclasses.replace(ACTIVITY, place="secretplace", note="secret note",
                                 author="@secretauthor:x", counts={"secretunit": 1})
    async with open_store(store_url) as store:
        activity_id = await store.add_activity(secret)
        await store.update_activity(dataclasses.replace(secret, id=activity_id))
        await store.list_activities(place="secretplace", kind="secretkind")
        await store.last_activity_by("@secretauthor:x")
        request_id = await store.add_request(dataclasses.replace(
            REQUEST, organisation="secretschool", contact="secret@mail", requester="@secret:x"))
        await store.update_request(request_id, status="declined", answer="secret answer")
        await store.list_requests(status="declined")
        for call in (store.update_activity(dataclasses.replace(secret, id=activity_id + 9)),
                     store.update_request(request_id + 9, status="done")):
            with pytest.raises(KeyError):
                await call
        await store.delete_activity(activity_id)
    assert "store opened" in caplog.text
    assert "secret" not in caplog.text
