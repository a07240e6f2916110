"""The web chat with its conversations in the store (shared_state with "web"): two chats
in one test, each on a store of its own connection to one PostgreSQL, as two processes
would be. A page started on one is served by the other: its messages, its stream, its
no-JS page, a message the bot starts; an unknown token is refused by both."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.config import WebSettings
from bot.core.clock import FixedClock
from bot.core.messages import IncomingMessage, Outcome, Reply
from bot.store import open_store
from bot.store.webchats import StoredChats
from bot.transports.webchat import WebChat
from tests.store.conftest import postgres_server, postgres_url  # noqa: F401
from tests.web.chat_client import Client, events, send, sent, start

SECRET = secrets.token_bytes(32)


async def echo(msg: IncomingMessage) -> Reply:
    return Reply(f"svar: {msg.text}", Outcome.ANSWERED)


@asynccontextmanager
async def two_chats(url: str, clock: FixedClock
                    ) -> AsyncIterator[list[tuple[Client, WebChat]]]:
    async with AsyncExitStack() as stack:
        served = []
        for _ in range(2):
            store = await stack.enter_async_context(open_store(url))
            app = web.Application()
            chat = WebChat(WebSettings(), echo, clock,
                           shared=StoredChats(store.db, SECRET, clock.now))
            chat.attach(app)
            client = await stack.enter_async_context(
                TestClient(TestServer(app, host="127.0.0.1")))
            served.append((client, chat))
        yield served


async def test_a_page_started_on_one_chat_is_served_by_the_other(
        postgres_url: str) -> None:  # noqa: F811
    clock = FixedClock(dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC))
    async with two_chats(postgres_url, clock) as [(a, chat_a), (b, chat_b)]:
        token = await start(a)
        async with events(a, token) as stream:
            assert await sent(b, token, 1, "hej") == 1  # posted to the other one
            got: list[dict[str, Any]] = await stream.entries(2)
            assert [(e["id"], e["kind"], e["html"]) for e in got] == [
                (1, "you", "hej"), (2, "bot", "<p>svar: hej</p>")]
            assert await sent(a, token, 2, "igen") == 3
            assert [e["id"] for e in await stream.entries(2)] == [3, 4]
            # The same seq to the other chat: taken once.
            again = await send(b, token, 2, "igen")
            assert again.status == 200 and await again.json() == {"id": 3, "duplicate": True}
            # A message the bot starts, through the other chat's courier.
            cid = chat_a.conversations.get(token).cid  # type: ignore[union-attr]
            assert await chat_b.courier.to_room(cid, "Din förfrågan är mottagen.")
            [started] = await stream.entries(1)
            assert started["id"] == 5 and "mottagen" in started["html"]
        # The no-JS page on the other chat shows it all, and its form sends there.
        page = await (await b.get("/chat", params={"c": token})).text()
        assert "svar: igen" in page and "mottagen" in page
        form = await b.post("/chat/send", data={"token": token, "text": "tack"},
                            allow_redirects=False)
        assert form.status == 303 and form.headers["Location"].endswith("#msg-7")
        for client in (a, b):
            refused = await send(client, "x" * 32, 1, "hej")
            assert refused.status == 410
        # Unused for its idle time: gone from the store, for both.
        clock.advance(dt.timedelta(minutes=WebSettings().idle_minutes, seconds=1))
        for client in (a, b):
            assert (await send(client, token, 9, "hallå")).status == 410
