"""The promise's cycle on a real Synapse: staff open a survey in their room, a resident
answers it in an encrypted direct chat (nothing stored points back to them), staff log an
activity, draft the month's digest and approve it, and it arrives in the public room
where a resident reads it."""

from __future__ import annotations

from pathlib import Path

from bot.config import Config, DigestSettings, Roles
from tests.matrix.botrun import InProcessBot
from tests.matrix.conftest import MakeUser
from tests.matrix.synapse import SynapseServer


async def test_survey_in_a_dm_and_the_digest_in_the_public_room(
        synapse: SynapseServer, make_user: MakeUser, tmp_path: Path) -> None:
    bot = InProcessBot(synapse, tmp_path)
    polis = await make_user("polis")
    resident = await make_user("invanare")
    staff_room = await polis.group_room([bot.user_id])
    public = await polis.group_room([bot.user_id, resident.user_id])
    bot.config = Config(roles=Roles(staff=[polis.user_id], staff_room=staff_room),
                        digest=DigestSettings.model_validate({"rooms": [f"matrix:{public}"]}))
    await bot.start()
    try:
        await polis.wait_for_member(staff_room, bot.user_id, timeout=60)
        await polis.wait_for_member(public, bot.user_id, timeout=60)
        await resident.join(public, timeout=60)

        async def staff(text: str) -> str:
            await polis.send(staff_room, text)
            [reply] = await polis.wait_for_replies(staff_room, 1, timeout=60)
            return str(reply["content"]["body"])

        assert "är öppen" in await staff("/enkät öppna Åsele")
        dm = await resident.dm(bot.user_id, encrypted=True, timeout=60)
        for text in ("/enkät", "4", "trafiken", "nej", "1, 2", "hoppa över", "ja"):
            await resident.send(dm, text)
            [reply] = await resident.wait_for_replies(dm, 1, timeout=60)
        assert "sparade" in reply["content"]["body"] and reply["encrypted"]
        assert bot.store is not None
        [survey] = await bot.store.list_surveys()
        [answer] = await bot.store.survey_answers(survey.id or 0)
        assert resident.user_id not in repr(answer) and dm not in repr(answer)

        assert "Loggat som #1" in await staff("/logga trafikkontroll Fredrika")
        preview = await staff("/sammanfattning denna månad Åsele")
        assert "Trafikkontroll: 1 – Fredrika 1" in preview
        assert "Publicerad" in await staff("/sammanfattning godkänn Åsele")
        [published] = await resident.wait_for_messages(public, 1, timeout=60,
                                                       msgtype="m.notice")
        body = published["content"]["body"]
        assert "Vad polis och kommun har gjort i Åsele" in body
        assert "Trafikkontroll: 1" in body and polis.user_id not in body
    finally:
        await bot.stop()
