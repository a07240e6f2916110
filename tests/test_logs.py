import logging

import pytest

from bot.logs import PrivacyFilter, setup_logging


@pytest.mark.parametrize(("message", "expected"), [
    ("Room !qD18ytdSJbCFZUtXt6NXY90gQcnfp_Zfd52KvAfe7m0:localhost handling event",
     "Room [id] handling event"),
    ("user @anna_12:example.org left", "user [id] left"),
    ("event $h5X_C_2ap-__hiDpuLLh1VQRocSWFSX6YIyXN_OCbhc failed", "event [id] failed"),
    ("alias #rum:server.se:8448 ok", "alias [id] ok"),
    ("room !NlNJ6FEsYVErPIqVhKgayG50YGcWx2SyIGtKWrwVF6E (v12)", "room [id] (v12)"),
    ("handled transport=matrix outcome=answered ms=0.3", "handled transport=matrix "
     "outcome=answered ms=0.3"),
])
def test_matrix_ids_are_masked(message: str, expected: str) -> None:
    record = logging.LogRecord("nio.rooms", logging.INFO, __file__, 1, "%s", (message,), None)
    assert PrivacyFilter().filter(record) is True
    assert record.getMessage() == expected


def test_libraries_log_at_warning_and_ours_at_the_level() -> None:
    root, ours = logging.getLogger(), logging.getLogger("bot")
    saved = (root.handlers[:], root.level, ours.level)
    try:
        setup_logging("info")
        assert logging.getLogger("bot.matrix").getEffectiveLevel() == logging.INFO
        assert logging.getLogger("nio.rooms").getEffectiveLevel() == logging.WARNING
        assert any(isinstance(f, PrivacyFilter) for h in root.handlers for f in h.filters)
    finally:
        root.handlers[:], _, _ = saved
        root.setLevel(saved[1])
        ours.setLevel(saved[2])
