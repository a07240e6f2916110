"""Reminders already sent (the follow-up's and the next dialogue's), by key: a key is
marked once, across every process on the database, so a reminder goes out once however
many bots run. The key is the caller's (e.g. "followup:asele:2027-03-01:month-before");
the day is when it was marked."""

from __future__ import annotations

import datetime as dt

from bot.store.checks import checked_text, plain_date
from bot.store.database import Database

MAX_KEY = 200


class ReminderRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def mark_reminded(self, key: str, day: dt.date) -> bool:
        """Mark `key` reminded on `day`: True the first time, False when it was marked
        before (by this process or another). One INSERT … ON CONFLICT DO NOTHING, so two
        processes marking at once get True once."""
        key = checked_text(key, "reminder key", MAX_KEY)
        if not key.strip():
            raise ValueError("reminder key must be a non-empty string")
        day = plain_date(day, "reminder day")
        inserted = await self._db.execute(
            "INSERT INTO reminders (key, day) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            key, day)
        return inserted > 0
