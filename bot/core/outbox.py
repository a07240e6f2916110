"""Messages the bot sends on its own: a notice to the staff room, an answer to a teacher.

Features hand them to the Outbox with the transport's name; each transport registers a
courier that knows how to reach a room or a person on its network. Delivery runs in the
background: a feature answering a message must not wait on another room (the transport
may need its next sync to reach a room it just opened).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

log = logging.getLogger(__name__)


class Courier(Protocol):
    async def to_room(self, room: str, markdown: str) -> bool: ...

    async def to_user(self, user: str, markdown: str) -> bool: ...

    def members(self, room: str) -> frozenset[str]: ...


class Outbox:
    def __init__(self) -> None:
        self._couriers: dict[str, Courier] = {}
        self._tasks: set[asyncio.Task[bool]] = set()

    def register(self, transport: str, courier: Courier) -> None:
        self._couriers[transport] = courier

    def reachable(self, transport: str) -> bool:
        return transport in self._couriers

    def to_room(self, transport: str, room: str, markdown: str) -> bool:
        """Queue a notice to a room; False when no transport of that name can carry it."""
        return self._queue(transport, "a room", lambda c: c.to_room(room, markdown))

    def to_user(self, transport: str, user: str, markdown: str) -> bool:
        """Queue a direct message; False when no transport of that name can carry it."""
        return self._queue(transport, "a person", lambda c: c.to_user(user, markdown))

    def _queue(self, transport: str, whom: str,
               delivery: Callable[[Courier], Awaitable[bool]]) -> bool:
        courier = self._couriers.get(transport)
        if courier is None:
            log.warning("outbox: no %s transport to reach %s", transport, whom)
            return False
        self._spawn(delivery(courier))
        return True

    def _spawn(self, delivery: Awaitable[bool]) -> None:
        task: asyncio.Task[bool] = asyncio.ensure_future(delivery)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[bool]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (task.exception() is not None or not task.result()):
            log.warning("outbox: a message could not be delivered")

    async def drain(self) -> None:
        """Wait for every queued message (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def members(self, transport: str, room: str) -> frozenset[str]:
        courier = self._couriers.get(transport)
        return courier.members(room) if courier else frozenset()
