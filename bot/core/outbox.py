"""Messages the bot sends on its own: a notice to the staff room, an answer to a teacher.

Features hand them to the Outbox with an `Address`; each transport that can deliver a
message the bot starts registers a courier under its name, saying whether it reaches
rooms, people or both. A transport that can only answer the message it was sent (the
Teams outgoing webhook) registers none, and `can_reach` says so: features ask before they
promise a person an answer. Delivery runs in the background: a feature answering a
message must not wait on another room (the transport may need its next sync to reach a
room it just opened).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Protocol

from bot.core.address import Address
from bot.core.messages import Choice

log = logging.getLogger(__name__)


class Courier(Protocol):
    """`choices` are the message's buttons, for a transport that shows them (the Teams
    app's cards); the others send the text alone, which says how to answer by typing."""

    async def to_room(self, room: str, markdown: str, choices: tuple[Choice, ...] = ()
                      ) -> bool: ...

    async def to_user(self, user: str, markdown: str, choices: tuple[Choice, ...] = ()
                      ) -> bool: ...

    def members(self, room: str) -> frozenset[str]: ...


@dataclass(frozen=True, slots=True)
class _Route:
    courier: Courier
    rooms: bool  # can post a message the bot starts in a room
    people: bool  # can open (or find) a direct conversation with a person


class Outbox:
    def __init__(self) -> None:
        self._routes: dict[str, _Route] = {}
        self._tasks: set[asyncio.Task[bool]] = set()

    def register(self, transport: str, courier: Courier, *, rooms: bool = True,
                 people: bool = True) -> None:
        """`transport` delivers messages the bot starts through `courier`; a transport
        that reaches only rooms (or only people) says so here."""
        self._routes[transport] = _Route(courier, rooms, people)

    def can_reach(self, address: Address) -> bool:
        """Whether a message the bot starts can be sent to `address` (before promising)."""
        route = self._routes.get(address.transport)
        if route is None:
            return False
        return route.people if address.person else route.rooms

    def to(self, address: Address, markdown: str, choices: tuple[Choice, ...] = ()) -> bool:
        """Queue a message; False when no transport can carry it there (nothing queued)."""
        if not self.can_reach(address):
            # The transport's name and the kind of place only: never a room or person id.
            log.warning("outbox: %s cannot deliver a message the bot starts to %s",
                        address.transport, "a person" if address.person else "a room")
            return False
        courier = self._routes[address.transport].courier
        delivery = (courier.to_user(address.room, markdown, choices) if address.person
                    else courier.to_room(address.room, markdown, choices))
        self._spawn(delivery)
        return True

    def members(self, address: Address) -> frozenset[str]:
        """Who is in a room, as far as its transport can tell (none: an empty set)."""
        route = self._routes.get(address.transport)
        if route is None or address.person:
            return frozenset()
        return route.courier.members(address.room)

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
