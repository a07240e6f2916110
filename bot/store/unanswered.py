"""Questions the bot could not answer, counted (`records.Unanswered`).

Only the text (normalised and redacted by the caller, checked by
`checks.checked_question`), a count and the first and last day are kept: no sender, no
id, no time of day. Recording is one `INSERT … ON CONFLICT DO UPDATE`: the conflicting
row is locked while it is updated, so concurrent records of one text never lose a count,
even from two processes.
"""

from __future__ import annotations

import datetime as dt

from bot.store.checks import checked_limit, checked_question, plain_date
from bot.store.database import Database, Query, as_date
from bot.store.records import Unanswered

# In DO UPDATE, `u` is the stored row and `excluded` the new one. Days compare as dates
# on both databases (SQLite's 'YYYY-MM-DD' text in date order).
RECORD = (
    "INSERT INTO unanswered AS u (text, count, first_day, last_day) VALUES ($1, 1, $2, $2)"
    " ON CONFLICT (text) DO UPDATE SET count = u.count + 1,"
    " first_day = CASE WHEN excluded.first_day < u.first_day"
    " THEN excluded.first_day ELSE u.first_day END,"
    " last_day = CASE WHEN excluded.last_day > u.last_day"
    " THEN excluded.last_day ELSE u.last_day END"
)


class UnansweredRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record_unanswered(self, text: str, day: dt.date) -> None:
        """Count `text` asked once more on `day`: a new row with count 1, or count + 1 and
        first_day/last_day widened to take in `day`, atomically; durable on return.

        ValueError for a blank text, one over MAX_UNANSWERED_TEXT characters (the caller
        shortens it) or a day that is not a plain date. The text is kept in NFC."""
        await self._db.execute(RECORD, checked_question(text), plain_date(day, "day"))

    async def top_unanswered(
        self, start: dt.date | None = None, end: dt.date | None = None, limit: int = 20
    ) -> list[Unanswered]:
        """At most `limit` questions whose last_day is in start..end (both inclusive,
        either may be None): by count (highest first), then last_day (latest first), then
        text (code-point order on every database)."""
        query = Query()
        query.days("last_day", start, end)
        limit_arg = query.arg(checked_limit(limit))
        rows = await self._db.fetch(
            f"SELECT text, count, first_day, last_day FROM unanswered{query.sql}"
            " ORDER BY count DESC, last_day DESC,"
            f" text{self._db.dialect.code_point_order} LIMIT {limit_arg}",
            *query.args,
        )
        return [Unanswered(r["text"], r["count"], as_date(r["first_day"]),
                           as_date(r["last_day"])) for r in rows]

    async def purge_unanswered(self, before: dt.date) -> int:
        """Delete the questions last asked strictly before `before`; return how many."""
        return await self._db.execute("DELETE FROM unanswered WHERE last_day < $1",
                                      plain_date(before, "before"))
