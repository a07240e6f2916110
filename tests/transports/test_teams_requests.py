"""A teacher's information-session request through the real Teams outgoing webhook: it can
only answer the message it was sent, so the teacher is told the truth, staff answer on
Matrix, and /mina on Teams shows the answer (issue 12)."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app import build_bot
from bot.config import Config, Roles
from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.messages import IncomingMessage
from bot.core.outbox import Outbox
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store
from tests.test_addresses import Courier
from tests.transports.test_teams import ANNA, ERIK, say, serve

STAFF_ROOM, POLIS = "!personal:x", "@polis:x"


def shown(teams_html: str) -> str:
    """The reply as the teacher reads it: no tags, entities as characters."""
    return html.unescape(re.sub(r"<[^>]+>", "", teams_html)).replace("\u2060", "")


@pytest.fixture
def courier() -> Courier:
    return Courier(frozenset({POLIS}))  # the Matrix staff room's members


@pytest.fixture
def outbox(courier: Courier) -> Outbox:
    box = Outbox()
    box.register("matrix", courier)  # the outgoing webhook registers no courier
    return box


@pytest.fixture
def bot(shipped_holder: KnowledgeHolder, clock: FixedClock, store: Store,
        outbox: Outbox) -> Bot:
    config = Config(roles=Roles(staff_room=f"matrix:{STAFF_ROOM}"))
    return build_bot(config, clock, shipped_holder, store, outbox)


@pytest.fixture
async def client(bot: Bot, clock: FixedClock) -> AsyncIterator[TestClient[Any, Any]]:
    async with serve(bot.handle, clock) as served:
        yield served


async def on_matrix(bot: Bot, text: str) -> str:
    reply = await bot.handle(IncomingMessage(
        transport="matrix", room=STAFF_ROOM, sender=POLIS, text=text, is_direct=False,
        addressed=True))
    assert reply is not None
    return reply.text


async def test_a_teacher_on_the_webhook_is_told_the_truth_and_reads_the_answer_with_mina(
        client: TestClient[Any, Any], bot: Bot, outbox: Outbox, courier: Courier,
        store: Store) -> None:
    intro = shown(await say(client, "/boka"))
    assert "/mina" in intro and "svaret kan nå dig här" not in intro
    for answer in ("Centralskolan", "lärare", "drogtecken", "25", "vecka 50"):
        last = shown(await say(client, answer))
    assert "/mina" in last  # the contact question: no "we answer here"
    await say(client, "hoppa över")
    sent = shown(await say(client, "ja"))
    assert "#1" in sent and "kan inte skickas till dig här" in sent and "/mina" in sent
    assert "Du får svar här" not in sent
    await outbox.drain()
    [(room, notice)] = courier.rooms  # the staff room on Matrix got the notice
    assert room == STAFF_ROOM and "#1" in notice and "Centralskolan" in notice

    waiting = shown(await say(client, "/mina"))
    assert "Centralskolan" in waiting and "öppen" in waiting

    confirmed = await on_matrix(bot, "/bekräfta 1 2026-12-10 09:00 i aulan")
    assert "Bekräftad: #1" in confirmed and "/mina" in confirmed
    assert "når inte" not in confirmed and courier.users == []

    mine = shown(await say(client, "/mina"))
    assert "Centralskolan" in mine and "bekräftad" in mine
    assert "tid: 2026-12-10 09:00" in mine and "svar: 2026-12-10 09:00 i aulan" in mine
    other = shown(await say(client, "/mina", sender=ERIK))
    assert "Centralskolan" not in other and "inga förfrågningar" in other
    [request] = await store.list_requests()
    assert (request.transport, request.requester) == ("teams", ANNA)
