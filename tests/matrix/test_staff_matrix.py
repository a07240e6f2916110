"""Information-session requests on a real Synapse: the teacher asks in a direct chat, the
staff room gets the notice, staff confirm there, and the teacher gets the answer."""

from __future__ import annotations

from pathlib import Path

from bot.config import Config, Roles
from tests.matrix.botrun import InProcessBot
from tests.matrix.conftest import MakeUser
from tests.matrix.synapse import SynapseServer


async def test_request_notice_confirmation_and_answer(
        synapse: SynapseServer, make_user: MakeUser, tmp_path: Path) -> None:
    bot = InProcessBot(synapse, tmp_path)
    polis = await make_user("polis")
    teacher = await make_user("larare")
    staff_room = await polis.group_room([bot.user_id])  # the invite waits for the bot
    bot.config = Config(roles=Roles(staff=[polis.user_id], staff_room=staff_room))
    await bot.start()
    try:
        await polis.wait_for_member(staff_room, bot.user_id, timeout=60)
        dm = await teacher.dm(bot.user_id, encrypted=True, timeout=60)
        for text in ("/boka", "Centralskolan", "lärare", "drogtecken", "25", "vecka 48",
                     "hoppa över", "ja"):
            await teacher.send(dm, text)
            [reply] = await teacher.wait_for_replies(dm, 1, timeout=60)
        assert "#1" in reply["content"]["body"]
        [notice] = await polis.wait_for_replies(staff_room, 1, timeout=60)
        assert "#1" in notice["content"]["body"] and "Centralskolan" in notice["content"]["body"]
        await polis.send(staff_room, "/bekräfta 1 2026-12-03 14:00")
        [confirmed] = await polis.wait_for_replies(staff_room, 1, timeout=60)
        assert "Bekräftad: #1" in confirmed["content"]["body"]
        [answer] = await teacher.wait_for_replies(dm, 1, timeout=60)
        assert "bekräftad" in answer["content"]["body"]
        assert "2026-12-03 14:00" in answer["content"]["body"]
        assert answer["encrypted"]  # the answer came in the teacher's encrypted chat
        # A teacher is not staff: the staff commands are refused.
        await teacher.send(dm, "/förfrågningar")
        [refused] = await teacher.wait_for_replies(dm, 1, timeout=60)
        assert refused["content"]["body"] == "Det kommandot är för personal."
    finally:
        await bot.stop()
