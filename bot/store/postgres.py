"""The PostgreSQL driver: asyncpg with a small pool, for a site that already runs
PostgreSQL.

Durability: a statement outside a transaction is autocommitted, a transaction has
committed before its block ends; with the server's fsync and synchronous_commit on (the
defaults, checked at open) a confirmed write survives a kill -9 of the bot.

Secrets: the URL may carry a password. Messages name the server as `postgresql://host:port
/db` without user, password or query, and every error text is scrubbed of the password.
"""

from __future__ import annotations

import contextlib
import logging
import re
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import asyncpg

from bot.store.database import Database, Executor, Row, StoreError, writes
from bot.store.dialect import POSTGRES

log = logging.getLogger(__name__)

_PREFIX = re.compile(r"(postgresql|postgres)(\+[A-Za-z0-9_]+)?://", re.IGNORECASE)
_USAGE = "use postgresql://user:password@host:5432/database"

POOL_MIN, POOL_MAX = 1, 10
CONNECT_TIMEOUT = 10.0  # seconds for one connection attempt
# Held (per database) by whoever migrates, so two bots starting together do not both
# run CREATE TABLE; released with the transaction. The value is "mbot" in ASCII.
MIGRATION_LOCK = 0x6D626F74
# The first of the two keys of the locks `keyed` takes (two-key advisory locks are a space
# apart from the one-key migration lock); the second is a hash of the caller's key.
KEYED_LOCKS = 0x6D62

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


class _Statements(Executor):
    """Statements on one connection: autocommitted, or in its open transaction."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, *args: object) -> int:
        status = await self._conn.execute(sql, *args)  # e.g. "DELETE 3", "CREATE TABLE"
        changed = status.rsplit(" ", 1)[-1]
        return int(changed) if changed.isdigit() else 0

    async def fetch(self, sql: str, *args: object) -> list[Row]:
        return list(await self._conn.fetch(sql, *args))


class PostgresDatabase(Database):
    dialect = POSTGRES

    def __init__(self, url: str) -> None:
        self.url = url
        self._dsn, self.where, self._secrets = parse_url(url)
        self._pool: asyncpg.Pool | None = None

    @property
    def is_open(self) -> bool:
        return self._pool is not None

    async def open(self) -> None:
        if self._pool is not None:
            return
        try:
            self._pool = await asyncpg.create_pool(
                self._dsn, min_size=POOL_MIN, max_size=POOL_MAX, timeout=CONNECT_TIMEOUT,
                server_settings={"application_name": "medborgarbot"},
            )
        except (*_ERRORS, ValueError) as exc:
            # `from None`: the message says it all, and a traceback of the cause is one
            # more place a secret could slip through.
            raise StoreError(
                f"{self.where}: cannot connect to the store ({self._reason(exc)}); "
                "check the store URL and that the server is running"
            ) from None
        try:
            await self._check_durability()
        except BaseException:
            await self.abandon()
            raise

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        with self._errors("close"):
            await pool.close()  # waits for operations in flight to release their connection

    async def abandon(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.terminate()

    async def _check_durability(self) -> None:
        async with self._connection("open") as conn:
            fsync = await conn.fetchval("SHOW fsync")
            commit = await conn.fetchval("SHOW synchronous_commit")
        if fsync != "on" or commit == "off":
            # Still works; a confirmed write may be lost in a server crash.
            log.warning("store: PostgreSQL fsync=%s synchronous_commit=%s", fsync, commit)

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
            raise StoreError(f"{self.where}: store {what} failed ({self._reason(exc)})") \
                from None

    @contextlib.asynccontextmanager
    async def _connection(self, what: str) -> AsyncIterator[asyncpg.Connection]:
        pool = self._pool
        if pool is None:
            raise StoreError("the store is not open")
        with self._errors(what):
            async with pool.acquire(timeout=CONNECT_TIMEOUT) as conn:
                yield conn

    @contextlib.asynccontextmanager
    async def transaction(self, what: str = "write") -> AsyncIterator[Executor]:
        async with self._connection(what) as conn, conn.transaction():
            yield _Statements(conn)

    @contextlib.asynccontextmanager
    async def exclusive(self, what: str) -> AsyncIterator[Executor]:
        async with self.transaction(what) as tx:
            await tx.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
            yield tx

    @contextlib.asynccontextmanager
    async def keyed(self, key: str, wait: float, what: str) -> AsyncIterator[Executor]:
        """A transaction holding the advisory lock of `key` (one pooled connection for
        the block); its commit does not wait for the disk, and releases the lock."""
        async with self.transaction(what) as tx:
            await tx.execute(
                "SELECT set_config('lock_timeout', $1, true),"
                " set_config('synchronous_commit', 'off', true),"
                " pg_advisory_xact_lock($2, hashtext($3))",
                f"{max(1, int(wait * 1000))}ms", KEYED_LOCKS, key)
            yield tx

    async def listen(self, channel: str, heard: Callable[[str], None]
                     ) -> Callable[[], Awaitable[None]] | None:
        """A connection of its own (not the pool's) that LISTENs on `channel`. When it is
        lost, nothing more is heard (callers poll as well)."""
        with self._errors("listen"):
            conn = await asyncpg.connect(
                self._dsn, timeout=CONNECT_TIMEOUT,
                server_settings={"application_name": "medborgarbot listener"})
            try:
                await conn.add_listener(channel, lambda _c, _pid, _ch, payload: heard(payload))
            except BaseException:
                conn.terminate()
                raise
        stopped: list[bool] = []

        def lost(_conn: object) -> None:
            if not stopped:
                log.warning("store: the %s listener lost its connection", channel)
        conn.add_termination_listener(lost)

        async def stop() -> None:
            stopped.append(True)
            with self._errors("listen"):
                if not conn.is_closed():
                    await conn.close(timeout=CONNECT_TIMEOUT)
        return stop

    async def execute(self, sql: str, *args: object) -> int:
        async with self._connection("write") as conn:
            return await _Statements(conn).execute(sql, *args)

    async def fetch(self, sql: str, *args: object) -> list[Row]:
        async with self._connection("write" if writes(sql) else "read") as conn:
            return await _Statements(conn).fetch(sql, *args)
