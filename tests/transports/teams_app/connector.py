"""A local Bot Connector stand-in: what the Teams service does for a bot, on 127.0.0.1.

The SDK posts the bot's replies and the messages it starts to the `serviceUrl` of an
activity (or of a stored conversation reference): here, this server. It records every POST
and answers as the Connector does, `{"id": ...}` (and `{"id", "activityId"}` when a
conversation is created), so that a test counts what reached a conversation, and a bench
times when it arrived. Anything else the SDK asks for is recorded as unexpected and
answered 404, which a test can assert never happened.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

__all__ = ["Connector", "Posted"]


@dataclass(frozen=True, slots=True)
class Posted:
    """One activity the bot posted."""

    conversation: str  # from the path (a created conversation: the id we handed out)
    reply_to: str | None  # the activity id in the path (a reply, or the SDK's random id)
    body: dict[str, Any]
    id: str  # the id we answered with
    at: float = field(default=0.0)  # time.perf_counter() when it arrived (benches)

    @property
    def text(self) -> str:
        return str(self.body.get("text") or "")

    @property
    def cards(self) -> list[dict[str, Any]]:
        """The Adaptive Cards it carries."""
        return [a["content"] for a in self.body.get("attachments") or []
                if a.get("contentType") == "application/vnd.microsoft.card.adaptive"]

    def shown(self) -> str:
        """All the words a person sees: the text (Teams HTML read as characters) and every
        text block of every card."""
        words = [html.unescape(re.sub(r"<[^>]+>", "", self.text)).replace("\u2060", "")]
        for card in self.cards:
            words += _text_blocks(card.get("body") or [])
        return "\n".join(w for w in words if w)

    def actions(self) -> list[dict[str, Any]]:
        """Every Action.Submit of its cards, in order (nested ones included)."""
        found: list[dict[str, Any]] = []
        for card in self.cards:
            _collect_actions(card, found)
        return found


def _text_blocks(elements: list[Any]) -> list[str]:
    words: list[str] = []
    for element in elements:
        if not isinstance(element, dict):
            continue
        if element.get("type") == "TextBlock":
            words.append(str(element.get("text") or ""))
        if element.get("type") == "RichTextBlock":
            words.append("".join(str(i.get("text") or "") for i in element.get("inlines") or []
                                 if isinstance(i, dict)))
        for nested in ("items", "columns", "body"):
            words += _text_blocks(element.get(nested) or [])
        if element.get("type") == "FactSet":
            words += [f"{f.get('title', '')} {f.get('value', '')}"
                      for f in element.get("facts") or []]
    return words


def _collect_actions(node: Any, found: list[dict[str, Any]]) -> None:
    if isinstance(node, dict):
        if node.get("type") == "Action.Submit":
            found.append(node)
        for value in node.values():
            _collect_actions(value, found)
    elif isinstance(node, list):
        for value in node:
            _collect_actions(value, found)


class Connector:
    """The stand-in; `url` is what activities carry as serviceUrl (with a trailing /)."""

    def __init__(self) -> None:
        self.posted: list[Posted] = []
        self.created: list[dict[str, Any]] = []  # POST /v3/conversations bodies
        self._threads: dict[str, str] = {}  # created conversation -> the channel it is in
        self.unexpected: list[str] = []  # "METHOD path" of anything else
        self.authorizations: list[str | None] = []  # the Authorization header of each POST
        self.connections: set[Any] = set()  # the (address, port) each POST came from
        # Ids of the activities tests sent the bot: a post whose path names one is a reply
        # to it, any other one a message the bot started (proactive sends name a random id).
        self.incoming: set[str] = set()
        self._expected: dict[str, asyncio.Future[Posted]] = {}
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._activity)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}",
                            self._activity)
        app.router.add_route("*", "/{tail:.*}", self._other)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Connector:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def to(self, conversation: str) -> list[Posted]:
        """What was posted in one conversation (a channel: its threads too)."""
        return [p for p in self.posted
                if p.conversation == conversation
                or p.conversation.startswith(conversation + ";")
                or self._threads.get(p.conversation.partition(";")[0]) == conversation]

    def expect(self, activity_id: str) -> asyncio.Future[Posted]:
        """The first reply to `activity_id`, when it comes (call before posting it)."""
        future: asyncio.Future[Posted] = asyncio.get_running_loop().create_future()
        self._expected[activity_id] = future
        return future

    def started(self, conversation: str) -> list[Posted]:
        """What the bot sent on its own in one conversation (not a reply to anything)."""
        return [p for p in self.to(conversation) if p.reply_to not in self.incoming]

    async def wait_until(self, ready: Callable[[], Any], within: float = 20.0) -> Any:
        """Until `ready()` is truthy (checked on every POST); its value. TimeoutError,
        naming what was posted meanwhile, when it never is."""
        async def waiting() -> Any:
            async with self._changed:
                while not (value := ready()):
                    await self._changed.wait()
                return value
        try:
            return await asyncio.wait_for(waiting(), within)
        except TimeoutError:
            seen = [(p.conversation, p.text[:60]) for p in self.posted]
            raise TimeoutError(f"not posted within {within} s; posted: {seen}") from None

    async def _record(self, request: web.Request, conversation: str,
                      reply_to: str | None) -> Posted:
        raw = await request.read()
        self.authorizations.append(request.headers.get("Authorization"))
        peer = request.transport.get_extra_info("peername") if request.transport else None
        self.connections.add(tuple(peer) if peer else None)
        body = json.loads(raw) if raw else {}
        posted = Posted(conversation, reply_to, body, f"act-{next(self._ids)}",
                        time.perf_counter())
        async with self._changed:
            self.posted.append(posted)
            self._changed.notify_all()
        waiting = self._expected.pop(reply_to or "", None)
        if waiting is not None and not waiting.done():
            waiting.set_result(posted)
        return posted

    async def _activity(self, request: web.Request) -> web.Response:
        posted = await self._record(request, request.match_info["conversation"],
                                    request.match_info.get("activity"))
        return web.json_response({"id": posted.id})

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.created.append(body)
        conversation = f"created-{len(self.created)}"
        channel = ((body.get("channelData") or {}).get("channel") or {}).get("id")
        if channel:  # a new thread in a channel
            self._threads[conversation] = str(channel)
        activity = body.get("activity")
        posted_id = ""
        if isinstance(activity, dict):  # the first message rides along with the create
            posted = Posted(conversation, None, activity, f"act-{next(self._ids)}",
                            time.perf_counter())
            posted_id = posted.id
            async with self._changed:
                self.posted.append(posted)
                self._changed.notify_all()
        else:
            async with self._changed:
                self._changed.notify_all()
        return web.json_response({"id": conversation, "activityId": posted_id})

    async def _other(self, request: web.Request) -> web.Response:
        self.unexpected.append(f"{request.method} {request.path}")
        return web.Response(status=404)
