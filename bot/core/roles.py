"""Who may use which command: small predicates over a turn, composed where needed."""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.turn import Turn


class Roles:
    """Staff and admins by id (Matrix user ids, Teams object ids); admins are staff too."""

    def __init__(self, staff: Iterable[str] = (), admins: Iterable[str] = ()) -> None:
        self.admins = frozenset(admins)
        self.staff = frozenset(staff) | self.admins

    def is_staff(self, turn: Turn) -> bool:
        return turn.msg.sender in self.staff

    def is_admin(self, turn: Turn) -> bool:
        return turn.msg.sender in self.admins
