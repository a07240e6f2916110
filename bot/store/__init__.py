"""The one store behind everything the bot keeps, chosen by URL.

    store = open_store(config.store_url)
    async with store:
        await store.set_value("matrix.next_batch", token)
"""

from __future__ import annotations

import re

from bot.store.base import Store, StoreError
from bot.store.sqlite import SQLiteStore

__all__ = ["SQLiteStore", "Store", "StoreError", "open_store"]

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
    # `postgresql+asyncpg` and friends too. The backend arrives with the feedback issue:
    # a PostgresStore class, its SQL in migrations.py and a fixture param in the tests.
    if scheme.split("+")[0] in ("postgresql", "postgres"):
        raise StoreError("PostgreSQL support comes with the feedback issue; use sqlite:///…")
    raise StoreError(f"unsupported store URL scheme {scheme!r}; use sqlite:///path/to/file.db")
