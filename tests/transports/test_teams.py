"""The Teams outgoing webhook on a real aiohttp server on 127.0.0.1, with the real core."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_bot
from bot.config import Config, Roles, TeamsSettings
from bot.core.clock import Clock, FixedClock
from bot.core.messages import IncomingMessage, Reply
from bot.core.ports import Handle
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store
from bot.transports.teams import ERROR_TEXT, TIMEOUT_TEXT, TeamsWebhook, plain_text, sign
from bot.transports.teams_text import to_teams_html
from tests.conftest import TODAY

KEY = secrets.token_bytes(32)
SECRET = base64.b64encode(KEY).decode()
ANNA = "6a1b2c3d-0000-4000-8000-00000000anna"
ERIK = "6a1b2c3d-0000-4000-8000-00000000erik"
CHANNEL = "19:0a1b2c3d4e5f@thread.tacv2"


def activity(text: str, *, sender: str = ANNA, thread: str = "1700000000001",
             **extra: Any) -> dict[str, Any]:
    """An outgoing-webhook Activity as Microsoft documents it."""
    payload: dict[str, Any] = {
        "type": "message",
        "id": f"17{secrets.randbelow(10**11):011d}",
        "timestamp": "2026-11-28T11:00:00.000Z",
        "localTimestamp": "2026-11-28T12:00:00.000+01:00",
        "serviceUrl": "https://smba.trafficmanager.net/emea/",
        "channelId": "msteams",
        "from": {"id": f"29:1{sender[-4:]}", "name": sender[-4:].title(), "aadObjectId": sender},
        "conversation": {"isGroup": True, "conversationType": "channel",
                         "id": f"{CHANNEL};messageid={thread}"},
        "recipient": None,
        "textFormat": "plain",
        "attachments": [{"contentType": "text/html",
                         "content": f"<div><at>Medborgarbot</at> {text}</div>"}],
        "text": f"<at>Medborgarbot</at> {text}",
        "entities": [{"type": "mention", "text": "<at>Medborgarbot</at>",
                      "mentioned": {"id": "28:0d5e1f2a-bot", "name": "Medborgarbot"}}],
        "channelData": {"teamsChannelId": CHANNEL, "teamsTeamId": "19:team@thread.tacv2",
                        "channel": {"id": CHANNEL}, "team": {"id": "19:team@thread.tacv2"},
                        "tenant": {"id": "72f988bf-0000-4000-8000-000000tenant"}},
    }
    payload.update(extra)
    return payload


@asynccontextmanager
async def serve(handle: Handle, clock: Clock | None = None,
                **settings: Any) -> AsyncIterator[TestClient[Any, Any]]:
    """The webhook on 127.0.0.1; its clock reads the activities' timestamp by default."""
    app = web.Application()
    TeamsWebhook(TeamsSettings(secret=SECRET, **settings), handle,
                 clock or FixedClock(TODAY)).attach(app)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


async def post(client: TestClient[Any, Any], payload: dict[str, Any] | bytes,
               **headers: str) -> tuple[int, Any]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"Authorization": sign(KEY, body), "Content-Type": "application/json"} | headers
    async with client.post("/teams", data=body, headers=headers) as response:
        raw = await response.read()
        return response.status, json.loads(raw) if raw else raw


async def say(client: TestClient[Any, Any], text: str, **kwargs: Any) -> str:
    status, reply = await post(client, activity(text, **kwargs))
    assert status == 200 and reply["type"] == "message", (status, reply)
    return str(reply["text"])


@pytest.fixture
async def client(shipped_holder: KnowledgeHolder, clock: FixedClock,
                 store: Store) -> AsyncIterator[TestClient[Any, Any]]:
    async with serve(build_bot(Config(), clock, shipped_holder, store).handle,
                     clock) as served:
        yield served


class Recording:
    def __init__(self) -> None:
        self.seen: list[IncomingMessage] = []

    async def __call__(self, msg: IncomingMessage) -> Reply | None:
        self.seen.append(msg)
        return None


async def test_a_question_gets_the_knowledge_answer(client: TestClient[Any, Any]) -> None:
    status, reply = await post(client, activity("vad har polisen lovat?"))
    assert status == 200 and reply["type"] == "message"
    assert "2021–2022" in reply["text"] and "Medborgarbot" not in reply["text"]


async def test_the_message_the_core_gets() -> None:
    recording = Recording()
    async with serve(recording) as client:
        status, reply = await post(client, activity("hej &amp; <b>hallå</b>\n  där",
                                                    thread="42"))
    assert (status, reply) == (200, {"type": "message", "textFormat": "xml", "text": ""})
    [msg] = recording.seen
    assert (msg.transport, msg.room, msg.sender, msg.thread) == ("teams", CHANNEL, ANNA, "42")
    assert msg.text == "hej & hallå där" and msg.is_direct and msg.addressed
    assert msg.event_id and msg.event_id.startswith("17") and msg.time is not None


def test_plain_text_drops_every_mention_tag_and_entity() -> None:
    assert plain_text("<at>Medborgarbot</at>&nbsp;fråga <AT id='1'>Anna A</AT>om&lt;3<br/>") \
        == "fråga om<3"


@pytest.mark.parametrize("authorization", [None, "", "HMAC", "HMAC !!!not base64!!!",
                                           "Bearer abc", "hmac " + SECRET, "HMAC " + SECRET])
async def test_a_missing_malformed_or_wrong_signature_is_refused(
        authorization: str | None) -> None:
    recording = Recording()
    body = json.dumps(activity("vad har polisen lovat?")).encode()
    async with serve(recording) as client:
        headers = {} if authorization is None else {"Authorization": authorization}
        async with client.post("/teams", data=body, headers=headers) as response:
            assert response.status == 401
            assert await response.read() == b""
            assert "aiohttp" not in response.headers.get("Server", "")
        # Signed with another key, or over another body.
        for wrong in (sign(secrets.token_bytes(32), body), sign(KEY, body + b" ")):
            async with client.post("/teams", data=body,
                                   headers={"Authorization": wrong}) as response:
                assert response.status == 401
    assert recording.seen == []


async def test_a_body_over_the_cap_is_refused() -> None:
    recording = Recording()
    big = json.dumps(activity("x" * 2000)).encode()  # ~3.5 kB over a 1 kB cap

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(big), 256):
            yield big[start:start + 256]

    async with serve(recording, max_body_bytes=1024) as client:
        assert (await post(client, big))[0] == 413
        # No Content-Length at all: chunked, so only reading can tell.
        async with client.post("/teams", data=chunks(),
                               headers={"Authorization": sign(KEY, big)}) as response:
            assert response.status == 413
        # A Content-Length far over the cap is refused before a byte of body is sent.
        reader, writer = await asyncio.open_connection(client.host, client.port)
        writer.write(b"POST /teams HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                     + sign(KEY, b"").encode() + b"\r\nContent-Length: 50000000\r\n\r\n")
        await writer.drain()
        assert b" 413 " in await asyncio.wait_for(reader.readline(), 10)
        writer.close()
    assert recording.seen == []


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b"[1, 2]", b'"text"',
                                  json.dumps({"type": "message", "from": {"id": "a"},
                                              "conversation": {"id": "c"}}).encode(),
                                  json.dumps(activity("hej", conversation={})).encode()])
async def test_malformed_activities_are_bad_requests(body: bytes) -> None:
    recording = Recording()
    async with serve(recording) as client:
        status, reply = await post(client, body)
    assert (status, reply) == (400, b"")
    assert recording.seen == []


async def test_an_activity_that_is_not_a_message_gets_an_empty_message() -> None:
    recording = Recording()
    async with serve(recording) as client:
        status, reply = await post(client, activity("hej", type="conversationUpdate"))
    assert (status, reply) == (200, {"type": "message", "textFormat": "xml", "text": ""})
    assert recording.seen == []


async def test_a_feedback_dialogue_across_posts_and_threads(
        client: TestClient[Any, Any], store: Store) -> None:
    replies = [await say(client, text, thread=str(n)) for n, text in enumerate(
        ["/tyck", "1", "2", "Mörkt och otryggt vid busshållplatsen", "hoppa över", "ja"])]
    assert "<li>Trafik</li>" in replies[0] and "Var ungefär?" in replies[1]
    # A channel reads along: the person is told before answering anything.
    assert "ser alla i kanalen" in replies[0]
    assert "sparad" in replies[-1]
    [entry] = await store.list_feedback()
    assert entry.text == "Mörkt och otryggt vid busshållplatsen"


async def test_two_senders_keep_separate_dialogues(client: TestClient[Any, Any],
                                                   store: Store) -> None:
    await say(client, "/tyck", sender=ANNA)
    assert "Var ungefär?" in await say(client, "1", sender=ANNA)
    # Erik has no dialogue: "1" is not an answer to Anna's question for him.
    assert "Var ungefär?" not in await say(client, "1", sender=ERIK)
    await say(client, "/tyck", sender=ERIK)
    await say(client, "3", sender=ERIK)
    for who, area, text in ((ANNA, "1", "Bilar kör fort"), (ERIK, "2", "Klotter på kuren")):
        for answer in (area, text, "hoppa över", "ja"):
            await say(client, answer, sender=who)
    entries = {e.text: e.category for e in await store.list_feedback()}
    assert entries == {"Bilar kör fort": "trafik", "Klotter på kuren": "skadegorelse"}


async def test_staff_roles_use_the_teams_object_id(
        shipped_holder: KnowledgeHolder, clock: FixedClock, store: Store) -> None:
    bot = build_bot(Config(roles=Roles(staff=[ANNA])), clock, shipped_holder, store)
    async with serve(bot.handle, clock) as client:
        assert "för personal" not in await say(client, "/synpunkter", sender=ANNA)
        assert await say(client, "/synpunkter", sender=ERIK) \
            == "<p>Det kommandot är för personal.</p>"


async def test_a_slow_handle_gets_the_timeout_text_within_the_deadline() -> None:
    never = asyncio.Event()
    cancelled: list[bool] = []

    async def slow(msg: IncomingMessage) -> Reply | None:
        try:
            await never.wait()
        except asyncio.CancelledError:
            cancelled.append(True)
            raise
        return None

    async with serve(slow, reply_seconds=0.2) as client:
        started = time.perf_counter()
        assert await say(client, "vad har polisen lovat?") == to_teams_html(TIMEOUT_TEXT)
        assert time.perf_counter() - started < 1.5
    assert cancelled == [True]  # shutdown ends what never finished


async def test_a_failing_handle_gets_a_generic_apology(caplog: pytest.LogCaptureFixture) -> None:
    async def failing(msg: IncomingMessage) -> Reply | None:
        raise RuntimeError(f"leaks {msg.text}")

    caplog.set_level(logging.INFO, logger="bot.transports.teams")
    async with serve(failing) as client:
        assert await say(client, "hemlig fråga") == to_teams_html(ERROR_TEXT)
    assert "status=200" in caplog.text and "RuntimeError" in caplog.text
    assert "hemlig" not in caplog.text and ANNA not in caplog.text


def test_a_secret_that_is_not_base64_is_a_startup_error() -> None:
    with pytest.raises(ValueError, match=r"^teams\.secret: "):
        TeamsWebhook(TeamsSettings(secret="not base64!"), Recording(), FixedClock(TODAY))
