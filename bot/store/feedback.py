"""Anonymous safety feedback (`records.Feedback`): only the fields a resident cannot be
found by; checked on the way in by `checks.checked_feedback`. Each row belongs to one
municipality (the caller's, or the store's home)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

from bot.store.checks import checked_feedback, no_home, plain_date
from bot.store.database import Database, Executor, Query, Row, as_date
from bot.store.records import Feedback

COLUMNS = "id, category, area, text, rating, day, granularity, lang, municipality"


class FeedbackRepository:
    def __init__(self, db: Database, home: Callable[[], str] = no_home) -> None:
        self._db = db
        self._home = home

    async def add_feedback(self, feedback: Feedback) -> int:
        """Store `feedback` (its id is ignored; municipality "" is the home) and return
        the new id; durable on return.

        ValueError when a field is out of range (see `checked_feedback`)."""
        fb = checked_feedback(feedback, self._home())
        new_id = await self._db.fetchval(
            "INSERT INTO feedback (category, area, text, rating, day, granularity, lang,"
            " municipality) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            fb.category, fb.area, fb.text, fb.rating, fb.day, fb.granularity, fb.lang,
            fb.municipality,
        )
        return int(new_id)

    async def list_feedback(
        self, start: dt.date | None = None, end: dt.date | None = None, *,
        municipalities: Collection[str] | None = None,
    ) -> list[Feedback]:
        """Feedback with start <= day <= end (either bound may be None) of
        `municipalities` (None: all; empty: none), by day then id."""
        query = Query()
        query.days("day", start, end)
        query.within(municipalities)
        rows = await self._db.fetch(
            f"SELECT {COLUMNS} FROM feedback{query.sql} ORDER BY day, id", *query.args)
        return [_feedback(row) for row in rows]

    async def purge_feedback(self, before: dt.date) -> int:
        """Delete feedback whose day is strictly before `before`; return how many."""
        return await self._db.execute("DELETE FROM feedback WHERE day < $1",
                                      plain_date(before, "before"))


async def adopt(tx: Executor, municipality: str) -> int:
    """Give the feedback that has no municipality `municipality`; how many rows."""
    return await tx.execute(
        "UPDATE feedback SET municipality = $1 WHERE municipality = ''", municipality)


def _feedback(row: Row) -> Feedback:
    return Feedback(row["category"], row["area"], row["text"], row["rating"],
                    as_date(row["day"]), row["granularity"], row["lang"],
                    municipality=row["municipality"], id=row["id"])
