"""Every hostile input of tests/hostile_corpus.py at every pipeline step, every command and
every dialogue step: no exception reaches the generic error reply, every step answers in
under a second, and nothing is stored that should not be (no half-done dialogue, no
control characters or unredacted numbers in feedback, nothing over the limits)."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator

import pytest

from bot.app import build_bot
from bot.config import Config, Roles
from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.outbox import Outbox
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store, open_store
from tests.conftest import SHIPPED, TODAY, message
from tests.hostile_corpus import BOOKING, FEEDBACK, HOSTILE, RESIDENT_COMMANDS, STAFF_COMMANDS

STAFF, ADMIN = "@polis1:x", "@chef:x"
SLOWEST_S = 1.0
# Shaped like a personnummer or samordningsnummer (month 01-12, day 01-31 or 61-91).
PERSONNUMMER = re.compile(r"(?<!\d)(?:\d{2})?\d{2}(?:0[1-9]|1[0-2])"
                          r"(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])[-+]?\d{4}(?!\d)")


class Harness:
    def __init__(self, bot: Bot, store: Store) -> None:
        self.bot = bot
        self.store = store
        self.failures: list[Exception] = []
        self.slowest = (0.0, "")
        self.n = 0
        handler = bot.on_error

        def record(exc: Exception) -> None:
            self.failures.append(exc)
            if handler is not None:
                handler(exc)

        bot.on_error = record

    async def say(self, text: str, sender: str, room: str) -> str:
        self.n += 1
        started = time.perf_counter()
        reply = await self.bot.handle(message(text, sender=sender, room=room,
                                              event_id=f"$h{self.n}"))
        elapsed = time.perf_counter() - started
        if elapsed > self.slowest[0]:
            self.slowest = (elapsed, text[:60])
        assert not self.failures, f"{text[:80]!r} reached the error reply: {self.failures}"
        return reply.text if reply is not None else ""


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    config = Config(roles=Roles(staff=[STAFF], admins=[ADMIN]))
    async with open_store("sqlite://:memory:") as store:
        bot = build_bot(config, FixedClock(TODAY), KnowledgeHolder.load(SHIPPED), store,
                        Outbox())
        yield Harness(bot, store)
        await bot.close()


async def assert_nothing_stored_wrongly(store: Store) -> None:
    for entry in await store.list_feedback():
        assert len(entry.text) <= 2000
        assert not any(ord(c) < 32 and c not in "\n\t" for c in entry.text), entry.text[:80]
        assert "\x00" not in entry.text and "\ufffd" * 3 not in entry.text
        assert not PERSONNUMMER.search(entry.text.replace(" ", "")), entry.text[:80]


@pytest.mark.parametrize("who", ["resident", "staff"])
async def test_every_command_with_every_hostile_input(harness: Harness, who: str) -> None:
    sender, commands = ((STAFF, STAFF_COMMANDS) if who == "staff"
                        else ("@boende:x", RESIDENT_COMMANDS))
    for i, hostile in enumerate(HOSTILE):
        for j, command in enumerate(commands):
            room = f"!{who}{i}-{j}"
            await harness.say(command.replace("{x}", hostile), sender, room)
            await harness.say("avbryt", sender, room)  # whatever was started ends
    assert harness.slowest[0] < SLOWEST_S, harness.slowest
    await assert_nothing_stored_wrongly(harness.store)


@pytest.mark.parametrize("script", [FEEDBACK, BOOKING], ids=["tyck", "boka"])
async def test_every_dialogue_step_with_every_hostile_input(harness: Harness,
                                                            script: list[str]) -> None:
    before = len(await harness.store.list_feedback())
    completed = 0
    for step in range(1, len(script)):
        for i, hostile in enumerate(HOSTILE):
            room, sender = f"!d{step}-{i}", f"@d{step}-{i}:x"
            for good in script[:step]:
                await harness.say(good, sender, room)
            await harness.say(hostile, sender, room)
            for good in script[step:]:  # the dialogue goes on, or was ended politely
                await harness.say(good, sender, room)
            completed += 1
    assert harness.slowest[0] < SLOWEST_S, harness.slowest
    await assert_nothing_stored_wrongly(harness.store)
    stored = len(await harness.store.list_feedback()) - before
    assert stored <= completed  # never more than one entry per conversation


async def test_a_dialogue_survives_hostile_input_and_still_completes(harness: Harness) -> None:
    """Hostile input at the free-text step of /tyck must not lose the dialogue: after it,
    the good answers still complete one entry (the hostile text refused or kept)."""
    before = len(await harness.store.list_feedback())
    for i, hostile in enumerate(HOSTILE[:40]):
        room, sender = f"!keep{i}", f"@keep{i}:x"
        for good in FEEDBACK[:3]:
            await harness.say(good, sender, room)
        await harness.say(hostile, sender, room)
        await harness.say(FEEDBACK[3], sender, room)  # refused before? then this is it
        for good in FEEDBACK[4:]:
            await harness.say(good, sender, room)
    stored = await harness.store.list_feedback()
    assert len(stored) - before >= 30  # most conversations end in a stored entry
    await assert_nothing_stored_wrongly(harness.store)
