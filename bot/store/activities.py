"""Activities logged by staff (`records.Activity`): not anonymous, the authorities' own
record; checked on the way in by `staff.py`. Counts are kept as a JSON object. Each row
belongs to one municipality (the caller's, or the store's home), which updates keep."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

from bot.store import database
from bot.store.checks import no_home
from bot.store.database import Database, Executor, Query, Row, as_date, as_time
from bot.store.records import Activity
from bot.store.staff import (
    at_place,
    checked_activity,
    checked_activity_fields,
    checked_filter,
    counts_from_json,
    counts_json,
    record_id,
)

COLUMNS = database.record_columns(Activity)
SELECT = database.select_sql("activities", COLUMNS)
INSERT = database.insert_sql("activities", COLUMNS)


class ActivityRepository:
    def __init__(self, db: Database, now: Callable[[], dt.datetime],
                 home: Callable[[], str] = no_home) -> None:
        self._db = db
        self._now = now
        self._home = home

    async def add_activity(self, activity: Activity) -> int:
        """Store `activity` (its id is ignored; created_at is now when None, municipality
        "" is the home) and return the new id; durable on return. ValueError when a field
        is wrong (`checked_activity`)."""
        a = checked_activity(activity, self._now(), self._home())
        values = (counts_json(a.counts) if column == "counts" else getattr(a, column)
                  for column in database.inserted(COLUMNS))
        new_id = await self._db.fetchval(INSERT, *values)
        return int(new_id)

    async def get_activity(self, activity_id: int) -> Activity | None:
        row = await database.row_by_id(self._db, SELECT, record_id(activity_id, "activity id"))
        return None if row is None else _activity(row)

    async def list_activities(
        self, start: dt.date | None = None, end: dt.date | None = None,
        place: str | None = None, kind: str | None = None, *,
        municipalities: Collection[str] | None = None,
    ) -> list[Activity]:
        """Activities with start <= day <= end, at `place` (compared as `place_key`
        does: case and Unicode form do not matter), of `kind` and of `municipalities`
        (None: all; empty: none), by day then id."""
        query = Query()
        query.days("day", start, end)
        query.within(municipalities)
        if checked_filter(kind, "kind") is not None:
            query.where(f"kind = {query.arg(kind)}")
        if checked_filter(place, "place") is not None:
            query.where("place IS NOT NULL")
        rows = await self._db.fetch(f"{SELECT}{query.sql} ORDER BY day, id", *query.args)
        return at_place([_activity(row) for row in rows], place)

    async def update_activity(self, activity: Activity) -> None:
        """Replace every field of the activity with id `activity.id` but its author,
        created_at and municipality; KeyError when there is none."""
        a = checked_activity_fields(activity)
        rid = record_id(a.id, "activity id")
        if rid is None or not await self._db.execute(
            "UPDATE activities SET kind = $1, promise = $2, place = $3, day = $4,"
            " counts = $5, note = $6 WHERE id = $7",
            a.kind, a.promise, a.place, a.day, counts_json(a.counts), a.note, rid,
        ):
            raise KeyError(f"no activity {a.id}")

    async def delete_activity(self, activity_id: int) -> bool:
        """Delete the activity; False when there was none."""
        rid = record_id(activity_id, "activity id")
        if rid is None:
            return False
        return await self._db.execute("DELETE FROM activities WHERE id = $1", rid) > 0

    async def last_activity_by(self, author: str) -> Activity | None:
        """The author's most recently created activity (latest created_at, then id)."""
        if checked_filter(author, "author") is None:
            raise ValueError("author must be a string")
        # The (author, created_at) index serves this, newest first.
        row = await self._db.fetchrow(
            f"{SELECT} WHERE author = $1 ORDER BY created_at DESC, id DESC LIMIT 1", author)
        return None if row is None else _activity(row)


async def adopt(tx: Executor, municipality: str) -> int:
    """Give the activities that have no municipality `municipality`; how many rows."""
    return await tx.execute(
        "UPDATE activities SET municipality = $1 WHERE municipality = ''", municipality)


def _activity(row: Row) -> Activity:
    values = {name: row[name] for name in COLUMNS}
    values["day"] = as_date(values["day"])
    values["counts"] = counts_from_json(values["counts"])
    values["created_at"] = as_time(values["created_at"])
    return Activity(**values)
