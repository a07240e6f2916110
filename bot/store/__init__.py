"""The one store behind everything the bot keeps, on a database chosen by URL.

    store = open_store(config.store_url)
    async with store:
        await store.set_value("matrix.next_batch", token)

The rooms: `database.py` (the API every query uses; drivers `sqlite.py`, `postgres.py`),
`migrations.py` (the schema, written once), a repository a concern (`state.py`,
`feedback.py`, `unanswered.py`, `activities.py`, `session_requests.py`, `surveys.py`,
`digests.py`, `reminders.py`) with its protocol
in `ports.py`, and `base.Store`, which owns them all.
"""

from __future__ import annotations

import re

from bot.store.base import Store
from bot.store.database import Database, StoreError
from bot.store.records import Feedback, Unanswered
from bot.store.sqlite import SQLiteDatabase

__all__ = ["Feedback", "Store", "StoreError", "Unanswered", "open_database", "open_store"]

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def open_database(url: str) -> Database:
    """The unopened database a store URL names.

    Messages never repeat the URL: it may carry a password."""
    match = _SCHEME.match(url)
    if match is None:
        raise StoreError("the store URL has no scheme; use sqlite:///path/to/file.db")
    scheme = match.group(1).lower()
    if scheme == "sqlite":
        return SQLiteDatabase(url)
    # `postgresql+asyncpg` and friends too (SQLAlchemy style); the driver is always asyncpg.
    if scheme.split("+")[0] in ("postgresql", "postgres"):
        # Imported here: a SQLite site never loads asyncpg.
        from bot.store.postgres import PostgresDatabase

        return PostgresDatabase(url)
    raise StoreError(
        f"unsupported store URL scheme {scheme!r}; "
        "use sqlite:///path/to/file.db or postgresql://user:password@host/database"
    )


def open_store(url: str, *, home: str = "") -> Store:
    """An unopened store for `url`; open it with `async with` or `await store.open()`.

    `home`: the municipality a record added without one gets (see `Store.home`)."""
    return Store(open_database(url), home=home)
