"""Numbered schema migrations, with the SQL written out for every backend.

A backend applies each pending migration in its own transaction together with its row
in `schema_version`, so a migration is either fully applied and recorded or not at all.
Never edit a migration that has shipped; add the next number instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.store.base import StoreError

BACKENDS = ("sqlite", "postgres")


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    # One statement per item: no backend has to split a script, and SQLite's
    # executescript (which commits first) is never needed.
    sql: Mapping[str, tuple[str, ...]]


# Created before any migration runs, so the applied version can always be read.
SCHEMA_VERSION_TABLE: Mapping[str, str] = {
    "sqlite": (
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY,"
        " description TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    ),
    "postgres": (
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY,"
        " description TEXT NOT NULL,"
        " applied_at TIMESTAMP WITH TIME ZONE NOT NULL)"
    ),
}

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "key-value state and the handled-event ledger",
        {
            "sqlite": (
                "CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                # `at` is fixed-width ISO 8601 UTC text, so text order is time order.
                "CREATE TABLE handled_events ("
                " key TEXT PRIMARY KEY, state TEXT NOT NULL, at TEXT NOT NULL)",
                "CREATE INDEX handled_events_at ON handled_events (at)",
            ),
            "postgres": (
                "CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                "CREATE TABLE handled_events ("
                " key TEXT PRIMARY KEY, state TEXT NOT NULL,"
                " at TIMESTAMP WITH TIME ZONE NOT NULL)",
                "CREATE INDEX handled_events_at ON handled_events (at)",
            ),
        },
    ),
    Migration(
        2,
        "anonymous feedback",
        {
            # Only these columns: nothing here may identify a resident or a time of day.
            # The CHECKs repeat `checked_feedback`, so a bug in a caller that writes
            # around it cannot store a finer day or an out-of-range value either.
            "sqlite": (
                "CREATE TABLE feedback ("
                " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                " category TEXT NOT NULL CHECK (category <> ''),"
                " area TEXT NOT NULL CHECK (area <> ''),"
                " text TEXT NOT NULL CHECK (length(text) <= 2000),"
                " rating INTEGER CHECK (rating BETWEEN 1 AND 5),"
                # 'YYYY-MM-DD' text: date() gives it back only for a valid date, and text
                # order is date order.
                " day TEXT NOT NULL CHECK (date(day) IS day),"
                " granularity TEXT NOT NULL CHECK (granularity IN ('date', 'week')),"
                " lang TEXT NOT NULL CHECK (lang IN ('sv', 'en')),"
                " CHECK (granularity = 'date' OR strftime('%w', day) = '1'))",
                "CREATE INDEX feedback_day ON feedback (day)",
            ),
            "postgres": (
                "CREATE TABLE feedback ("
                " id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                " category TEXT NOT NULL CHECK (category <> ''),"
                " area TEXT NOT NULL CHECK (area <> ''),"
                " text TEXT NOT NULL CHECK (char_length(text) <= 2000),"
                " rating SMALLINT CHECK (rating BETWEEN 1 AND 5),"
                " day DATE NOT NULL,"
                " granularity TEXT NOT NULL CHECK (granularity IN ('date', 'week')),"
                " lang TEXT NOT NULL CHECK (lang IN ('sv', 'en')),"
                " CHECK (granularity = 'date' OR extract(isodow FROM day) = 1))",
                "CREATE INDEX feedback_day ON feedback (day)",
            ),
        },
    ),
    Migration(
        3,
        "staff activities and information-session requests",
        {
            # Not anonymous, unlike feedback: the authorities' own record. The columns
            # are the fields of `records.Activity` and `records.SessionRequest`; the
            # CHECKs repeat what `staff.py` checks, as for feedback.
            "sqlite": (
                "CREATE TABLE activities ("
                " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                " kind TEXT NOT NULL CHECK (kind <> ''),"
                " promise TEXT CHECK (promise <> ''),"
                " place TEXT CHECK (place <> ''),"
                " day TEXT NOT NULL CHECK (date(day) IS day),"
                " counts TEXT NOT NULL DEFAULT '{}'"
                " CHECK (json_valid(counts) AND json_type(counts) = 'object'),"
                " note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 2000),"
                " author TEXT NOT NULL CHECK (author <> ''),"
                # Fixed-width ISO 8601 UTC text, as handled_events.at.
                " created_at TEXT NOT NULL)",
                "CREATE INDEX activities_day ON activities (day)",
                "CREATE INDEX activities_author_created ON activities (author, created_at)",
                "CREATE TABLE session_requests ("
                " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                " organisation TEXT NOT NULL CHECK (organisation <> ''),"
                " audience TEXT NOT NULL,"
                " topic TEXT NOT NULL,"
                " size INTEGER CHECK (size >= 1),"
                " wished TEXT NOT NULL,"
                " contact TEXT NOT NULL,"
                " requester TEXT NOT NULL,"
                " transport TEXT NOT NULL,"
                " lang TEXT NOT NULL CHECK (lang IN ('sv', 'en')),"
                " status TEXT NOT NULL"
                " CHECK (status IN ('open', 'confirmed', 'declined', 'done')),"
                " answer TEXT NOT NULL DEFAULT '',"
                " scheduled TEXT,"
                " created_at TEXT NOT NULL,"
                " updated_at TEXT NOT NULL)",
                "CREATE INDEX session_requests_status ON session_requests (status)",
            ),
            "postgres": (
                "CREATE TABLE activities ("
                " id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                " kind TEXT NOT NULL CHECK (kind <> ''),"
                " promise TEXT CHECK (promise <> ''),"
                " place TEXT CHECK (place <> ''),"
                " day DATE NOT NULL,"
                " counts JSONB NOT NULL DEFAULT '{}'"
                " CHECK (jsonb_typeof(counts) = 'object'),"
                " note TEXT NOT NULL DEFAULT '' CHECK (char_length(note) <= 2000),"
                " author TEXT NOT NULL CHECK (author <> ''),"
                " created_at TIMESTAMP WITH TIME ZONE NOT NULL)",
                "CREATE INDEX activities_day ON activities (day)",
                "CREATE INDEX activities_author_created ON activities (author, created_at)",
                "CREATE TABLE session_requests ("
                " id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                " organisation TEXT NOT NULL CHECK (organisation <> ''),"
                " audience TEXT NOT NULL,"
                " topic TEXT NOT NULL,"
                " size INTEGER CHECK (size >= 1),"
                " wished TEXT NOT NULL,"
                " contact TEXT NOT NULL,"
                " requester TEXT NOT NULL,"
                " transport TEXT NOT NULL,"
                " lang TEXT NOT NULL CHECK (lang IN ('sv', 'en')),"
                " status TEXT NOT NULL"
                " CHECK (status IN ('open', 'confirmed', 'declined', 'done')),"
                " answer TEXT NOT NULL DEFAULT '',"
                " scheduled TIMESTAMP WITH TIME ZONE,"
                " created_at TIMESTAMP WITH TIME ZONE NOT NULL,"
                " updated_at TIMESTAMP WITH TIME ZONE NOT NULL)",
                "CREATE INDEX session_requests_status ON session_requests (status)",
            ),
        },
    ),
    Migration(
        4,
        "unanswered questions",
        {
            # Only these columns: the question (normalised and redacted by the caller), how
            # often and on which days; no sender, no id, no time of day. The CHECKs repeat
            # what `unanswered.py` checks, as for feedback.
            "sqlite": (
                "CREATE TABLE unanswered ("
                " text TEXT NOT NULL PRIMARY KEY CHECK (text <> '' AND length(text) <= 300),"
                " count INTEGER NOT NULL CHECK (count > 0),"
                # 'YYYY-MM-DD' text, as feedback.day.
                " first_day TEXT NOT NULL CHECK (date(first_day) IS first_day),"
                " last_day TEXT NOT NULL CHECK (date(last_day) IS last_day),"
                " CHECK (first_day <= last_day))",
                "CREATE INDEX unanswered_last_day ON unanswered (last_day)",
            ),
            "postgres": (
                "CREATE TABLE unanswered ("
                " text TEXT NOT NULL PRIMARY KEY"
                " CHECK (text <> '' AND char_length(text) <= 300),"
                " count INTEGER NOT NULL CHECK (count > 0),"
                " first_day DATE NOT NULL,"
                " last_day DATE NOT NULL,"
                " CHECK (first_day <= last_day))",
                "CREATE INDEX unanswered_last_day ON unanswered (last_day)",
            ),
        },
    ),
)


def latest() -> int:
    """The schema version this code knows."""
    return MIGRATIONS[-1].version if MIGRATIONS else 0


def pending(current: int, where: str) -> list[Migration]:
    """The migrations still to apply to a database at `current`; refuse a newer one.

    `where` names the database in the message (a path, never a URL with a password)."""
    known = latest()
    if current > known:
        raise StoreError(
            f"{where}: schema version {current} is newer than this medborgarbot knows "
            f"({known}); upgrade medborgarbot"
        )
    return [m for m in MIGRATIONS if m.version > current]
