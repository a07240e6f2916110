"""Numbered schema migrations, each written once for both databases.

Where SQLite and PostgreSQL spell a piece differently, a migration takes it from the
database's `Dialect`; what it renders for each is exactly the SQL that shipped, so a
database made by an earlier medborgarbot opens unchanged (test_migrations checks it).

Each pending migration runs in its own transaction, no other process migrating at the same
time, together with its row in `schema_version`: it is either fully applied and recorded
or not at all. Never edit a migration that has shipped; add the next number instead.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.store.database import Database, Executor, StoreError
from bot.store.dialect import Dialect

log = logging.getLogger(__name__)

# One statement per item: no database has to split a script, and SQLite's executescript
# (which commits first) is never needed.
Statements = tuple[str, ...]


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sql: Callable[[Dialect], Statements]


def schema_version_table(d: Dialect) -> str:
    """Created before any migration runs, so the applied version can always be read."""
    return ("CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY,"
            " description TEXT NOT NULL,"
            f" applied_at {d.timestamp} NOT NULL)")


def _state(d: Dialect) -> Statements:
    return (
        "CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE handled_events ("
        f" key TEXT PRIMARY KEY, state TEXT NOT NULL, at {d.timestamp} NOT NULL)",
        "CREATE INDEX handled_events_at ON handled_events (at)",
    )


def _feedback(d: Dialect) -> Statements:
    # Only these columns: nothing here may identify a resident or a time of day. The
    # CHECKs repeat `checked_feedback`, so a bug in a caller that writes around it cannot
    # store a finer day or an out-of-range value either.
    return (
        "CREATE TABLE feedback ("
        f" id {d.serial},"
        " category TEXT NOT NULL CHECK (category <> ''),"
        " area TEXT NOT NULL CHECK (area <> ''),"
        f" text TEXT NOT NULL CHECK ({d.length}(text) <= 2000),"
        f" rating {d.small_int} CHECK (rating BETWEEN 1 AND 5),"
        f" {d.date('day')},"
        " granularity TEXT NOT NULL CHECK (granularity IN ('date', 'week')),"
        " lang TEXT NOT NULL CHECK (lang IN ('sv', 'en')),"
        f" CHECK (granularity = 'date' OR {d.is_monday('day')}))",
        "CREATE INDEX feedback_day ON feedback (day)",
    )


def _staff(d: Dialect) -> Statements:
    # Not anonymous, unlike feedback: the authorities' own record. The columns are the
    # fields of `records.Activity` and `records.SessionRequest`; the CHECKs repeat what
    # `staff.py` checks, as for feedback.
    return (
        "CREATE TABLE activities ("
        f" id {d.serial},"
        " kind TEXT NOT NULL CHECK (kind <> ''),"
        " promise TEXT CHECK (promise <> ''),"
        " place TEXT CHECK (place <> ''),"
        f" {d.date('day')},"
        f" {d.json_object('counts')},"
        f" note TEXT NOT NULL DEFAULT '' CHECK ({d.length}(note) <= 2000),"
        " author TEXT NOT NULL CHECK (author <> ''),"
        f" created_at {d.timestamp} NOT NULL)",
        "CREATE INDEX activities_day ON activities (day)",
        "CREATE INDEX activities_author_created ON activities (author, created_at)",
        "CREATE TABLE session_requests ("
        f" id {d.serial},"
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
        f" scheduled {d.timestamp},"
        f" created_at {d.timestamp} NOT NULL,"
        f" updated_at {d.timestamp} NOT NULL)",
        "CREATE INDEX session_requests_status ON session_requests (status)",
    )


def _unanswered(d: Dialect) -> Statements:
    # Only these columns: the question (normalised and redacted by the caller), how often
    # and on which days; no sender, no id, no time of day. The CHECKs repeat what
    # `checks.checked_question` checks, as for feedback.
    return (
        "CREATE TABLE unanswered ("
        " text TEXT NOT NULL PRIMARY KEY"
        f" CHECK (text <> '' AND {d.length}(text) <= 300),"
        " count INTEGER NOT NULL CHECK (count > 0),"
        f" {d.date('first_day')},"
        f" {d.date('last_day')},"
        " CHECK (first_day <= last_day))",
        "CREATE INDEX unanswered_last_day ON unanswered (last_day)",
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "key-value state and the handled-event ledger", _state),
    Migration(2, "anonymous feedback", _feedback),
    Migration(3, "staff activities and information-session requests", _staff),
    Migration(4, "unanswered questions", _unanswered),
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


async def version(db: Executor) -> int:
    """The highest migration applied to the database."""
    value = await db.fetchval("SELECT MAX(version) FROM schema_version")
    return int(value) if value is not None else 0


async def migrate(db: Database, now: Callable[[], dt.datetime]) -> int:
    """Apply the pending migrations; the schema version the database is at afterwards."""
    async with db.exclusive("open") as tx:
        await tx.execute(schema_version_table(db.dialect))
        current = await version(tx)
    for migration in pending(current, db.where):
        async with db.exclusive(f"migration {migration.version}") as tx:
            # Another process may have applied it while we waited for the lock.
            if await version(tx) >= migration.version:
                continue
            for statement in migration.sql(db.dialect):
                await tx.execute(statement)
            await tx.execute(
                "INSERT INTO schema_version (version, description, applied_at)"
                " VALUES ($1, $2, $3)",
                migration.version, migration.description, now(),
            )
        log.info("store: applied migration %d (%s)", migration.version,
                 migration.description)
    return await version(db)
