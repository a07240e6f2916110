"""The store interface: everything the bot keeps goes through one `Store`.

Backends (SQLite now, PostgreSQL later) implement it; `tests/store/test_contract.py`
runs the same suite against every backend.
"""

from __future__ import annotations

import abc
import datetime as dt
from types import TracebackType
from typing import ClassVar, Self


class StoreError(Exception):
    """The store cannot do what was asked; the message is one line a user can act on."""


def utc(at: dt.datetime) -> dt.datetime:
    """`at` in UTC; a naive datetime is a caller bug (the clock always gives aware ones)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("naive datetime given to the store; pass an aware one")
    return at.astimezone(dt.UTC)


class Store(abc.ABC):
    """One store behind everything the bot keeps; use as `async with store:`."""

    # The name migrations use to pick their SQL ("sqlite", "postgres").
    backend: ClassVar[str]
    url: str

    @abc.abstractmethod
    async def open(self) -> None:
        """Connect, set pragmas and apply pending migrations."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Close the connection; a no-op on a store that is not open."""

    @abc.abstractmethod
    async def ping(self) -> bool:
        """True when the store answers a trivial query (health checks)."""

    @abc.abstractmethod
    async def schema_version(self) -> int:
        """The highest migration applied to this database."""

    # Small key-value state for transports (sync token, credentials, ...).

    @abc.abstractmethod
    async def get_value(self, key: str) -> str | None: ...

    @abc.abstractmethod
    async def set_value(self, key: str, value: str) -> None: ...

    @abc.abstractmethod
    async def delete_value(self, key: str) -> None: ...

    # The handled-event ledger: exactly-once delivery across restarts.

    @abc.abstractmethod
    async def event_state(self, key: str) -> str | None:
        """The state recorded for an event, None if it was never seen."""

    @abc.abstractmethod
    async def set_event_state(self, key: str, state: str, at: dt.datetime) -> None:
        """Record (insert or replace) the state of an event and when it was reached."""

    @abc.abstractmethod
    async def prune_events(self, before: dt.datetime) -> int:
        """Forget events recorded strictly before `before`; return how many."""

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        # Not the URL: it may carry a password.
        return f"<{type(self).__name__} {self.backend}>"
