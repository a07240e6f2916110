"""The web chat's API over real HTTP on 127.0.0.1: a conversation, messages, replies on the
event stream; resuming after a lost connection; a message sent twice; an expired token;
the same pipeline as every transport (answers, 112 first, /tyck, no staff commands)."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from typing import Any

import pytest

from bot.app import build_bot
from bot.config import Config, Roles
from bot.core.address import Address
from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.messages import Choice, IncomingMessage, Outcome, Reply
from bot.core.outbox import Outbox
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store
from tests.web.chat_client import (
    conversation,
    events,
    send,
    sent,
    serve,
    start,
)


async def test_a_question_is_answered_on_the_event_stream(shipped_bot: Bot,
                                                          clock: FixedClock) -> None:
    async with serve(shipped_bot.handle, clock) as (client, _):
        token = await start(client)
        assert await sent(client, token, 1, "vad har polisen lovat?") == 1
        async with events(client, token) as stream:
            you, bot = await stream.entries(2)
            assert stream.retry == 2000
    assert you == {"id": 1, "kind": "you", "html": "vad har polisen lovat?", "urgent": False,
                   "choices": [], "lang": "sv"}
    assert bot["id"] == 2 and bot["kind"] == "bot" and bot["lang"] == "sv"
    assert "Medborgarlöfte" in bot["html"] and not bot["urgent"]
    assert re.search(r'<a href="https://polisen\.se/[^"]*" target="_blank" '
                     r'rel="noopener noreferrer">', bot["html"])


async def test_english_page_gets_english_replies(shipped_bot: Bot, clock: FixedClock) -> None:
    async with serve(shipped_bot.handle, clock) as (client, _):
        token = await start(client, "en")
        await sent(client, token, 1, "what did the police promise?", "en")
        _, bot = await conversation(client, token, 2)
    assert bot["lang"] == "en" and "promise" in bot["html"].lower()


async def test_live_replies_arrive_on_an_open_stream_in_order(clock: FixedClock) -> None:
    gate = asyncio.Event()

    async def handle(msg: IncomingMessage) -> Reply:
        if msg.text == "först":
            await gate.wait()  # the first reply takes longer than the second
        return Reply(f"svar på {msg.text}", Outcome.ANSWERED)

    async with serve(handle, clock) as (client, _):
        token = await start(client)
        async with events(client, token) as stream:
            await sent(client, token, 1, "först")
            await sent(client, token, 2, "sedan")
            first = await stream.entries(2)
            gate.set()
            replies = await stream.entries(2)
    assert [e["kind"] for e in first] == ["you", "you"]
    assert [e["html"] for e in replies] == ["<p>svar på först</p>", "<p>svar på sedan</p>"]
    assert [e["id"] for e in first + replies] == [1, 2, 3, 4]


async def test_a_lost_stream_resumes_with_each_missing_entry_exactly_once(
        clock: FixedClock) -> None:
    async def handle(msg: IncomingMessage) -> Reply:
        return Reply(f"svar {msg.text}", Outcome.ANSWERED)

    async with serve(handle, clock) as (client, chat):
        token = await start(client)
        async with events(client, token) as stream:
            await sent(client, token, 1, "1")
            seen = await stream.entries(2)
            assert chat.drop_streams() == 1  # the connection is lost …
            assert await stream.rest() == []
        assert chat.open_streams == 0
        for seq in (2, 3, 4):  # … while the conversation goes on
            await sent(client, token, seq, str(seq))
        # EventSource sends the last id it saw; `after` is the page's own.
        async with events(client, token, after=1, **{"Last-Event-ID": "2"}) as stream:
            missed = await stream.entries(6)
            await sent(client, token, 5, "5")
            live = await stream.entries(2)
    ids = [e["id"] for e in seen + missed + live]
    assert ids == list(range(1, 11))
    assert [e["html"] for e in missed if e["kind"] == "bot"] == [
        "<p>svar 2</p>", "<p>svar 3</p>", "<p>svar 4</p>"]


async def test_a_message_sent_twice_is_taken_once(shipped_bot: Bot, clock: FixedClock) -> None:
    async with serve(shipped_bot.handle, clock) as (client, chat):
        token = await start(client)
        assert await sent(client, token, 1, "hej") == 1
        again = await send(client, token, 1, "hej")
        assert again.status == 200 and await again.json() == {"id": 1, "duplicate": True}
        # The reply to "hej" is entry 2 once it has come (the bot answers after the 202).
        assert [e["kind"] for e in await conversation(client, token, 2)] == ["you", "bot"]
        assert await sent(client, token, 2, "tack") == 3
        entries = await conversation(client, token, 4)
        assert [e["kind"] for e in entries] == ["you", "bot", "you", "bot"]
        assert len(chat.conversations.get(token).entries) == 4  # type: ignore[union-attr]


async def test_an_expired_or_unknown_token_gets_410(shipped_bot: Bot, clock: FixedClock) -> None:
    async with serve(shipped_bot.handle, clock, idle_minutes=30) as (client, _):
        token = await start(client)
        await sent(client, token, 1, "hej")
        await conversation(client, token, 2)
        clock.advance(dt.timedelta(minutes=29))
        await sent(client, token, 2, "är du kvar?")  # use keeps it alive
        clock.advance(dt.timedelta(minutes=31))
        for response in (await send(client, token, 3, "nu då?"),
                         await client.get("/chat/api/events", params={"token": token}),
                         await send(client, "A" * 32, 1, "hej"),
                         await client.get("/chat/api/events", params={"token": "x"})):
            assert response.status == 410
            body: dict[str, Any] = await response.json()
            assert body["error"] == "expired" and "nytt" in body["html"]


async def test_112_first_and_flagged_urgent(shipped_bot: Bot, clock: FixedClock) -> None:
    async with serve(shipped_bot.handle, clock) as (client, chat):
        token = await start(client)
        await sent(client, token, 1, "vad har polisen lovat?")
        _, answer = await conversation(client, token, 2)  # answered before the next
        await sent(client, token, 2, "min man slår mig, han har en kniv")
        _, urgent = await conversation(client, token, 2, after=2)
        assert not answer["urgent"]
        assert urgent["urgent"] and "Ring 112 nu" in urgent["html"]
        assert urgent["html"].index("112") < urgent["html"].index("Kvinnofridslinjen")
        kept = chat.conversations.get(token)
        assert kept is not None and kept.urgent is not None and kept.urgent.id == 4


async def test_feedback_runs_to_the_end_with_choices(shipped_bot: Bot, clock: FixedClock,
                                                     store: Store) -> None:
    async with serve(shipped_bot.handle, clock) as (client, _):
        token = await start(client)
        await sent(client, token, 1, "/tyck")
        _, intro = await conversation(client, token, 2)
        assert "anonym" in intro["html"]
        assert intro["choices"], "the categories are buttons"
        pick = intro["choices"][1]
        assert set(pick) == {"label", "send"}
        seq, last = 2, 2
        for text in (pick["send"], "Fredrika", "Mörkt vid busshållplatsen", "3", "ja"):
            await sent(client, token, seq, text)
            seq += 1
            _, reply = await conversation(client, token, 2, after=last)
            last = reply["id"]
    assert "sparad" in reply["html"]
    [entry] = await store.list_feedback()
    assert entry.text == "Mörkt vid busshållplatsen" and entry.area == "fredrika"


@pytest.mark.parametrize("command", ["/logga trafikkontroll Fredrika 23 fordon",
                                     "/synpunkter", "/förfrågningar"])
async def test_a_web_conversation_is_never_staff(store: Store, clock: FixedClock,
                                                 shipped_holder: KnowledgeHolder,
                                                 command: str) -> None:
    seen: list[IncomingMessage] = []
    config = Config(roles=Roles(staff=["@polis:x"], admins=["@chef:x"]))
    bot = build_bot(config, clock, shipped_holder, store)

    async def handle(msg: IncomingMessage) -> Reply | None:
        seen.append(msg)
        return await bot.handle(msg)

    async with serve(handle, clock) as (client, _):
        token = await start(client)
        await sent(client, token, 1, command)
        _, reply = await conversation(client, token, 2)
    assert reply["html"] == "<p>Det kommandot är för personal.</p>"
    [msg] = seen
    # The room and sender are a hash of a token the server made: no page chooses them.
    assert msg.transport == "web" and msg.room == msg.sender
    assert re.fullmatch(r"[0-9a-f]{32}", msg.sender) and token not in msg.sender
    assert msg.is_direct and not msg.seen_by_others and msg.prefer == "sv"


async def test_the_courier_reaches_live_conversations_only(clock: FixedClock) -> None:
    async def handle(msg: IncomingMessage) -> Reply:
        return Reply("ok", Outcome.ANSWERED)

    async with serve(handle, clock) as (client, chat):
        outbox = Outbox()
        outbox.register("web", chat.courier, rooms=True, people=False)
        token = await start(client)
        live = chat.conversations.get(token)
        assert live is not None
        assert not outbox.can_reach(Address.person_on("web", live.cid))
        async with events(client, token) as stream:
            assert outbox.to(Address("web", live.cid), "Svar från **samordnarna**")
            [entry] = await stream.entries(1)
        assert entry["kind"] == "bot" and "<strong>samordnarna</strong>" in entry["html"]
        assert not await chat.courier.to_room("0" * 32, "till ingen")
        await outbox.drain()


async def test_choices_travel_with_a_reply(clock: FixedClock) -> None:
    async def handle(msg: IncomingMessage) -> Reply:
        return Reply("Menade du …?\n\n1. Trafik", Outcome.SUGGESTED,
                     choices=(Choice("Trafik och fortkörning", "1"),))

    async with serve(handle, clock) as (client, _):
        token = await start(client)
        await sent(client, token, 1, "bilar")
        _, reply = await conversation(client, token, 2)
    assert reply["choices"] == [{"label": "Trafik och fortkörning", "send": "1"}]


async def test_a_failing_handle_gives_a_notice_and_the_chat_goes_on(clock: FixedClock) -> None:
    async def handle(msg: IncomingMessage) -> Reply:
        if msg.text == "krascha":
            raise RuntimeError(msg.text)
        return Reply("ok", Outcome.ANSWERED)

    async with serve(handle, clock) as (client, _):
        token = await start(client)
        await sent(client, token, 1, "krascha")
        await sent(client, token, 2, "hej")
        entries = await conversation(client, token, 4)
    assert [e["kind"] for e in entries] == ["you", "notice", "you", "bot"]
    assert "112" in entries[1]["html"]


async def test_streams_ping_and_end_when_the_chat_closes(clock: FixedClock) -> None:
    async def handle(msg: IncomingMessage) -> None:
        return None

    async with serve(handle, clock, ping_seconds=0.01, retry_ms=500) as (client, chat):
        token = await start(client)
        async with events(client, token) as stream:
            await sent(client, token, 1, "hej")
            await stream.entries(1)
            pings = 0
            while pings < 2:
                line = await asyncio.wait_for(stream.response.content.readline(), 5)
                pings += line == b": ping\n"
            assert stream.retry == 500
            await chat.close()
            assert await stream.rest() == []
        assert chat.open_streams == 0
