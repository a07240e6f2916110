"""An encrypted message the bot cannot decrypt: logged without content, the sender told."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from tests.matrix.botrun import InProcessBot, ShiftedClock
from tests.matrix.conftest import MakeUser
from tests.matrix.synapse import SynapseServer


async def test_sender_is_told_when_a_message_cannot_be_decrypted(
        synapse: SynapseServer, make_user: MakeUser, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    clock = ShiftedClock()
    bot = InProcessBot(synapse, tmp_path, clock=clock)
    anna = await make_user("anna")
    with caplog.at_level(logging.DEBUG):
        await bot.start()
        try:
            room = await anna.dm(bot.user_id, encrypted=True, timeout=60)
            await anna.send(room, "hej")
            await anna.wait_for_replies(room, 1, timeout=60)
            # Anna's client stops sharing room keys with the bot's device.
            for device in anna.client.device_store.active_user_devices(bot.user_id):
                anna.client.blacklist_device(device)
            anna.client.invalidate_outbound_session(room)
            secret = await anna.send(room, "hemlig fråga om knark")
            await anna.wait_until(lambda: bot.transport is not None
                                  and bool(bot.transport._undecrypted), "the bot seeing it", 30)
            # The grace for late room keys passes (no sleeping: the bot's clock moves).
            clock.offset += dt.timedelta(seconds=30)
            await anna.send(room, "en fråga till")  # a new sync batch for the bot
            [notice] = await anna.wait_for_replies(room, 1, timeout=60)
        finally:
            await bot.stop()
    content = notice["content"]
    assert "kunde inte läsa" in content["body"] and "could not read" in content["body"]
    assert content["m.relates_to"] == {"m.in_reply_to": {"event_id": secret}}
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot"))
    assert "could not be decrypted" in logged
    for private in ("hemlig", anna.user_id, room, secret):
        assert private not in logged
