"""Bot.handle: an IncomingMessage in, a Reply (or silence) out, the same for every transport."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import time
import traceback
from collections.abc import Awaitable, Callable, Sequence

from bot.core.clock import Clock
from bot.core.conversation_state import ConversationState, Held, Key, MemoryState, Stateful
from bot.core.locks import KeyedLocks
from bot.core.messages import IncomingMessage, Lang, Outcome, Reply
from bot.core.metrics import Metrics
from bot.core.texts import language, t
from bot.core.turn import Handler, Turn
from bot.text.lang import base, speaking
from bot.text.language import detect
from bot.text.normalize import fold, strip_control

log = logging.getLogger(__name__)

MAX_CHARS = 4000
# On a page with a language of its own (IncomingMessage.prefer), the person's message must
# show this much more of the other language to be answered in it: "hej" on an English page
# stays English, "vad har polisen lovat" does not.
PAGE_HOLDS = 1.5
# Sees every reply before it leaves, with the turn it answers (the dialogue adds the way
# back to an interrupted question). Must not raise; one that does is logged and skipped.
After = Callable[[Turn, Reply], Reply]
# Work a feature does once a day on its own (reminders, a monthly draft), given the day.
Daily = Callable[[dt.date], Awaitable[None]]


# The conversation state keeps the last event ids it handled (hashed), for as long as a
# transport may send one again, so that one sent again to another process is not handled
# twice (a second feedback row).
EVENTS = "events"
KEEP_EVENTS = 20
EVENTS_FOR = dt.timedelta(minutes=10)


def _event(event_id: str) -> str:
    return hashlib.sha256(event_id.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def _events(saved: dict[str, Held], now: dt.datetime) -> Held:
    held = saved.get(EVENTS)
    if held is None or held[1] < now:
        return ([], now)
    return (list(held[0]), held[1])


class Bot:
    """Runs a message through the pipeline in order; the first step that replies wins.

    `unaddressed` are the steps that also see group-room messages that were not meant for
    the bot (safety: a cry for help gets 112 wherever it is written).

    Each conversation is handled one message at a time (a lock per conversation key that
    exists only while a message of it is being handled), so that a dialogue's state is
    never changed by two messages at once, and memory does not grow with every sender."""

    def __init__(
        self,
        pipeline: Sequence[Handler],
        clock: Clock,
        *,
        unaddressed: Sequence[Handler] = (),
        after: Sequence[After] = (),
        default_lang: Lang = "sv",
        max_chars: int = MAX_CHARS,
        metrics: Metrics | None = None,
        on_error: Callable[[Exception], None] | None = None,
        state: ConversationState | None = None,
        stateful: Sequence[Stateful] = (),
    ) -> None:
        self.metrics = metrics
        self.on_error = on_error
        # Work features finish in the background (counts being written): awaited by close().
        self.closers: list[Callable[[], Awaitable[None]]] = []
        # What features do once a day (features.daily runs them from the clock).
        self.daily: list[Daily] = []
        self.pipeline = list(pipeline)
        self.unaddressed = list(unaddressed)
        self.after = list(after)
        self.locks = KeyedLocks()
        # Where conversations' state lives between messages: in the components (one
        # process, the default), or in the store, restored and saved around each turn.
        self.state: ConversationState = state or MemoryState()
        self.stateful = list(stateful)
        names = [s.state_name for s in self.stateful]
        if len(set(names)) != len(names):
            raise ValueError(f"two stateful components share a name: {names}")
        self.clock = clock
        self.default_lang = default_lang
        self.max_chars = max_chars

    async def close(self) -> None:
        """Let background work finish; call before the store closes."""
        for closer in self.closers:
            await closer()

    async def handle(self, msg: IncomingMessage) -> Reply | None:
        started = time.perf_counter()
        async with self.locks.hold(msg.conversation):
            if self.state.shares(msg.transport):
                reply = await self._shared(msg)
            else:
                reply = await self._handle(msg)
        if reply is not None:
            reply = dataclasses.replace(reply, reply_to=msg.event_id, thread=msg.thread)
            elapsed = time.perf_counter() - started
            # Never the body or the sender: only what kind of answer it was.
            log.info("handled transport=%s outcome=%s topic=%s ms=%.2f", msg.transport,
                     reply.outcome, reply.topic_id or "-", elapsed * 1000)
            if self.metrics is not None:
                self.metrics.messages.labels(msg.transport, reply.outcome.value).inc()
                self.metrics.latency.labels(msg.transport).observe(elapsed)
        return reply

    async def _shared(self, msg: IncomingMessage) -> Reply | None:
        """A turn whose conversation's state lives in the store: under its lock (across
        processes), the components get the conversation's state, the pipeline runs, and
        what changed is saved; the components then forget it, so a process holds only the
        conversations it is handling. A message (by event id) that was handled already,
        here or in another process, is not handled again."""
        key = msg.conversation
        try:
            async with self.state.hold(key) as slot:
                saved = await slot.load() or {}
                events = _events(saved, self.clock.now())
                if msg.event_id is not None and _event(msg.event_id) in events[0]:
                    log.info("handled already: transport=%s", msg.transport)
                    return None
                self._restore(key, saved)
                try:
                    reply = await self._handle(msg)
                    parts = self._snapshot(key)
                finally:
                    for component in self.stateful:
                        component.restore(key, None)
                if msg.event_id is not None:
                    parts[EVENTS] = ([*events[0][-(KEEP_EVENTS - 1):], _event(msg.event_id)],
                                     self.clock.now() + EVENTS_FOR)
                elif events[0]:
                    parts[EVENTS] = events
                if parts != saved:
                    await slot.save(parts)
                return reply
        except Exception as exc:  # the state could not be read or kept: nothing half-done
            log.error("conversation state failed: %s", type(exc).__name__)
            if self.on_error is not None:
                self.on_error(exc)
            lang = msg.lang or self.default_lang
            return Reply(t("error", lang), Outcome.INVALID, lang)

    def _restore(self, key: Key, saved: dict[str, Held]) -> None:
        for component in self.stateful:
            try:
                component.restore(key, saved.get(component.state_name))
            except Exception as exc:  # kept by another version: that part is forgotten
                log.warning("conversation state of %s unreadable: %s", component.state_name,
                            type(exc).__name__)
                component.restore(key, None)

    def _snapshot(self, key: Key) -> dict[str, Held]:
        parts: dict[str, Held] = {}
        for component in self.stateful:
            held = component.snapshot(key)
            if held is not None:
                parts[component.state_name] = held
        return parts

    async def _handle(self, msg: IncomingMessage) -> Reply | None:
        raw = msg.text if isinstance(msg.text, str) else ""
        addressed = msg.is_direct or msg.addressed
        page = self._page(msg)
        lang = msg.lang or page
        text = strip_control(raw).strip() if len(raw) <= self.max_chars else ""
        refusal = self._refusal(raw, text, lang)
        if refusal is not None and not addressed:
            return None
        folded = fold(text)  # once a turn: the steps read turn.folded and turn.words
        lang = msg.lang or self._language(msg, text, folded, page)
        turn = Turn(msg=msg, text=text, lang=lang, now=self.clock.now(), given_fold=folded)
        reply = refusal or await self._run(turn, addressed)
        if reply is None:
            return None
        for hook in self.after:
            try:
                reply = hook(turn, reply)
            except Exception as exc:  # the reply goes out as it is
                log.error("after-hook failed: %s", type(exc).__name__)
        return reply

    def _page(self, msg: IncomingMessage) -> Lang:
        """The language to answer in unless the message tells another: the page's
        (`prefer`, as a ReplyLang for "sv-lattlast" or "sma" when their catalogue exists),
        else the bot's default."""
        if msg.prefer is None:
            return self.default_lang
        return speaking(msg.prefer) if language(msg.prefer) is not None else base(msg.prefer)

    def _language(self, msg: IncomingMessage, text: str, folded: str, page: Lang) -> Lang:
        """The reply language: the one the message clearly reads as, else the page's. A
        lättläst or South Sami page answers a Swedish message in its own language."""
        if msg.prefer is None:
            return detect(text, self.default_lang, words=folded.split())
        read = detect(text, base(page), words=folded.split(), margin=PAGE_HOLDS)
        return page if read == page else read

    def _refusal(self, raw: str, text: str, lang: Lang) -> Reply | None:
        """The answer to a message that cannot be read as one: too long, empty, garbled."""
        if len(raw) > self.max_chars:
            return Reply(t("too_long", lang, size=len(raw), limit=self.max_chars),
                         Outcome.INVALID, lang)
        if not text:
            return Reply(t("unreadable" if raw.strip() else "empty", lang), Outcome.INVALID,
                         lang)
        if text.count("\ufffd") * 4 > len(text):
            return Reply(t("unreadable", lang), Outcome.INVALID, lang)
        return None

    async def _run(self, turn: Turn, addressed: bool) -> Reply | None:
        steps = self.pipeline if addressed else self.unaddressed
        try:
            for step in steps:
                reply = await step(turn)
                if reply is not None:
                    for change in turn.amend:
                        reply = change(reply)
                    return reply
        except Exception as exc:  # one path for every failure to reach the user
            # The exception's text may quote the message, so log only where it happened.
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            log.error("handler failed: %s at %s:%s", type(exc).__name__,
                      frame.filename, frame.lineno)
            if self.on_error is not None:
                self.on_error(exc)
            return Reply(t("error", turn.lang), Outcome.INVALID, turn.lang)
        return None
