"""The database layer under the store: migrations written once render exactly the SQL that
shipped, the drivers alone know their database, and the repositories and the store keep
the narrow protocols features may depend on."""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import inspect
from pathlib import Path
from typing import Any

import pytest

from bot.store import Store, migrations, open_store
from bot.store import ports as store_ports
from bot.store.activities import ActivityRepository
from bot.store.database import Query, as_date, as_time, writes
from bot.store.dialect import DIALECTS, POSTGRES, SQLITE
from bot.store.digests import DigestRepository
from bot.store.feedback import FeedbackRepository
from bot.store.records import Activity
from bot.store.reminders import ReminderRepository
from bot.store.session_requests import RequestRepository
from bot.store.sqlite import _sql, _value
from bot.store.state import StateRepository
from bot.store.surveys import SurveyRepository
from bot.store.unanswered import UnansweredRepository

STORE = Path(__file__).resolve().parents[2] / "bot" / "store"

# sha256 (first 16 hex digits) of the SQL each shipped migration ran, its statements
# joined by NUL, taken from the per-database SQL before it was written once. A database
# an earlier medborgarbot made must be the very one this code makes.
SHIPPED = {
    "sqlite": {"table": "f4dad264bb5d9c51", 1: "0896abaea54ee4b3", 2: "941960c3064c86b4",
               3: "a4f522ffec8fdb6e", 4: "812ed71ca3d26d8d"},
    "postgres": {"table": "9a95df6846cc1309", 1: "1b9c6e88a93362eb", 2: "d8ea36ea9beaf16c",
                 3: "d911db248eec8b79", 4: "dc5cca7e9af10c96"},
}


def digest(statements: tuple[str, ...]) -> str:
    return hashlib.sha256("\0".join(statements).encode()).hexdigest()[:16]


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
def test_shipped_migrations_render_the_sql_that_shipped(dialect: Any) -> None:
    shipped = SHIPPED[dialect.name]
    assert digest((migrations.schema_version_table(dialect),)) == shipped["table"]
    for migration in migrations.MIGRATIONS:
        if migration.version in shipped:
            assert digest(migration.sql(dialect)) == shipped[migration.version], \
                f"migration {migration.version} changed after it shipped; add a new one"


def test_every_migration_renders_for_every_database() -> None:
    assert [m.version for m in migrations.MIGRATIONS] == list(
        range(1, len(migrations.MIGRATIONS) + 1))
    for dialect in DIALECTS:
        for migration in migrations.MIGRATIONS:
            statements = migration.sql(dialect)
            assert statements, (migration.version, dialect.name)
            assert all(";" not in s for s in statements), "one statement per item"


def test_a_dialect_piece_differs_only_where_the_databases_do() -> None:
    assert SQLITE.date("day") == "day TEXT NOT NULL CHECK (date(day) IS day)"
    assert POSTGRES.date("day") == "day DATE NOT NULL"
    assert SQLITE.json_object("c").startswith("c TEXT NOT NULL DEFAULT '{}'")
    assert POSTGRES.is_monday("day") == "extract(isodow FROM day) = 1"


def test_only_the_drivers_know_their_database() -> None:
    # The drivers alone import their library; nothing else asks which database it is on
    # (a repository takes a dialect piece, never an `if`); the URL alone picks the driver.
    for path in STORE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                    if isinstance(node, ast.Import | ast.ImportFrom)
                    for alias in (node.names if isinstance(node, ast.Import)
                                  else [ast.alias(node.module or "")])}
        for library, driver in (("aiosqlite", "sqlite.py"), ("sqlite3", "sqlite.py"),
                                ("asyncpg", "postgres.py")):
            if path.name != driver:
                assert library not in imported, f"{path.name} imports {library}"
        if path.name not in ("sqlite.py", "postgres.py", "dialect.py", "__init__.py"):
            text = path.read_text(encoding="utf-8")
            assert "== \"sqlite\"" not in text and "== \"postgres\"" not in text, path.name


def test_parameters_written_once_become_sqlite_numbered_ones() -> None:
    assert _sql("SELECT a FROM t WHERE a = $1 OR b = $1 AND c < $12") == (
        "SELECT a FROM t WHERE a = ?1 OR b = ?1 AND c < ?12")
    at = dt.datetime(2026, 7, 1, 14, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert _value(at) == "2026-07-01T12:05:00.000000+00:00"
    assert _value(dt.date(2026, 7, 1)) == "2026-07-01"
    assert _value("2026-07-01") == "2026-07-01"
    assert _value(None) is None


def test_values_read_back_are_the_same_on_both() -> None:
    day = dt.date(2026, 7, 1)
    assert as_date("2026-07-01") == as_date(day) == day
    at = dt.datetime(2026, 7, 1, 12, 5, tzinfo=dt.UTC)
    assert as_time("2026-07-01T12:05:00.000000+00:00") == as_time(at) == at
    # asyncpg reads PostgreSQL's infinity without a time zone.
    assert as_time(dt.datetime.max).tzinfo is dt.UTC  # type: ignore[union-attr]
    assert as_time(None) is None


@pytest.mark.parametrize(("sql", "expected"), [
    ("SELECT 1", False),
    ("  select value FROM kv", False),
    ("SHOW fsync", False),
    ("INSERT INTO kv VALUES ($1, $2)", True),
    ("INSERT INTO feedback (day) VALUES ($1) RETURNING id", True),
    ("UPDATE session_requests SET status = $1 RETURNING id", True),
    ("DELETE FROM kv", True),
    ("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", True),  # unsure: a write
    ("PRAGMA journal_mode = WAL", True),
])
def test_what_counts_as_a_write(sql: str, expected: bool) -> None:
    assert writes(sql) is expected


def test_a_query_numbers_its_arguments_as_they_come() -> None:
    query = Query()
    assert query.sql == ""
    query.days("day", dt.date(2026, 1, 1), None)
    query.where(f"kind = {query.arg('x')}")
    assert query.sql == " WHERE day >= $1 AND kind = $2"
    assert query.args == [dt.date(2026, 1, 1), "x"]
    with pytest.raises(ValueError, match="end"):
        Query().days("day", None, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


PORTS = [
    (store_ports.StateRepo, StateRepository),
    (store_ports.FeedbackRepo, FeedbackRepository),
    (store_ports.UnansweredRepo, UnansweredRepository),
    (store_ports.ActivityRepo, ActivityRepository),
    (store_ports.RequestRepo, RequestRepository),
    (store_ports.SurveyRepo, SurveyRepository),
    (store_ports.DigestRepo, DigestRepository),
    (store_ports.ReminderRepo, ReminderRepository),
]


def methods(cls: type) -> dict[str, inspect.Signature]:
    return {name: inspect.signature(member) for name, member in vars(cls).items()
            if inspect.iscoroutinefunction(member) and not name.startswith("_")}


@pytest.mark.parametrize(("port", "repository"), PORTS, ids=lambda p: p.__name__)
def test_the_repository_and_the_store_keep_the_protocol(port: type, repository: type) -> None:
    wanted = methods(port)
    assert wanted
    assert methods(repository) == wanted  # no more, no less: the protocol is the repository
    store = methods(Store)
    for name, signature in wanted.items():
        assert str(store[name]) == str(signature), name


def test_the_store_offers_nothing_the_repositories_do_not() -> None:
    own = {"open", "close", "ping", "schema_version", "adopt"}
    delegated = set().union(*(methods(port) for port, _ in PORTS))
    assert set(methods(Store)) - own == delegated


async def test_the_repositories_share_the_store_s_database_and_clock() -> None:
    fixed = dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)
    async with open_store("sqlite://:memory:") as store:
        store.clock = lambda: fixed  # set after the store was made, as the app does
        new_id = await store.activities.add_activity(Activity(
            "trafikkontroll", None, None, fixed.date(), author="@polis:x"))
        stored = await store.get_activity(new_id)
        assert stored is not None and stored.created_at == fixed
        await store.state.set_value("k", "v")
        assert await store.get_value("k") == "v"
