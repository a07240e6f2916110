"""The staff records in PostgreSQL: activities and information-session requests.

A mixin of `PostgresStore`, kept in its own file so neither grows too long. It works only
through the store's plumbing: every write is one statement, committed (autocommit) before
the method returns, and every error is the store's scrubbed StoreError.

Times are TIMESTAMP WITH TIME ZONE, days DATE, counts JSONB (sent and read as JSON text,
asyncpg's default for JSONB).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import TYPE_CHECKING, Any

from bot.store.base import plain_date
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
    import asyncpg

ACTIVITY_FIELDS = ", ".join(ACTIVITY_COLUMNS)
REQUEST_FIELDS = ", ".join(REQUEST_COLUMNS)
SELECT_ACTIVITY = f"SELECT {ACTIVITY_FIELDS} FROM activities"
SELECT_REQUEST = f"SELECT {REQUEST_FIELDS} FROM session_requests"
INSERT_ACTIVITY = (
    f"INSERT INTO activities ({', '.join(ACTIVITY_INSERT)})"
    f" VALUES ({', '.join(f'${n}' for n in range(1, len(ACTIVITY_INSERT) + 1))}) RETURNING id")
INSERT_REQUEST = (
    f"INSERT INTO session_requests ({', '.join(REQUEST_INSERT)})"
    f" VALUES ({', '.join(f'${n}' for n in range(1, len(REQUEST_INSERT) + 1))}) RETURNING id")


class PostgresStaffMixin:
    """Activities and session requests for `PostgresStore` (which provides the plumbing)."""

    if TYPE_CHECKING:
        def now(self) -> dt.datetime: ...
        def _connection(self, what: str) -> contextlib.AbstractAsyncContextManager[
            asyncpg.Connection]: ...
        async def _fetch(self, sql: str, *args: object) -> list[asyncpg.Record]: ...
        async def _write(self, sql: str, *args: object) -> int: ...

    async def _fetch_row(self, what: str, sql: str, *args: object) -> asyncpg.Record | None:
        async with self._connection(what) as conn:
            return await conn.fetchrow(sql, *args)

    # -- activities ------------------------------------------------------------------

    async def add_activity(self, activity: Activity) -> int:
        a = checked_activity(activity, self.now())
        async with self._connection("write") as conn:
            new_id = await conn.fetchval(
                INSERT_ACTIVITY, a.kind, a.promise, a.place, a.day, counts_json(a.counts),
                a.note, a.author, a.created_at)
        return int(new_id)

    async def get_activity(self, activity_id: int) -> Activity | None:
        rid = record_id(activity_id, "activity id")
        if rid is None:
            return None
        row = await self._fetch_row("read", f"{SELECT_ACTIVITY} WHERE id = $1", rid)
        return None if row is None else _activity(row)

    async def list_activities(
        self, start: dt.date | None = None, end: dt.date | None = None,
        place: str | None = None, kind: str | None = None,
    ) -> list[Activity]:
        where: list[str] = []
        args: list[object] = []
        for bound, op, name in ((start, ">=", "start"), (end, "<=", "end")):
            if bound is not None:
                args.append(plain_date(bound, name))
                where.append(f"day {op} ${len(args)}")
        if checked_filter(kind, "kind") is not None:
            args.append(kind)
            where.append(f"kind = ${len(args)}")
        if checked_filter(place, "place") is not None:
            where.append("place IS NOT NULL")
        rows = await self._fetch(
            SELECT_ACTIVITY + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY day, id",
            *args,
        )
        return at_place([_activity(row) for row in rows], place)

    async def update_activity(self, activity: Activity) -> None:
        a = checked_activity_fields(activity)
        rid = record_id(a.id, "activity id")
        if rid is None or not await self._write(
            "UPDATE activities SET kind = $1, promise = $2, place = $3, day = $4,"
            " counts = $5, note = $6 WHERE id = $7",
            a.kind, a.promise, a.place, a.day, counts_json(a.counts), a.note, rid,
        ):
            raise KeyError(f"no activity {a.id}")

    async def delete_activity(self, activity_id: int) -> bool:
        rid = record_id(activity_id, "activity id")
        if rid is None:
            return False
        return await self._write("DELETE FROM activities WHERE id = $1", rid) > 0

    async def last_activity_by(self, author: str) -> Activity | None:
        if checked_filter(author, "author") is None:
            raise ValueError("author must be a string")
        # The (author, created_at) index serves this, newest first.
        row = await self._fetch_row(
            "read",
            f"{SELECT_ACTIVITY} WHERE author = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
            author)
        return None if row is None else _activity(row)

    # -- information-session requests ------------------------------------------------

    async def add_request(self, request: SessionRequest) -> int:
        r = checked_request(request, self.now())
        async with self._connection("write") as conn:
            new_id = await conn.fetchval(
                INSERT_REQUEST, *(getattr(r, name) for name in REQUEST_INSERT))
        return int(new_id)

    async def get_request(self, request_id: int) -> SessionRequest | None:
        rid = record_id(request_id, "request id")
        if rid is None:
            return None
        row = await self._fetch_row("read", f"{SELECT_REQUEST} WHERE id = $1", rid)
        return None if row is None else _request(row)

    async def list_requests(
        self, status: RequestStatus | None = None,
        start: dt.date | None = None, end: dt.date | None = None,
    ) -> list[SessionRequest]:
        where: list[str] = []
        args: list[object] = []
        if status is not None:
            args.append(checked_status(status))
            where.append(f"status = ${len(args)}")
        low, high = day_span(start, end)
        for bound, op in ((low, ">="), (high, "<")):
            if bound is not None:
                args.append(bound)
                where.append(f"created_at {op} ${len(args)}")
        rows = await self._fetch(
            SELECT_REQUEST + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY id",
            *args,
        )
        return [_request(row) for row in rows]

    async def update_request(
        self, request_id: int, *, status: RequestStatus, answer: str = "",
        scheduled: dt.datetime | None = None,
    ) -> SessionRequest:
        status, answer, scheduled = checked_answer(status, answer, scheduled)
        rid = record_id(request_id, "request id")
        row = None
        if rid is not None:
            row = await self._fetch_row(
                "write",
                "UPDATE session_requests SET status = $1, answer = $2, scheduled = $3,"
                f" updated_at = $4 WHERE id = $5 RETURNING {REQUEST_FIELDS}",
                status, answer, scheduled, self.now(), rid,
            )
        if row is None:
            raise KeyError(f"no request {request_id}")
        return _request(row)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """A timestamp as read: asyncpg stores the first and the last instant of the calendar
    (0001-01-01 00:00 UTC, 9999-12-31 23:59:59.999999 UTC) as -infinity and infinity, and
    reads those back without a time zone; every other one comes back aware."""
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None \
        else value


def _activity(row: Any) -> Activity:
    values = {name: row[name] for name in ACTIVITY_COLUMNS}
    values["counts"] = counts_from_json(values["counts"])
    values["created_at"] = _aware(values["created_at"])
    return Activity(**values)


def _request(row: Any) -> SessionRequest:
    values = {name: row[name] for name in REQUEST_COLUMNS}
    for name in ("scheduled", "created_at", "updated_at"):
        values[name] = _aware(values[name])
    return SessionRequest(**values)
