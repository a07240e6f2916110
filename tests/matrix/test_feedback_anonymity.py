"""Anonymous feedback over Matrix leaves no trace of who gave it: not in the database file,
not in any log line the bot writes (as it logs in production)."""

from __future__ import annotations

from pathlib import Path

from tests.matrix.botrun import InProcessBot
from tests.matrix.conftest import MakeUser
from tests.matrix.synapse import SynapseServer
from tests.traces import database_bytes, production_logs

PNR = "19811218-9876"
PHONE = "070-123 45 67"


async def test_feedback_through_matrix_is_anonymous(
        synapse: SynapseServer, make_user: MakeUser, tmp_path: Path) -> None:
    bot = InProcessBot(synapse, tmp_path)
    anna = await make_user("anna")
    sent: list[str] = []
    # Production logging: our lines at INFO, libraries at WARNING, Matrix ids masked.
    with production_logs() as captured:
        try:
            await bot.start()
            room = await anna.dm(bot.user_id, encrypted=True, timeout=60)
            for text in ("/tyck", "2", "Fredrika",
                         f"Langning vid skolan. Jag heter Anna, pnr {PNR}, ring {PHONE}",
                         "3", "ja"):
                sent.append(await anna.send(room, text))
                [reply] = await anna.wait_for_replies(room, 1, timeout=60)
            assert "sparad" in reply["content"]["body"]
            await bot.stop()
        finally:
            await bot.stop()

    from bot.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'bot.db'}")
    async with store:
        [entry] = await store.list_feedback()
    assert entry.text == ("Langning vid skolan. Jag heter [namn], pnr [personnummer], "
                          "ring [telefonnummer]")
    assert (entry.category, entry.area, entry.rating) == ("narkotika-alkohol", "fredrika", 3)

    raw = database_bytes(tmp_path)
    logs = captured.getvalue()
    assert "store opened" in logs and "dialogue completed: Feedback" in logs
    secrets = [anna.user_id, anna.user_id.split(":")[0][1:], room, *sent, PNR, "19811218",
               PHONE, "0701234567", "123 45 67"]
    for secret in secrets:
        assert secret.encode() not in raw, f"{secret!r} in the database"
        assert secret not in logs, f"{secret!r} in a log line"
