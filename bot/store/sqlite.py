"""The SQLite driver (the default): one file, one connection, WAL.

Durability: every statement that may write runs in BEGIN IMMEDIATE … COMMIT, and the
COMMIT has returned before the call does; with synchronous=FULL a write the bot confirmed
survives a kill -9 (and a power cut) right after it, and one cancelled half way leaves
nothing behind.

SQL comes written for both databases: `$1` becomes SQLite's `?1`, and dates and instants
become the text SQLite keeps ('YYYY-MM-DD', fixed-width ISO 8601 UTC).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiosqlite

from bot.store.checks import utc
from bot.store.database import Database, Executor, Row, StoreError, writes
from bot.store.dialect import SQLITE

log = logging.getLogger(__name__)

# aiosqlite logs every call with its SQL parameters at DEBUG, and those are room and
# event ids: keep its DEBUG lines out of the bot's log.
logging.getLogger("aiosqlite").setLevel(logging.INFO)

MEMORY = ":memory:"
_PREFIX = re.compile(r"sqlite://", re.IGNORECASE)
_USAGE = "use sqlite:///path/to/file.db (sqlite:////absolute/path.db) or sqlite://:memory:"
_PARAMETER = re.compile(r"\$(\d+)")
# RETURNING, which every INSERT of a new id uses.
OLDEST = (3, 35, 0)

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


def sqlite_timestamp(at: dt.datetime) -> str:
    # Fixed width (always microseconds, always +00:00) so text order is time order.
    return utc(at).isoformat(timespec="microseconds")


@functools.lru_cache(maxsize=256)
def _sql(sql: str) -> str:
    """`$1` … as SQLite's numbered `?1` …, so one argument may stand in several places."""
    return _PARAMETER.sub(r"?\1", sql)


def _value(value: object) -> object:
    if isinstance(value, dt.datetime):  # before date: a datetime is a date too
        return sqlite_timestamp(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class _Statements(Executor):
    """Statements on the connection, as they are: the caller holds the lock and decides
    about the transaction."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def execute(self, sql: str, *args: object) -> int:
        cursor = await self._db.execute(_sql(sql), tuple(_value(a) for a in args))
        changed = cursor.rowcount
        await cursor.close()
        return max(changed, 0)  # -1 for a statement that changes no rows (CREATE …)

    async def fetch(self, sql: str, *args: object) -> list[Row]:
        return list(await self._db.execute_fetchall(_sql(sql),
                                                    tuple(_value(a) for a in args)))


class SQLiteDatabase(Database):
    dialect = SQLITE

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = sqlite_path(url)
        self.where = str(self.path) if self.path is not None else MEMORY
        self._db: aiosqlite.Connection | None = None
        # One connection, so one lock: writes are serialised, and a read never sees
        # another task's transaction half way.
        self._lock = asyncio.Lock()

    @property
    def is_open(self) -> bool:
        return self._db is not None

    async def open(self) -> None:
        if self._db is not None:
            return
        if sqlite3.sqlite_version_info < OLDEST:
            raise StoreError(f"SQLite {sqlite3.sqlite_version} is too old for the store; "
                             f"it needs {'.'.join(map(str, OLDEST))} or newer")
        try:
            if self.path is not None:
                # Off the event loop: creating the folder and reading a file both block.
                await asyncio.to_thread(_prepare, self.path)
            self._db = await aiosqlite.connect(self.where, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            await self._set_pragmas()
        except sqlite3.Error as exc:
            await self.abandon()
            raise StoreError(self._explain(exc)) from exc
        except BaseException:
            await self.abandon()
            raise

    async def close(self) -> None:
        async with self._lock:  # let a running transaction finish first
            db, self._db = self._db, None
            if db is None:
                return
            with self._errors("close"):
                await db.close()

    async def abandon(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                await db.close()

    def _explain(self, exc: sqlite3.Error) -> str:
        text = str(exc)
        if "not a database" in text:
            return f"{self.where}: not a SQLite database; check the store URL"
        if "unable to open" in text or "readonly" in text:
            return (f"{self.where}: cannot open the store for writing ({text}); "
                    "check that its folder exists and is writable")
        return f"{self.where}: cannot open the store ({text})"

    async def _set_pragmas(self) -> None:
        async with self._lock:
            db = self._connection()
            for pragma in PRAGMAS:
                await _patiently(db, pragma)
            rows = list(await db.execute_fetchall("PRAGMA journal_mode"))
        mode = str(rows[0][0]).lower()
        if self.path is not None and mode != "wal":
            # Still durable (synchronous=FULL), only slower with several readers.
            log.warning("store: SQLite journal mode is %s, not WAL", mode)

    def _connection(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StoreError("the store is not open")
        return self._db

    @contextlib.contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        # sqlite3 messages name tables and constraints, never the values.
        try:
            yield
        except sqlite3.Error as exc:
            if what == "open":
                raise StoreError(self._explain(exc)) from exc
            raise StoreError(f"{self.where}: store {what} failed ({exc})") from exc

    @contextlib.asynccontextmanager
    async def transaction(self, what: str = "write") -> AsyncIterator[Executor]:
        """BEGIN IMMEDIATE … COMMIT under the lock; rolled back on any error."""
        with self._errors(what):
            async with self._lock:
                db = self._connection()
                try:
                    # Inside the try: a task cancelled while BEGIN runs must still roll
                    # back.
                    await db.execute("BEGIN IMMEDIATE")
                    yield _Statements(db)
                    await db.execute("COMMIT")
                except BaseException:
                    # Fails harmlessly when BEGIN failed or COMMIT went through.
                    with contextlib.suppress(sqlite3.Error):
                        await db.execute("ROLLBACK")
                    raise

    async def execute(self, sql: str, *args: object) -> int:
        async with self.transaction() as tx:
            return await tx.execute(sql, *args)

    async def fetch(self, sql: str, *args: object) -> list[Row]:
        if writes(sql):
            async with self.transaction() as tx:
                return await tx.fetch(sql, *args)
        with self._errors("read"):
            async with self._lock:
                return await _Statements(self._connection()).fetch(sql, *args)


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
