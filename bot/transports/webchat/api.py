"""The web chat's JSON API and its no-JS form.

- POST {base}/api/conversations {"lang", "kommun"} -> 201 {"token", "lang"}; "kommun" (the
  municipality the embedding page is about, an id) is optional
- POST {base}/api/messages {"token", "seq", "text", "lang"} -> 202 {"id"}; the same seq
  again -> 200 {"id", "duplicate": true}; refusals as {"error", "html"} (engine.Refusal)
- POST {base}/send (form: token, lang, text) -> the reply, then 303 to the page at it

A refused send changes nothing already there: the person's text goes back to the page (the
script keeps it in the field; the form page as its draft). Bodies are read up to a cap and
never logged; nor are tokens or addresses.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web

from bot.transports.body import TooLarge, read_body
from bot.transports.webchat.conversations import Conversation
from bot.transports.webchat.engine import ChatEngine, Refusal
from bot.transports.webchat.guard import json_response, origin_ok
from bot.transports.webchat.limits import client_address

__all__ = ["Api", "FormResult"]

MAX_SEQ = 2**53  # what a page's JavaScript counts exactly


def _refused(refusal: Refusal) -> web.Response:
    return json_response(refusal.to_json(), refusal.status)


@dataclass(frozen=True, slots=True)
class FormResult:
    """What the no-JS form's send came to: a redirect to the entry `entry_id`, or the page
    again with the refusal's line and the person's text as the draft."""

    conversation: Conversation | None
    lang: str
    entry_id: int | None = None
    refusal: Refusal | None = None
    draft: str = ""


class Api:
    def __init__(self, engine: ChatEngine) -> None:
        self.engine = engine
        self.settings = engine.settings
        # Room for max_text characters however they are written (\\uXXXX, %XX%XX%XX%XX).
        self.cap = max(16_384, self.settings.max_text * 12 + 1024)

    def _address(self, request: web.Request) -> str:
        return client_address(request.remote, request.headers.get("X-Forwarded-For"),
                              self.engine.trusted)

    async def _json(self, request: web.Request) -> dict[str, Any] | str:
        """The body as a JSON object, or the error it is ("too_long", "bad")."""
        try:
            body = await read_body(request, self.cap)
        except TooLarge:
            return "too_long"
        if not body.strip():
            return {}
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return "bad"
        return data if isinstance(data, dict) else "bad"

    async def _request(self, request: web.Request) -> tuple[dict[str, Any], str] | web.Response:
        """An API call's JSON object and language, or the refusal (origin, body) it gets."""
        lang = self.engine.language(request.query.get("lang")).code
        if not origin_ok(self.settings, request):
            return _refused(self.engine.refusal(403, "origin", lang))
        data = await self._json(request)
        if isinstance(data, str):
            return self._body_refusal(data, lang)
        return data, self.engine.language(data.get("lang")).code

    async def conversations(self, request: web.Request) -> web.Response:
        read = await self._request(request)
        if isinstance(read, web.Response):
            return read
        data, lang = read
        started = await self.engine.start(self._address(request), lang, data.get("kommun"))
        if isinstance(started, Refusal):
            return _refused(started)
        return json_response({"token": started.token, "lang": lang}, 201)

    def _body_refusal(self, error: str, lang: str) -> web.Response:
        response = _refused(self.engine.refusal(400, error, lang))
        if error == "too_long":
            response.force_close()  # the rest of the body is not worth reading
        return response

    async def messages(self, request: web.Request) -> web.Response:
        read = await self._request(request)
        if isinstance(read, web.Response):
            return read
        data, lang = read
        conversation = await self.engine.find(data.get("token"), catch_up=False)
        if conversation is None:
            return _refused(self.engine.refusal(410, "expired", lang))
        if "lang" not in data:
            lang = conversation.lang
        seq = data.get("seq")
        if type(seq) is not int or not 0 < seq <= MAX_SEQ:
            return _refused(self.engine.refusal(400, "bad", lang))
        known = conversation.seqs.get(seq)  # shared: the store tells too (`accept`)
        if known is not None:  # sent again (a retry after a lost answer): taken once
            return json_response({"id": known, "duplicate": True}, 200)
        text = self.engine.check(data.get("text"), lang)
        if isinstance(text, Refusal):
            return _refused(text)
        accepted = await self.engine.accept(conversation, text, lang, seq)
        if isinstance(accepted, Refusal):
            return _refused(accepted)
        entry_id, task = accepted
        if task is None:  # taken before, by another process
            return json_response({"id": entry_id, "duplicate": True}, 200)
        return json_response({"id": entry_id}, 202)

    async def send_form(self, request: web.Request) -> FormResult:
        """The no-JS form: run the message to its reply (the caller redirects or shows)."""
        lang = self.engine.language(request.query.get("lang")).code
        if not origin_ok(self.settings, request):
            return FormResult(None, lang, refusal=self.engine.refusal(403, "origin", lang))
        try:
            body = await read_body(request, self.cap)
        except TooLarge:
            return FormResult(None, lang, refusal=self.engine.refusal(400, "too_long", lang))
        try:
            fields = parse_qs(body.decode("utf-8"), keep_blank_values=True,
                              max_num_fields=10)
        except (UnicodeDecodeError, ValueError):
            return FormResult(None, lang, refusal=self.engine.refusal(400, "bad", lang))

        def field(name: str) -> str:
            values = fields.get(name)
            return values[0] if values else ""

        lang = self.engine.language(field("lang") or None).code
        raw, token = field("text"), field("token")
        draft = raw[:self.settings.max_text]
        conversation = await self.engine.find(token) if token else None
        if token and conversation is None:
            return FormResult(None, lang, refusal=self.engine.refusal(410, "expired", lang),
                              draft=draft)
        text = self.engine.check(raw, lang)
        if isinstance(text, Refusal):
            return FormResult(conversation, lang, refusal=text, draft=draft)
        if conversation is None:
            started = await self.engine.start(self._address(request), lang,
                                              field("kommun") or None)
            if isinstance(started, Refusal):
                return FormResult(None, lang, refusal=started, draft=draft)
            conversation = started
        accepted = await self.engine.accept(conversation, text, lang)
        if isinstance(accepted, Refusal):
            return FormResult(conversation, lang, refusal=accepted, draft=draft)
        entry_id, task = accepted
        if task is not None:
            await asyncio.wait({task})  # not cancelled with this request: the reply lands
            reply = None if task.cancelled() else task.result()
            entry_id = reply.id if reply is not None else entry_id
        return FormResult(conversation, lang, entry_id=entry_id)
