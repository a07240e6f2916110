"""medborgarbot on a real Synapse, through real matrix-nio clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from tests.matrix.botrun import InProcessBot
from tests.matrix.conftest import MakeUser
from tests.matrix.synapse import SynapseServer

StartBot = Callable[..., Awaitable[InProcessBot]]


@pytest.fixture
async def start_bot(synapse: SynapseServer, tmp_path: Path) -> AsyncIterator[StartBot]:
    bots: list[InProcessBot] = []

    async def start(**settings: object) -> InProcessBot:
        bot = InProcessBot(synapse, tmp_path / f"bot{len(bots)}", **settings)
        bot.workdir.mkdir()
        await bot.start()
        bots.append(bot)
        return bot

    yield start
    for bot in bots:
        await bot.stop()


def _valid_notice(content: dict) -> None:
    assert content["msgtype"] == "m.notice"
    assert content["format"] == "org.matrix.custom.html"
    assert content["formatted_body"].startswith("<")
    assert "<mx-reply>" not in content["formatted_body"]
    assert "m.mentions" in content


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
async def test_question_in_a_dm_gets_the_knowledge_answer(
        start_bot: StartBot, make_user: MakeUser, encrypted: bool) -> None:
    bot = await start_bot()
    anna = await make_user("anna")
    room = await anna.dm(bot.user_id, encrypted=encrypted)
    question = await anna.send(room, "när går avtalet ut?")
    [reply] = await anna.wait_for_replies(room, 1, timeout=30)
    content = reply["content"]
    _valid_notice(content)
    assert reply["encrypted"] is encrypted
    assert "tills vidare" in content["body"] and "2022" in content["body"]
    assert "<strong>tills vidare</strong>" in content["formatted_body"]
    assert content["m.relates_to"] == {"m.in_reply_to": {"event_id": question}}
    assert content["m.mentions"] == {}


async def test_group_room_answers_only_when_addressed(
        start_bot: StartBot, make_user: MakeUser) -> None:
    bot = await start_bot()
    anna = await make_user("anna")
    erik = await make_user("erik")
    room = await anna.group_room([bot.user_id, erik.user_id])
    await erik.join(room)
    await anna.wait_for_member(room, bot.user_id)
    await anna.send(room, "vad har snuten lovat?")  # people talking among themselves
    await erik.send(room, "ingen aning, fråga boten")
    asked = await anna.send(room, "Medborgarbot: vad har snuten lovat?",
                            mentions=[bot.user_id])
    [reply] = await anna.wait_for_replies(room, 1, timeout=30)
    assert reply["content"]["m.relates_to"] == {"m.in_reply_to": {"event_id": asked}}
    assert reply["content"]["m.mentions"] == {"user_ids": [anna.user_id]}
    assert "2021–2022" in reply["content"]["body"]
    command = await erik.send(room, "/hjälp")
    # Erik sees both answers; the second is his.
    _, help_reply = await erik.wait_for_replies(room, 2, timeout=30)
    assert help_reply["content"]["m.relates_to"]["m.in_reply_to"]["event_id"] == command
    # Nothing else was answered: the two unaddressed messages stayed unanswered.
    await anna.wait_for_replies(room, 1, timeout=30)  # the help answer
    await anna.sync()
    assert len(anna.notices(room)) == 2


async def test_question_in_a_thread_is_answered_in_the_thread(
        start_bot: StartBot, make_user: MakeUser) -> None:
    bot = await start_bot()
    anna = await make_user("anna")
    room = await anna.dm(bot.user_id)
    root = await anna.send(room, "hej")
    await anna.wait_for_replies(room, 1, timeout=30)
    asked = await anna.send(room, "vad är målen", thread_root=root)
    [reply] = await anna.wait_for_replies(room, 1, timeout=30)
    relates = reply["content"]["m.relates_to"]
    assert relates["rel_type"] == "m.thread" and relates["event_id"] == root
    assert relates["m.in_reply_to"] == {"event_id": asked}
    assert "trygghet" in reply["content"]["body"]


async def test_invite_is_accepted_and_own_and_notice_events_ignored(
        start_bot: StartBot, make_user: MakeUser) -> None:
    bot = await start_bot()
    anna = await make_user("anna")
    room = await anna.dm(bot.user_id)  # waits for the bot to join
    await anna.send(room, "ett meddelande från en annan bot", msgtype="m.notice")
    await anna.send(room, "knark")
    [reply] = await anna.wait_for_replies(room, 1, timeout=30)
    assert "narkotika" in reply["content"]["body"]
    # The notice came first and got no answer: the only reply is to "knark".
    await anna.sync()
    assert len(anna.notices(room)) == 1


async def test_an_emergency_in_an_encrypted_dm_stays_one(
        start_bot: StartBot, make_user: MakeUser) -> None:
    """112 first, then the next message read in its light; in a group room a cry gets 112
    without the bot being addressed."""
    bot = await start_bot()
    anna = await make_user("anna")
    room = await anna.dm(bot.user_id, encrypted=True)
    await anna.send(room, "bilen har voltat i diket vid Gafsele och föraren rör sig inte")
    [first] = await anna.wait_for_replies(room, 1, timeout=30)
    assert first["encrypted"] and first["content"]["body"].startswith("Ring 112 nu")
    await anna.send(room, "vad ska jag göra nu??")
    [second] = await anna.wait_for_replies(room, 1, timeout=30)
    body = second["content"]["body"]
    assert body.startswith("Ring 112") and "Flytta inte en skadad person" in body
    assert "<strong>Ring 112</strong>" in second["content"]["formatted_body"]

    erik = await make_user("erik")
    group = await erik.group_room([bot.user_id])
    await erik.wait_for_member(group, bot.user_id)
    await erik.send(group, "det brinner i ladan hos grannen, lågorna slår upp ur taket")
    [alarm] = await erik.wait_for_replies(group, 1, timeout=30)
    assert alarm["content"]["body"].startswith("Ring 112 nu")
