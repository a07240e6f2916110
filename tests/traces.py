"""Where a resident could leave a trace: the store's file and the bot's log lines. The
anonymity tests (Matrix, web chat) scan both for every id, address and number."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator
from pathlib import Path

from bot.logs import PrivacyFilter

__all__ = ["database_bytes", "production_logs"]


def database_bytes(folder: Path) -> bytes:
    """The database file with its WAL: everything the store has written."""
    return b"".join(p.read_bytes() for p in sorted(folder.glob("bot.db*")) if p.is_file())


@contextlib.contextmanager
def production_logs(ours_level: int = logging.INFO) -> Iterator[io.StringIO]:
    """Log lines as production writes them: libraries at WARNING, ids masked; our own at
    `ours_level` (DEBUG scans more than production writes)."""
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.addFilter(PrivacyFilter())
    root, ours = logging.getLogger(), logging.getLogger("bot")
    saved = (root.level, ours.level)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    ours.setLevel(ours_level)
    try:
        yield captured
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        ours.setLevel(saved[1])
