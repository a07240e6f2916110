"""The web chat on the bot's own HTTP server: `WebChat(settings, handle, clock)`, attached
to the aiohttp application that also serves /healthz and /metrics.

Routes (base "/chat"):
  GET  /chat                     the page (?lang, ?embed=1, ?c=TOKEN)
  GET  /chat/tillganglighet      the accessibility statement
  GET  /chat/widget.js           the embed script; GET /chat/static/{name} its files
  POST /chat/api/conversations   a new conversation          (api.py)
  POST /chat/api/messages        a message                   (api.py)
  GET  /chat/api/events          the event stream            (sse.py)
  POST /chat/send                the no-JS form              (api.py, front.py)

Every /chat response gets the security headers (guard.py) as it is prepared, whatever
made it (a handler, a 404, aiohttp's own 405). The courier lets the bot post into a live
conversation (a room only: a web page has no person to find later).

With `shared` (a `ChatStore`: shared_state on with "web"), the conversations live in the
store and any process serves any request of a page (engine.py); without, in memory.
"""

from __future__ import annotations

import logging

from aiohttp import web

from bot.config import WebSettings
from bot.core.clock import Clock
from bot.core.messages import Choice
from bot.core.ports import ChatStore, Handle
from bot.transports.webchat.api import Api
from bot.transports.webchat.conversations import Conversations
from bot.transports.webchat.engine import TRANSPORT, ChatEngine
from bot.transports.webchat.front import Front
from bot.transports.webchat.guard import csp, secure
from bot.transports.webchat.render import to_html
from bot.transports.webchat.sse import Streams

__all__ = ["WebChat", "WebCourier"]

log = logging.getLogger(__name__)


class WebCourier:
    """Messages the bot starts, into a conversation whose page may be listening."""

    def __init__(self, engine: ChatEngine) -> None:
        self._engine = engine

    async def to_room(self, room: str, markdown: str, choices: tuple[Choice, ...] = ()
                      ) -> bool:
        # Without the buttons: a message the bot starts answers nothing on the page.
        conversation = await self._engine.by_cid(room)
        if conversation is None:
            return False  # forgotten, or never here
        entry, _ = await self._engine.add(conversation, "bot", to_html(markdown),
                                          lang=self._engine.html_lang(conversation.lang))
        return entry is not None

    async def to_user(self, user: str, markdown: str, choices: tuple[Choice, ...] = ()
                      ) -> bool:
        return False  # a web page has no address to reach later

    def members(self, room: str) -> frozenset[str]:
        return frozenset()


class WebChat:
    name = TRANSPORT

    def __init__(self, settings: WebSettings, handle: Handle, clock: Clock,
                 base: str = "/chat", shared: ChatStore | None = None) -> None:
        self.settings = settings
        self.base = base.rstrip("/")
        self.engine = ChatEngine(settings, handle, clock, shared)
        self.courier = WebCourier(self.engine)
        self._api = Api(self.engine)
        self._streams = Streams(self.engine)
        self._front = Front(self.engine, self._api, self.base)
        self._policy = csp(settings)

    @property
    def conversations(self) -> Conversations:
        return self.engine.conversations

    @property
    def connected(self) -> bool:
        return True  # each page connects on its own: there is no connection to lose

    @property
    def open_streams(self) -> int:
        return len(self._streams)

    def attach(self, app: web.Application) -> None:
        base, router = self.base, app.router
        router.add_get(base, self._front.chat)
        router.add_get(f"{base}/tillganglighet", self._front.statement)
        router.add_get(f"{base}/widget.js", self._front.widget)
        router.add_get(f"{base}/static/{{name}}", self._front.static)
        router.add_post(f"{base}/api/conversations", self._api.conversations)
        router.add_post(f"{base}/api/messages", self._api.messages)
        router.add_get(f"{base}/api/events", self._streams.events)
        router.add_post(f"{base}/send", self._front.send)
        app.on_response_prepare.append(self._headers)
        app.on_startup.append(self._startup)
        app.on_shutdown.append(self._shutdown)  # open streams would hold the server
        app.on_cleanup.append(self._cleanup)

    async def _headers(self, request: web.Request, response: web.StreamResponse) -> None:
        path = request.path
        if path == self.base or path.startswith(self.base + "/"):
            secure(response, self._policy)

    def drop_streams(self) -> int:
        """End every open event stream (as a lost connection does); how many there were."""
        return self._streams.drop()

    async def start(self) -> None:
        """Shared: hear other processes' entries (the store's notifications)."""
        if self.engine.shared is not None:
            await self.engine.shared.listen(self.engine.woken)

    async def _startup(self, app: web.Application) -> None:
        await self.start()

    async def _shutdown(self, app: web.Application) -> None:
        self.drop_streams()

    async def _cleanup(self, app: web.Application) -> None:
        await self.close()

    async def close(self) -> None:
        """End the streams, let the replies being made land, forget every conversation."""
        self.drop_streams()
        await self.engine.finish()
        self.engine.conversations.close()
        if self.engine.shared is not None:
            await self.engine.shared.close()
