"""Requests for an information session (`records.SessionRequest`): the requester's
address to answer, the status staff set; checked on the way in by `staff.py`. Each row
belongs to one municipality (the caller's, or the store's home), which updates keep."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

from bot.store import database
from bot.store.checks import no_home
from bot.store.database import Database, Executor, Query, Row, as_time
from bot.store.records import RequestStatus, SessionRequest
from bot.store.staff import checked_answer, checked_request, checked_status, day_span, record_id

COLUMNS = database.record_columns(SessionRequest)
SELECT = database.select_sql("session_requests", COLUMNS)
INSERT = database.insert_sql("session_requests", COLUMNS)
TIMES = ("scheduled", "created_at", "updated_at")


class RequestRepository:
    def __init__(self, db: Database, now: Callable[[], dt.datetime],
                 home: Callable[[], str] = no_home) -> None:
        self._db = db
        self._now = now
        self._home = home

    async def add_request(self, request: SessionRequest) -> int:
        """Store `request` (its id is ignored; created_at is now when None, updated_at is
        created_at when None, municipality "" is the home) and return the new id; durable
        on return."""
        r = checked_request(request, self._now(), self._home())
        values = (getattr(r, column) for column in database.inserted(COLUMNS))
        new_id = await self._db.fetchval(INSERT, *values)
        return int(new_id)

    async def get_request(self, request_id: int) -> SessionRequest | None:
        row = await database.row_by_id(self._db, SELECT, record_id(request_id, "request id"))
        return None if row is None else _request(row)

    async def list_requests(
        self, status: RequestStatus | None = None,
        start: dt.date | None = None, end: dt.date | None = None, *,
        municipalities: Collection[str] | None = None,
    ) -> list[SessionRequest]:
        """Requests in `status` whose created_at falls on start..end (dates in UTC, both
        inclusive), of `municipalities` (None: all; empty: none), by id."""
        query = Query()
        query.within(municipalities)
        if status is not None:
            query.where(f"status = {query.arg(checked_status(status))}")
        low, high = day_span(start, end)
        if low is not None:
            query.where(f"created_at >= {query.arg(low)}")
        if high is not None:
            query.where(f"created_at < {query.arg(high)}")
        rows = await self._db.fetch(f"{SELECT}{query.sql} ORDER BY id", *query.args)
        return [_request(row) for row in rows]

    async def requests_of(
        self, transport: str, requester: str, since: dt.date | None = None, limit: int = 10,
    ) -> tuple[list[SessionRequest], int]:
        """One requester's requests (created on `since` or later), newest first: at most
        `limit` of them, and how many there are in all."""
        query = Query()
        query.where(f"transport = {query.arg(transport)}")
        query.where(f"requester = {query.arg(requester)}")
        low, _ = day_span(since, None)
        if low is not None:
            query.where(f"created_at >= {query.arg(low)}")
        total = await self._db.fetchval(
            f"SELECT COUNT(*) FROM session_requests{query.sql}", *query.args)
        cap = query.arg(max(0, int(limit)))
        rows = await self._db.fetch(f"{SELECT}{query.sql} ORDER BY id DESC LIMIT {cap}",
                                    *query.args)
        return [_request(row) for row in rows], int(total or 0)

    async def update_request(
        self, request_id: int, *, status: RequestStatus, answer: str = "",
        scheduled: dt.datetime | None = None,
    ) -> SessionRequest:
        """Set status, answer and scheduled, and updated_at to now; the request as stored.

        KeyError when there is none. Any status may follow any other: which moves make
        sense is the feature's business, and staff must be able to correct a mistake."""
        status, answer, scheduled = checked_answer(status, answer, scheduled)
        rid = record_id(request_id, "request id")
        row = None
        if rid is not None:
            row = await self._db.fetchrow(
                "UPDATE session_requests SET status = $1, answer = $2, scheduled = $3,"
                f" updated_at = $4 WHERE id = $5 RETURNING {', '.join(COLUMNS)}",
                status, answer, scheduled, self._now(), rid,
            )
        if row is None:
            raise KeyError(f"no request {request_id}")
        return _request(row)


async def adopt(tx: Executor, municipality: str) -> int:
    """Give the requests that have no municipality `municipality`; how many rows."""
    return await tx.execute(
        "UPDATE session_requests SET municipality = $1 WHERE municipality = ''",
        municipality)


def _request(row: Row) -> SessionRequest:
    values = {name: row[name] for name in COLUMNS}
    for name in TIMES:
        values[name] = as_time(values[name])
    return SessionRequest(**values)
