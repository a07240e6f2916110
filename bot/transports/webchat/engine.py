"""The web chat without HTTP: start a conversation, take a message, run it to its reply.

Every route (the JSON API, the event stream, the no-JS form) comes through here, so the
rules are the same for all: the same limits, the same checks of the text, the same order
of replies. A message is handled in a task of its own, after the conversation's previous
one (one lock a conversation, first come first served), so the POST that sent it is
answered at once and the reply reaches the page through the event stream.

The core sees a web conversation as a private one (`is_direct`, nobody reads along) whose
room and sender are the conversation's cid, never the token or the address.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
import re
import unicodedata
from dataclasses import dataclass

from bot.config import WebSettings
from bot.core.clock import Clock
from bot.core.messages import IncomingMessage, Outcome
from bot.core.ports import Handle
from bot.core.texts import Language, language, t
from bot.transports.webchat.conversations import Conversation, Conversations
from bot.transports.webchat.limits import AddressLimit, proxies
from bot.transports.webchat.render import answer_html, to_html, you_html
from bot.transports.webchat.view import Entry

__all__ = ["TRANSPORT", "URGENT", "ChatEngine", "Refusal"]

log = logging.getLogger(__name__)

TRANSPORT = "web"
URGENT = (Outcome.EMERGENCY, Outcome.DISTRESS)
CACHED = (Outcome.ANSWERED, Outcome.SUGGESTED)
FINISH_SECONDS = 10.0  # at shutdown, for the replies being made
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


class ChatEngine:
    def __init__(self, settings: WebSettings, handle: Handle, clock: Clock) -> None:
        self.settings = settings
        self.handle = handle
        self.clock = clock
        self.conversations = Conversations(
            clock, dt.timedelta(minutes=settings.idle_minutes), settings.max_conversations)
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

    def start(self, address: str, lang: str, kommun: str | None = None
              ) -> Conversation | Refusal:
        """A new conversation for a page at `address` (counted, never kept)."""
        if not self.new_per_address.take(address):
            return self.refusal(429, "limited_new", lang)
        conversation = self.conversations.create(lang, self.kommun(kommun))
        log.info("web: conversation started (%d open)", len(self.conversations))
        return conversation

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

    def accept(self, conversation: Conversation, text: str, lang: str,
               seq: int | None = None) -> tuple[Entry, asyncio.Task[Entry | None]] | Refusal:
        """Take a checked message: the person's entry now, the reply when it comes (the
        task's result: the bot's entry, or None)."""
        now = self.clock.now().timestamp()
        if not conversation.minute.take(now, self.settings.messages_per_minute, 60.0):
            return self.refusal(429, "limited", lang)
        html_lang = self.html_lang(lang)
        entry = conversation.add("you", you_html(text), lang=html_lang)
        if seq is not None:
            conversation.remember(seq, entry.id)
        task = asyncio.create_task(self._answer(conversation, text, lang))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return entry, task

    async def _answer(self, conversation: Conversation, text: str, lang: str) -> Entry | None:
        async with conversation.handling():
            msg = IncomingMessage(
                transport=TRANSPORT, room=conversation.cid, sender=conversation.cid,
                text=text, is_direct=True, seen_by_others=False, time=self.clock.now(),
                prefer=lang, municipality=conversation.kommun)
            try:
                reply = await self.handle(msg)
            except Exception as exc:  # the core catches its own; this is a last resort
                log.error("web: handle failed: %s", type(exc).__name__)  # text may quote
                return conversation.add("notice", html.escape(t("web_error", lang)),
                                        lang=self.html_lang(lang))
            if reply is None:
                return None
            # A knowledge-base answer (a topic's) holds no resident's words: cached.
            cached = reply.topic_id is not None and reply.outcome in CACHED
            render = answer_html if cached else to_html
            return conversation.add(
                "bot", render(reply.text, t("wpg_new_window", reply.lang)),
                lang=self.html_lang(reply.lang),
                urgent=reply.outcome in URGENT, choices=reply.choices)

    async def finish(self) -> None:
        """Let the replies being made land (shutdown); cancel what takes longer."""
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=FINISH_SECONDS)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
