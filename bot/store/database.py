"""One database API over SQLite and PostgreSQL, chosen by URL (as mautrix-python's
`async_db`): SQL is written once, with `$1` … parameters, and each driver (`sqlite.py`,
`postgres.py`) differs only in how it connects, its settings, and how it passes values.

Values: str, int, None, `datetime.date` and aware `datetime.datetime`; a JSON object goes
as text. SQLite keeps dates and instants as text, so what is read back goes through
`as_date` and `as_time`, which take either form.

Outside `transaction()`, every call has committed before it returns (a write the bot
confirmed survives a kill -9); inside, nothing is committed until the block ends, and
everything is rolled back when it raises.
"""

from __future__ import annotations

import abc
import asyncio
import dataclasses
import datetime as dt
import re
from collections.abc import Awaitable, Callable, Collection
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import Any, ClassVar, Protocol

from bot.store.checks import plain_date
from bot.store.dialect import Dialect

PING_TIMEOUT = 5.0  # a health check must answer, not hang on a dead or busy database

# A statement that can only read. Anything else is treated as a write: on SQLite it runs
# in a write transaction, which is always correct and only slower for a read.
_READS = re.compile(r"\s*(SELECT|SHOW|VALUES)\b", re.IGNORECASE)


class StoreError(Exception):
    """The store cannot do what was asked; the message is one line a user can act on,
    naming the database by a path or a server, never by a URL with a password."""


def writes(sql: str) -> bool:
    """Whether `sql` may change the database (an INSERT … RETURNING read with `fetch`
    too); errors then say "write", not "read"."""
    return _READS.match(sql) is None


class Row(Protocol):
    """A row as read: by position or by column name (asyncpg's Record, sqlite3.Row)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def __len__(self) -> int: ...


class Executor(abc.ABC):
    """Runs statements: on the database (each committed on return) or in a transaction."""

    @abc.abstractmethod
    async def execute(self, sql: str, *args: object) -> int:
        """Run `sql`; how many rows it inserted, updated or deleted."""

    @abc.abstractmethod
    async def fetch(self, sql: str, *args: object) -> list[Row]: ...

    async def fetchrow(self, sql: str, *args: object) -> Row | None:
        rows = await self.fetch(sql, *args)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, *args: object) -> Any:
        row = await self.fetchrow(sql, *args)
        return None if row is None else row[0]


class Database(Executor):
    """A database the store can open, query and close; errors are `StoreError`."""

    dialect: ClassVar[Dialect]
    url: str
    where: str  # the database in messages: a path or a server, never a password

    @property
    @abc.abstractmethod
    def is_open(self) -> bool: ...

    @abc.abstractmethod
    async def open(self) -> None:
        """Connect and apply the driver's settings; a no-op when open."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Close once what runs has finished; a no-op when not open."""

    @abc.abstractmethod
    async def abandon(self) -> None:
        """Close at once, ignoring errors: after an open that failed half way."""

    @abc.abstractmethod
    def transaction(self, what: str = "write") -> AbstractAsyncContextManager[Executor]:
        """`async with db.transaction() as tx:` the statements run on `tx` commit together
        or not at all. An error says "store {what} failed"."""

    def exclusive(self, what: str) -> AbstractAsyncContextManager[Executor]:
        """A transaction no other process runs at the same time (for migrations); by
        default a plain one, which SQLite's BEGIN IMMEDIATE already makes exclusive."""
        return self.transaction(what)

    def keyed(self, key: str, wait: float, what: str) -> AbstractAsyncContextManager[Executor]:
        """Statements no other process runs for the same `key` at the same time, until the
        block ends (a conversation's turn), waited for at most `wait` seconds (StoreError
        then); what they write may be lost in a crash of the database server, never half
        of it. By default, for a database one process uses (SQLite), the database itself,
        each statement committed as it runs: the caller's own lock holds a key within the
        process, and no write of anyone else waits for the block."""
        return nullcontext(self)

    async def listen(self, channel: str, heard: Callable[[str], None]
                     ) -> Callable[[], Awaitable[None]] | None:
        """Call `heard(payload)` for each notification on `channel` from other processes
        (PostgreSQL's LISTEN, on a connection of its own); what stops it, or None where
        no other process shares the database (SQLite: nothing to hear)."""
        return None

    async def ping(self) -> bool:
        """True when the database answers a trivial query (health checks)."""
        try:
            async with asyncio.timeout(PING_TIMEOUT):
                return bool(await self.fetchval("SELECT 1") == 1)
        except (StoreError, TimeoutError):
            return False

    def __repr__(self) -> str:
        # Not the URL: it may carry a password.
        return f"<{type(self).__name__}>"


def as_date(value: Any) -> dt.date:
    """A date as read: PostgreSQL gives a date, SQLite the 'YYYY-MM-DD' text it keeps."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def as_time(value: Any) -> dt.datetime | None:
    """An instant as read, aware: SQLite gives ISO 8601 text, and asyncpg reads the first
    and the last instant of the calendar (0001-01-01 00:00 UTC, 9999-12-31 23:59:59.999999
    UTC), which PostgreSQL keeps as -infinity and infinity, without a time zone."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


class Query:
    """The WHERE of a query built from optional filters, its `$n` numbered as added.

        query = Query()
        query.where(f"day >= {query.arg(start)}")
        rows = await db.fetch(f"SELECT … FROM feedback{query.sql}", *query.args)
    """

    def __init__(self) -> None:
        self.args: list[object] = []
        self._conditions: list[str] = []

    def arg(self, value: object) -> str:
        """The placeholder of a new argument `value`."""
        self.args.append(value)
        return f"${len(self.args)}"

    def where(self, condition: str) -> None:
        self._conditions.append(condition)

    def days(self, column: str, start: dt.date | None, end: dt.date | None) -> None:
        """`column` in start..end, both inclusive; only the bounds given, so an index on
        `column` serves every query."""
        for bound, op, name in ((start, ">=", "start"), (end, "<=", "end")):
            if bound is not None:
                self.where(f"{column} {op} {self.arg(plain_date(bound, name))}")

    def within(self, municipalities: Collection[str] | None,
               column: str = "municipality") -> None:
        """Keep the rows of `municipalities` (None: every row; empty: none): one `$n` each,
        the same SQL on every database."""
        if municipalities is None:
            return
        if isinstance(municipalities, str | bytes) or not isinstance(municipalities,
                                                                      Collection):
            raise ValueError("municipalities must be a collection of strings or None")
        if not all(isinstance(m, str) for m in municipalities):
            raise ValueError("municipalities must be a collection of strings or None")
        wanted = sorted(set(municipalities))
        if not wanted:
            self.where("1 = 0")
            return
        self.where(f"{column} IN ({', '.join(self.arg(m) for m in wanted)})")

    @property
    def sql(self) -> str:
        """The WHERE clause, with a space before it; "" when there is no condition."""
        return " WHERE " + " AND ".join(self._conditions) if self._conditions else ""



def record_columns(record: type[Any]) -> tuple[str, ...]:
    """A table's columns: its record's fields (test_staff_schema checks that the tables
    have no others)."""
    return tuple(f.name for f in dataclasses.fields(record))


def inserted(columns: tuple[str, ...]) -> tuple[str, ...]:
    """What an INSERT gives: every column but the id, which the database assigns."""
    return tuple(c for c in columns if c != "id")


def select_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"SELECT {', '.join(columns)} FROM {table}"


def insert_sql(table: str, columns: tuple[str, ...]) -> str:
    """An INSERT of `inserted(columns)` (`$1` … in their order) giving back the new id."""
    columns = inserted(columns)
    values = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values}) RETURNING id"


async def row_by_id(db: Executor, select: str, rid: int | None) -> Row | None:
    """The row `select` finds with id `rid`; None for an id no row can have (`record_id`)."""
    return None if rid is None else await db.fetchrow(f"{select} WHERE id = $1", rid)
