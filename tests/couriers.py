"""A transport's courier for tests: records what the bot sends on its own."""

from __future__ import annotations

from bot.core.messages import Choice
from bot.core.outbox import Outbox

STAFF_ROOM = "!personal:x"


class RecordingCourier:
    """Stands in for a transport: records what the bot sends on its own; the members of
    `room` are `members`."""

    def __init__(self, members: frozenset[str] = frozenset(), room: str = STAFF_ROOM) -> None:
        self.rooms: list[tuple[str, str]] = []
        self.users: list[tuple[str, str]] = []
        self.choices: list[tuple[Choice, ...]] = []  # each message's, in order sent
        self._members = members
        self._room = room

    async def to_room(self, room: str, markdown: str, choices: tuple[Choice, ...] = ()
                      ) -> bool:
        self.rooms.append((room, markdown))
        self.choices.append(choices)
        return True

    async def to_user(self, user: str, markdown: str, choices: tuple[Choice, ...] = ()
                      ) -> bool:
        self.users.append((user, markdown))
        self.choices.append(choices)
        return True

    def members(self, room: str) -> frozenset[str]:
        return self._members if room == self._room else frozenset()


def outbox_for(courier: RecordingCourier, *transports: str) -> Outbox:
    """An Outbox on which `courier` carries the messages of each of `transports`."""
    box = Outbox()
    for transport in transports:
        box.register(transport, courier)
    return box
