"""The one store behind everything the bot keeps, chosen by URL.

    store = open_store(config.store_url)
    async with store:
        await store.set_value("matrix.next_batch", token)
"""

from __future__ import annotations

import re

from bot.store.base import Feedback, Store, StoreError, Unanswered
from bot.store.sqlite import SQLiteStore

__all__ = ["Feedback", "SQLiteStore", "Store", "StoreError", "Unanswered", "open_store"]

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def open_store(url: str) -> Store:
    """An unopened store for `url`; open it with `async with` or `await store.open()`.

    Messages never repeat the URL: it may carry a password."""
    match = _SCHEME.match(url)
    if match is None:
        raise StoreError("the store URL has no scheme; use sqlite:///path/to/file.db")
    scheme = match.group(1).lower()
    if scheme == "sqlite":
        return SQLiteStore(url)
    # `postgresql+asyncpg` and friends too (SQLAlchemy style); the driver is always asyncpg.
    if scheme.split("+")[0] in ("postgresql", "postgres"):
        # Imported here: a SQLite site never loads asyncpg.
        from bot.store.postgres import PostgresStore

        return PostgresStore(url)
    raise StoreError(
        f"unsupported store URL scheme {scheme!r}; "
        "use sqlite:///path/to/file.db or postgresql://user:password@host/database"
    )
