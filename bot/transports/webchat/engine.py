"""The web chat without HTTP: start a conversation, take a message, run it to its reply.

Every route (the JSON API, the event stream, the no-JS form) comes through here, so the
rules are the same for all: the same limits, the same checks of the text, the same order
of replies. A message is handled in a task of its own, after the conversation's previous
one (one lock a conversation, first come first served), so the POST that sent it is
answered at once and the reply reaches the page through the event stream.

The core sees a web conversation as a private one (`is_direct`, nobody reads along) whose
room and sender are the conversation's cid, never the token or the address.

Shared (`shared`, a `ChatStore`: shared_state on with "web"): a conversation lives in the
store, so any process takes its messages, polls and streams. Each entry is added there (the
next id, the seq taken once, across processes) and this process's copy (`Conversation`)
catches up from it (`sync`) before it is read; another process's entry wakes the streams
here through the store's notification, or at the latest after `POLL_SECONDS`. Rate limits
stay per process. The core's lock per conversation (the store's) orders the turns.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from bot.config import WebSettings
from bot.core.clock import Clock
from bot.core.messages import Choice, IncomingMessage, Outcome
from bot.core.ports import ChatStore, Handle
from bot.core.texts import Language, language, t
from bot.transports.webchat.conversations import (
    BUFFER,
    Conversation,
    Conversations,
    cid_of,
    token_ok,
)
from bot.transports.webchat.limits import AddressLimit, proxies
from bot.transports.webchat.render import answer_html, to_html, you_html
from bot.transports.webchat.view import Entry

__all__ = ["TRANSPORT", "URGENT", "ChatEngine", "Refusal"]

log = logging.getLogger(__name__)

TRANSPORT = "web"
URGENT = (Outcome.EMERGENCY, Outcome.DISTRESS)
CACHED = (Outcome.ANSWERED, Outcome.SUGGESTED)
FINISH_SECONDS = 10.0  # at shutdown, for the replies being made
BUMP_SECONDS = 30.0  # shared: how often a page in use asks the store about its conversation
POLL_SECONDS = 2.0  # shared: a stream looks in the store this often if no wake-up came
KOMMUN = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")  # a municipality's id (its folder's name)
# Characters that change how the text around them is shown (bidi overrides, isolates):
# a person's line must not turn the rest of the transcript around.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True, slots=True)
class Refusal:
    """A request the chat does not take, with one short line for the person."""

    status: int  # 400, 403, 410, 429
    error: str  # limited, expired, too_long, empty, bad, origin
    text: str  # plain, in the page's language

    @property
    def html(self) -> str:
        return html.escape(self.text)

    def to_json(self) -> dict[str, str]:
        return {"error": self.error, "html": self.html}


def clean_text(text: str) -> str:
    """What the person wrote, without control characters (tabs become spaces, line breaks
    stay), lone surrogates or bidi overrides."""
    out = []
    for ch in text:
        if ch == "\n" or ch == " ":
            out.append(ch)
        elif ch == "\t":
            out.append(" ")
        elif ch in _BIDI or unicodedata.category(ch) in ("Cc", "Cs"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def entry_of(entry_id: int, data: dict[str, Any]) -> Entry:
    """An entry as the store keeps it (the page's JSON without the id)."""
    kind = data.get("kind")
    choices = tuple(Choice(str(c.get("label", "")), str(c.get("send", "")))
                    for c in data.get("choices", ()) if isinstance(c, dict))
    return Entry(entry_id, kind if kind in ("you", "bot", "notice") else "notice",
                 str(data.get("html", "")), bool(data.get("urgent")), choices,
                 str(data.get("lang", "sv")))


class ChatEngine:
    def __init__(self, settings: WebSettings, handle: Handle, clock: Clock,
                 shared: ChatStore | None = None) -> None:
        self.settings = settings
        self.handle = handle
        self.clock = clock
        self.shared = shared
        self.idle = dt.timedelta(minutes=settings.idle_minutes)
        # Shared: a process vouches for a conversation until this long before the expiry
        # it last read; after, it asks the store (which keeps it `idle` longer).
        self.bump = max(0.0, self.idle.total_seconds() - BUMP_SECONDS)
        # Shared: a stream also looks in the store at this pace (a lost wake-up).
        self.poll_seconds = POLL_SECONDS if shared is not None else None
        self.conversations = Conversations(clock, self.idle, settings.max_conversations)
        self.new_per_address = AddressLimit(clock, settings.new_conversations_per_hour)
        self.trusted = proxies(settings.trusted_proxies)
        self._tasks: set[asyncio.Task[Entry | None]] = set()

    # Languages: a page names one by code; anything unknown is Swedish.
    @staticmethod
    def language(code: object) -> Language:
        found = language(code) if isinstance(code, str) and len(code) <= 20 else None
        default = language("sv")
        assert default is not None
        return found or default

    def html_lang(self, code: str) -> str:
        return self.language(code).html_lang

    def refusal(self, status: int, error: str, lang: str) -> Refusal:
        # Keys written out in full (a search finds each use of a text).
        if error == "limited":
            text = t("web_limited", lang)
        elif error == "limited_new":
            error, text = "limited", t("web_limited_new", lang)
        elif error == "expired":
            text = t("web_expired", lang)
        elif error == "too_long":
            text = t("web_too_long", lang, limit=self.settings.max_text)
        elif error == "empty":
            text = t("web_empty", lang)
        elif error == "error":
            text = t("web_error", lang)
        else:
            text = t("web_bad", lang)
        log.info("web: refused (%s)", error)  # the kind only: never text, token or address
        return Refusal(status, error, text)

    @staticmethod
    def kommun(value: object) -> str | None:
        """The municipality id a page gives (`?kommun=dorotea`), if it is one's shape; the
        core decides whether the area has it."""
        return value if isinstance(value, str) and KOMMUN.fullmatch(value) else None

    async def start(self, address: str, lang: str, kommun: str | None = None
                    ) -> Conversation | Refusal:
        """A new conversation for a page at `address` (counted, never kept)."""
        if not self.new_per_address.take(address):
            return self.refusal(429, "limited_new", lang)
        conversation = self.conversations.create(lang, self.kommun(kommun))
        if self.shared is not None:
            await self.shared.open_chat(
                conversation.cid, {"lang": lang, "kommun": conversation.kommun}, self.idle)
            conversation.until = self.clock.now().timestamp() + self.idle.total_seconds()
        log.info("web: conversation started (%d open)", len(self.conversations))
        return conversation

    async def find(self, token: object, catch_up: bool = True) -> Conversation | None:
        """The conversation `token` names, marked as used now and caught up (shared: not
        with `catch_up` False, for a caller that reads no entries); None when there is
        none (never made, or forgotten)."""
        if self.shared is None:
            return self.conversations.get(token)
        if not token_ok(token):
            return None
        assert isinstance(token, str)
        conversation = self.conversations.get(token)
        now = self.clock.now().timestamp()
        # The store is asked only when what this process knows no longer vouches for the
        # conversation (a use elsewhere only ever keeps it longer), about twice a minute
        # for a page in use.
        if conversation is None or now > conversation.until - self.bump:
            used = await self.shared.use_chat(cid_of(token), self.idle)
            if used is None:
                self.conversations.drop(token)  # its streams here end
                return None
            meta, until = used
            if conversation is None:
                kommun = meta.get("kommun")
                conversation = self.conversations.adopt(
                    token, self.language(meta.get("lang")).code,
                    kommun if isinstance(kommun, str) else None)
            conversation.until = until.timestamp()
        if catch_up:
            await self.sync(conversation)
        return conversation

    async def by_cid(self, cid: str) -> Conversation | None:
        """For the courier: the core names a conversation by its cid."""
        if self.shared is None:
            return self.conversations.by_cid(cid)
        conversation = self.conversations.by_cid(cid)
        if conversation is not None:
            return conversation
        used = await self.shared.use_chat(cid, None)
        if used is None:
            return None
        meta = used[0]
        # Not served here: a copy to post into, found by nobody's token.
        kommun = meta.get("kommun")
        copy = Conversation("", self.language(meta.get("lang")).code, 0.0,
                            kommun if isinstance(kommun, str) else None)
        copy.cid = cid
        return copy

    async def sync(self, conversation: Conversation) -> None:
        """Shared: this process's copy catches up with the store (entries any process
        added). Nothing to do with one process."""
        if self.shared is None:
            return
        rows = await self.shared.entries_after(conversation.cid, conversation.next_id - 1)
        if rows:
            conversation.merge([(entry_of(i, data), seq) for i, seq, data in rows])

    def woken(self, cid: str) -> None:
        """Another process added to a conversation: the streams here look again."""
        conversation = self.conversations.by_cid(cid)
        if conversation is not None:
            conversation.stale = True
            conversation.wake()

    async def add(self, conversation: Conversation, kind: Literal["you", "bot", "notice"],
                  html_text: str, *, lang: str, urgent: bool = False,
                  choices: tuple[Choice, ...] = (), seq: int | None = None
                  ) -> tuple[Entry | None, int]:
        """Add an entry: (it, its id); (None, the id of the entry `seq` made) when the
        seq was taken before; (None, 0) when the conversation is gone."""
        if self.shared is None:
            known = None if seq is None else conversation.seqs.get(seq)
            if known is not None:
                return None, known
            entry = conversation.add(kind, html_text, lang=lang, urgent=urgent,
                                     choices=choices)
            if seq is not None:
                conversation.remember(seq, entry.id)
            return entry, entry.id
        data = Entry(0, kind, html_text, urgent, choices, lang).to_json()
        del data["id"]
        added = await self.shared.add_entry(conversation.cid, data, seq, BUFFER, urgent)
        if added is None:
            return None, 0
        entry_id, taken = added
        if taken:
            return None, entry_id
        entry = entry_of(entry_id, data)
        if entry_id == conversation.next_id:  # nothing else came in between
            conversation.merge([(entry, seq)])
        else:
            await self.sync(conversation)
        return entry, entry_id

    def check(self, text: object, lang: str) -> str | Refusal:
        """The text to send, or why not: not text, empty, too long."""
        if not isinstance(text, str):
            return self.refusal(400, "bad", lang)
        cleaned = clean_text(text)
        if not cleaned.strip():
            return self.refusal(400, "empty" if not text.strip() else "bad", lang)
        if len(cleaned) > self.settings.max_text:
            return self.refusal(400, "too_long", lang)
        return cleaned.strip()

    async def accept(self, conversation: Conversation, text: str, lang: str,
                     seq: int | None = None
                     ) -> tuple[int, asyncio.Task[Entry | None] | None] | Refusal:
        """Take a checked message: the id of the person's entry now, and the reply when
        it comes (the task's result: the bot's entry, or None); no task when `seq` was
        taken before (the id is its entry's)."""
        now = self.clock.now().timestamp()
        if not conversation.minute.take(now, self.settings.messages_per_minute, 60.0):
            return self.refusal(429, "limited", lang)
        entry, entry_id = await self.add(conversation, "you", you_html(text),
                                         lang=self.html_lang(lang), seq=seq)
        if entry is None:
            if entry_id:
                return entry_id, None
            return self.refusal(410, "expired", lang)
        task = asyncio.create_task(self._answer(conversation, text, lang))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return entry.id, task

    async def _answer(self, conversation: Conversation, text: str, lang: str) -> Entry | None:
        try:
            return await self._reply(conversation, text, lang)
        except Exception as exc:  # the store could not keep the reply (shared)
            log.error("web: reply not kept: %s", type(exc).__name__)
            return None

    async def _reply(self, conversation: Conversation, text: str, lang: str) -> Entry | None:
        async with conversation.handling():
            msg = IncomingMessage(
                transport=TRANSPORT, room=conversation.cid, sender=conversation.cid,
                text=text, is_direct=True, seen_by_others=False, time=self.clock.now(),
                prefer=lang, municipality=conversation.kommun)
            try:
                reply = await self.handle(msg)
            except Exception as exc:  # the core catches its own; this is a last resort
                log.error("web: handle failed: %s", type(exc).__name__)  # text may quote
                entry, _ = await self.add(conversation, "notice",
                                          html.escape(t("web_error", lang)),
                                          lang=self.html_lang(lang))
                return entry
            if reply is None:
                return None
            # A knowledge-base answer (a topic's) holds no resident's words: cached.
            cached = reply.topic_id is not None and reply.outcome in CACHED
            render = answer_html if cached else to_html
            entry, _ = await self.add(
                conversation, "bot", render(reply.text, t("wpg_new_window", reply.lang)),
                lang=self.html_lang(reply.lang),
                urgent=reply.outcome in URGENT, choices=reply.choices)
            return entry

    async def finish(self) -> None:
        """Let the replies being made land (shutdown); cancel what takes longer."""
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=FINISH_SECONDS)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
