"""Who may use which command: small predicates over a turn, composed where needed.

Staff are of the whole deployment (`staff`, the members of `staff_room`, the admins) or of
some of its units (a police area's municipalities, by id: `local`). `scope(turn)` says
which: a feature shows and changes only what its `Scope` covers.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

from bot.core.address import Address
from bot.core.turn import Turn

# The members of a room, as its transport can tell (the Outbox's `members`) -> user ids.
Members = Callable[[Address], frozenset[str]]


@dataclass(frozen=True)
class Scope:
    """What one staff member may see and change: every unit (`whole`), or these."""

    whole: bool = False
    units: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return self.whole or bool(self.units)

    def covers(self, unit: str) -> bool:
        return self.whole or unit in self.units

    @property
    def only(self) -> Collection[str] | None:
        """The units as a store filter: None for every one."""
        return None if self.whole else self.units


WHOLE = Scope(whole=True)
NOBODY = Scope()


@dataclass(frozen=True)
class Local:
    """The staff of one unit: by id, and the members of its own room (its notices go
    there)."""

    staff: frozenset[str] = frozenset()
    room: Address | None = None


class Roles:
    """Staff and admins by id (each transport's own user ids); admins are staff too, of
    everything. The members of the configured staff room, on whatever transport it is, are
    staff as well; so are a unit's own staff and its room's members, for that unit."""

    def __init__(self, staff: Iterable[str] = (), admins: Iterable[str] = (),
                 staff_room: Address | None = None, members: Members | None = None,
                 local: Mapping[str, Local] | None = None) -> None:
        self.admins = frozenset(admins)
        self.staff = frozenset(staff) | self.admins
        self.staff_room = staff_room
        self.local = dict(local or {})
        self._members = members

    def scope(self, turn: Turn) -> Scope:
        """What this turn's sender is staff of: everything, some units, or nothing."""
        if self._in(turn, self.staff, self.staff_room):
            return WHOLE
        units = frozenset(unit for unit, local in self.local.items()
                          if self._in(turn, local.staff, local.room))
        return Scope(units=units) if units else NOBODY

    def is_staff(self, turn: Turn) -> bool:
        return bool(self.scope(turn))

    def is_admin(self, turn: Turn) -> bool:
        return turn.msg.sender in self.admins

    def room_of(self, unit: str | None) -> Address | None:
        """Where a unit's notices go: its own room, else the staff room."""
        local = self.local.get(unit or "")
        return local.room if local is not None and local.room is not None else self.staff_room

    def rooms(self) -> list[Address]:
        """Every staff room: the whole deployment's and the units' own."""
        found = [self.staff_room, *(local.room for local in self.local.values())]
        return list(dict.fromkeys(room for room in found if room is not None))

    def _in(self, turn: Turn, ids: frozenset[str], room: Address | None) -> bool:
        if turn.msg.sender in ids:
            return True
        # User ids mean something only on their own transport.
        if room is None or turn.msg.transport != room.transport:
            return False
        # Whoever writes in a staff room is one of its members, also where the transport
        # cannot list them (the Teams outgoing webhook only sees who wrote).
        if turn.msg.room == room.room:
            return True
        return self._members is not None and turn.msg.sender in self._members(room)
