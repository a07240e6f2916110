"""Who may use which command: small predicates over a turn, composed where needed."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.core.address import Address
from bot.core.turn import Turn

# The members of a room, as its transport can tell (the Outbox's `members`) -> user ids.
Members = Callable[[Address], frozenset[str]]


class Roles:
    """Staff and admins by id (each transport's own user ids); admins are staff too.
    The members of the configured staff room, on whatever transport it is, are staff as
    well."""

    def __init__(self, staff: Iterable[str] = (), admins: Iterable[str] = (),
                 staff_room: Address | None = None, members: Members | None = None) -> None:
        self.admins = frozenset(admins)
        self.staff = frozenset(staff) | self.admins
        self.staff_room = staff_room
        self._members = members

    def is_staff(self, turn: Turn) -> bool:
        if turn.msg.sender in self.staff:
            return True
        room = self.staff_room
        # User ids mean something only on their own transport.
        if room is None or turn.msg.transport != room.transport:
            return False
        # Whoever writes in the staff room is one of its members, also where the transport
        # cannot list them (the Teams outgoing webhook only sees who wrote).
        if turn.msg.room == room.room:
            return True
        return self._members is not None and turn.msg.sender in self._members(room)

    def is_admin(self, turn: Turn) -> bool:
        return turn.msg.sender in self.admins
