"""Conversations' state in the store, so that several `python -m bot run` processes can
serve one web chat or Teams webhook (bot.core.conversation_state: `ConversationState`).

- One row a conversation, keyed by a keyed hash (HMAC-SHA256) of its key, so the table
  names no room and no sender; the value (a dialogue under way holds a resident's text)
  is sealed with AES-GCM, bound to its row. The key is the operator's (config, or a file
  beside the store): a copy of the database alone reads nothing.
- A row goes when the conversation holds nothing more, and is never read after its
  expiry; expired rows are swept at most once a minute.
- Each turn holds the row's key (`Database.keyed`: on PostgreSQL a transaction with an
  advisory lock, waited for at most `lock_seconds`) and reads and writes the row in it:
  the next message of the conversation, in any process, sees what this one saved. At most
  `most_held` turns hold a pooled connection at once, so that the rest of the bot always
  gets one. SQLite is one process: the bot's own lock per conversation suffices.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import hashlib
import hmac
import logging
import os
import secrets
from collections.abc import AsyncIterator, Callable, Collection
from contextlib import asynccontextmanager
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.core.conversation_state import Held, Key, Slot, decode, encode
from bot.store.checks import utc
from bot.store.database import Database, Executor, StoreError, as_time

__all__ = ["StoredConversations", "state_secret"]

log = logging.getLogger(__name__)

SWEEP_EVERY = dt.timedelta(minutes=1)
MIN_SECRET = 32  # bytes
KEY_FILE = "conversation-state.key"


def state_secret(given: str | None, folder: Path) -> bytes:
    """The secret that keys and seals the rows: `given` (base64, from config or the
    environment), else the key file in `folder`, made on first use (mode 0600). Several
    processes must share it: the same folder, or the same configured key. StoreError (one
    line) for a key that is not one."""
    if given:
        return _secret(given, "shared_state.key")
    path = folder / KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as file:
            file.write(base64.b64encode(secrets.token_bytes(MIN_SECRET)).decode("ascii"))
    text = path.read_text("ascii", errors="replace").strip()
    if not text:  # another process is writing it this very moment
        raise StoreError(f"{path}: empty; start again")
    return _secret(text, str(path))


def _secret(text: str, where: str) -> bytes:
    try:
        secret = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise StoreError(f"{where}: not base64") from None
    if len(secret) < MIN_SECRET:
        raise StoreError(f"{where}: fewer than {MIN_SECRET} bytes")
    return secret


class _Slot:
    def __init__(self, owner: StoredConversations, tx: Executor, row: str) -> None:
        self._owner = owner
        self._tx = tx
        self._row = row

    async def load(self) -> dict[str, Held] | None:
        return await self._owner.read(self._tx, self._row)

    async def save(self, parts: dict[str, Held]) -> None:
        await self._owner.write(self._tx, self._row, parts)


class StoredConversations:
    """`transports`: those whose conversations keep their state here (their messages may
    reach any process: the Teams webhook); the others' stays in memory at no cost."""

    def __init__(self, db: Database, secret: bytes, now: Callable[[], dt.datetime], *,
                 transports: Collection[str] = ("teams", "teams_app"),
                 lock_seconds: float = 10.0, most_held: int = 8) -> None:
        self.transports = frozenset(transports)
        if len(secret) < MIN_SECRET:
            raise ValueError("the conversation state's secret is too short")
        self._db = db
        self._mac = hmac.new(secret, b"medborgarbot conversation key", hashlib.sha256).digest()
        self._seal = AESGCM(hmac.new(secret, b"medborgarbot conversation seal",
                                     hashlib.sha256).digest())
        self._now = now
        self._wait = lock_seconds
        self._held = asyncio.Semaphore(most_held)
        self._swept: dt.datetime | None = None

    def shares(self, transport: str) -> bool:
        return transport in self.transports

    def row_key(self, key: Key) -> str:
        """The row's key: nothing in it leads back to the room or the sender."""
        return hmac.new(self._mac, "\0".join(key).encode("utf-8", "surrogatepass"),
                        hashlib.sha256).hexdigest()

    @asynccontextmanager
    async def hold(self, key: Key) -> AsyncIterator[Slot]:
        row = self.row_key(key)
        # Bounded: a turn stuck in another process fails this one, it does not hang. What
        # a crash of the database server could lose is the last step of a dialogue (asked
        # again), never a stored entry.
        async with self._held, self._db.keyed(row, self._wait, "conversation state") as tx:
            yield _Slot(self, tx, row)

    async def read(self, db: Executor, row: str) -> dict[str, Held] | None:
        sealed = await db.fetchval(
            "SELECT value FROM conversation_state WHERE key = $1 AND expires >= $2",
            row, utc(self._now()))
        if sealed is None:
            return None
        try:
            raw = base64.b64decode(sealed)
            plain = self._seal.decrypt(raw[:12], raw[12:], row.encode("ascii"))
            parts = decode(plain.decode("utf-8"))
        except (InvalidTag, ValueError, binascii.Error):
            # Sealed with another key (a changed secret): as if nothing was kept.
            log.warning("conversation state unreadable (another key?): dropped")
            return None
        return {name: (value, expires) for name, (value, expires) in parts.items()}

    async def write(self, db: Executor, row: str, parts: dict[str, Held]) -> None:
        now = self._now()
        await self._sweep(db, now)
        if not parts:
            await db.execute("DELETE FROM conversation_state WHERE key = $1", row)
            return
        expires = max(until for _, until in parts.values())
        nonce = secrets.token_bytes(12)
        sealed = self._seal.encrypt(nonce, encode(parts).encode("utf-8"),
                                    row.encode("ascii"))
        await db.execute(
            "INSERT INTO conversation_state (key, value, expires) VALUES ($1, $2, $3)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
            " expires = excluded.expires",
            row, base64.b64encode(nonce + sealed).decode("ascii"), utc(expires))

    async def _sweep(self, db: Executor, now: dt.datetime) -> None:
        if self._swept is not None and dt.timedelta(0) <= now - self._swept < SWEEP_EVERY:
            return
        self._swept = now
        gone = await db.execute("DELETE FROM conversation_state WHERE expires < $1", utc(now))
        if gone:
            log.info("conversation state: %d expired", gone)

    async def count(self) -> int:
        """Rows kept (tests, metrics)."""
        return int(await self._db.fetchval("SELECT COUNT(*) FROM conversation_state"))

    async def expiries(self) -> list[dt.datetime]:
        rows = await self._db.fetch("SELECT expires FROM conversation_state")
        return [t for t in (as_time(r[0]) for r in rows) if t is not None]
