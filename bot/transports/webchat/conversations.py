"""The web chat's conversations, in this process's memory.

A conversation is found by its token, a random string the page keeps in sessionStorage
(and a no-JS page in its form). The core never sees the token: it sees `cid`, a hash of
it, as the room and the sender, so nothing the core stores or logs leads back to the page
(and no page can choose its cid: tokens are made here). Each conversation holds its last
entries (the person's lines, the bot's replies, notices) with ids 1, 2, 3 …, so that a
page that lost its stream receives exactly what it missed; the page's own counter (seq)
maps to the entry it made, so a message sent twice is taken once.

Forgotten after `idle` without use (by the injected clock), and at most `most` at once:
the one used longest ago goes first. With shared_state on for "web" (several processes),
the store holds each conversation (engine.py, `ChatStore`) and this table is only the
process's copy of the ones it is serving: their rate limits, locks and streams' waiters.
Lookups keep the table in the order of last use, so finding the expired ones costs only
those.
"""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
import hashlib
import re
import secrets
from collections import OrderedDict
from typing import Literal

from bot.core.clock import Clock
from bot.core.messages import Choice
from bot.transports.webchat.limits import Window
from bot.transports.webchat.view import Entry

__all__ = ["BUFFER", "Conversation", "Conversations", "cid_of", "token_ok"]

BUFFER = 200  # entries a conversation keeps; a page that missed more gets the last ones
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def cid_of(token: str) -> str:
    """The id the core knows the conversation by: the token cannot be read back from it."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()[:32]


def _entry_id(entry: Entry) -> int:
    return entry.id


def token_ok(token: object) -> bool:
    """Whether `token` has a token's shape (anything else names no conversation)."""
    return isinstance(token, str) and _TOKEN.fullmatch(token) is not None


class Conversation:
    __slots__ = ("_changed", "cid", "closed", "entries", "kommun", "lang", "lock", "minute",
                 "next_id", "seen", "seqs", "stale", "token", "until", "urgent")

    def __init__(self, token: str, lang: str, seen: float, kommun: str | None = None) -> None:
        self.token = token
        self.cid = cid_of(token)
        self.lang = lang  # the page's language when it started (notices, courier)
        self.kommun = kommun  # the municipality the embedding page said (an id), if any
        self.seen = seen  # last use, seconds by the injected clock
        self.entries: list[Entry] = []
        self.next_id = 1
        self.seqs: dict[int, int] = {}  # the page's seq -> the id of the entry it made
        self.urgent: Entry | None = None  # stays when the entry leaves the buffer
        self.minute = Window()  # messages this minute (the rate limit)
        self.lock: asyncio.Lock | None = None  # one message handled at a time, in order
        self.closed = False  # forgotten: its streams end
        self.until = 0.0  # shared: the store keeps it at least until then (its clock)
        self.stale = False  # shared: another process added to it (its streams look)
        self._changed: asyncio.Event | None = None

    def add(self, kind: Literal["you", "bot", "notice"], html: str, *, lang: str,
            urgent: bool = False, choices: tuple[Choice, ...] = ()) -> Entry:
        entry = Entry(self.next_id, kind, html, urgent, choices, lang)
        self.next_id += 1
        self.entries.append(entry)
        if len(self.entries) > BUFFER:
            del self.entries[:len(self.entries) - BUFFER]
        if urgent:
            self.urgent = entry
        self.wake()
        return entry

    def merge(self, entries: list[tuple[Entry, int | None]]) -> None:
        """Entries another process may have added (shared: the store's, oldest first):
        those this copy has not yet, after its own. Their ids only grow (a gap is an id
        no entry took, or entries no longer kept)."""
        added = False
        for entry, seq in entries:
            if entry.id < self.next_id:
                continue
            self.entries.append(entry)
            self.next_id = entry.id + 1
            if entry.urgent:
                self.urgent = entry
            if seq is not None:
                self.remember(seq, entry.id)
            added = True
        if len(self.entries) > BUFFER:
            del self.entries[:len(self.entries) - BUFFER]
        if added:
            self.wake()

    def remember(self, seq: int, entry_id: int) -> None:
        self.seqs[seq] = entry_id
        if len(self.seqs) > BUFFER:
            del self.seqs[next(iter(self.seqs))]

    def after(self, last: int) -> list[Entry]:
        """The entries with an id above `last`, oldest first."""
        if not self.entries or self.entries[-1].id <= last:
            return []
        start = max(0, last - self.entries[0].id + 1)
        if start < len(self.entries) and self.entries[start].id == last + 1 and (
                start == 0 or self.entries[start - 1].id == last):
            return self.entries[start:]  # consecutive, as in one process: no search
        return self.entries[bisect.bisect_right(self.entries, last, key=_entry_id):]

    def waiter(self) -> asyncio.Event:
        """Set at the next change (an entry, or the conversation closed). Take it before
        reading `after`, so that nothing added in between is missed."""
        if self._changed is None:
            self._changed = asyncio.Event()
        return self._changed

    def wake(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    def handling(self) -> asyncio.Lock:
        if self.lock is None:
            self.lock = asyncio.Lock()
        return self.lock


class Conversations:
    def __init__(self, clock: Clock, idle: dt.timedelta, most: int) -> None:
        self._clock = clock
        self._idle = idle.total_seconds()
        self._most = most
        self._by_token: OrderedDict[str, Conversation] = OrderedDict()  # by last use
        self._by_cid: dict[str, Conversation] = {}

    def __len__(self) -> int:
        return len(self._by_token)

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def create(self, lang: str, kommun: str | None = None) -> Conversation:
        return self.adopt(secrets.token_urlsafe(24), lang, kommun)

    def adopt(self, token: str, lang: str, kommun: str | None) -> Conversation:
        """Shared: this process's copy of a conversation the store holds (made anywhere);
        its entries come in by `Conversation.merge`."""
        now = self._now()
        self._sweep(now)
        while len(self._by_token) >= self._most:
            self._forget(next(iter(self._by_token.values())))  # used longest ago
        conversation = Conversation(token, lang, now, kommun)
        self._by_token[token] = conversation
        self._by_cid[conversation.cid] = conversation
        return conversation

    def drop(self, token: str) -> None:
        """Forget this process's copy (the store's has expired)."""
        conversation = self._by_token.get(token)
        if conversation is not None:
            self._forget(conversation)

    def get(self, token: object) -> Conversation | None:
        """The conversation `token` names, marked as used now; None when there is none
        (never made here, or forgotten)."""
        if not isinstance(token, str) or not _TOKEN.fullmatch(token):
            return None
        now = self._now()
        self._sweep(now)
        conversation = self._by_token.get(token)
        if conversation is None:
            return None
        conversation.seen = max(conversation.seen, now)
        self._by_token.move_to_end(token)
        return conversation

    def by_cid(self, cid: str) -> Conversation | None:
        """For the courier: the core names a conversation by its cid."""
        conversation = self._by_cid.get(cid)
        if conversation is None or self._expired(conversation, self._now()):
            return None
        return conversation

    def _expired(self, conversation: Conversation, now: float) -> bool:
        return now - conversation.seen > self._idle

    def _sweep(self, now: float) -> None:
        while self._by_token:
            oldest = next(iter(self._by_token.values()))
            if not self._expired(oldest, now):
                return
            self._forget(oldest)

    def _forget(self, conversation: Conversation) -> None:
        self._by_token.pop(conversation.token, None)
        self._by_cid.pop(conversation.cid, None)
        conversation.closed = True
        conversation.wake()

    def close(self) -> None:
        for conversation in list(self._by_token.values()):
            self._forget(conversation)
