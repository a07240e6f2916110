"""A question a conversation was asked and not yet answered, kept in memory for a while.

At most `most` conversations at once (the one asked longest ago goes first), each until
its expiry by the turn's clock; taking it removes it, so a question is answered once.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Pending(Generic[V]):
    def __init__(self, most: int = 10_000) -> None:
        self.most = most
        self._items: OrderedDict[Hashable, tuple[V, dt.datetime]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def put(self, key: Hashable, value: V, expires: dt.datetime) -> None:
        self._items[key] = (value, expires)
        self._items.move_to_end(key)
        while len(self._items) > self.most:
            self._items.popitem(last=False)

    # The parts of `Stateful` (bot.core.conversation_state) for its owner to pass on: what
    # one conversation was asked, kept outside the process between its messages.
    def snapshot(self, key: Hashable) -> tuple[V, dt.datetime] | None:
        return self._items.get(key)

    def restore(self, key: Hashable, held: tuple[V, dt.datetime] | None) -> None:
        self._items.pop(key, None)
        if held is not None:
            self.put(key, held[0], held[1])

    def take(self, key: Hashable, now: dt.datetime) -> V | None:
        """The value asked under `key`, removed; None when none or expired."""
        item = self._items.pop(key, None)
        if item is None or now > item[1]:
            return None
        return item[0]
