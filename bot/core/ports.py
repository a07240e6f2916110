"""What a transport and the core agree on, without knowing each other's insides: the
handle a transport calls, the state it may keep (the store satisfies the protocol; a
transport receives it from the app and never imports the store), and the error that
stops a transport for its operator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.core.messages import IncomingMessage, Reply

Handle = Callable[[IncomingMessage], Awaitable[Reply | None]]


class TransportSetupError(Exception):
    """A problem with a transport the operator must fix (a wrong password, a token the
    server refuses): one clear line, no traceback. Transports raise it; the app and the
    command line catch it here, without knowing which transport it came from."""


class TransportState(Protocol):
    """Small durable state: a sync token, credentials, and which events were handled."""

    async def get_value(self, key: str) -> str | None: ...

    async def set_value(self, key: str, value: str) -> None: ...

    async def delete_value(self, key: str) -> None: ...

    async def event_state(self, key: str) -> str | None: ...

    async def set_event_state(self, key: str, state: str, at: dt.datetime) -> None: ...

    async def prune_events(self, before: dt.datetime) -> int: ...
