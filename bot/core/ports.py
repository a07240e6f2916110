"""What a transport and the core agree on, without knowing each other's insides: the
handle a transport calls, the state it may keep (the store satisfies the protocol; a
transport receives it from the app and never imports the store), and the error that
stops a transport for its operator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

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


# One stored entry of a web chat conversation: (its id, the page's seq that made it or
# None, the entry as the page's JSON without its id).
ChatRow = tuple[int, int | None, dict[str, Any]]


class ChatStore(Protocol):
    """A web chat's page conversations kept where several processes find them (the
    store, with shared_state and "web"): known by the conversation's cid, never its token;
    what they hold is sealed and kept only for `idle` after the last use."""

    async def open_chat(self, cid: str, meta: dict[str, Any], idle: dt.timedelta) -> None:
        """A new conversation with its `meta` (JSON-able: the page's language, …)."""

    async def use_chat(self, cid: str, idle: dt.timedelta | None
                       ) -> tuple[dict[str, Any], dt.datetime] | None:
        """The conversation's meta and until when it is kept at least, kept about `idle`
        from now (None: as it was); None when there is none (never made, or expired)."""

    async def add_entry(self, cid: str, entry: dict[str, Any], seq: int | None, keep: int,
                        urgent: bool = False) -> tuple[int, bool] | None:
        """Append `entry` with the next id: (its id, False); (the id of the entry `seq`
        made before, True) when the seq was taken; None when the conversation is gone.
        Keeps the last `keep` entries (and the latest urgent one). Processes listening
        are woken."""

    async def entries_after(self, cid: str, last: int) -> list[ChatRow]:
        """The kept entries with an id above `last`, oldest first."""

    async def listen(self, woken: Callable[[str], None]) -> None:
        """Call `woken(cid)` when another process adds to a conversation this one used."""

    async def close(self) -> None: ...
