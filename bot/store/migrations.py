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


def _municipality(d: Dialect) -> Statements:
    # Several municipalities share one deployment: every row names its own ('' for the
    # rows made before, until `Store.adopt` gives them one). The indexes serve the
    # filters, which always come with a span of days. `unanswered` was keyed by its text;
    # SQLite cannot change a primary key, so it is rebuilt keyed by (municipality, text).
    added = tuple(f"ALTER TABLE {table} ADD COLUMN municipality TEXT NOT NULL DEFAULT ''"
                  for table in ("feedback", "activities", "session_requests"))
    return (
        *added,
        "CREATE INDEX feedback_municipality_day ON feedback (municipality, day)",
        "CREATE INDEX activities_municipality_day ON activities (municipality, day)",
        "CREATE INDEX session_requests_municipality_created"
        " ON session_requests (municipality, created_at)",
        "CREATE TABLE unanswered_by_municipality ("
        f" text TEXT NOT NULL CHECK (text <> '' AND {d.length}(text) <= 300),"
        " count INTEGER NOT NULL CHECK (count > 0),"
        f" {d.date('first_day')},"
        f" {d.date('last_day')},"
        " municipality TEXT NOT NULL DEFAULT '',"
        " CHECK (first_day <= last_day),"
        " CONSTRAINT unanswered_key PRIMARY KEY (municipality, text))",
        "INSERT INTO unanswered_by_municipality (text, count, first_day, last_day,"
        " municipality) SELECT text, count, first_day, last_day, '' FROM unanswered",
        "DROP TABLE unanswered",
        "ALTER TABLE unanswered_by_municipality RENAME TO unanswered",
        "CREATE INDEX unanswered_last_day ON unanswered (last_day)",
        "CREATE INDEX unanswered_municipality_last_day ON unanswered (municipality, last_day)",
    )


def _conversations(d: Dialect) -> Statements:
    # A conversation's state between its messages when several processes serve it
    # (conversations.py): the key is a keyed hash, the value sealed; gone at its expiry.
    return (
        "CREATE TABLE conversation_state ("
        " key TEXT PRIMARY KEY, value TEXT NOT NULL,"
        f" expires {d.timestamp} NOT NULL)",
        "CREATE INDEX conversation_state_expires ON conversation_state (expires)",
    )


def _web_chats(d: Dialect) -> Statements:
    # The web chat's page conversations when several processes serve them (webchats.py):
    # keyed by a keyed hash of the cid, meta and entries sealed; gone at their expiry.
    return (
        "CREATE TABLE web_chats ("
        " key TEXT PRIMARY KEY, meta TEXT NOT NULL, next_id INTEGER NOT NULL,"
        f" expires {d.timestamp} NOT NULL)",
        "CREATE INDEX web_chats_expires ON web_chats (expires)",
        "CREATE TABLE web_entries ("
        " key TEXT NOT NULL, id INTEGER NOT NULL, seq BIGINT,"
        f" urgent {d.small_int} NOT NULL DEFAULT 0, value TEXT NOT NULL,"
        " PRIMARY KEY (key, id))",
        "CREATE UNIQUE INDEX web_entries_seq ON web_entries (key, seq)",
    )


def _optional_date(d: Dialect, column: str) -> str:
    """A column holding a plain date or NULL: the dialect's date without NOT NULL (on
    SQLite date(NULL) IS NULL, so the CHECK lets NULL through)."""
    return d.date(column).replace(" NOT NULL", "", 1)


def _reference(d: Dialect) -> str:
    """The type of a column naming a row by its serial id: INTEGER, BIGINT."""
    return d.serial.split()[0]


def _cycle(d: Dialect) -> Statements:
    # The medborgarlöfte's cycle (surveys.py, digests.py, reminders.py). survey_answers is
    # anonymous as feedback is: the survey, the answers, the language and nothing else
    # (no sender, room, event or time; the survey period is the only time), and
    # test_cycle_store checks its columns. One draft digest a municipality and month: the
    # partial unique index makes `save_digest` one atomic upsert; published ones stay.
    end = '"end"'  # a reserved word in SQL: quoted wherever it is named
    return (
        "CREATE TABLE surveys ("
        f" id {d.serial},"
        " municipality TEXT NOT NULL DEFAULT '',"
        f" {d.date('opens')},"
        f" {d.date('closes')},"
        f" {_optional_date(d, 'closed')},"
        " CHECK (closes >= opens))",
        "CREATE INDEX surveys_municipality_opens ON surveys (municipality, opens)",
        "CREATE TABLE survey_answers ("
        f" id {d.serial},"
        f" survey {_reference(d)} NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,"
        " municipality TEXT NOT NULL DEFAULT '',"
        f" {d.json_object('answers')},"
        " lang TEXT NOT NULL CHECK (lang IN ('sv', 'en')))",
        "CREATE INDEX survey_answers_survey ON survey_answers (survey)",
        "CREATE TABLE digests ("
        f" id {d.serial},"
        " municipality TEXT NOT NULL DEFAULT '',"
        f" {d.date('start')},"
        f" {d.date(end)},"
        f" {d.json_object('texts')},"
        " state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published')),"
        f" made {d.timestamp} NOT NULL,"
        f" published {d.timestamp},"
        ' CHECK ("end" >= start),'
        " CHECK ((state = 'draft' AND published IS NULL)"
        " OR (state = 'published' AND published IS NOT NULL)))",
        'CREATE INDEX digests_municipality_end ON digests (municipality, "end")',
        'CREATE UNIQUE INDEX digests_one_draft ON digests (municipality, start, "end")'
        " WHERE state = 'draft'",
        f"CREATE TABLE reminders (key TEXT PRIMARY KEY, {d.date('day')})",
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "key-value state and the handled-event ledger", _state),
    Migration(2, "anonymous feedback", _feedback),
    Migration(3, "staff activities and information-session requests", _staff),
    Migration(4, "unanswered questions", _unanswered),
    Migration(5, "every row belongs to a municipality", _municipality),
    Migration(6, "conversations' state shared by several processes", _conversations),
    Migration(7, "web chat conversations shared by several processes", _web_chats),
    Migration(8, "the medborgarlöfte's cycle: surveys, digests, reminders", _cycle),
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
