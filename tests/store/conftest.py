"""The `store` fixture, parametrised over every backend the contract suite runs on.

PostgreSQL: a throwaway cluster started once per session (`pg_cluster.py`), or the server
named by MEDBORGARBOT_TEST_POSTGRES_URL; each test gets a schema of its own, dropped
afterwards, so tests never see each other's tables.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import urllib.parse
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.store import Store, open_store
from tests.store.pg_cluster import ENV_URL, start_cluster

BACKENDS = ["sqlite", "postgres"]

_schemas = itertools.count()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def with_search_path(url: str, schema: str) -> str:
    """`url` with `schema` as its search_path (asyncpg sends unknown query parameters as
    server settings), so every unqualified table the store creates lands in `schema`."""
    parts = urllib.parse.urlsplit(url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k != "search_path"]
    query.append(("search_path", schema))
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a database on a server where the tests may create schemas."""
    url = os.environ.get(ENV_URL)
    if url:
        yield url
        return
    cluster = start_cluster()
    try:
        yield cluster.url
    finally:  # also when the run fails or is interrupted
        cluster.stop()


@pytest.fixture
async def postgres_url(postgres_server: str) -> AsyncIterator[str]:
    """A fresh, empty schema of its own for one test, dropped afterwards.

    A schema rather than a database: CREATE and DROP DATABASE cost ~0.3 s each (a copy of
    the template through the WAL, a checkpoint), a schema a few milliseconds."""
    # The pid keeps two runs against one shared server (the env URL) apart.
    name = f"medborgarbot_test_{os.getpid()}_{next(_schemas)}"
    admin = await asyncpg.connect(postgres_server)
    try:
        await admin.execute(f'CREATE SCHEMA "{name}"')
        yield with_search_path(postgres_server, name)
    finally:
        try:
            # Bounded: a connection a failed test left inside a transaction must turn
            # into a teardown error, not a hung run.
            await admin.execute("SET lock_timeout = '10s'")
            await admin.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        finally:
            await admin.close()


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh, empty store (opened more than once by some tests)."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "store" / "medborgarbot.db")
    if request.param == "postgres":
        # Looked up here, so a run of only the SQLite tests starts no PostgreSQL.
        return str(request.getfixturevalue("postgres_url"))
    raise AssertionError(f"no test database for backend {request.param}")


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    async with open_store(store_url) as opened:
        yield opened


# -- a look at the schema and raw SQL, around the store's checks (test-only) ---------------
# The store's own database API (`store.db`), which takes SQL written once for both.


async def table_columns(store: Store, table: str) -> dict[str, str]:
    """{column: declared type} of `table` in the store's database."""
    if store.backend == "sqlite":
        rows = await store.db.fetch("SELECT name, type FROM pragma_table_info($1)", table)
        return {str(r[0]): str(r[1]).lower() for r in rows}
    rows = await store.db.fetch(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = $1", table)
    return {r["column_name"]: r["data_type"] for r in rows}


async def raw_execute(store: Store, sql: str, *args: object) -> None:
    """One statement around the store's checks: what the schema itself refuses."""
    await store.db.execute(sql, *args)


async def raw_fetch(store: Store, sql: str, *args: object) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in await store.db.fetch(sql, *args)]


async def index_names(store: Store) -> set[str]:
    if store.backend == "sqlite":
        rows = await raw_fetch(store, "SELECT name FROM sqlite_master WHERE type = 'index'")
    else:
        rows = await raw_fetch(
            store, "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
    return {str(r[0]) for r in rows}


async def raw_insert_feedback(store: Store, day: dt.date, granularity: str,
                              rating: Any) -> None:
    """Insert a feedback row around `add_feedback`'s checks: the schema's own CHECKs."""
    await raw_execute(
        store,
        "INSERT INTO feedback (category, area, text, rating, day, granularity, lang)"
        " VALUES ('trafik', 'asele', '', $1, $2, $3, 'sv')", rating, day, granularity)
