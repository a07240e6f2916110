"""Microsoft Teams outgoing webhooks: a person @mentions the bot in a channel, Teams POSTs a
Bot Framework Activity signed with HMAC-SHA256, and the answer goes back in the response.

Decisions:
- The header is checked before the body is read; the signature over the raw body before
  it is parsed. Every refusal has an empty body and the same generic Server header.
- An activity that is not a message (Teams sends only messages to outgoing webhooks) gets
  200 with an empty message, so that nothing is posted and Teams reports no error.
- A handle that misses the deadline is not cancelled: it may be saving a confirmed
  feedback entry, and cutting it off half-way would leave the dialogue in a state the
  person cannot see. It finishes in the background; the person is asked to try again.
- A replayed request (the same signed body again) is answered with an empty message and
  never reaches the core; one stamped outside the replay window gets 400 (see replay.py).
- JSON nested too deeply for the parser is a 400 like any other malformed body; ids that
  are not printable text (control characters, lone surrogates) or absurdly long are too.
- The reply's Markdown is rendered to HTML here (teams_text.py), so that residents' text
  in it stays text: no markup, link or `<at>` mention comes of it.
- It registers no courier with the Outbox: a webhook can only answer the request it was
  sent, never start a message. So the core promises nobody here an answer later (a
  teacher's request is followed with /mina), and a staff room on Teams gets no notices.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import logging
import time
from typing import Any

from aiohttp import web

from bot.config import TeamsSettings
from bot.core.clock import Clock
from bot.core.messages import IncomingMessage
from bot.core.ports import Handle
from bot.core.texts import both
from bot.transports.body import TooLarge, read_body
from bot.transports.replay import ReplayGuard, Seen
from bot.transports.teams_text import plain_text, to_teams_html

log = logging.getLogger(__name__)

# aiohttp would name itself and its version in the Server header otherwise.
HEADERS = {"Server": "webhook"}
# They answer before the core has read the message, so the person's language is unknown.
TIMEOUT_TEXT = both("teams_late")  # Markdown, as the core's replies
ERROR_TEXT = both("teams_error")
MAX_ID = 1024  # Teams' ids are under 200 characters
MAX_STAMP = 64


class _Refused(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


def sign(key: bytes, body: bytes) -> str:
    """The Authorization header Teams sends for `body` (also used by tests and the bench)."""
    return "HMAC " + base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()


def _message(markdown: str) -> web.Response:
    return web.json_response({"type": "message", "textFormat": "xml",
                              "text": to_teams_html(markdown)}, headers=HEADERS)


def _identifier(value: Any) -> str | None:
    """An id as Teams sends it, or None for anything else (not text, empty, control
    characters or lone surrogates that no store could keep, absurd lengths)."""
    if isinstance(value, str) and 0 < len(value) <= MAX_ID and value.isprintable():
        return value
    return None


def _stamp(value: Any) -> dt.datetime | None:
    """The activity's own UTC timestamp, when it has a readable one with a zone."""
    if not isinstance(value, str) or len(value) > MAX_STAMP:
        return None
    try:
        stamped = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamped if stamped.tzinfo is not None else None


class TeamsWebhook:
    def __init__(self, settings: TeamsSettings, handle: Handle, clock: Clock) -> None:
        try:
            self._key = base64.b64decode(settings.secret, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("teams.secret: not a base64 security token "
                             "(copy it as Teams showed it)") from None
        if not self._key:
            raise ValueError("teams.secret: empty after base64 decoding")
        self._settings = settings
        self._handle = handle
        # The injected clock stamps each message and judges replays: a message's time is
        # the bot's time (tests, a replayed day), never the wall clock read here.
        self._clock = clock
        self._replays = ReplayGuard(self._clock)
        self._late: set[asyncio.Task[Any]] = set()  # handles that missed the deadline

    @property
    def connected(self) -> bool:
        return True  # each request stands alone: there is no connection to lose

    def attach(self, app: web.Application) -> None:
        app.router.add_post(self._settings.path, self._post)
        app.on_cleanup.append(self._finish_late)

    async def _post(self, request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        try:
            response: web.StreamResponse = await self._answer(request)
        except _Refused as refused:
            response = web.Response(status=refused.status, headers=HEADERS)
            if refused.status == 413:
                response.force_close()  # the rest of the body is not worth reading
        # Status and time only: never the body, the sender or the room.
        log.info("teams request status=%d ms=%.1f", response.status,
                 (time.perf_counter() - started) * 1000)
        return response

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        expected = self._signature(request.headers.get("Authorization", ""))
        body = await self._read(request)
        actual = hmac.new(self._key, body, hashlib.sha256).digest()
        if not hmac.compare_digest(actual, expected):
            raise _Refused(401)
        incoming = self._incoming(body)
        if incoming is None:
            return _message("")
        msg, stamped = incoming
        seen = self._replays.check(body, stamped)
        if seen is Seen.STALE:
            log.warning("teams request refused: its timestamp is outside the replay window "
                        "(a replay, or this server's clock is wrong)")
            raise _Refused(400)
        if seen is Seen.REPLAY:
            log.warning("teams request replayed: ignored")
            return _message("")
        task = asyncio.ensure_future(self._handle(msg))
        try:
            # shield: on timeout the handle goes on (see the module's docstring).
            reply = await asyncio.wait_for(asyncio.shield(task), self._settings.reply_seconds)
        except TimeoutError:
            self._late.add(task)
            task.add_done_callback(self._late_done)
            log.warning("teams reply late: answered with the try-again text")
            return _message(TIMEOUT_TEXT)
        except Exception as exc:  # the core catches its own; this is a last resort
            log.error("teams handle failed: %s", type(exc).__name__)  # its text may quote
            return _message(ERROR_TEXT)
        return _message(reply.text if reply is not None else "")

    @staticmethod
    def _signature(header: str) -> bytes:
        scheme, _, value = header.partition(" ")
        if scheme != "HMAC" or not value:
            raise _Refused(401)
        try:
            return base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise _Refused(401) from None

    async def _read(self, request: web.Request) -> bytes:
        try:
            return await read_body(request, self._settings.max_body_bytes)
        except TooLarge:
            raise _Refused(413) from None

    def _incoming(self, body: bytes) -> tuple[IncomingMessage, dt.datetime | None] | None:
        try:
            activity = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):  # deep nesting: Recursion
            raise _Refused(400) from None
        if not isinstance(activity, dict):
            raise _Refused(400)
        if activity.get("type") != "message":
            return None
        text = activity.get("text")
        sender = activity.get("from")
        conversation = activity.get("conversation")
        if not (isinstance(text, str) and isinstance(sender, dict)
                and isinstance(conversation, dict)):
            raise _Refused(400)
        sender_id = _identifier(sender.get("aadObjectId") or sender.get("id"))
        room = _identifier(conversation.get("id"))
        if sender_id is None or room is None:
            raise _Refused(400)
        # A channel post's id carries its thread ("19:…@thread.tacv2;messageid=17…"). The
        # room is the channel, so one person's dialogue goes on in any of its threads.
        room, _, thread = room.partition(";messageid=")
        msg = IncomingMessage(
            transport="teams", room=room, sender=sender_id, text=plain_text(text),
            # Every webhook call is addressed to the bot, and a dialogue (feedback, a
            # session request) must continue across one person's messages, which a group
            # room would refuse: so each call counts as a direct conversation.
            is_direct=True, addressed=True, seen_by_others=True,
            event_id=_identifier(activity.get("id")), thread=thread or None,
            time=self._clock.now())
        return msg, _stamp(activity.get("timestamp"))

    def _late_done(self, task: asyncio.Task[Any]) -> None:
        self._late.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("teams late handle failed: %s", type(task.exception()).__name__)

    async def _finish_late(self, app: web.Application) -> None:
        """On shutdown, late handles get one more deadline to finish, then are cancelled."""
        if self._late:
            _, pending = await asyncio.wait(set(self._late), timeout=self._settings.reply_seconds)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)


__all__ = ["TeamsWebhook", "plain_text", "sign"]
