"""The event stream a page listens on: GET {base}/api/events?token=T&after=N.

Server-Sent Events: the browser's EventSource reconnects by itself and sends the id of the
last event it received as `Last-Event-ID`, so a page that lost its connection (a phone
asleep, a network change) is sent every entry after max(after, Last-Event-ID), each once,
and then the live ones. The person's own lines come too, so a reloaded page rebuilds its
transcript from the stream. A comment line every `ping_seconds` keeps proxies from closing
a quiet stream and finds a page that left.

Shared (engine.py): the entries may be added by another process; the stream catches up
from the store when woken (the store's notification) and at least every `poll_seconds`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field

from aiohttp import web

from bot.transports.webchat.conversations import Conversation
from bot.transports.webchat.engine import ChatEngine
from bot.transports.webchat.guard import json_response, origin_ok
from bot.transports.webchat.view import Entry

__all__ = ["Streams", "frame"]

log = logging.getLogger(__name__)

HEADERS = {"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store",
           "X-Accel-Buffering": "no"}
PING = b": ping\n\n"


def frame(entry: Entry) -> str:
    # json.dumps writes no line break: the whole entry is one `data:` line.
    return (f"id: {entry.id}\nevent: entry\n"
            f"data: {json.dumps(entry.to_json(), ensure_ascii=False)}\n\n")


def _number(value: str | None) -> int:
    if value is None or not value.strip().isdigit() or len(value.strip()) > 15:
        return 0
    return int(value.strip())


@dataclass(eq=False, slots=True)
class _Stream:
    conversation: Conversation
    dropped: bool = False
    done: asyncio.Event = field(default_factory=asyncio.Event)


class Streams:
    def __init__(self, engine: ChatEngine) -> None:
        self.engine = engine
        self._open: set[_Stream] = set()

    def __len__(self) -> int:
        return len(self._open)

    def drop(self) -> int:
        """End every open stream (shutdown; tests of a lost connection): each page's
        EventSource reconnects by itself."""
        streams = list(self._open)
        for stream in streams:
            stream.dropped = True
            stream.conversation.wake()
        return len(streams)

    async def wait_closed(self) -> None:
        await asyncio.gather(*(s.done.wait() for s in list(self._open)))

    async def events(self, request: web.Request) -> web.StreamResponse:
        engine = self.engine
        lang = engine.language(request.query.get("lang")).code
        if not origin_ok(engine.settings, request):
            return json_response(engine.refusal(403, "origin", lang).to_json(), 403)
        conversation = await engine.find(request.query.get("token"))
        if conversation is None:
            return json_response(engine.refusal(410, "expired", lang).to_json(), 410)
        last = max(_number(request.query.get("after")),
                   _number(request.headers.get("Last-Event-ID")))
        response = web.StreamResponse(headers=HEADERS)
        stream = _Stream(conversation)
        self._open.add(stream)
        try:
            await response.prepare(request)
            await response.write(f"retry: {engine.settings.retry_ms}\n\n".encode())
            await self._follow(request, response, stream, last)
        except ConnectionError:  # the page left: nothing to say to anyone
            pass
        finally:
            self._open.discard(stream)
            stream.done.set()
        return response

    async def _follow(self, request: web.Request, response: web.StreamResponse,
                      stream: _Stream, last: int) -> None:
        conversation = stream.conversation
        engine = self.engine
        ping = engine.settings.ping_seconds
        loop = asyncio.get_running_loop()
        pinged = loop.time()
        look = True  # shared: catch up from the store (at the start, after a quiet wait)
        while not (stream.dropped or conversation.closed):
            changed = conversation.waiter()  # before reading: nothing slips in between
            if look or conversation.stale:  # what other processes added
                look = conversation.stale = False
                await engine.sync(conversation)
            entries = conversation.after(last)
            if entries:
                await response.write("".join(frame(e) for e in entries).encode())
                last = entries[-1].id
                pinged = loop.time()  # a ping is for a quiet stream
                continue
            transport = request.transport
            if transport is None or transport.is_closing():
                return
            # Shared: a look in the store now and then, should a wake-up have been lost.
            wait = max(0.0, pinged + ping - loop.time())
            if engine.poll_seconds is not None:
                wait = min(wait, engine.poll_seconds)
            try:
                await asyncio.wait_for(changed.wait(), wait)
            except TimeoutError:
                look = True
                if loop.time() < pinged + ping:
                    continue
                pinged = loop.time()
                # A page that listens is using its conversation: it is not forgotten.
                if await engine.find(conversation.token, catch_up=False) is None:
                    return
                await response.write(PING)
