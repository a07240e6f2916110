"""The web chat's HTTP API as a page uses it, for the tests in tests/web/: a real aiohttp
server on 127.0.0.1 with a WebChat attached, and a client that starts conversations, sends
messages and reads the event stream."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer

from bot.config import WebSettings
from bot.core.clock import Clock
from bot.core.ports import Handle
from bot.transports.webchat import WebChat

Client = TestClient[Any, Any]
WAIT = 20.0  # a safety net for a reply that never comes: the test fails, never hangs
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'")


@asynccontextmanager
async def serve(handle: Handle, clock: Clock, **settings: Any
                ) -> AsyncIterator[tuple[Client, WebChat]]:
    app = web.Application()
    chat = WebChat(WebSettings(**settings), handle, clock)
    chat.attach(app)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client, chat


async def start(client: Client, lang: str = "sv", **headers: str) -> str:
    response = await client.post("/chat/api/conversations", json={"lang": lang},
                                 headers=headers)
    assert response.status == 201, await response.text()
    body = await response.json()
    assert body["lang"] == lang
    return str(body["token"])


async def send(client: Client, token: str, seq: int, text: str, lang: str = "sv",
               **headers: str) -> ClientResponse:
    return await client.post("/chat/api/messages", headers=headers,
                             json={"token": token, "seq": seq, "text": text, "lang": lang})


async def sent(client: Client, token: str, seq: int, text: str, lang: str = "sv") -> int:
    """Send and expect it taken: the id of the person's entry."""
    response = await send(client, token, seq, text, lang)
    assert response.status == 202, await response.text()
    return int((await response.json())["id"])


class Stream:
    """An open event stream, read frame by frame."""

    def __init__(self, response: ClientResponse) -> None:
        self.response = response
        self.retry: int | None = None
        self.pings = 0

    async def frame(self) -> dict[str, str] | None:
        """The next event's fields (`id`, `event`, `data`), or None at the end."""
        fields: dict[str, str] = {}
        while True:
            line = await self.response.content.readline()
            if not line:
                return None
            text = line.decode("utf-8").rstrip("\n")
            if text == "":
                if "data" in fields:
                    return fields
                continue
            if text.startswith(":"):
                self.pings += text == ": ping"
                continue
            name, _, value = text.partition(":")
            value = value.removeprefix(" ")
            if name == "retry":
                self.retry = int(value)
            else:
                fields[name] = value

    async def entries(self, count: int) -> list[dict[str, Any]]:
        """The next `count` entries, waiting for them as long as WAIT allows."""
        got: list[dict[str, Any]] = []

        async def read() -> None:
            while len(got) < count:
                fields = await self.frame()
                assert fields is not None, f"the stream ended after {len(got)} entries"
                assert fields["event"] == "entry"
                entry = json.loads(fields["data"])
                assert int(fields["id"]) == entry["id"]
                got.append(entry)

        await asyncio.wait_for(read(), WAIT)
        return got

    async def rest(self) -> list[dict[str, Any]]:
        """Every entry until the stream ends (after drop_streams)."""
        got = []
        while (fields := await asyncio.wait_for(self.frame(), WAIT)) is not None:
            got.append(json.loads(fields["data"]))
        return got

    def close(self) -> None:
        self.response.close()


@asynccontextmanager
async def events(client: Client, token: str, after: int = 0, **headers: str
                 ) -> AsyncIterator[Stream]:
    response = await client.get("/chat/api/events", params={"token": token, "after": after},
                                headers=headers)
    assert response.status == 200, await response.text()
    assert response.headers["Content-Type"].startswith("text/event-stream")
    stream = Stream(response)
    try:
        yield stream
    finally:
        stream.close()


async def conversation(client: Client, token: str, count: int, after: int = 0
                       ) -> list[dict[str, Any]]:
    """The first `count` entries after `after`, read from a stream of their own."""
    async with events(client, token, after) as stream:
        return await stream.entries(count)
