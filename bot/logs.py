"""Logging set-up: our own lines at the chosen level, libraries' at WARNING, and a filter
that masks Matrix ids in any line, since libraries (matrix-nio) name rooms and users."""

from __future__ import annotations

import json
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


class JsonFormatter(logging.Formatter):
    """One JSON object a line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
                 "level": record.levelname, "logger": record.name,
                 "message": record.getMessage()}
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(level: str, fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PrivacyFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("bot").setLevel(level.upper())
