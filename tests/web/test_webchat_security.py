"""What every web chat response carries (a strict CSP, no referrer, no cookie), which
origins may call the API, and hostile input: huge, binary, malformed or full of control
characters gets a clear refusal and loses nothing already there."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.core.clock import FixedClock
from bot.core.messages import IncomingMessage, Outcome, Reply
from tests.web.chat_client import CSP, Client, conversation, send, sent, serve, start

OWN = "https://trygg.asele.se"
EMBEDDER = "https://www.asele.se"


async def echo(msg: IncomingMessage) -> Reply:
    return Reply(f"du skrev {len(msg.text)} tecken", Outcome.ANSWERED)


def assert_secure(response: Any, *, cache: str | None = "no-store") -> None:
    headers = response.headers
    assert headers["Content-Security-Policy"] == CSP + " " + EMBEDDER
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in headers
    assert "aiohttp" not in headers.get("Server", "")
    if cache is not None:
        assert headers["Cache-Control"] == cache


@pytest.fixture
async def client(clock: FixedClock) -> Any:
    async with serve(echo, clock, public_url=OWN + "/", allowed_origins=[EMBEDDER],
                     max_text=100) as (client, _):
        yield client


async def test_every_chat_response_is_secured(client: Client) -> None:
    token = await start(client)
    responses = [
        await client.post("/chat/api/conversations", json={}),
        await send(client, token, 1, "hej"),
        await send(client, token, 2, ""),
        await client.get("/chat/api/events", params={"token": "okänd"}),
        await client.get("/chat/finns-inte"),
        await client.put("/chat/api/messages"),
        await client.get("/chat", params={"lang": "en"}),
        await client.get("/chat/tillganglighet"),
    ]
    for response in responses:
        assert_secure(response)
    async with client.get("/chat/api/events", params={"token": token}) as stream:
        assert_secure(stream)
        assert stream.headers["X-Accel-Buffering"] == "no"
    widget = await client.get("/chat/widget.js")
    assert_secure(widget, cache="public, max-age=300")
    assert widget.headers["Content-Type"].startswith("text/javascript")
    style = await client.get("/chat/static/chat.css", params={"v": "1"})
    assert_secure(style, cache="public, max-age=31536000, immutable")
    assert style.headers["Content-Type"].startswith("text/css")
    again = await client.get("/chat/static/chat.css",
                             headers={"If-None-Match": style.headers["ETag"]})
    assert again.status == 304
    for name in ("..%2Fapi.py", "api.py", "..%2F..%2Fconfig.py", "chat.css.bak"):
        assert (await client.get(f"/chat/static/{name}")).status == 404


async def test_healthz_and_others_are_left_alone(clock: FixedClock) -> None:
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from bot.config import WebSettings
    from bot.transports.webchat import WebChat

    async def ok(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/healthz", ok)
    app.router.add_get("/chatter", ok)
    WebChat(WebSettings(), echo, clock).attach(app)
    async with TestClient(TestServer(app, host="127.0.0.1")) as plain:
        for path in ("/healthz", "/chatter"):
            assert "Content-Security-Policy" not in (await plain.get(path)).headers


@pytest.mark.parametrize(("origin", "site"), [
    ("https://evil.example", "cross-site"), (EMBEDDER, "same-site"),
    ("http://trygg.asele.se", "cross-site"), ("https://evil.example", None),
    ("null", "cross-site"), ("null", "same-site")])
async def test_a_foreign_origin_is_refused(client: Client, origin: str, site: str | None
                                           ) -> None:
    token = await start(client)
    headers = {"Origin": origin} | ({"Sec-Fetch-Site": site} if site else {})
    attempts = [
        await client.post("/chat/api/conversations", json={}, headers=headers),
        await send(client, token, 1, "hej", **headers),
        await client.get("/chat/api/events", params={"token": token}, headers=headers),
        await client.post("/chat/send", data={"token": "", "text": "hej"}, headers=headers),
    ]
    assert [r.status for r in attempts] == [403, 403, 403, 403]
    assert (await attempts[0].json())["error"] == "origin"


async def test_the_own_origin_and_a_same_origin_form_are_taken(client: Client) -> None:
    token = await start(client, Origin=OWN, **{"Sec-Fetch-Site": "same-origin"})
    assert (await send(client, token, 1, "hej", Origin=OWN)).status == 202
    # A plain form on a no-referrer page is sent with "Origin: null"; the browser says
    # same-origin in a header no page can set.
    form = await client.post("/chat/send", data={"token": token, "text": "igen"},
                             headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
                             allow_redirects=False)
    assert form.status == 303
    old_phone = await client.post("/chat/send", data={"token": token, "text": "och nu"},
                                  headers={"Origin": "null"}, allow_redirects=False)
    assert old_phone.status == 303  # a browser that sends no fetch metadata


async def test_huge_binary_and_malformed_bodies_are_refused(client: Client) -> None:
    token = await start(client)
    await sent(client, token, 1, "första")
    await conversation(client, token, 2)  # its answer is entry 2 before anything else
    huge = json.dumps({"token": token, "seq": 2, "text": "x" * 2_000_000}).encode()
    deep = b"[" * 100_000 + b"]" * 100_000
    cases: list[tuple[bytes, str]] = [
        (huge, "too_long"),
        (b"\xff\xfe\x00\x01binary", "bad"),
        (b"[1, 2]", "bad"),
        (b"{not json", "bad"),
        (deep, "too_long"),
        (b"[" * 5_000 + b"]" * 5_000, "bad"),  # too deep for the parser
        (json.dumps({"token": token, "text": "hej"}).encode(), "bad"),  # no seq
        (json.dumps({"token": token, "seq": True, "text": "hej"}).encode(), "bad"),
        (json.dumps({"token": token, "seq": -1, "text": "hej"}).encode(), "bad"),
        (json.dumps({"token": token, "seq": 2, "text": 42}).encode(), "bad"),
        (json.dumps({"token": token, "seq": 2, "text": "x" * 101}).encode(), "too_long"),
        (json.dumps({"token": token, "seq": 2, "text": "  \n "}).encode(), "empty"),
        (json.dumps({"token": token, "seq": 2, "text": "\x00\x07\u202e"}).encode(), "bad"),
    ]
    for body, error in cases:
        response = await client.post("/chat/api/messages", data=body,
                                     headers={"Content-Type": "application/json"})
        assert response.status == 400, (body[:40], response.status)
        answer = await response.json()
        assert answer["error"] == error, body[:40]
        assert answer["html"] and "<" not in answer["html"]
    too_long = await send(client, token, 2, "x" * 101)
    assert "100" in (await too_long.json())["html"]
    assert await sent(client, token, 2, "andra") == 3  # nothing before was lost
    entries = await conversation(client, token, 4)
    assert [e["html"] for e in entries if e["kind"] == "you"] == ["första", "andra"]


async def test_control_characters_are_stripped(client: Client) -> None:
    token = await start(client)
    await sent(client, token, 1, "he\x00j\x07 d\u202eu\ud800\tdär\r\nrad två <b>")
    you, _ = await conversation(client, token, 2)
    assert you["html"] == "hej du där<br>rad två &lt;b&gt;"


async def test_a_huge_form_is_refused_with_a_page(client: Client) -> None:
    response = await client.post("/chat/send", data={"token": "", "text": "x" * 100_000})
    assert response.status == 200
    page = await response.text()
    assert "100" in page  # the limit is named
