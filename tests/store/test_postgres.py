"""What only the PostgreSQL backend has: URLs and secrets, the pool, migrations on a
server that several bots may share, column types, and kill -9 of the bot."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import urllib.parse
from pathlib import Path

import asyncpg
import pytest

from bot.store import Feedback, StoreError, migrations, open_store
from bot.store.migrations import Migration
from bot.store.postgres import POOL_MAX, POOL_MIN, PostgresDatabase, parse_url
from tests.store import pg_cluster
from tests.store.pg_cluster import newest_bindir
from tests.store.test_durability import run_child

FEEDBACK = Feedback("trafik", "fredrika", "Mörkt vid busshållplatsen", 2,
                    dt.date(2026, 11, 26), "date", "sv")


async def raw(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    """A plain asyncpg look at the database, outside the store under test."""
    conn = await asyncpg.connect(url)
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


def where(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"postgresql://{parts.hostname}:{parts.port}{parts.path}"


@pytest.mark.parametrize("url", [
    "postgresql://bot:secret@db.example.org/medborgarbot",
    "postgres://bot:secret@db/medborgarbot",
    "postgresql+asyncpg://bot:secret@db:5433/medborgarbot",
    "PostgreSQL://bot@db/medborgarbot?sslmode=require",
])
def test_open_store_picks_postgres_without_connecting(url: str) -> None:
    store = open_store(url)
    assert isinstance(store.db, PostgresDatabase)
    assert store.url == url
    assert "secret" not in repr(store)


def test_the_server_is_named_without_secrets() -> None:
    dsn, name, secrets = parse_url("postgresql+asyncpg://bot:p%40ss@db:5433/medborgarbot")
    assert dsn == "postgresql://bot:p%40ss@db:5433/medborgarbot"
    assert name == "postgresql://db:5433/medborgarbot"
    assert set(secrets) == {"p%40ss", "p@ss"}
    _, name, secrets = parse_url("postgresql://bot@/medborgarbot?host=/run/pg&password=pw9")
    assert name == "postgresql:///run/pg/medborgarbot"
    assert secrets == ("pw9",)


def test_a_malformed_url_is_refused_without_repeating_it() -> None:
    with pytest.raises(StoreError, match="malformed PostgreSQL store URL") as caught:
        open_store("postgresql://u:secretpw@[::1/db")
    assert "secretpw" not in str(caught.value)


@pytest.mark.parametrize("url", [
    "postgresql://u:secretpw@127.0.0.1:1/db",
    "postgres://u@127.0.0.1:1/db?password=secretpw",
    "postgresql+asyncpg://u:secretpw@127.0.0.1:1/db",
])
async def test_the_password_never_reaches_a_connection_error(
    url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = open_store(url)
    with pytest.raises(StoreError) as caught:
        await store.open()
    message = str(caught.value)
    assert message.startswith("postgresql://127.0.0.1:1/db: cannot connect to the store (")
    assert "secretpw" not in message
    assert "\n" not in message
    assert caught.value.__cause__ is None
    assert "secretpw" not in caplog.text
    assert not await store.ping()


def test_error_texts_are_scrubbed_of_the_password() -> None:
    db = PostgresDatabase("postgresql://u:secretpw@db/x")
    text = db._reason(OSError("server said: 'secretpw'\nis wrong"))
    assert text == "server said: '***' is wrong"


async def test_a_database_that_does_not_exist(postgres_server: str) -> None:
    parts = urllib.parse.urlsplit(postgres_server)
    url = urllib.parse.urlunsplit(parts._replace(path="/no_such_db"))
    with pytest.raises(StoreError, match='database "no_such_db" does not exist') as caught:
        await open_store(url).open()
    assert "\n" not in str(caught.value)


async def test_pool_types_and_durability_settings(postgres_url: str) -> None:
    async with open_store(postgres_url) as store:
        assert isinstance(store.db, PostgresDatabase)
        pool = store.db._pool
        assert pool is not None
        assert (pool.get_min_size(), pool.get_max_size()) == (POOL_MIN, POOL_MAX)
        assert (POOL_MIN, POOL_MAX) == (1, 10)
        assert await store.db.fetchval("SHOW fsync") == "on"
        at = dt.datetime(2026, 7, 1, 14, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
        await store.set_event_state("e", "answered", at)
        await store.add_feedback(FEEDBACK)
    types = {(r["table_name"], r["column_name"]): r["data_type"] for r in await raw(
        postgres_url, "SELECT table_name, column_name, data_type"
        " FROM information_schema.columns WHERE table_schema = current_schema()")}
    assert types["handled_events", "at"] == "timestamp with time zone"
    assert types["schema_version", "applied_at"] == "timestamp with time zone"
    assert types["feedback", "day"] == "date"
    [row] = await raw(postgres_url, "SELECT at FROM handled_events")
    assert row["at"] == at
    [row] = await raw(postgres_url, "SELECT day FROM feedback")
    assert row["day"] == dt.date(2026, 11, 26)


async def test_migrations_are_recorded_once(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.store")
    for _ in range(3):
        async with open_store(postgres_url) as store:
            assert await store.schema_version() == migrations.latest()
    rows = await raw(postgres_url, "SELECT version, description, applied_at"
                                   " FROM schema_version ORDER BY version")
    assert [(r["version"], r["description"]) for r in rows] == [
        (m.version, m.description) for m in migrations.MIGRATIONS]
    assert all(r["applied_at"].utcoffset() == dt.timedelta(0) for r in rows)
    messages = [r.getMessage() for r in caplog.records]
    assert messages.count("store: applied migration 2 (anonymous feedback)") == 1
    assert messages.count(f"store opened: postgres, schema {migrations.latest()}") == 3
    assert "127.0.0.1" not in caplog.text


async def test_stores_opening_at_once_migrate_once(postgres_url: str) -> None:
    # As when two bots (or the bot and `medborgarbot report`) start together on a new
    # database: without the advisory lock both would run CREATE TABLE.
    stores = [open_store(postgres_url) for _ in range(6)]
    await asyncio.gather(*(s.open() for s in stores))
    try:
        assert {await s.schema_version() for s in stores} == {migrations.latest()}
        await asyncio.gather(*(s.add_feedback(FEEDBACK) for s in stores))
        assert len(await stores[0].list_feedback()) == 6
    finally:
        await asyncio.gather(*(s.close() for s in stores))
    rows = await raw(postgres_url, "SELECT version FROM schema_version")
    assert sorted(r["version"] for r in rows) == list(range(1, migrations.latest() + 1))


async def test_a_newer_schema_is_refused(postgres_url: str) -> None:
    async with open_store(postgres_url) as store:
        await store.set_value("kept", "yes")
    future = migrations.latest() + 1
    await raw(postgres_url, f"INSERT INTO schema_version VALUES ({future}, 'from the future',"
              " now())")
    store = open_store(postgres_url)
    with pytest.raises(StoreError) as caught:
        await store.open()
    assert str(caught.value) == (
        f"{where(postgres_url)}: schema version {future} is newer than this medborgarbot knows "
        f"({migrations.latest()}); upgrade medborgarbot"
    )
    assert not await store.ping()  # left closed
    assert [r["value"] for r in await raw(postgres_url, "SELECT value FROM kv")] == ["yes"]


async def test_a_failing_migration_leaves_nothing_behind(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with open_store(postgres_url):
        pass
    known = migrations.latest()
    broken = Migration(known + 1, "broken on purpose", lambda d: (
        "CREATE TABLE half_done (x TEXT)", "INSERT INTO no_such_table VALUES (1)"))
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, broken))
    with pytest.raises(StoreError, match=f"migration {known + 1} failed") as caught:
        await open_store(postgres_url).open()
    assert '"no_such_table" does not exist' in str(caught.value)
    assert (await raw(postgres_url, "SELECT MAX(version) AS v FROM schema_version")
            )[0]["v"] == known
    assert await raw(postgres_url, "SELECT 1 FROM pg_tables WHERE tablename = 'half_done'"
                     " AND schemaname = current_schema()") == []
    monkeypatch.undo()
    async with open_store(postgres_url) as store:
        assert await store.schema_version() == known


async def test_a_failing_statement_names_no_values(postgres_url: str) -> None:
    async with open_store(postgres_url) as store:
        with pytest.raises(StoreError) as caught:
            # Around add_feedback's checks: the server's error DETAIL quotes the row.
            await store.db.execute(
                "INSERT INTO feedback (category, area, text, rating, day, granularity, lang)"
                " VALUES ('trafik', 'asele', 'secret words', 9, '2026-01-01', 'date', 'sv')")
        assert "feedback_rating_check" in str(caught.value)
        assert "secret" not in str(caught.value)
        # A value of the wrong type: asyncpg's own message would quote it.
        with pytest.raises(StoreError, match=r"argument \$1: a value of the wrong type") as caught:
            await store.set_value(987654321, "v")  # type: ignore[arg-type]
        assert "987654321" not in str(caught.value)


WRITE_THEN_DIE = """
import asyncio, datetime, os, signal, sys
from bot.store import Feedback, open_store

async def main():
    store = open_store(sys.argv[1])
    await store.open()
    await store.add_feedback(Feedback("trafik", "fredrika", "confirmed", 3,
                                      datetime.date(2026, 11, 26), "date", "sv"))
    print("written", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main())
"""

DIE_MID_TRANSACTION = """
import asyncio, os, signal, sys
from bot.store import open_store

async def main():
    store = open_store(sys.argv[1])
    await store.open()
    async with store.db.transaction() as tx:
        await tx.execute("INSERT INTO feedback (category, area, text, rating, day,"
                         " granularity, lang) VALUES ('trafik', 'asele', 'half', NULL,"
                         " '2026-11-26', 'date', 'sv')")
        print("uncommitted", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main())
"""


async def test_a_confirmed_write_survives_kill_9(postgres_url: str) -> None:
    assert await run_child(WRITE_THEN_DIE, postgres_url) == "written"
    async with open_store(postgres_url) as store:
        assert [f.text for f in await store.list_feedback()] == ["confirmed"]


async def test_a_transaction_killed_before_commit_leaves_nothing(postgres_url: str) -> None:
    assert await run_child(DIE_MID_TRANSACTION, postgres_url) == "uncommitted"
    async with open_store(postgres_url) as store:
        assert await store.list_feedback() == []
        await store.add_feedback(FEEDBACK)  # and the table is not left locked
        assert len(await store.list_feedback()) == 1


def test_the_newest_installed_version_is_used(tmp_path: Path) -> None:
    assert newest_bindir(tmp_path) is None
    for version in ("9.6", "15", "16", "13"):
        (tmp_path / version / "bin").mkdir(parents=True)
        (tmp_path / version / "bin" / "initdb").touch()
    (tmp_path / "17" / "bin").mkdir(parents=True)  # a client-only install: no initdb
    assert newest_bindir(tmp_path) == tmp_path / "16" / "bin"


def test_missing_binaries_fail_the_run_rather_than_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg_cluster, "newest_bindir", lambda: None)
    with pytest.raises(pytest.fail.Exception, match=r"`make test` installs"):
        pg_cluster.start_cluster()
