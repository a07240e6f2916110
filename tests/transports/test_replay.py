"""The replay guard on its own: window, stamps, memory bound, no resident id kept."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.clock import FixedClock
from bot.transports.replay import ReplayGuard, Seen

NOW = dt.datetime(2026, 11, 28, 11, 0, tzinfo=dt.UTC)
WINDOW = dt.timedelta(minutes=5)


def guard(capacity: int = 100) -> tuple[ReplayGuard, FixedClock]:
    clock = FixedClock(NOW)
    return ReplayGuard(clock, WINDOW, capacity), clock


def test_the_same_body_within_the_window_is_a_replay() -> None:
    replays, clock = guard()
    assert replays.check(b"a", NOW) is Seen.NEW
    assert replays.check(b"b", NOW) is Seen.NEW
    clock.advance(WINDOW - dt.timedelta(seconds=1))
    assert replays.check(b"a", NOW) is Seen.REPLAY


def test_after_the_window_a_stamped_body_is_stale_and_forgotten() -> None:
    replays, clock = guard()
    assert replays.check(b"a", NOW) is Seen.NEW
    clock.advance(WINDOW + dt.timedelta(seconds=1))
    assert replays.check(b"a", NOW) is Seen.STALE
    assert len(replays) == 0  # memory is given back


@pytest.mark.parametrize("offset", [-WINDOW - dt.timedelta(seconds=1),
                                    WINDOW + dt.timedelta(seconds=1)])
def test_stamps_far_from_now_are_stale(offset: dt.timedelta) -> None:
    replays, _ = guard()
    assert replays.check(b"a", NOW + offset) is Seen.STALE
    assert len(replays) == 0


def test_a_body_without_a_stamp_is_remembered_for_the_window() -> None:
    replays, clock = guard()
    assert replays.check(b"a", None) is Seen.NEW
    clock.advance(WINDOW - dt.timedelta(seconds=1))
    assert replays.check(b"a", None) is Seen.REPLAY
    clock.advance(dt.timedelta(seconds=2))
    assert replays.check(b"a", None) is Seen.NEW


def test_memory_is_bounded_and_forgetting_reopens_no_replay() -> None:
    replays, _ = guard(capacity=10)
    stamps = [NOW - dt.timedelta(seconds=60 - i) for i in range(50)]
    for i, stamp in enumerate(stamps):
        assert replays.check(b"body %d" % i, stamp) is Seen.NEW
        assert len(replays) <= 10
    # The first bodies were forgotten: sent again they are refused all the same.
    assert replays.check(b"body 0", stamps[0]) is Seen.STALE
    assert replays.check(b"body 39", stamps[39]) is Seen.STALE
    assert replays.check(b"body 49", stamps[49]) is Seen.REPLAY
    assert replays.check(b"body 50", NOW) is Seen.NEW


def test_what_is_kept_is_a_keyed_digest_not_the_body() -> None:
    replays, _ = guard()
    other, _ = guard()
    body = b'{"from": {"aadObjectId": "6a1b2c3d-anna"}, "text": "hej"}'
    replays.check(body, NOW)
    other.check(body, NOW)
    [kept] = replays._seen
    [kept_elsewhere] = other._seen
    assert len(kept) == 16 and b"anna" not in kept
    assert kept != kept_elsewhere  # a key per process: nothing to match against a log


def test_nonsense_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        ReplayGuard(FixedClock(NOW), dt.timedelta(0))
    with pytest.raises(ValueError):
        ReplayGuard(FixedClock(NOW), WINDOW, capacity=0)
