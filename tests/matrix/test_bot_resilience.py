"""Exactly once through crashes, restarts and homeserver outages; bursts keep their order."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from pathlib import Path

import pytest

from tests.matrix.botrun import InProcessBot, ProcessBot
from tests.matrix.client import TestUser
from tests.matrix.conftest import MakeUser
from tests.matrix.synapse import SynapseServer

QUESTIONS = ["knark", "när går avtalet ut", "vad är målen", "vad har snuten lovat",
             "fortkörning", "vem är kommunpolis", "länk till pdf", "vad gör ANDT-samordnaren"]


def answered(user: TestUser, room: str) -> Counter[str]:
    """How many answers each question (by event id) got."""
    return Counter(r["content"]["m.relates_to"]["m.in_reply_to"]["event_id"]
                   for r in user.notices(room))


async def settle(user: TestUser, room: str) -> None:
    """A last question, answered after everything before it in the room (answers keep the
    room's order), so that a late duplicate would already have arrived."""
    marker = await user.send(room, "tack")
    await user.wait_until(lambda: marker in answered(user, room), "the final answer", 60)


async def wait_for(condition: object, what: str, within: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not condition():  # type: ignore[operator]
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
async def test_sigkill_in_a_burst_then_restart_answers_each_message_once(
        synapse: SynapseServer, make_user: MakeUser, tmp_path: Path, encrypted: bool) -> None:
    bot = ProcessBot(synapse, tmp_path)
    bot.start()
    try:
        anna = await make_user("anna")
        room = await anna.dm(bot.user_id, encrypted=encrypted, timeout=60)
        sent = [await anna.send(room, f"{QUESTIONS[i % len(QUESTIONS)]} ({i})")
                for i in range(20)]
        await anna.wait_until(lambda: len(answered(anna, room)) >= 3, "first answers", 60)
        bot.kill()  # in the middle of the burst
        while_down = [await anna.send(room, f"{QUESTIONS[i % len(QUESTIONS)]} (nere {i})")
                      for i in range(5)]
        bot.start()
        await anna.wait_until(lambda: set(sent + while_down) <= set(answered(anna, room)),
                              "every message answered after the restart", 90)
        await settle(anna, room)
        counts = answered(anna, room)
        assert all(counts[event_id] == 1 for event_id in sent + while_down), counts
    finally:
        bot.kill()
    assert "Traceback" not in bot.log_text()


async def test_first_start_does_not_replay_history(
        synapse: SynapseServer, make_user: MakeUser, tmp_path: Path) -> None:
    bot = InProcessBot(synapse, tmp_path, encryption=False)
    anna = await make_user("anna", encryption=False)
    # A room with history from before the bot ever started.
    room = await anna.group_room([bot.user_id])
    await anna.send(room, f"{bot.user_id} knark", mentions=[bot.user_id])
    await bot.start()
    try:
        await anna.wait_for_member(room, bot.user_id, timeout=60)
        now = await anna.send(room, f"{bot.user_id} vad är målen", mentions=[bot.user_id])
        await anna.wait_until(lambda: now in answered(anna, room), "the new question", 60)
        marker = await anna.send(room, f"{bot.user_id} tack", mentions=[bot.user_id])
        await anna.wait_until(lambda: marker in answered(anna, room), "the last answer", 60)
        assert set(answered(anna, room)) == {now, marker}  # not the question from before
    finally:
        await bot.stop()


async def test_homeserver_outage_recovers_by_itself(
        synapse: SynapseServer, make_user: MakeUser, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    bot = InProcessBot(synapse, tmp_path)
    anna = await make_user("anna")
    with caplog.at_level(logging.INFO, logger="bot.matrix"):
        await bot.start()
        try:
            room = await anna.dm(bot.user_id, timeout=60)
            await anna.send(room, "knark")
            await anna.wait_for_replies(room, 1, timeout=60)
            await asyncio.to_thread(synapse.stop)
            assert bot.transport is not None
            transport = bot.transport
            await wait_for(lambda: not transport.connected, "the bot noticing the outage")
            await asyncio.to_thread(synapse.start)
            asked = await anna.send(room, "när går avtalet ut")
            await anna.wait_until(lambda: asked in answered(anna, room), "answer after outage",
                                  60)
        finally:
            await bot.stop()
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.matrix"]
    assert sum("not answering" in line for line in lines) == 1, lines
    assert sum("restored" in line for line in lines) == 1, lines


async def test_burst_of_50_from_5_users_all_answered_in_order(
        synapse: SynapseServer, make_user: MakeUser, tmp_path: Path) -> None:
    bot = InProcessBot(synapse, tmp_path, encryption=False)
    await bot.start()
    try:
        users = [await make_user(f"u{i}", encryption=False) for i in range(5)]
        rooms = [await user.dm(bot.user_id, timeout=60) for user in users]

        async def burst(user: TestUser, room: str) -> list[str]:
            return [await user.send(room, f"{QUESTIONS[i % len(QUESTIONS)]} #{i}")
                    for i in range(10)]

        sent = await asyncio.gather(*(burst(u, r) for u, r in zip(users, rooms, strict=True)))
        for user, room, ids in zip(users, rooms, sent, strict=True):
            replies = await user.wait_for_replies(room, 10, timeout=90)
            order = [r["content"]["m.relates_to"]["m.in_reply_to"]["event_id"]
                     for r in replies]
            assert order == ids  # each in its own room, in order
    finally:
        await bot.stop()


async def test_a_limited_timeline_is_filled_before_moving_on(
        synapse: SynapseServer, make_user: MakeUser, tmp_path: Path) -> None:
    # A small timeline limit, so that what arrives while the bot is down overflows it.
    bot = InProcessBot(synapse, tmp_path, encryption=False, timeline_limit=11)
    anna = await make_user("anna", encryption=False)
    await bot.start()
    room = await anna.dm(bot.user_id, timeout=60)
    await anna.send(room, "hej")
    await anna.wait_for_replies(room, 1, timeout=60)
    await bot.stop()
    sent = [await anna.send(room, f"{QUESTIONS[i % len(QUESTIONS)]} #{i}") for i in range(30)]
    await bot.start()
    try:
        replies = await anna.wait_for_replies(room, 30, timeout=90)
        assert [r["content"]["m.relates_to"]["m.in_reply_to"]["event_id"]
                for r in replies] == sent
    finally:
        await bot.stop()


async def test_rate_limited_replies_wait_as_told_and_arrive(
        synapse: SynapseServer, make_user: MakeUser, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    bot = InProcessBot(synapse, tmp_path, encryption=False)
    admin = await make_user("admin", encryption=False, admin=True)
    # Synapse's per-user override: one message a second for the bot, no burst.
    response = await admin.client.send(
        "POST", f"/_synapse/admin/v1/users/{bot.user_id}/override_ratelimit",
        '{"messages_per_second": 1, "burst_count": 1}',
        headers={"Authorization": f"Bearer {admin.client.access_token}"})
    assert response.status == 200, await response.text()
    anna = await make_user("anna", encryption=False)
    with caplog.at_level(logging.INFO, logger="bot.matrix"):
        await bot.start()
        try:
            room = await anna.dm(bot.user_id, timeout=60)
            sent = [await anna.send(room, f"{QUESTIONS[i]}") for i in range(4)]
            replies = await anna.wait_for_replies(room, 4, timeout=90)
        finally:
            await bot.stop()
    assert [r["content"]["m.relates_to"]["m.in_reply_to"]["event_id"] for r in replies] == sent
    assert any("rate limited" in r.getMessage() for r in caplog.records)


async def test_sigterm_shuts_down_cleanly(
        synapse: SynapseServer, make_user: MakeUser, tmp_path: Path) -> None:
    bot = ProcessBot(synapse, tmp_path, encryption=False)
    bot.start()
    try:
        anna = await make_user("anna", encryption=False)
        room = await anna.dm(bot.user_id, timeout=60)
        await anna.send(room, "knark")
        await anna.wait_for_replies(room, 1, timeout=60)
        code = await asyncio.to_thread(bot.terminate)
    finally:
        bot.kill()
    log = bot.log_text()
    assert code == 0, log
    assert "matrix: stopped" in log and "medborgarbot stopped" in log
    assert "Traceback" not in log
