"""The web chat's page conversations in the store, so that any `python -m bot run`
process can take a page's message, poll or event stream (bot.core.ports: `ChatStore`).

- `web_chats`: one row a conversation, keyed by a keyed hash (HMAC-SHA256) of its cid
  (never the token, which the store never sees): the next entry id, the meta (the page's
  language and municipality, sealed with AES-GCM) and its expiry, moved on at each use.
- `web_entries`: the conversation's last entries (a resident's words among them: sealed,
  bound to their row and id) with the page's seq that made one, so a seq sent again to
  any process is taken once (one unique index).
- An entry is added in one statement (PostgreSQL; a transaction on SQLite) that takes the
  next id from the conversation's row (the row lock orders two processes adding at once);
  on PostgreSQL it also NOTIFYs `CHANNEL` with the row's key and a random id of the process
  only, which wakes the other processes holding the page's stream.
- Expired conversations and their entries are deleted at most once a minute.

The secret is the conversation state's (`state_secret`), under other derived keys.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.core.ports import ChatRow
from bot.store.checks import utc
from bot.store.conversations import MIN_SECRET
from bot.store.database import Database, as_time

__all__ = ["CHANNEL", "StoredChats"]

log = logging.getLogger(__name__)

CHANNEL = "medborgarbot_web"
SWEEP_EVERY = dt.timedelta(minutes=1)
# A use moves the expiry on only when it is this much older than a fresh one would be:
# most uses read, none waits for a write to reach the disk.
BUMP = dt.timedelta(seconds=30)
HEARD = 50_000  # row keys this process remembers the cid of (to wake its streams)


# Older entries go, but the latest urgent one stays (the page shows it at the top).
_TRIM = ("DELETE FROM web_entries WHERE key = $1 AND id <= $2 AND id <>"
         " COALESCE((SELECT MAX(id) FROM web_entries WHERE key = $1 AND urgent = 1), 0)")
# PostgreSQL, in one statement: the next id from the conversation's row (its lock orders two
# processes adding at once), the entry unless its seq made one before, the trim, the
# notification (sent at the commit, the entry there to read), a commit that does not wait
# for the disk (a crash of the database server may lose the last lines of a live
# conversation, never half of one). A seq sent to two processes at the same moment may
# leave an id unused: ids only grow.
_ADD = (
    "WITH bumped AS ("
    " UPDATE web_chats SET next_id = next_id + 1 WHERE key = $1 AND expires >= $2"
    " AND NOT EXISTS (SELECT 1 FROM web_entries WHERE key = $1 AND seq = $3)"
    " RETURNING next_id - 1 AS id),"
    " added AS (INSERT INTO web_entries (key, id, seq, urgent, value)"
    " SELECT $1, id, $3, $4, $5 FROM bumped ON CONFLICT (key, seq) DO NOTHING RETURNING id),"
    " trimmed AS (DELETE FROM web_entries WHERE key = $1"
    " AND id <= (SELECT id FROM added) - $6 AND id <> COALESCE((SELECT MAX(id)"
    " FROM web_entries WHERE key = $1 AND urgent = 1), 0))"
    " SELECT (SELECT id FROM added),"
    " (SELECT id FROM web_entries WHERE key = $1 AND seq = $3),"
    " EXISTS (SELECT 1 FROM web_chats WHERE key = $1 AND expires >= $2),"
    " CASE WHEN EXISTS (SELECT 1 FROM added) THEN (SELECT 1 FROM {notify}($7, $8)) END,"
    " set_config('synchronous_commit', 'off', true)")


class _Taken(Exception):
    """The seq made an entry before: roll the new id back."""

    def __init__(self, entry_id: int) -> None:
        self.entry_id = entry_id


class StoredChats:
    def __init__(self, db: Database, secret: bytes, now: Callable[[], dt.datetime]) -> None:
        if len(secret) < MIN_SECRET:
            raise ValueError("the web chat's secret is too short")
        self._db = db
        self._mac = hmac.new(secret, b"medborgarbot web chat key", hashlib.sha256).digest()
        self._seal = AESGCM(hmac.new(secret, b"medborgarbot web chat seal",
                                     hashlib.sha256).digest())
        self._now = now
        self._swept: dt.datetime | None = None
        self._notify = db.dialect.notify  # "": one process (SQLite), no notifications
        self._add = _ADD.format(notify=self._notify)
        self._me = secrets.token_hex(6)  # this process, in its notifications
        self._cids: OrderedDict[str, str] = OrderedDict()  # row key -> cid, used here
        self._woken: Callable[[str], None] | None = None
        self._stop: Callable[[], Awaitable[None]] | None = None

    def row_key(self, cid: str) -> str:
        key = hmac.new(self._mac, cid.encode("ascii", "replace"), hashlib.sha256).hexdigest()
        self._cids[key] = cid
        self._cids.move_to_end(key)
        if len(self._cids) > HEARD:
            self._cids.popitem(last=False)
        return key

    # ------------------------------------------------------------------ sealing
    def _sealed(self, value: dict[str, Any], bound: str) -> str:
        nonce = secrets.token_bytes(12)
        plain = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        return base64.b64encode(nonce + self._seal.encrypt(nonce, plain, bound.encode())
                                ).decode("ascii")

    def _opened(self, sealed: str, bound: str) -> dict[str, Any] | None:
        try:
            raw = base64.b64decode(sealed)
            value = json.loads(self._seal.decrypt(raw[:12], raw[12:], bound.encode()))
        except (InvalidTag, ValueError, binascii.Error):
            log.warning("web chat row unreadable (another key?): skipped")
            return None
        return value if isinstance(value, dict) else None

    # ------------------------------------------------------------------ the port
    async def open_chat(self, cid: str, meta: dict[str, Any], idle: dt.timedelta) -> None:
        row, now = self.row_key(cid), utc(self._now())
        await self._sweep(now)
        await self._db.execute(
            "INSERT INTO web_chats (key, meta, next_id, expires) VALUES ($1, $2, 1, $3)",
            row, self._sealed(meta, row + ":meta"), now + idle)

    async def use_chat(self, cid: str, idle: dt.timedelta | None
                       ) -> tuple[dict[str, Any], dt.datetime] | None:
        row, now = self.row_key(cid), utc(self._now())
        if idle is not None:
            await self._sweep(now)  # at most once a minute
        found = await self._db.fetchrow(
            "SELECT meta, expires FROM web_chats WHERE key = $1 AND expires >= $2", row, now)
        if found is None:
            return None
        meta = self._opened(found[0], row + ":meta")
        expires = as_time(found[1]) or now
        if meta is None:
            return None
        if idle is not None and expires < now + idle - BUMP:
            expires = now + idle
            await self._db.execute(
                "UPDATE web_chats SET expires = $2 WHERE key = $1 AND expires < $2",
                row, expires)
        return meta, expires

    async def add_entry(self, cid: str, entry: dict[str, Any], seq: int | None, keep: int,
                        urgent: bool = False) -> tuple[int, bool] | None:
        row, now = self.row_key(cid), utc(self._now())
        value = self._sealed(entry, row + ":entry")
        if self._notify:
            return await self._add_at_once(row, now, value, seq, keep, urgent)
        try:
            async with self._db.transaction("web chat entry") as tx:
                # The row's lock: another process adding to this conversation waits here.
                bumped = await tx.fetchval(
                    "UPDATE web_chats SET next_id = next_id + 1"
                    " WHERE key = $1 AND expires >= $2 RETURNING next_id", row, now)
                if bumped is None:
                    return None
                entry_id = int(bumped) - 1
                added = await tx.fetchval(
                    "INSERT INTO web_entries (key, id, seq, urgent, value)"
                    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key, seq) DO NOTHING"
                    " RETURNING id", row, entry_id, seq, int(urgent), value)
                if added is None:  # the seq made an entry before (the row lock ordered us)
                    raise _Taken(int(await tx.fetchval(
                        "SELECT id FROM web_entries WHERE key = $1 AND seq = $2", row, seq)))
                if entry_id > keep:
                    await tx.execute(_TRIM, row, entry_id - keep)
        except _Taken as taken:
            return taken.entry_id, True
        return entry_id, False

    async def _add_at_once(self, row: str, now: dt.datetime, value: str, seq: int | None,
                           keep: int, urgent: bool) -> tuple[int, bool] | None:
        """PostgreSQL: one statement, one round trip (the web chat's hot path)."""
        got = await self._db.fetchrow(self._add, row, now, seq, int(urgent), value, keep, CHANNEL,
                                      f"{row}:{self._me}")
        assert got is not None
        added, known, alive = got[0], got[1], got[2]
        if added is not None:
            return int(added), False
        if not alive:
            return None
        if known is None:  # taken at the same moment by another process: look again
            known = await self._db.fetchval(
                "SELECT id FROM web_entries WHERE key = $1 AND seq = $2", row, seq)
            if known is None:
                return None
        return int(known), True

    async def entries_after(self, cid: str, last: int) -> list[ChatRow]:
        row = self.row_key(cid)
        rows = await self._db.fetch(
            "SELECT id, seq, value FROM web_entries WHERE key = $1 AND id > $2 ORDER BY id",
            row, last)
        out: list[ChatRow] = []
        for r in rows:
            entry = self._opened(r[2], row + ":entry")
            if entry is not None:
                out.append((int(r[0]), None if r[1] is None else int(r[1]), entry))
        return out

    async def listen(self, woken: Callable[[str], None]) -> None:
        self._woken = woken
        if self._stop is None:
            self._stop = await self._db.listen(CHANNEL, self._heard)

    def _heard(self, payload: str) -> None:
        row, _, sender = payload.partition(":")
        if sender == self._me:
            return  # its own: the streams here were woken as it was added
        cid = self._cids.get(row)
        if cid is not None and self._woken is not None:
            self._woken(cid)

    async def close(self) -> None:
        stop, self._stop = self._stop, None
        if stop is not None:
            await stop()

    # ------------------------------------------------------------------ upkeep
    async def _sweep(self, now: dt.datetime) -> None:
        if self._swept is not None and dt.timedelta(0) <= now - self._swept < SWEEP_EVERY:
            return
        self._swept = now
        async with self._db.transaction("web chat sweep") as tx:
            await tx.execute(
                "DELETE FROM web_entries WHERE key IN"
                " (SELECT key FROM web_chats WHERE expires < $1)", now)
            gone = await tx.execute("DELETE FROM web_chats WHERE expires < $1", now)
        if gone:
            log.info("web chat: %d expired conversation(s) deleted", gone)

    async def count(self) -> tuple[int, int]:
        """(conversations, entries) kept (tests)."""
        chats = await self._db.fetchval("SELECT COUNT(*) FROM web_chats")
        entries = await self._db.fetchval("SELECT COUNT(*) FROM web_entries")
        return int(chats), int(entries)
