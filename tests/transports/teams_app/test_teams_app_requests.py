"""A teacher's information-session request through the Teams app, end to end: the teacher
books in a personal chat, the staff channel gets the notice the bot starts, staff confirm
(typed, or with the card's Bekräfta), and the answer reaches the teacher's personal chat
exactly once, also when the bot was restarted between the request and the answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.core.clock import FixedClock
from bot.knowledge.holder import KnowledgeHolder
from bot.store import open_store
from tests.transports.teams_app.activities import (
    CHANNEL,
    Person,
    channel_message,
    personal_message,
    submit,
)
from tests.transports.teams_app.conftest import TeamsBot, teams_config
from tests.transports.teams_app.connector import Connector, Posted

ANSWER = "2026-12-10 09:00 i aulan"
BOOKING = ("Centralskolan", "lärare", "drogtecken", "25", "vecka 50", "hoppa över", "ja")


async def turn(bot: TeamsBot, connector: Connector, activity: dict[str, Any]) -> list[Posted]:
    """Post one activity; the replies the bot sent to it within the turn."""
    connector.incoming.add(activity["id"])
    status, body = await bot.post(activity)
    assert status in (200, 202), (status, body)
    return [p for p in connector.posted if p.reply_to == activity["id"]]


async def say(bot: TeamsBot, connector: Connector, person: Person, text: str,
              clock: FixedClock) -> str:
    """`person` writes in their personal chat; what the bot answered there."""
    replies = await turn(bot, connector, personal_message(person, text, connector.url,
                                                          clock.now()))
    assert replies and all(p.conversation == person.chat for p in replies), replies
    return "\n".join(p.shown() for p in replies)


async def in_channel(bot: TeamsBot, connector: Connector, person: Person, text: str,
                     clock: FixedClock) -> list[Posted]:
    """`person` mentions the bot in the staff channel; its replies (in the thread)."""
    activity = channel_message(person, text, connector.url, clock.now())
    replies = await turn(bot, connector, activity)
    assert replies, f"no reply in the channel to {text!r}"
    assert all(p.conversation.startswith(CHANNEL) for p in replies), replies
    return replies


def answers_to(connector: Connector, person: Person) -> list[Posted]:
    """What reached the person's personal chat carrying the staff's answer."""
    return [p for p in connector.to(person.chat) if ANSWER in p.shown()]


def notices(connector: Connector) -> list[Posted]:
    """The staff channel's notices of request #1: messages the bot started there."""
    return [p for p in connector.started(CHANNEL)
            if "#1" in p.shown() and "Centralskolan" in p.shown()]


async def confirm(how: str, bot: TeamsBot, connector: Connector, stina: Person,
                  clock: FixedClock) -> str:
    """Staff confirm request #1 in the channel: typed, with the Bekräfta of the notice card
    the bot started there, or with the one of the /förfrågningar card."""
    if how == "typed":
        replies = await in_channel(bot, connector, stina, f"/bekräfta 1 {ANSWER}", clock)
        return "\n".join(p.shown() for p in replies)
    if how == "notice card":
        [card] = notices(connector)
        # A press on a post in a channel comes from that post's thread.
        where = channel_message(stina, "", connector.url, clock.now(),
                                thread=card.id)["conversation"]
    else:
        listed = channel_message(stina, "/förfrågningar", connector.url, clock.now())
        [card] = await turn(bot, connector, listed)
        where = listed["conversation"]
    assert "#1" in card.shown() and "Centralskolan" in card.shown()
    pressable = [a for a in card.actions() if a.get("title") == "Bekräfta #1"]
    assert len(pressable) == 1, [a.get("title") for a in card.actions()]
    # Bekräfta opens a labelled field for the time; its button sends what was typed there.
    [field] = [i for i in _inputs(card.cards) if i["id"] == pressable[0]["data"]["field"]]
    assert field["type"] == "Input.Text" and "När?" in field["label"]

    async def press(typed: str) -> str:
        [reply] = await turn(bot, connector, submit(
            stina, pressable[0], card.id, where, connector.url, clock.now(),
            {i["id"]: typed if i is field else "" for i in _inputs(card.cards)}))
        return reply.shown()

    # Pressed with the field empty, it is the typed "/bekräfta 1": the reply asks for the
    # time, with the number (the card answer and the typed one are one).
    typed = await in_channel(bot, connector, stina, "/bekräfta 1", clock)
    assert await press("  ") == typed[0].shown() and "/bekräfta 1 " in typed[0].shown()
    return await press(ANSWER)


def _inputs(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if str(node.get("type", "")).startswith("Input.") and "id" in node:
            found.append(node)
        for value in node.values():
            found += _inputs(value)
    elif isinstance(node, list):
        for value in node:
            found += _inputs(value)
    return found


@pytest.mark.parametrize("restart", [False, True], ids=["one-run", "restarted"])
@pytest.mark.parametrize("how", ["typed", "notice card", "list card"])
async def test_a_teachers_request_is_answered_in_her_personal_chat_exactly_once(
        how: str, restart: bool, tmp_path: Path, connector: Connector, anna: Person,
        stina: Person, shipped_holder: KnowledgeHolder, clock: FixedClock) -> None:
    config = teams_config(tmp_path, staff=[stina.aad])
    bot = TeamsBot(config, shipped_holder, clock)
    await bot.start()
    try:
        # Staff wrote in their channel once: the bot keeps that channel's reference.
        assert "förfrågningar" in (await in_channel(bot, connector, stina, "/förfrågningar",
                                                    clock))[0].shown().lower()
        intro = await say(bot, connector, anna, "/boka", clock)
        assert "svaret kan nå dig här" in intro  # a personal chat: the answer comes here
        for answer in BOOKING:
            last = await say(bot, connector, anna, answer, clock)
        assert "#1" in last and "Du får svar här" in last
        [notice] = await connector.wait_until(lambda: notices(connector))
        assert "Centralskolan" in notice.shown() and "vecka 50" in notice.shown()
        assert notice.cards and {"Bekräfta #1", "Avböj #1"} <= {
            a.get("title") for a in notice.actions()}
        if restart:
            await bot.stop()
            bot = TeamsBot(config, shipped_holder, clock)
            await bot.start()
        told = await confirm(how, bot, connector, stina, clock)
        assert "Bekräftad: #1" in told and "skickats till den som frågade" in told, told
        [answer] = await connector.wait_until(lambda: answers_to(connector, anna))
        assert "bekräftad" in answer.shown() and "Centralskolan" in answer.shown()
    finally:
        await bot.stop()  # the outbox is drained: whatever would still come has come
    assert len(answers_to(connector, anna)) == 1, answers_to(connector, anna)
    assert len(notices(connector)) == 1
    # Nothing the bot started went to anyone else's chat, nor created a conversation.
    assert {p.conversation.partition(";")[0] for p in connector.posted} <= {
        anna.chat, CHANNEL, *(f"created-{n}" for n in range(1, len(connector.created) + 1))}
    async with open_store(config.store_url) as store:
        [request] = await store.list_requests()
    assert (request.transport, request.requester, request.status) == \
        ("teams_app", anna.aad, "confirmed")


async def test_a_redelivered_activity_gets_one_reply_also_after_a_restart(
        tmp_path: Path, connector: Connector, anna: Person, shipped_holder: KnowledgeHolder,
        clock: FixedClock) -> None:
    config = teams_config(tmp_path)
    bot = TeamsBot(config, shipped_holder, clock)
    await bot.start()
    try:
        for answer in ("/boka", *BOOKING[:-1]):
            await say(bot, connector, anna, answer, clock)
        yes = personal_message(anna, "ja", connector.url, clock.now())
        assert len(await turn(bot, connector, yes)) == 1
        # The Connector retries when it did not see our 202 in time: same activity id.
        assert await turn(bot, connector, yes) == [p for p in connector.posted
                                                  if p.reply_to == yes["id"]]
        await bot.stop()
        bot = TeamsBot(config, shipped_holder, clock)
        await bot.start()
        await turn(bot, connector, yes)
    finally:
        await bot.stop()
    assert len([p for p in connector.posted if p.reply_to == yes["id"]]) == 1
    async with open_store(config.store_url) as store:
        assert len(await store.list_requests()) == 1  # one request, not two
