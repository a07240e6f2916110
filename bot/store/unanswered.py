"""Questions the bot could not answer, counted (`base.Unanswered`): the checks, and a mixin
for each backend.

Only the text (normalised and redacted by the caller), a count and the first and last day
are kept: no sender, no id, no time of day. Recording is one `INSERT … ON CONFLICT DO
UPDATE`, so concurrent records of one text never lose a count on either backend.

The mixins work only through their store's plumbing, as the staff mixins do: a SQLite
write runs in BEGIN IMMEDIATE … COMMIT under the store's lock, a PostgreSQL write is one
autocommitted statement, and both have committed before the method returns.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import TYPE_CHECKING, Any

from bot.store.base import MAX_UNANSWERED_TEXT, Unanswered, plain_date

if TYPE_CHECKING:
    import asyncpg

# Both backends take LIMIT as a signed 64-bit integer.
MAX_LIMIT = 2**63 - 1
COLUMNS = "text, count, first_day, last_day"


def checked_text(text: object) -> str:
    """`text` as the store keeps it (NFC, so "å" typed as a + ring counts as "å"), or
    ValueError; the message never repeats the text."""
    if not isinstance(text, str):
        raise ValueError("unanswered text must be a string")
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise ValueError("unanswered text must be a non-empty string")
    if len(text) > MAX_UNANSWERED_TEXT:
        raise ValueError(f"unanswered text is longer than {MAX_UNANSWERED_TEXT} characters;"
                         " shorten it before recording")
    # PostgreSQL cannot store NUL, and a lone surrogate is no UTF-8 at all: refused the
    # same way on every backend.
    if "\x00" in text:
        raise ValueError("unanswered text must not contain NUL characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("unanswered text is not valid Unicode") from None
    return text


def checked_limit(limit: object) -> int:
    if type(limit) is not int or not 0 <= limit <= MAX_LIMIT:  # True is not a limit
        raise ValueError("limit must be an int >= 0")
    return limit


def _bounds(start: dt.date | None, end: dt.date | None) -> list[tuple[str, dt.date]]:
    """[(operator, day)] for the bounds given on last_day."""
    bounds = []
    if start is not None:
        bounds.append((">=", plain_date(start, "start")))
    if end is not None:
        bounds.append(("<=", plain_date(end, "end")))
    return bounds


class SQLiteUnansweredMixin:
    """Unanswered questions for `SQLiteStore`; days are 'YYYY-MM-DD' text, whose text
    order is date order, so min() and max() of two are the earlier and the later."""

    if TYPE_CHECKING:
        async def _fetch_all(self, sql: str, params: tuple[object, ...],
                             ) -> list[tuple[object, ...]]: ...
        async def _write(self, sql: str, params: tuple[object, ...]) -> int: ...

    async def record_unanswered(self, text: str, day: dt.date) -> None:
        text = checked_text(text)
        iso = plain_date(day, "day").isoformat()
        # In DO UPDATE a bare column name is the stored row, `excluded` the new one.
        await self._write(
            "INSERT INTO unanswered (text, count, first_day, last_day) VALUES (?, 1, ?, ?)"
            " ON CONFLICT (text) DO UPDATE SET count = count + 1,"
            " first_day = min(first_day, excluded.first_day),"
            " last_day = max(last_day, excluded.last_day)",
            (text, iso, iso),
        )

    async def top_unanswered(
        self, start: dt.date | None = None, end: dt.date | None = None, limit: int = 20
    ) -> list[Unanswered]:
        bounds = _bounds(start, end)
        limit = checked_limit(limit)
        where = " AND ".join(f"last_day {op} ?" for op, _ in bounds)
        # TEXT compares as BINARY: UTF-8 byte order, which is code-point order.
        rows = await self._fetch_all(
            f"SELECT {COLUMNS} FROM unanswered" + (f" WHERE {where}" if where else "")
            + " ORDER BY count DESC, last_day DESC, text LIMIT ?",
            (*(day.isoformat() for _, day in bounds), limit),
        )
        return [_from_sqlite(row) for row in rows]

    async def purge_unanswered(self, before: dt.date) -> int:
        return await self._write("DELETE FROM unanswered WHERE last_day < ?",
                                 (plain_date(before, "before").isoformat(),))


class PostgresUnansweredMixin:
    """Unanswered questions for `PostgresStore`; days are DATE."""

    if TYPE_CHECKING:
        async def _fetch(self, sql: str, *args: object) -> list[asyncpg.Record]: ...
        async def _write(self, sql: str, *args: object) -> int: ...

    async def record_unanswered(self, text: str, day: dt.date) -> None:
        text = checked_text(text)
        day = plain_date(day, "day")
        # One statement: the conflicting row is locked while it is updated, so concurrent
        # records of one text each add their one.
        await self._write(
            "INSERT INTO unanswered AS u (text, count, first_day, last_day)"
            " VALUES ($1, 1, $2, $2)"
            " ON CONFLICT (text) DO UPDATE SET count = u.count + 1,"
            " first_day = LEAST(u.first_day, excluded.first_day),"
            " last_day = GREATEST(u.last_day, excluded.last_day)",
            text, day,
        )

    async def top_unanswered(
        self, start: dt.date | None = None, end: dt.date | None = None, limit: int = 20
    ) -> list[Unanswered]:
        bounds = _bounds(start, end)
        limit = checked_limit(limit)
        where = " AND ".join(f"last_day {op} ${n}" for n, (op, _) in enumerate(bounds, 1))
        # COLLATE "C": byte order of UTF-8, i.e. code-point order, as SQLite and Python
        # sort, whatever the database's own collation.
        rows = await self._fetch(
            f"SELECT {COLUMNS} FROM unanswered" + (f" WHERE {where}" if where else "")
            + f' ORDER BY count DESC, last_day DESC, text COLLATE "C" LIMIT ${len(bounds) + 1}',
            *(day for _, day in bounds), limit,
        )
        return [Unanswered(r["text"], r["count"], r["first_day"], r["last_day"])
                for r in rows]

    async def purge_unanswered(self, before: dt.date) -> int:
        return await self._write("DELETE FROM unanswered WHERE last_day < $1",
                                 plain_date(before, "before"))


def _from_sqlite(row: tuple[Any, ...]) -> Unanswered:
    text, count, first_day, last_day = row
    return Unanswered(text, count, dt.date.fromisoformat(first_day),
                      dt.date.fromisoformat(last_day))
