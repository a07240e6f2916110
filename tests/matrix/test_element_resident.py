"""Element's own crypto as the other party: a resident on matrix-js-sdk with Rust crypto in
the "exclude insecure devices" mode (MSC4153) talks to the bot in an encrypted DM.

It can do so only because the bot publishes a cross-signing identity and signs its device;
the control (cross-signing off) shows the same resident failing as Element users did."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.transports.matrix import keys
from tests.matrix.botrun import InProcessBot
from tests.matrix.resident import Resident
from tests.matrix.synapse import SynapseServer

QUESTIONS = ["vad har polisen lovat?", "hur länge gäller avtalet", "who do I contact?"]
MakeResident = Callable[[], Awaitable[Resident]]


@pytest.fixture
async def make_resident(synapse: SynapseServer, tmp_path: Path
                        ) -> AsyncIterator[MakeResident]:
    residents: list[Resident] = []

    async def make() -> Resident:
        user_id, password = synapse.new_account("element")
        resident = Resident(tmp_path / f"resident-{len(residents)}.log")
        residents.append(resident)
        started = await resident.start(synapse.url, user_id, password)
        assert started["cross_signing_ready"]
        return resident

    yield make
    for resident in residents:
        await resident.stop()


@contextlib.asynccontextmanager
async def conversation(synapse: SynapseServer, tmp_path: Path, make_resident: MakeResident,
                       **settings: object) -> AsyncIterator[tuple[InProcessBot, Resident, str]]:
    """The bot started, a new Element-like resident and their encrypted DM."""
    bot = InProcessBot(synapse, tmp_path, **settings)
    await bot.start()
    try:
        resident = await make_resident()
        yield bot, resident, await resident.dm(bot.user_id)
    finally:
        await bot.stop()


def assert_readable(reply: dict[str, object], device: str) -> None:
    assert reply["failure"] is None, reply
    assert isinstance(reply["body"], str) and reply["body"], reply
    assert reply["sender_device"] == device
    assert reply["signed_by_owner"] is True


async def test_element_resident_reads_every_answer_across_restarts_and_a_new_device(
        synapse: SynapseServer, make_resident: MakeResident, tmp_path: Path) -> None:
    async with conversation(synapse, tmp_path, make_resident) as (bot, resident, room):
        for question in QUESTIONS:
            assert_readable(await resident.ask(room, question), "MEDBORGARBOT")
        master = keys.public_master(tmp_path / "matrix")
        assert master is not None

        await bot.stop()  # the same device again: its signature still holds
        await bot.start()
        assert_readable(await resident.ask(room, "vad gör polisen mot knark?"),
                        "MEDBORGARBOT")

        await bot.stop()  # a new device: signed at start by the same identity
        await bot.new_device("MEDBORGARBOT2")
        await bot.start()
        assert_readable(await resident.ask(room, "hur når jag polisen?"), "MEDBORGARBOT2")
        assert keys.public_master(tmp_path / "matrix") == master
        seen = await resident.call("bot_identity", bot=bot.user_id)
        assert seen["has_keys"] is True
        assert seen["devices"] == {"MEDBORGARBOT": True, "MEDBORGARBOT2": True}
        assert bot.transport is not None and bot.transport.problem is None


async def test_control_without_cross_signing_element_cannot_read_the_bot(
        synapse: SynapseServer, make_resident: MakeResident, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    """Proves the test above can fail: the same resident, the bot's device unsigned."""
    with caplog.at_level(logging.INFO):
        async with conversation(synapse, tmp_path, make_resident,
                                cross_signing=False) as (_, resident, room):
            # The resident withholds its room key; the bot says at once that it could not
            # read the message (no grace to wait for a key that will not come), and that
            # notice fails to decrypt on the resident's side.
            reply = await resident.ask(room, "vad har polisen lovat?")
    assert reply["body"] is None
    assert reply["failure"] == "UNSIGNED_SENDER_DEVICE"
    assert reply["signed_by_owner"] is False
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot"))
    assert "withheld a room key from the bot (m.unverified)" in logged
    assert "gave up decrypting an event" in logged
    for private in (resident.user_id, resident.device_id, room, reply["question"]):
        assert private not in logged


async def test_a_verification_request_is_declined_politely(
        synapse: SynapseServer, make_resident: MakeResident, tmp_path: Path) -> None:
    async with conversation(synapse, tmp_path, make_resident) as (bot, resident, room):
        assert_readable(await resident.ask(room, "hej"), "MEDBORGARBOT")
        outcome = await resident.call("verify", room=room, bot=bot.user_id)
        assert outcome["cancelled"] is True and outcome["reason"] == "m.user"
        explained = await resident.call("reply_to", room=room, question=outcome["request"])
        assert "kan inte verifieras" in explained["body"]
        assert "cannot be verified" in explained["body"]
        assert_readable(await resident.ask(room, "vad har polisen lovat?"), "MEDBORGARBOT")
