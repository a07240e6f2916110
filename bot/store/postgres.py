"""The PostgreSQL store: asyncpg with a small pool, for a site that already runs PostgreSQL.

Durability: every write is one statement (autocommit) or one transaction that has
committed before the method returns; with the server's fsync and synchronous_commit on
(the defaults, checked at open) a confirmed write survives a kill -9 of the bot.

Secrets: the URL may carry a password. Messages name the server as `postgresql://host:port
/db` without user, password or query, and every error text is scrubbed of the password.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import re
import urllib.parse
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg

from bot.store import migrations
from bot.store.base import Feedback, Store, StoreError, checked_feedback, plain_date, utc
from bot.store.postgres_staff import PostgresStaffMixin
from bot.store.unanswered import PostgresUnansweredMixin

log = logging.getLogger(__name__)

_PREFIX = re.compile(r"(postgresql|postgres)(\+[A-Za-z0-9_]+)?://", re.IGNORECASE)
_USAGE = "use postgresql://user:password@host:5432/database"

POOL_MIN, POOL_MAX = 1, 10
CONNECT_TIMEOUT = 10.0  # seconds for one connection attempt
PING_TIMEOUT = 5.0  # a health check must answer, not hang on a dead server
# Held (per database) by whoever migrates, so two bots starting together do not both
# run CREATE TABLE; released with the transaction. The value is "mbot" in ASCII.
MIGRATION_LOCK = 0x6D626F74

_BAD_ARGUMENT = "invalid input for query argument"
# What a dead server, a refused login or a bad statement raises.
_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)


def parse_url(url: str) -> tuple[str, str, tuple[str, ...]]:
    """(the DSN for asyncpg, the server named without secrets, the secrets to scrub)."""
    match = _PREFIX.match(url)
    if match is None:
        raise StoreError(f"malformed PostgreSQL store URL; {_USAGE}")
    # `postgresql+asyncpg://` (SQLAlchemy style) names a driver; asyncpg wants it bare.
    dsn = "postgresql://" + url[match.end():]
    try:
        parts = urllib.parse.urlsplit(dsn)
    except ValueError:  # e.g. "[::1/db"; its text is not repeated: it may quote the URL
        raise StoreError(f"malformed PostgreSQL store URL; {_USAGE}") from None
    hosts = parts.netloc.rpartition("@")[2]
    query = urllib.parse.parse_qs(parts.query)
    if not hosts:  # a Unix socket: postgresql:///db?host=/run/postgresql
        hosts = ",".join(query.get("host", ["localhost"]))
    database = urllib.parse.unquote(parts.path.lstrip("/"))
    where = f"postgresql://{hosts}/{database}"
    userinfo = parts.netloc.rpartition("@")[0]
    raw_password = userinfo.partition(":")[2]
    secrets = [raw_password, urllib.parse.unquote(raw_password), *query.get("password", [])]
    return dsn, where, tuple(s for s in secrets if s)


class PostgresStore(PostgresStaffMixin, PostgresUnansweredMixin, Store):
    """Key-value state, the event ledger and feedback here; the staff records (activities,
    session requests) in `PostgresStaffMixin`, unanswered questions in
    `PostgresUnansweredMixin`."""

    backend = "postgres"

    def __init__(self, url: str) -> None:
        self.url = url
        self._dsn, self._where, self._secrets = parse_url(url)
        self._pool: asyncpg.Pool | None = None

    # -- life cycle ------------------------------------------------------------------

    async def open(self) -> None:
        if self._pool is not None:
            return
        try:
            pool = await asyncpg.create_pool(
                self._dsn, min_size=POOL_MIN, max_size=POOL_MAX, timeout=CONNECT_TIMEOUT,
                server_settings={"application_name": "medborgarbot"},
            )
        except (*_ERRORS, ValueError) as exc:
            # `from None`: the message says it all, and a traceback of the cause is one
            # more place a secret could slip through.
            raise StoreError(
                f"{self._where}: cannot connect to the store ({self._reason(exc)}); "
                "check the store URL and that the server is running"
            ) from None
        self._pool = pool
        try:
            await self._check_durability()
            version = await self._migrate()
        except BaseException:
            self._pool = None
            pool.terminate()
            raise
        log.info("store opened: postgres, schema %d", version)

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        with self._errors("close"):
            await pool.close()  # waits for operations in flight to release their connection
        log.info("store closed: postgres")

    async def _check_durability(self) -> None:
        async with self._connection("open") as conn:
            fsync = await conn.fetchval("SHOW fsync")
            commit = await conn.fetchval("SHOW synchronous_commit")
        if fsync != "on" or commit == "off":
            # Still works; a confirmed write may be lost in a server crash.
            log.warning("store: PostgreSQL fsync=%s synchronous_commit=%s", fsync, commit)

    async def _migrate(self) -> int:
        async with self._connection("open") as conn:
            with self._errors("open"):
                async with conn.transaction():
                    await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
                    await conn.execute(migrations.SCHEMA_VERSION_TABLE[self.backend])
                current = await _version(conn)
            for migration in migrations.pending(current, self._where):
                with self._errors(f"migration {migration.version}"):
                    async with conn.transaction():
                        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
                        # Another process may have applied it while we waited for the lock.
                        if await _version(conn) >= migration.version:
                            continue
                        for statement in migration.sql[self.backend]:
                            await conn.execute(statement)
                        await conn.execute(
                            "INSERT INTO schema_version (version, description, applied_at)"
                            " VALUES ($1, $2, now())",
                            migration.version, migration.description,
                        )
                log.info("store: applied migration %d (%s)", migration.version,
                         migration.description)
            with self._errors("open"):
                return await _version(conn)

    # -- plumbing --------------------------------------------------------------------

    def _reason(self, exc: BaseException) -> str:
        """One line about `exc`, without values and without the password."""
        if isinstance(exc, asyncpg.PostgresError | asyncpg.InterfaceError) and exc.args:
            text = str(exc.args[0])  # str(exc) adds DETAIL, which can quote row values
        else:
            text = str(exc)
        text = " ".join(text.split())
        if text.startswith(_BAD_ARGUMENT):
            # asyncpg quotes the argument: "… argument $1: 'the value' (expected str, …)".
            text = text.partition(":")[0] + ": a value of the wrong type"
        if isinstance(exc, TimeoutError) and not text:
            text = "timed out"
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text or type(exc).__name__

    @contextlib.contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        try:
            yield
        except _ERRORS as exc:
            raise StoreError(f"{self._where}: store {what} failed ({self._reason(exc)})") from None

    @contextlib.asynccontextmanager
    async def _connection(self, what: str) -> AsyncIterator[asyncpg.Connection]:
        pool = self._pool
        if pool is None:
            raise StoreError("the store is not open")
        with self._errors(what):
            async with pool.acquire(timeout=CONNECT_TIMEOUT) as conn:
                yield conn

    async def _fetch(self, sql: str, *args: object) -> list[asyncpg.Record]:
        async with self._connection("read") as conn:
            return list(await conn.fetch(sql, *args))

    async def _fetchval(self, sql: str, *args: object) -> Any:
        async with self._connection("read") as conn:
            return await conn.fetchval(sql, *args)

    async def _write(self, sql: str, *args: object) -> int:
        """Run one statement (committed on return); the number of rows it touched."""
        async with self._connection("write") as conn:
            status = await conn.execute(sql, *args)  # e.g. "DELETE 3"
        return int(status.rsplit(" ", 1)[-1])

    # -- the interface ---------------------------------------------------------------

    async def ping(self) -> bool:
        if self._pool is None:
            return False
        try:
            async with asyncio.timeout(PING_TIMEOUT):
                return await self._fetchval("SELECT 1") == 1
        except (StoreError, TimeoutError):
            return False

    async def schema_version(self) -> int:
        async with self._connection("read") as conn:
            return await _version(conn)

    async def get_value(self, key: str) -> str | None:
        return await self._fetchval("SELECT value FROM kv WHERE key = $1", key)

    async def set_value(self, key: str, value: str) -> None:
        await self._write(
            "INSERT INTO kv (key, value) VALUES ($1, $2)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            key, value,
        )

    async def delete_value(self, key: str) -> None:
        await self._write("DELETE FROM kv WHERE key = $1", key)

    async def event_state(self, key: str) -> str | None:
        return await self._fetchval("SELECT state FROM handled_events WHERE key = $1", key)

    async def set_event_state(self, key: str, state: str, at: dt.datetime) -> None:
        at = utc(at)  # refuses a naive datetime before anything is sent
        await self._write(
            "INSERT INTO handled_events (key, state, at) VALUES ($1, $2, $3)"
            " ON CONFLICT (key) DO UPDATE SET state = excluded.state, at = excluded.at",
            key, state, at,
        )

    async def prune_events(self, before: dt.datetime) -> int:
        return await self._write("DELETE FROM handled_events WHERE at < $1", utc(before))

    async def add_feedback(self, feedback: Feedback) -> int:
        fb = checked_feedback(feedback)
        async with self._connection("write") as conn:
            new_id = await conn.fetchval(
                "INSERT INTO feedback (category, area, text, rating, day, granularity, lang)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                fb.category, fb.area, fb.text, fb.rating, fb.day, fb.granularity, fb.lang,
            )
        return int(new_id)

    async def list_feedback(
        self, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[Feedback]:
        # Only the bounds given, so the day index serves every query.
        where: list[str] = []
        args: list[dt.date] = []
        for bound, op, name in ((start, ">=", "start"), (end, "<=", "end")):
            if bound is not None:
                args.append(plain_date(bound, name))
                where.append(f"day {op} ${len(args)}")
        rows = await self._fetch(
            "SELECT id, category, area, text, rating, day, granularity, lang FROM feedback"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY day, id",
            *args,
        )
        return [
            Feedback(r["category"], r["area"], r["text"], r["rating"], r["day"],
                     r["granularity"], r["lang"], r["id"])
            for r in rows
        ]

    async def purge_feedback(self, before: dt.date) -> int:
        return await self._write("DELETE FROM feedback WHERE day < $1",
                                 plain_date(before, "before"))


async def _version(conn: asyncpg.Connection) -> int:
    value = await conn.fetchval("SELECT MAX(version) FROM schema_version")
    return int(value) if value is not None else 0
