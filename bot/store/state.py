"""Small durable state for transports: key-value pairs (a sync token, credentials) and the
handled-event ledger that gives exactly-once delivery across restarts."""

from __future__ import annotations

import datetime as dt

from bot.store.checks import utc
from bot.store.database import Database


class StateRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get_value(self, key: str) -> str | None:
        return await self._db.fetchval("SELECT value FROM kv WHERE key = $1", key)

    async def set_value(self, key: str, value: str) -> None:
        await self._db.execute(
            "INSERT INTO kv (key, value) VALUES ($1, $2)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            key, value,
        )

    async def delete_value(self, key: str) -> None:
        await self._db.execute("DELETE FROM kv WHERE key = $1", key)

    async def event_state(self, key: str) -> str | None:
        """The state recorded for an event, None if it was never seen."""
        return await self._db.fetchval("SELECT state FROM handled_events WHERE key = $1", key)

    async def set_event_state(self, key: str, state: str, at: dt.datetime) -> None:
        """Record (insert or replace) the state of an event and when it was reached."""
        await self._db.execute(
            "INSERT INTO handled_events (key, state, at) VALUES ($1, $2, $3)"
            " ON CONFLICT (key) DO UPDATE SET state = excluded.state, at = excluded.at",
            key, state, utc(at),  # refuses a naive datetime before anything is sent
        )

    async def prune_events(self, before: dt.datetime) -> int:
        """Forget events recorded strictly before `before`; return how many."""
        return await self._db.execute("DELETE FROM handled_events WHERE at < $1", utc(before))
