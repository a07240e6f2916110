"""Anonymous safety feedback (`records.Feedback`): only the fields a resident cannot be
found by; checked on the way in by `checks.checked_feedback`."""

from __future__ import annotations

import datetime as dt

from bot.store.checks import checked_feedback, plain_date
from bot.store.database import Database, Query, Row, as_date
from bot.store.records import Feedback

COLUMNS = "id, category, area, text, rating, day, granularity, lang"


class FeedbackRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_feedback(self, feedback: Feedback) -> int:
        """Store `feedback` (its id is ignored) and return the new id; durable on return.

        ValueError when a field is out of range (see `checked_feedback`)."""
        fb = checked_feedback(feedback)
        new_id = await self._db.fetchval(
            "INSERT INTO feedback (category, area, text, rating, day, granularity, lang)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            fb.category, fb.area, fb.text, fb.rating, fb.day, fb.granularity, fb.lang,
        )
        return int(new_id)

    async def list_feedback(
        self, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[Feedback]:
        """Feedback with start <= day <= end (either bound may be None), by day then id."""
        query = Query()
        query.days("day", start, end)
        rows = await self._db.fetch(
            f"SELECT {COLUMNS} FROM feedback{query.sql} ORDER BY day, id", *query.args)
        return [_feedback(row) for row in rows]

    async def purge_feedback(self, before: dt.date) -> int:
        """Delete feedback whose day is strictly before `before`; return how many."""
        return await self._db.execute("DELETE FROM feedback WHERE day < $1",
                                      plain_date(before, "before"))


def _feedback(row: Row) -> Feedback:
    return Feedback(row["category"], row["area"], row["text"], row["rating"],
                    as_date(row["day"]), row["granularity"], row["lang"], row["id"])
