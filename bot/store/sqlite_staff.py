"""The staff records in SQLite: activities and information-session requests.

A mixin of `SQLiteStore`, kept in its own file so neither grows too long. It works only
through the store's plumbing: every write runs in BEGIN IMMEDIATE … COMMIT under the
store's lock and has committed before the method returns.

Times are fixed-width ISO 8601 UTC text (text order is time order), days 'YYYY-MM-DD'
text, counts a JSON object.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import TYPE_CHECKING, Any

from bot.store.base import plain_date, utc
from bot.store.records import Activity, RequestStatus, SessionRequest
from bot.store.staff import (
    ACTIVITY_COLUMNS,
    ACTIVITY_INSERT,
    REQUEST_COLUMNS,
    REQUEST_INSERT,
    at_place,
    checked_activity,
    checked_activity_fields,
    checked_answer,
    checked_filter,
    checked_request,
    checked_status,
    counts_from_json,
    counts_json,
    day_span,
    record_id,
)

if TYPE_CHECKING:
    import aiosqlite

def day_where(start: dt.date | None, end: dt.date | None) -> tuple[list[str], list[Any]]:
    """The WHERE parts and parameters for an inclusive range on a 'YYYY-MM-DD' day column."""
    where: list[str] = []
    params: list[Any] = []
    if start is not None:
        where.append("day >= ?")
        params.append(plain_date(start, "start").isoformat())
    if end is not None:
        where.append("day <= ?")
        params.append(plain_date(end, "end").isoformat())
    return where, params


SELECT_ACTIVITY = f"SELECT {', '.join(ACTIVITY_COLUMNS)} FROM activities"
SELECT_REQUEST = f"SELECT {', '.join(REQUEST_COLUMNS)} FROM session_requests"
INSERT_ACTIVITY = (f"INSERT INTO activities ({', '.join(ACTIVITY_INSERT)})"
                   f" VALUES ({', '.join('?' * len(ACTIVITY_INSERT))})")
INSERT_REQUEST = (f"INSERT INTO session_requests ({', '.join(REQUEST_INSERT)})"
                  f" VALUES ({', '.join('?' * len(REQUEST_INSERT))})")


def sqlite_timestamp(at: dt.datetime) -> str:
    # Fixed width (always microseconds, always +00:00) so text order is time order.
    return utc(at).isoformat(timespec="microseconds")


def _time(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


class SQLiteStaffMixin:
    """Activities and session requests for `SQLiteStore` (which provides the plumbing)."""

    if TYPE_CHECKING:
        def now(self) -> dt.datetime: ...
        def _errors(self, what: str) -> contextlib.AbstractContextManager[None]: ...
        def _transaction(self) -> contextlib.AbstractAsyncContextManager[
            aiosqlite.Connection]: ...
        async def _fetch_all(self, sql: str, params: tuple[object, ...],
                             ) -> list[tuple[object, ...]]: ...
        async def _fetch_one(self, sql: str, params: tuple[object, ...],
                             ) -> tuple[object, ...] | None: ...
        async def _write(self, sql: str, params: tuple[object, ...]) -> int: ...

    async def _insert(self, sql: str, params: tuple[object, ...]) -> int:
        with self._errors("write"):
            async with self._transaction() as db:
                cursor = await db.execute(sql, params)
                new_id = cursor.lastrowid
                await cursor.close()
        assert new_id is not None  # an INSERT into a rowid table always sets it
        return new_id

    async def _update_one(self, what: str, sql: str, params: tuple[object, ...],
                          reread: str | None = None) -> tuple[object, ...] | None:
        """Run `sql`, an UPDATE of the row whose id is the last parameter, in one
        transaction; KeyError when there is no such row. With `reread` (a SELECT by id),
        the row as the same transaction left it."""
        with self._errors("write"):
            async with self._transaction() as db:
                cursor = await db.execute(sql, params)
                count = cursor.rowcount
                await cursor.close()
                if count == 0:
                    raise KeyError(f"no {what} {params[-1]}")
                if reread is None:
                    return None
                rows = list(await db.execute_fetchall(reread, (params[-1],)))
        return tuple(rows[0])

    # -- activities ------------------------------------------------------------------

    async def add_activity(self, activity: Activity) -> int:
        a = checked_activity(activity, self.now())
        assert a.created_at is not None
        return await self._insert(INSERT_ACTIVITY, (
            a.kind, a.promise, a.place, a.day.isoformat(), counts_json(a.counts), a.note,
            a.author, sqlite_timestamp(a.created_at)))

    async def get_activity(self, activity_id: int) -> Activity | None:
        rid = record_id(activity_id, "activity id")
        if rid is None:
            return None
        row = await self._fetch_one(f"{SELECT_ACTIVITY} WHERE id = ?", (rid,))
        return None if row is None else _activity(row)

    async def list_activities(
        self, start: dt.date | None = None, end: dt.date | None = None,
        place: str | None = None, kind: str | None = None,
    ) -> list[Activity]:
        where, params = day_where(start, end)
        if checked_filter(kind, "kind") is not None:
            where.append("kind = ?")
            params.append(kind)
        if checked_filter(place, "place") is not None:
            where.append("place IS NOT NULL")
        rows = await self._fetch_all(
            SELECT_ACTIVITY + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY day, id",
            tuple(params),
        )
        return at_place([_activity(row) for row in rows], place)

    async def update_activity(self, activity: Activity) -> None:
        a = checked_activity_fields(activity)
        rid = record_id(a.id, "activity id")
        if rid is None:
            raise KeyError(f"no activity {a.id}")
        await self._update_one(
            "activity",
            "UPDATE activities SET kind = ?, promise = ?, place = ?, day = ?, counts = ?,"
            " note = ? WHERE id = ?",
            (a.kind, a.promise, a.place, a.day.isoformat(), counts_json(a.counts), a.note,
             rid),
        )

    async def delete_activity(self, activity_id: int) -> bool:
        rid = record_id(activity_id, "activity id")
        if rid is None:
            return False
        return await self._write("DELETE FROM activities WHERE id = ?", (rid,)) > 0

    async def last_activity_by(self, author: str) -> Activity | None:
        if checked_filter(author, "author") is None:
            raise ValueError("author must be a string")
        # The (author, created_at) index serves this, newest first.
        row = await self._fetch_one(
            f"{SELECT_ACTIVITY} WHERE author = ? ORDER BY created_at DESC, id DESC LIMIT 1",
            (author,))
        return None if row is None else _activity(row)

    # -- information-session requests ------------------------------------------------

    async def add_request(self, request: SessionRequest) -> int:
        r = checked_request(request, self.now())
        values = {name: getattr(r, name) for name in REQUEST_INSERT}
        for name in ("scheduled", "created_at", "updated_at"):
            if values[name] is not None:
                values[name] = sqlite_timestamp(values[name])
        return await self._insert(INSERT_REQUEST, tuple(values.values()))

    async def get_request(self, request_id: int) -> SessionRequest | None:
        rid = record_id(request_id, "request id")
        if rid is None:
            return None
        row = await self._fetch_one(f"{SELECT_REQUEST} WHERE id = ?", (rid,))
        return None if row is None else _request(row)

    async def list_requests(
        self, status: RequestStatus | None = None,
        start: dt.date | None = None, end: dt.date | None = None,
    ) -> list[SessionRequest]:
        where, params = [], []
        if status is not None:
            where.append("status = ?")
            params.append(checked_status(status))
        low, high = day_span(start, end)
        if low is not None:
            where.append("created_at >= ?")
            params.append(sqlite_timestamp(low))
        if high is not None:
            where.append("created_at < ?")
            params.append(sqlite_timestamp(high))
        rows = await self._fetch_all(
            SELECT_REQUEST + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY id",
            tuple(params),
        )
        return [_request(row) for row in rows]

    async def update_request(
        self, request_id: int, *, status: RequestStatus, answer: str = "",
        scheduled: dt.datetime | None = None,
    ) -> SessionRequest:
        status, answer, scheduled = checked_answer(status, answer, scheduled)
        rid = record_id(request_id, "request id")
        if rid is None:
            raise KeyError(f"no request {request_id}")
        row = await self._update_one(
            "request",
            "UPDATE session_requests SET status = ?, answer = ?, scheduled = ?,"
            " updated_at = ? WHERE id = ?",
            (status, answer, None if scheduled is None else sqlite_timestamp(scheduled),
             sqlite_timestamp(self.now()), rid),
            reread=f"{SELECT_REQUEST} WHERE id = ?",
        )
        assert row is not None
        return _request(row)


def _activity(row: tuple[Any, ...]) -> Activity:
    values = dict(zip(ACTIVITY_COLUMNS, row, strict=True))
    values["day"] = dt.date.fromisoformat(values["day"])
    values["counts"] = counts_from_json(values["counts"])
    values["created_at"] = _time(values["created_at"])
    return Activity(**values)


def _request(row: tuple[Any, ...]) -> SessionRequest:
    values = dict(zip(REQUEST_COLUMNS, row, strict=True))
    for name in ("scheduled", "created_at", "updated_at"):
        values[name] = _time(values[name])
    return SessionRequest(**values)
