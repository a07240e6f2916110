"""A conversation's state between its messages, so that it can live outside one process.

Components that remember something about a conversation between its messages (a dialogue
under way, numbered suggestions, the municipality it named) implement `Stateful`. The bot
asks them for a `snapshot` of one conversation after a turn and `restore`s it before the
next, under the conversation's lock (`ConversationState.hold`). With the in-memory state
(the default: one process) nothing is saved or restored and nothing changes; with the
store's, any process can take a conversation's next message.

A snapshot is JSON-able (`encode` / `decode` carry dates, datetimes and tuples through
JSON) and says until when it matters: the store drops it after that.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol, runtime_checkable

Key = tuple[str, str, str]  # IncomingMessage.conversation: (transport, room, sender)
# What a component keeps of one conversation: a JSON-able value (see `encode`) and until
# when it matters.
Held = tuple[Any, dt.datetime]


@runtime_checkable
class Stateful(Protocol):
    """A component that remembers something about a conversation between its messages.

    `state_name` names its part of the saved state (unique among the bot's components).
    `snapshot(key)` is what it holds for the conversation now (None: nothing);
    `restore(key, held)` replaces what it holds for the conversation by `held` (None:
    forget it). restore(key, snapshot(key)) changes nothing."""

    state_name: str

    def snapshot(self, key: Key) -> Held | None: ...

    def restore(self, key: Key, held: Held | None) -> None: ...


class Slot(Protocol):
    """One conversation's saved state, while its lock is held (`ConversationState.hold`)."""

    async def load(self) -> dict[str, Held] | None:
        """The parts saved by the components' `state_name`; None: nothing saved."""

    async def save(self, parts: dict[str, Held]) -> None:
        """Keep `parts` (until the latest of their times); empty: delete what was kept."""


class ConversationState(Protocol):
    """Where conversations' state lives between messages, and the lock that lets one
    message of a conversation be handled at a time across processes. The bot takes its
    own in-process lock first, so `hold` is entered by one task of a process at a time."""

    def shares(self, transport: str) -> bool:
        """Whether this transport's conversations keep their state here (their messages
        may reach any process); False: the components keep it in memory, no slot used."""

    def hold(self, key: Key) -> AbstractAsyncContextManager[Slot]: ...


class _NoSlot:
    async def load(self) -> dict[str, Held] | None:
        return None

    async def save(self, parts: dict[str, Held]) -> None:
        return None


class MemoryState:
    """One process: the components keep their state in memory, and the bot's own lock
    per conversation is all the locking needed. Today's behaviour, at no cost."""

    def shares(self, transport: str) -> bool:
        return False

    @asynccontextmanager
    async def hold(self, key: Key) -> AsyncIterator[Slot]:
        yield _NoSlot()


# ---------------------------------------------------------------------- the JSON codec
_TAG = "\0t"


def _enc(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {_TAG: "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {_TAG: "date", "v": value.isoformat()}
    if isinstance(value, tuple):
        return {_TAG: "tuple", "v": [_enc(v) for v in value]}
    if isinstance(value, list):
        return [_enc(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("state keys must be strings")
        return {k: _enc(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot keep a {type(value).__name__} in conversation state")


def _dec(value: Any) -> Any:
    if isinstance(value, list):
        return [_dec(v) for v in value]
    if isinstance(value, dict):
        tag = value.get(_TAG)
        if tag == "datetime":
            return dt.datetime.fromisoformat(value["v"])
        if tag == "date":
            return dt.date.fromisoformat(value["v"])
        if tag == "tuple":
            return tuple(_dec(v) for v in value["v"])
        return {k: _dec(v) for k, v in value.items()}
    return value


def encode(value: Any) -> str:
    """JSON text of a snapshot; dates, datetimes and tuples come back as they were."""
    return json.dumps(_enc(value), ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> Any:
    return _dec(json.loads(text))
