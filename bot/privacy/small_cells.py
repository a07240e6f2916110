"""Small-cell suppression for counts of anonymous feedback.

A count of 1 or 2 could point at a person, so it is shown as "<3" (primary suppression).
A table shows its total, and a reader who knows these rules could still work a hidden
count out from the total and the counts beside it ({9, <3, 4} of 14 gives 1; {<3, <3}
of 4 gives 2 and 2). So further counts are withheld, shown as ".." (the convention of
Swedish official statistics), the smallest first, until no hidden count has only one
possible value. A table whose total is under 3 shows the total as "<3" too, and its
cells as "<3" or 0; the feedback texts are not shown for such a period at all.

Each table is protected on its own. The tables of one report break the same entries
down by one dimension each (category, area, month) and no cross-table is shown, so
their shared total gives nothing away that one table does not.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

SMALL = 3
HIDDEN = "<3"
WITHHELD = ".."

K = TypeVar("K", bound=Hashable)


def cell(n: int) -> str:
    """One count on its own, with nothing beside it to subtract."""
    return HIDDEN if 0 < n < SMALL else str(n)


def is_suppressed(text: str) -> bool:
    return text in (HIDDEN, WITHHELD)


@dataclass(frozen=True)
class Protected(Generic[K]):
    cells: dict[K, str]  # every key of the table, as it may be published
    total: str

    @property
    def suppressed(self) -> bool:
        return any(map(is_suppressed, self.cells.values()))


def protect(counts: Mapping[K, int]) -> Protected[K]:
    """The counts of one table and its total, as they may be published.

    Zeros stay visible: a zero points at nobody.
    """
    total = sum(counts.values())
    if total < SMALL:
        return Protected({key: cell(n) for key, n in counts.items()}, cell(total))
    shown = {key: cell(n) for key, n in counts.items()}
    order = list(counts)  # ties by the table's order: the choice says nothing of a size
    while _some_hidden_count_is_determined(counts, shown, total):
        visible = [key for key in order if not is_suppressed(shown[key]) and counts[key]]
        if not visible:
            # Nothing left to withhold but the zeros: withhold the whole breakdown.
            return Protected({key: WITHHELD for key in counts}, str(total))
        shown[min(visible, key=lambda key: counts[key])] = WITHHELD
    return Protected(shown, str(total))


def _some_hidden_count_is_determined(counts: Mapping[K, int], shown: Mapping[K, str],
                                     total: int) -> bool:
    """Whether a reader could pin down a hidden count from what is shown.

    The reader knows a "<3" count is 1 or 2, and that a withheld count is at least 3 and
    at most the smallest count still shown (the smallest is withheld first). The others
    of a hidden count then sum to anything in one interval, so a value fits if the rest
    of the hidden sum falls inside it.
    """
    if HIDDEN not in shown.values():
        return False
    left = total - sum(n for key, n in counts.items() if not is_suppressed(shown[key]))
    visible = [n for key, n in counts.items() if not is_suppressed(shown[key]) and n]
    cap = min(visible, default=left)
    lows = {HIDDEN: 1, WITHHELD: SMALL}
    highs = {HIDDEN: SMALL - 1, WITHHELD: cap}
    low = sum(lows[s] for s in shown.values() if is_suppressed(s))
    high = sum(highs[s] for s in shown.values() if is_suppressed(s))
    # The same for every hidden count: the others of one are the same kinds of cells.
    others_low, others_high = low - 1, high - (SMALL - 1)
    fits = [v for v in range(1, SMALL) if others_low <= left - v <= others_high]
    return len(fits) < 2
