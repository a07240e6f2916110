"""Questions the bot could not answer, counted (`records.Unanswered`).

Only the text (normalised and redacted by the caller, checked by
`checks.checked_question`), a count, the first and last day and the municipality it was
asked in are kept: no sender, no id, no time of day. One text is one row per
municipality. Recording is one `INSERT … ON CONFLICT DO UPDATE`: the conflicting row is
locked while it is updated, so concurrent records of one text never lose a count, even
from two processes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

from bot.store.checks import (
    checked_limit,
    checked_municipality,
    checked_question,
    no_home,
    plain_date,
)
from bot.store.database import Database, Executor, Query, as_date
from bot.store.records import Unanswered

# In DO UPDATE, `u` is the stored row and `excluded` the new one. Days compare as dates
# on both databases (SQLite's 'YYYY-MM-DD' text in date order).
RECORD = (
    "INSERT INTO unanswered AS u (text, count, first_day, last_day, municipality)"
    " VALUES ($1, 1, $2, $2, $3)"
    " ON CONFLICT (municipality, text) DO UPDATE SET count = u.count + 1,"
    " first_day = CASE WHEN excluded.first_day < u.first_day"
    " THEN excluded.first_day ELSE u.first_day END,"
    " last_day = CASE WHEN excluded.last_day > u.last_day"
    " THEN excluded.last_day ELSE u.last_day END"
)

# `adopt`: a text asked both before migration 5 (municipality '') and since, under the
# adopting municipality, becomes one row: counts added, days widened. In SET, every
# column is the row's value before the update, on both databases.
_ORPHAN = "FROM unanswered AS o WHERE o.municipality = '' AND o.text = unanswered.text"
MERGE = (
    f"UPDATE unanswered SET count = count + (SELECT o.count {_ORPHAN}),"
    " first_day = (SELECT CASE WHEN o.first_day < unanswered.first_day"
    f" THEN o.first_day ELSE unanswered.first_day END {_ORPHAN}),"
    " last_day = (SELECT CASE WHEN o.last_day > unanswered.last_day"
    f" THEN o.last_day ELSE unanswered.last_day END {_ORPHAN})"
    " WHERE municipality = $1"
    " AND text IN (SELECT text FROM unanswered WHERE municipality = '')"
)
MERGED = ("DELETE FROM unanswered WHERE municipality = ''"
          " AND text IN (SELECT text FROM unanswered WHERE municipality = $1)")
MOVE = "UPDATE unanswered SET municipality = $1 WHERE municipality = ''"


class UnansweredRepository:
    def __init__(self, db: Database, home: Callable[[], str] = no_home) -> None:
        self._db = db
        self._home = home

    async def record_unanswered(self, text: str, day: dt.date,
                                municipality: str = "") -> None:
        """Count `text` asked once more on `day` in `municipality` ("" is the home): a new
        row with count 1, or count + 1 and first_day/last_day widened to take in `day`,
        atomically; durable on return.

        ValueError for a blank text, one over MAX_UNANSWERED_TEXT characters (the caller
        shortens it), a day that is not a plain date or a municipality that is not a
        string. The text is kept in NFC."""
        await self._db.execute(
            RECORD, checked_question(text), plain_date(day, "day"),
            checked_municipality(municipality, self._home(), "unanswered municipality"))

    async def top_unanswered(
        self, start: dt.date | None = None, end: dt.date | None = None, limit: int = 20,
        *, municipalities: Collection[str] | None = None,
    ) -> list[Unanswered]:
        """At most `limit` questions of `municipalities` (None: all; empty: none) whose
        last_day is in start..end (both inclusive, either may be None): by count (highest
        first), then last_day (latest first), then text and municipality (code-point
        order on every database). One text asked in two municipalities is two rows."""
        query = Query()
        query.days("last_day", start, end)
        query.within(municipalities)
        limit_arg = query.arg(checked_limit(limit))
        order = self._db.dialect.code_point_order
        rows = await self._db.fetch(
            "SELECT text, count, first_day, last_day, municipality"
            f" FROM unanswered{query.sql} ORDER BY count DESC, last_day DESC,"
            f" text{order}, municipality{order} LIMIT {limit_arg}",
            *query.args,
        )
        return [Unanswered(r["text"], r["count"], as_date(r["first_day"]),
                           as_date(r["last_day"]), r["municipality"]) for r in rows]

    async def purge_unanswered(self, before: dt.date) -> int:
        """Delete the questions last asked strictly before `before`; return how many."""
        return await self._db.execute("DELETE FROM unanswered WHERE last_day < $1",
                                      plain_date(before, "before"))


async def adopt(tx: Executor, municipality: str) -> int:
    """Give the questions that have no municipality `municipality`, merging each into the
    row the same text already has there; how many rows had none."""
    await tx.execute(MERGE, municipality)
    return await tx.execute(MERGED, municipality) + await tx.execute(MOVE, municipality)
