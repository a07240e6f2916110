"""A base's own entries over the entries its area's bases share (bot.knowledge.common).

A municipality's analyser and matcher hold only what differs from what every municipality
of its area shares (the common synonyms and topics): `Over` is a mapping, `OverSet` a set,
looked up in the own entries first. What the tables would hold had the base been built
alone is exactly what they hold: the shared entries remember where in the order of the
base's inputs they came (`at`), so that an own entry that would have come first wins, as
in a table built in one go.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
Position = tuple[int, ...]  # where an input comes in a base's inputs (phase, item, …)
_MISS: Any = object()


class Conflict(Exception):
    """An own entry would change a shared one: the base is built on its own instead."""


class Over(Generic[K, V]):
    """Own entries (`own`) over shared ones (`under`, which never change)."""

    __slots__ = ("at", "own", "under", "under_at")

    def __init__(self, under: Over[K, V] | None = None, track: bool = False) -> None:
        self.own: dict[K, V] = {}
        self.under: dict[K, V] = under.own if under is not None else {}
        self.under_at: dict[K, Position] | None = under.at if under is not None else None
        self.at: dict[K, Position] | None = {} if track or under is not None else None

    def get(self, key: K, default: Any = None) -> Any:
        value = self.own.get(key, _MISS)
        return self.under.get(key, default) if value is _MISS else value

    def __getitem__(self, key: K) -> V:
        value = self.own.get(key, _MISS)
        return self.under[key] if value is _MISS else value

    def __contains__(self, key: object) -> bool:
        return key in self.own or key in self.under

    def __iter__(self) -> Iterator[K]:
        yield from self.own
        yield from (k for k in self.under if k not in self.own)

    def first(self, key: K, value: V, at: Position) -> None:
        """`value` for `key` unless an earlier input gave one (setdefault, in order)."""
        if key in self.own:
            return
        if key in self.under:
            shared_at = self.under_at[key] if self.under_at is not None else ()
            if shared_at < at:
                return
            if self.under[key] != value:
                raise Conflict(key)
        self.own[key] = value
        if self.at is not None:
            self.at[key] = at

    def where(self, key: K) -> Position:
        """Where `key`'s entry came from (in a tracked or layered table)."""
        if self.at is not None and key in self.at:
            return self.at[key]
        return self.under_at[key] if self.under_at is not None else ()

    def union(self, key: K) -> Any:
        """The set under `key`, own (a copy of the shared one) to add to."""
        found = self.own.get(key)
        if found is None:
            found = self.own[key] = set(self.under.get(key, ()))  # type: ignore[assignment]
        return found


class OverSet(Generic[K]):
    """Own members over shared ones."""

    __slots__ = ("own", "under")

    def __init__(self, under: OverSet[K] | frozenset[K] | None = None) -> None:
        self.own: set[K] = set()
        self.under: frozenset[K] | set[K] = (
            under.own if isinstance(under, OverSet) else under or frozenset())

    def add(self, item: K) -> None:
        if item not in self.under:
            self.own.add(item)

    def update(self, items: Any) -> None:
        for item in items:
            self.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self.own or item in self.under

    def __iter__(self) -> Iterator[K]:
        yield from self.under
        yield from self.own

    def __len__(self) -> int:
        return len(self.own) + len(self.under)
