"""What only the SQLite backend has: pragmas, files on disk, URL parsing, migrations."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import sqlite3
from pathlib import Path

import pytest

from bot.config import Config
from bot.store import Feedback, StoreError, migrations, open_store
from bot.store.migrations import Migration
from bot.store.sqlite import SQLiteDatabase, _patiently
from tests.store.conftest import sqlite_url


def raw(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """A plain sqlite3 look at the file, outside the store under test."""
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        return db.execute(sql, params).fetchall()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "medborgarbot.db"


async def test_pragmas(db_path: Path) -> None:
    async with open_store(sqlite_url(db_path)) as store:
        assert isinstance(store.db, SQLiteDatabase)
        conn = store.db._connection()  # per-connection pragmas can only be read on it
        for pragma, expected in [("synchronous", 2), ("foreign_keys", 1),
                                 ("busy_timeout", 5000), ("journal_mode", "wal")]:
            rows = list(await conn.execute_fetchall(f"PRAGMA {pragma}"))
            assert rows[0][0] == expected, pragma
    # WAL is a property of the file: it stays on after close.
    assert raw(db_path, "PRAGMA journal_mode") == [("wal",)]


async def test_open_creates_the_folder_and_logs_what_happened(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.store")
    assert not db_path.parent.exists()
    store = open_store(sqlite_url(db_path))
    assert not db_path.parent.exists()  # open_store does not touch the disk
    async with store:
        assert await asyncio.to_thread(db_path.exists)
    messages = [r.getMessage() for r in caplog.records]
    assert f"store opened: sqlite, schema {migrations.latest()}" in messages
    assert "store: applied migration 1 (key-value state and the handled-event ledger)" \
        in messages
    assert "store: applied migration 2 (anonymous feedback)" in messages
    assert "store: applied migration 3 (staff activities and information-session requests)"\
        in messages
    assert "store: applied migration 4 (unanswered questions)" in messages
    assert "store: applied migration 5 (every row belongs to a municipality)" in messages
    assert str(db_path) not in caplog.text


async def test_migrations_table_has_one_row_per_migration(db_path: Path) -> None:
    for _ in range(2):
        async with open_store(sqlite_url(db_path)):
            pass
    rows = raw(db_path, "SELECT version, description, applied_at FROM schema_version"
                        " ORDER BY version")
    assert [(v, d) for v, d, _ in rows] == [(m.version, m.description)
                                            for m in migrations.MIGRATIONS]
    for _, _, applied_at in rows:
        assert dt.datetime.fromisoformat(str(applied_at)).utcoffset() == dt.timedelta(0)
    names = {r[0] for r in raw(db_path, "SELECT name FROM sqlite_master")}
    assert {"kv", "handled_events", "handled_events_at", "schema_version", "feedback",
            "feedback_day", "activities", "activities_day", "activities_author_created",
            "session_requests", "session_requests_status", "unanswered",
            "unanswered_last_day"} <= names


async def test_times_are_stored_as_iso_utc_text(db_path: Path) -> None:
    at = dt.datetime(2026, 7, 1, 14, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    async with open_store(sqlite_url(db_path)) as store:
        await store.set_event_state("e", "answered", at)
    assert raw(db_path, "SELECT at FROM handled_events") == [
        ("2026-07-01T12:05:00.000000+00:00",)
    ]


async def test_a_newer_schema_is_refused(db_path: Path) -> None:
    async with open_store(sqlite_url(db_path)) as store:
        await store.set_value("kept", "yes")
    future = migrations.latest() + 1
    raw(db_path, "INSERT INTO schema_version VALUES (?, 'from the future', '2030-01-01')",
        (future,))
    store = open_store(sqlite_url(db_path))
    with pytest.raises(StoreError) as caught:
        await store.open()
    assert str(caught.value) == (
        f"{db_path}: schema version {future} is newer than this medborgarbot knows "
        f"({migrations.latest()}); "
        "upgrade medborgarbot"
    )
    assert not await store.ping()  # left closed
    assert raw(db_path, "SELECT value FROM kv") == [("yes",)]  # and untouched


async def test_a_failing_migration_leaves_nothing_behind(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with open_store(sqlite_url(db_path)):
        pass
    known = migrations.latest()
    broken = Migration(known + 1, "broken on purpose", lambda d: (
        "CREATE TABLE half_done (x TEXT)", "INSERT INTO no_such_table VALUES (1)"))
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, broken))
    with pytest.raises(StoreError, match=f"migration {known + 1} failed"):
        await open_store(sqlite_url(db_path)).open()
    assert raw(db_path, "SELECT MAX(version) FROM schema_version") == [(known,)]
    assert raw(db_path, "SELECT name FROM sqlite_master WHERE name = 'half_done'") == []
    monkeypatch.undo()
    async with open_store(sqlite_url(db_path)) as store:
        assert await store.schema_version() == known


async def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    content = b"these are my notes, not a database\n" * 200
    path.write_bytes(content)
    with pytest.raises(StoreError) as caught:
        await open_store(sqlite_url(path)).open()
    assert str(caught.value) == f"{path}: not a SQLite database; check the store URL"
    assert path.read_bytes() == content  # nothing already there is lost


async def test_a_folder_in_the_way_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "medborgarbot.db"
    path.mkdir()
    with pytest.raises(StoreError, match="cannot open the store for writing") as caught:
        await open_store(sqlite_url(path)).open()
    assert "\n" not in str(caught.value)


async def test_a_file_in_the_way_of_the_folder(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file, not a folder")
    with pytest.raises(StoreError, match="cannot create the store's folder"):
        await open_store(sqlite_url(tmp_path / "data" / "medborgarbot.db")).open()


async def test_two_stores_on_one_file(db_path: Path) -> None:
    # As when `medborgarbot report` runs while the bot is running.
    url = sqlite_url(db_path)
    async with open_store(url) as first, open_store(url) as second:
        await asyncio.gather(*(
            (first if i % 2 else second).set_value(f"k{i}", str(i)) for i in range(50)
        ))
        for i in range(50):
            assert await first.get_value(f"k{i}") == str(i)
            assert await second.get_value(f"k{i}") == str(i)


async def test_many_stores_opening_one_new_file_at_once(tmp_path: Path) -> None:
    # Switching a new file to WAL while another connection opens it can fail at once
    # with "database is locked", past the busy timeout: the store must wait instead.
    for round_ in range(100):
        url = sqlite_url(tmp_path / f"round{round_}" / "medborgarbot.db")
        stores = [open_store(url) for _ in range(5)]
        try:
            await asyncio.gather(*(s.open() for s in stores))
        finally:
            await asyncio.gather(*(s.close() for s in stores))


class _BusyTwice:
    """A connection whose first two statements find the database locked."""

    def __init__(self, error: str = "database is locked") -> None:
        self.error = error
        self.calls = 0

    async def execute(self, sql: str) -> None:
        self.calls += 1
        if self.calls <= 2:
            raise sqlite3.OperationalError(self.error)


async def test_a_locked_pragma_is_retried() -> None:
    db = _BusyTwice()
    await _patiently(db, "PRAGMA journal_mode = WAL")  # type: ignore[arg-type]
    assert db.calls == 3


async def test_other_errors_are_not_retried() -> None:
    db = _BusyTwice("no such table: x")
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        await _patiently(db, "SELECT * FROM x")  # type: ignore[arg-type]
    assert db.calls == 1


async def test_memory_store() -> None:
    async with open_store("sqlite://:memory:") as store:
        await store.set_value("k", "v")
        assert await store.get_value("k") == "v"
        assert await store.schema_version() == migrations.latest()


@pytest.mark.parametrize(("url", "path"), [
    ("sqlite:///data/medborgarbot.db", Path("data/medborgarbot.db")),
    ("sqlite:///medborgarbot.db", Path("medborgarbot.db")),
    ("sqlite:////var/lib/medborgarbot/bot.db", Path("/var/lib/medborgarbot/bot.db")),
    ("SQLite:///data/x.db", Path("data/x.db")),
    ("sqlite:///my data/ö.db", Path("my data/ö.db")),
    ("sqlite://:memory:", None),
    ("sqlite:///:memory:", None),
])
def test_open_store_sqlite_urls(url: str, path: Path | None) -> None:
    store = open_store(url)
    assert isinstance(store.db, SQLiteDatabase)
    assert store.db.path == path
    assert store.url == url


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://user:secret@host/db", "unsupported store URL scheme 'mysql'"),
    ("data/medborgarbot.db", "no scheme"),
    ("", "no scheme"),
    ("sqlite://relative.db", "without a file path"),
    ("sqlite:///", "without a file path"),
    ("sqlite://", "without a file path"),
    ("sqlite:data.db", "malformed sqlite store URL"),
])
def test_open_store_refuses(url: str, message: str) -> None:
    with pytest.raises(StoreError) as caught:
        open_store(url)
    assert message in str(caught.value)
    assert "secret" not in str(caught.value)
    assert "\n" not in str(caught.value)


async def test_the_config_default_url_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with open_store(Config().store_url) as store:  # relative: data/medborgarbot.db
        await store.set_value("k", "v")
    assert (tmp_path / "data" / "medborgarbot.db").exists()
    absolute = Config(data_dir=tmp_path / "elsewhere").store_url
    async with open_store(absolute) as store:
        assert await store.get_value("k") is None
    assert (tmp_path / "elsewhere" / "medborgarbot.db").exists()


@pytest.mark.parametrize(("step", "expected"), [(1, "old"), (2, "old"), (3, "new")])
async def test_cancelled_at_each_step_of_a_write(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, step: int, expected: str
) -> None:
    # Steps: 1 BEGIN IMMEDIATE, 2 the upsert, 3 COMMIT. The statement runs, then the task
    # is cancelled as it resumes: the way a real cancellation lands on an aiosqlite call.
    async with open_store(sqlite_url(db_path)) as store:
        await store.set_value("k", "old")
        assert isinstance(store.db, SQLiteDatabase)
        conn = store.db._connection()
        real = conn.execute
        calls = 0

        async def execute(sql: str, params: tuple[object, ...] | None = None) -> object:
            nonlocal calls
            calls += 1
            result = await real(sql, params)
            if calls == step:
                raise asyncio.CancelledError
            return result

        monkeypatch.setattr(conn, "execute", execute)
        with pytest.raises(asyncio.CancelledError):
            await store.set_value("k", "new")
        monkeypatch.undo()
        assert await store.get_value("k") == expected
        await store.set_value("k", "after")  # no transaction was left open
        assert await store.get_value("k") == "after"
    assert raw(db_path, "SELECT value FROM kv") == [("after",)]


async def test_feedback_is_stored_as_plain_dates(db_path: Path) -> None:
    async with open_store(sqlite_url(db_path)) as store:
        await store.add_feedback(Feedback("trafik", "asele", "", None, dt.date(2026, 3, 5),
                                          "date", "sv"))
    assert raw(db_path, "SELECT day, rating FROM feedback") == [("2026-03-05", None)]
