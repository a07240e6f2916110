"""Logging set-up: our own lines at the chosen level, libraries' at WARNING, and a filter
that masks Matrix ids in any line, since libraries (matrix-nio) name rooms and users."""

from __future__ import annotations

import logging
import re
import sys

# @user:server, !room:server, #alias:server; $event ids and, from room version 12, room
# ids are bare base64 without a server.
_MATRIX_ID = re.compile(r"[@!#][\w.=/+-]+:[\w.-]+(?::\d+)?|[$!][\w/+=-]{16,}(?::[\w.-]+)?")


class PrivacyFilter(logging.Filter):
    """Masks Matrix ids in every record's final message (never drops the record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _MATRIX_ID.sub("[id]", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def setup_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PrivacyFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("bot").setLevel(level.upper())
