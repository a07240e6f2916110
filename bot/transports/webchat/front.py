"""The web chat's pages and files: the chat page, the accessibility statement, the embed
script and the static files, all served by the bot (no third party is ever asked).

The page with `?c=TOKEN` shows its conversation rendered here, so it works without
JavaScript and paints at once; the templates are pages.py's (imported when first needed).
Static files are read once; with `?v=…` (their hash, from the page) they may be cached for
long, without it the browser asks again (ETag). The embed script is cached briefly: a
municipality's page keeps its one script tag while the bot is updated.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from aiohttp import web

from bot.core.texts import languages
from bot.transports.webchat.api import Api, FormResult
from bot.transports.webchat.engine import ChatEngine
from bot.transports.webchat.view import ChatView, LanguageLink

__all__ = ["Front"]

STATIC = Path(__file__).resolve().parent / "static"
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*\.(?:js|css|svg|png|ico|woff2)")
TYPES = {"js": "text/javascript", "css": "text/css", "svg": "image/svg+xml",
         "png": "image/png", "ico": "image/x-icon", "woff2": "font/woff2"}
LONG = "public, max-age=31536000, immutable"


class Front:
    def __init__(self, engine: ChatEngine, api: Api, base: str) -> None:
        self.engine = engine
        self.api = api
        self.base = base
        self._files: dict[str, tuple[bytes, str]] = {}

    async def view(self, lang_code: str | None, *, token: str | None = None, embed: bool = False,
             notice: str | None = None, draft: str = "", kommun: str | None = None
             ) -> ChatView:
        lang = self.engine.language(lang_code)
        conversation = await self.engine.find(token) if token else None
        if token and conversation is None and notice is None:
            notice = self.engine.refusal(410, "expired", lang.code).text
        links = tuple(LanguageLink(each.code, each.name, each.html_lang, each.code == lang.code)
                      for each in languages())
        return ChatView(
            lang=lang.code, html_lang=lang.html_lang, languages=links,
            token=conversation.token if conversation else None,
            entries=tuple(conversation.entries) if conversation else (),
            urgent=conversation.urgent if conversation else None, embed=embed,
            notice=notice, base=self.base, draft=draft,
            max_text=self.engine.settings.max_text,
            kommun=conversation.kommun if conversation else self.engine.kommun(kommun))

    @staticmethod
    def _html(page: str, status: int = 200) -> web.Response:
        return web.Response(status=status, text=page, content_type="text/html",
                            charset="utf-8")

    async def chat(self, request: web.Request) -> web.Response:
        from bot.transports.webchat.pages import render_chat  # W2's templates

        query = request.query
        view = await self.view(query.get("lang"), token=query.get("c") or None,
                         embed=query.get("embed") == "1", kommun=query.get("kommun"))
        return self._html(render_chat(view))

    async def send(self, request: web.Request) -> web.StreamResponse:
        """The no-JS form: after the reply, back to the page at it (post/redirect/get)."""
        from bot.transports.webchat.pages import render_chat

        result: FormResult = await self.api.send_form(request)
        conversation = result.conversation
        if result.refusal is None and conversation is not None:
            raise web.HTTPSeeOther(f"{self.base}?c={conversation.token}&lang={result.lang}"
                                   f"#msg-{result.entry_id}")
        refusal = result.refusal
        assert refusal is not None
        token = conversation.token if conversation else None
        view = await self.view(result.lang, token=token, notice=refusal.text, draft=result.draft)
        return self._html(render_chat(view), 403 if refusal.status == 403 else 200)

    async def statement(self, request: web.Request) -> web.Response:
        from bot.transports.webchat.pages import render_statement

        lang = self.engine.language(request.query.get("lang"))
        return self._html(render_statement(lang.code, self.base,
                                           self.engine.settings.accessibility_contact))

    def _file(self, name: str) -> tuple[bytes, str] | None:
        if name not in self._files:
            if not _NAME.fullmatch(name) or not (STATIC / name).is_file():
                return None
            body = (STATIC / name).read_bytes()
            self._files[name] = (body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"')
        return self._files[name]

    def _serve(self, request: web.Request, name: str, cache: str) -> web.Response:
        found = self._file(name)
        if found is None:
            raise web.HTTPNotFound()
        body, etag = found
        headers = {"Cache-Control": cache, "ETag": etag}
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers=headers)
        return web.Response(body=body, headers=headers,
                            content_type=TYPES[name.rsplit(".", 1)[1]],
                            charset="utf-8" if name.endswith((".js", ".css")) else None)

    async def static(self, request: web.Request) -> web.Response:
        cache = LONG if "v" in request.query else "no-cache"
        return self._serve(request, request.match_info["name"], cache)

    async def widget(self, request: web.Request) -> web.Response:
        return self._serve(request, "widget.js", "public, max-age=300")
