"""The SQLite store (the default): one file, one connection, WAL.

Durability: every write runs in BEGIN IMMEDIATE … COMMIT and the COMMIT has returned
before the method does; with synchronous=FULL a write the bot confirmed survives a
kill -9 (and a power cut) right after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiosqlite

from bot.store import migrations
from bot.store.base import Feedback, Store, StoreError, checked_feedback, plain_date
from bot.store.sqlite_staff import SQLiteStaffMixin, day_where, sqlite_timestamp
from bot.store.unanswered import SQLiteUnansweredMixin

log = logging.getLogger(__name__)

# aiosqlite logs every call with its SQL parameters at DEBUG, and those are room and
# event ids: keep its DEBUG lines out of the bot's log.
logging.getLogger("aiosqlite").setLevel(logging.INFO)

MEMORY = ":memory:"
_PREFIX = re.compile(r"sqlite://", re.IGNORECASE)
_USAGE = "use sqlite:///path/to/file.db (sqlite:////absolute/path.db) or sqlite://:memory:"

BUSY_TIMEOUT_S = 5.0
PRAGMAS = (
    # First, so that switching the journal mode also waits for another process.
    f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
)


async def _patiently(db: aiosqlite.Connection, sql: str) -> None:
    """Run `sql`, retrying while another connection holds the lock it needs.

    Switching to WAL while another process opens the same file can return SQLITE_BUSY
    at once, without calling the busy handler; so we wait here, within the same bound.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BUSY_TIMEOUT_S
    pause = 0.005
    while True:
        try:
            await db.execute(sql)
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if loop.time() + pause > deadline:
                raise
        await asyncio.sleep(pause)
        pause = min(pause * 2, 0.2)


def sqlite_path(url: str) -> Path | None:
    """The file a sqlite URL names, None for an in-memory database.

    `sqlite:///data/bot.db` is relative to the working folder, `sqlite:////srv/bot.db`
    absolute (the SQLAlchemy convention, which `Config.store_url` follows)."""
    match = _PREFIX.match(url)
    if match is None:
        raise StoreError(f"malformed sqlite store URL; {_USAGE}")
    rest = url[match.end():]
    if rest in (MEMORY, "/" + MEMORY):
        return None
    if not rest.startswith("/") or rest == "/":
        raise StoreError(f"sqlite store URL without a file path; {_USAGE}")
    return Path(rest[1:])


class SQLiteStore(SQLiteStaffMixin, SQLiteUnansweredMixin, Store):
    """Key-value state, the event ledger and feedback here; the staff records (activities,
    session requests) in `SQLiteStaffMixin`, unanswered questions in
    `SQLiteUnansweredMixin`."""

    backend = "sqlite"

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = sqlite_path(url)
        self._where = str(self.path) if self.path is not None else MEMORY
        self._db: aiosqlite.Connection | None = None
        # One connection, so one lock: writes are serialised, and a read never sees
        # another task's transaction half way.
        self._lock = asyncio.Lock()

    # -- life cycle ------------------------------------------------------------------

    async def open(self) -> None:
        if self._db is not None:
            return
        try:
            if self.path is not None:
                # Off the event loop: creating the folder and reading a file both block.
                await asyncio.to_thread(_prepare, self.path)
            self._db = await aiosqlite.connect(self._where, isolation_level=None)
            await self._set_pragmas()
            version = await self._migrate()
        except sqlite3.Error as exc:
            await self._abandon()
            raise StoreError(self._explain(exc)) from exc
        except BaseException:
            await self._abandon()
            raise
        log.info("store opened: sqlite, schema %d", version)

    async def close(self) -> None:
        async with self._lock:  # let a running transaction finish first
            db, self._db = self._db, None
            if db is None:
                return
            with self._errors("close"):
                await db.close()
        log.info("store closed: sqlite")

    async def _abandon(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                await db.close()

    def _explain(self, exc: sqlite3.Error) -> str:
        text = str(exc)
        if "not a database" in text:
            return f"{self._where}: not a SQLite database; check the store URL"
        if "unable to open" in text or "readonly" in text:
            return (f"{self._where}: cannot open the store for writing ({text}); "
                    "check that its folder exists and is writable")
        return f"{self._where}: cannot open the store ({text})"

    async def _set_pragmas(self) -> None:
        async with self._lock:
            db = self._conn()
            for pragma in PRAGMAS:
                await _patiently(db, pragma)
            rows = list(await db.execute_fetchall("PRAGMA journal_mode"))
        mode = str(rows[0][0]).lower()
        if self.path is not None and mode != "wal":
            # Still durable (synchronous=FULL), only slower with several readers.
            log.warning("store: SQLite journal mode is %s, not WAL", mode)

    async def _migrate(self) -> int:
        async with self._transaction() as db:
            await db.execute(migrations.SCHEMA_VERSION_TABLE[self.backend])
        async with self._lock:
            current = await _version(self._conn())
        for migration in migrations.pending(current, self._where):
            with self._errors(f"migration {migration.version}"):
                async with self._transaction() as db:
                    # BEGIN IMMEDIATE holds the write lock: if another process applied
                    # this migration meanwhile, we see it here and skip it.
                    if await _version(db) >= migration.version:
                        continue
                    for statement in migration.sql[self.backend]:
                        await db.execute(statement)
                    await db.execute(
                        "INSERT INTO schema_version (version, description, applied_at)"
                        " VALUES (?, ?, ?)",
                        (migration.version, migration.description,
                         sqlite_timestamp(dt.datetime.now(dt.UTC))),
                    )
            log.info("store: applied migration %d (%s)", migration.version,
                     migration.description)
        async with self._lock:
            return await _version(self._conn())

    # -- plumbing --------------------------------------------------------------------

    def _conn(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StoreError("the store is not open")
        return self._db

    @contextlib.contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        # sqlite3 messages name tables and constraints, never the values.
        try:
            yield
        except sqlite3.Error as exc:
            raise StoreError(f"{self._where}: store {what} failed ({exc})") from exc

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT under the lock; rolled back on any error."""
        async with self._lock:
            db = self._conn()
            try:
                # Inside the try: a task cancelled while BEGIN runs must still roll back.
                await db.execute("BEGIN IMMEDIATE")
                yield db
                await db.execute("COMMIT")
            except BaseException:
                # Fails harmlessly when BEGIN failed or COMMIT went through.
                with contextlib.suppress(sqlite3.Error):
                    await db.execute("ROLLBACK")
                raise

    async def _fetch_all(self, sql: str, params: tuple[object, ...]) -> list[tuple[object, ...]]:
        with self._errors("read"):
            async with self._lock:
                return [tuple(r) for r in await self._conn().execute_fetchall(sql, params)]

    async def _fetch_one(self, sql: str, params: tuple[object, ...]) -> tuple[object, ...] | None:
        rows = await self._fetch_all(sql, params)
        return rows[0] if rows else None

    async def _write(self, sql: str, params: tuple[object, ...]) -> int:
        with self._errors("write"):
            async with self._transaction() as db:
                cursor = await db.execute(sql, params)
                count = cursor.rowcount
                await cursor.close()
        return count

    # -- the interface ---------------------------------------------------------------

    async def ping(self) -> bool:
        try:
            return await self._fetch_one("SELECT 1", ()) == (1,)
        except StoreError:
            return False

    async def schema_version(self) -> int:
        with self._errors("read"):
            async with self._lock:
                return await _version(self._conn())

    async def get_value(self, key: str) -> str | None:
        row = await self._fetch_one("SELECT value FROM kv WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    async def set_value(self, key: str, value: str) -> None:
        await self._write(
            "INSERT INTO kv (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    async def delete_value(self, key: str) -> None:
        await self._write("DELETE FROM kv WHERE key = ?", (key,))

    async def event_state(self, key: str) -> str | None:
        row = await self._fetch_one("SELECT state FROM handled_events WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    async def set_event_state(self, key: str, state: str, at: dt.datetime) -> None:
        await self._write(
            "INSERT INTO handled_events (key, state, at) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET state = excluded.state, at = excluded.at",
            (key, state, sqlite_timestamp(at)),
        )

    async def prune_events(self, before: dt.datetime) -> int:
        return await self._write(
            "DELETE FROM handled_events WHERE at < ?", (sqlite_timestamp(before),)
        )

    async def add_feedback(self, feedback: Feedback) -> int:
        fb = checked_feedback(feedback)
        with self._errors("write"):
            async with self._transaction() as db:
                cursor = await db.execute(
                    "INSERT INTO feedback (category, area, text, rating, day, granularity, lang)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (fb.category, fb.area, fb.text, fb.rating, fb.day.isoformat(),
                     fb.granularity, fb.lang),
                )
                new_id = cursor.lastrowid
                await cursor.close()
        assert new_id is not None  # an INSERT into a rowid table always sets it
        return new_id

    async def list_feedback(
        self, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[Feedback]:
        where, params = day_where(start, end)
        rows = await self._fetch_all(
            "SELECT id, category, area, text, rating, day, granularity, lang FROM feedback"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY day, id",
            tuple(params),
        )
        return [_feedback(row) for row in rows]

    async def purge_feedback(self, before: dt.date) -> int:
        return await self._write(
            "DELETE FROM feedback WHERE day < ?", (plain_date(before, "before").isoformat(),)
        )


async def _version(db: aiosqlite.Connection) -> int:
    rows = list(await db.execute_fetchall("SELECT MAX(version) FROM schema_version"))
    value = rows[0][0] if rows else None
    return int(value) if value is not None else 0


def _feedback(row: tuple[Any, ...]) -> Feedback:
    id_, category, area, text, rating, day, granularity, lang = row
    return Feedback(category, area, text, rating, dt.date.fromisoformat(day), granularity,
                    lang, id_)


def _prepare(path: Path) -> None:
    """Create the folder, then fail early on a file SQLite cannot open as a database.

    The early check uses plain sqlite3: when aiosqlite.connect itself fails, its worker
    thread can outlive the event loop and print a traceback at exit."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"{path.parent}: cannot create the store's folder ({exc.strerror or exc})"
        ) from exc
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA schema_version").fetchone()  # reads the header
