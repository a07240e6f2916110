"""What a transport may keep, without knowing the store behind it.

The store satisfies these protocols; a transport receives one from the app and never
imports the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.core.messages import IncomingMessage, Reply

Handle = Callable[[IncomingMessage], Awaitable[Reply | None]]


class TransportState(Protocol):
    """Small durable state: a sync token, credentials, and which events were handled."""

    async def get_value(self, key: str) -> str | None: ...

    async def set_value(self, key: str, value: str) -> None: ...

    async def delete_value(self, key: str) -> None: ...

    async def event_state(self, key: str) -> str | None: ...

    async def set_event_state(self, key: str, state: str, at: dt.datetime) -> None: ...

    async def prune_events(self, before: dt.datetime) -> int: ...
