"""Who may use which command: small predicates over a turn, composed where needed."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.core.turn import Turn

# The members of a room on a transport ("matrix", "!staff:example.org") -> user ids.
Members = Callable[[str, str], frozenset[str]]


class Roles:
    """Staff and admins by id (Matrix user ids, Teams object ids); admins are staff too.
    Members of the configured staff room (a Matrix room) are staff as well."""

    def __init__(self, staff: Iterable[str] = (), admins: Iterable[str] = (),
                 staff_room: str | None = None, members: Members | None = None) -> None:
        self.admins = frozenset(admins)
        self.staff = frozenset(staff) | self.admins
        self.staff_room = staff_room
        self._members = members

    def is_staff(self, turn: Turn) -> bool:
        if turn.msg.sender in self.staff:
            return True
        if self.staff_room and self._members and turn.msg.transport == "matrix":
            return turn.msg.sender in self._members("matrix", self.staff_room)
        return False

    def is_admin(self, turn: Turn) -> bool:
        return turn.msg.sender in self.admins
