"""Small-cell suppression: no count of 1 or 2 is shown, and none follows by subtraction
from the total and the counts that are shown."""

from __future__ import annotations

import random

from bot.privacy.small_cells import HIDDEN, WITHHELD, cell, is_suppressed, protect


def test_a_lone_count_is_hidden_only_when_small() -> None:
    assert [cell(n) for n in (0, 1, 2, 3, 40)] == ["0", HIDDEN, HIDDEN, "3", "40"]


def test_one_small_count_withholds_the_smallest_other() -> None:
    shown = protect({"a": 9, "b": 1, "c": 5, "d": 0})
    assert shown.cells == {"a": "9", "b": HIDDEN, "c": WITHHELD, "d": "0"}
    assert shown.total == "15" and shown.suppressed


def test_withholding_goes_on_until_the_small_count_is_open() -> None:
    # With only c withheld, 14 - 9 = 5 = b + c and c >= 3 leaves b = 1 or 2: open.
    # With c = 3 instead, 4 = b + c gives b = 1, so d is withheld as well.
    assert protect({"a": 9, "b": 1, "c": 3, "d": 4}).cells == {
        "a": "9", "b": HIDDEN, "c": WITHHELD, "d": WITHHELD}


def test_two_small_counts_that_sum_to_a_giveaway() -> None:
    assert protect({"a": 9, "b": 1, "c": 2}).cells == {"a": "9", "b": HIDDEN, "c": HIDDEN}
    # 2 + 2 of 13 could only be 2 and 2.
    assert protect({"a": 9, "b": 2, "c": 2}).cells == {
        "a": WITHHELD, "b": HIDDEN, "c": HIDDEN}


def test_nothing_left_to_withhold_withholds_the_breakdown() -> None:
    shown = protect({"a": 2, "b": 2, "c": 0})
    assert shown.cells == {"a": WITHHELD, "b": WITHHELD, "c": WITHHELD}
    assert shown.total == "4"


def test_a_total_under_three_is_hidden_with_its_cells() -> None:
    shown = protect({"a": 1, "b": 0, "c": 1})
    assert shown.cells == {"a": HIDDEN, "b": "0", "c": HIDDEN}
    assert shown.total == HIDDEN
    assert protect({"a": 0}).total == "0"


def test_a_tie_is_withheld_together() -> None:
    # Withheld alone, a would be at most c = 5, so 7 = b + a gives b = 2.
    assert protect({"a": 5, "b": 2, "c": 5}).cells == {
        "a": WITHHELD, "b": HIDDEN, "c": WITHHELD}
    assert protect({"a": 5, "b": 2, "c": 6}).cells == {"a": WITHHELD, "b": HIDDEN, "c": "6"}


def test_nothing_small_nothing_hidden() -> None:
    shown = protect({"a": 3, "b": 0, "c": 12})
    assert shown.cells == {"a": "3", "b": "0", "c": "12"} and not shown.suppressed
    assert protect({}).cells == {}


def possible_values(shown: dict[str, str], total: str, visible_sum: int, cap: int
                    ) -> dict[str, set[int]]:
    """What a reader who knows the rules can tell of each suppressed count, by brute
    force over sums: "<3" is 1 or 2; ".." beside a "<3" is 3 up to the smallest count
    shown, and in a withheld breakdown anything from 0."""
    totals = {int(total)}
    beside_small = HIDDEN in shown.values()
    ranges = {k: ({1, 2} if s == HIDDEN else
                  set(range(3, cap + 1)) if beside_small else set(range(0, max(totals) + 1)))
              for k, s in shown.items() if is_suppressed(s)}
    found: dict[str, set[int]] = {}
    for key, own in ranges.items():
        sums = {0}
        for other, values in ranges.items():
            if other != key:
                sums = {a + b for a in sums for b in values if a + b <= max(totals)}
        found[key] = {v for v in own for t in totals if t - visible_sum - v in sums}
    return found


def test_no_small_count_can_be_worked_out() -> None:
    rng = random.Random(7)
    tried = withheld = 0
    for _ in range(3000):
        counts = {f"k{i}": rng.choice((0, 0, 1, 2, 3, 4, 7, 15))
                  for i in range(rng.randint(1, 5))}
        if sum(counts.values()) < 3:
            continue  # the total is hidden as well: nothing to subtract from
        shown = protect(counts)
        visible = {k: n for k, n in counts.items() if not is_suppressed(shown.cells[k])}
        assert all(shown.cells[k] == str(n) for k, n in visible.items())
        assert shown.total == cell(sum(counts.values()))
        cap = min((n for n in visible.values() if n), default=sum(counts.values()))
        values = possible_values(shown.cells, shown.total, sum(visible.values()), cap)
        for key, n in counts.items():
            if 0 < n < 3:
                assert n in values[key] and len(values[key]) > 1, (counts, shown)
        tried += 1
        withheld += WITHHELD in shown.cells.values()
    assert withheld > tried // 10  # the cases that need it were met
