"""The Teams app's turns against the real core: /tyck in a personal chat leaves no trace of
who gave it, a card's button does exactly what typing its answer does, and with an app id
an activity without a valid token never reaches the core."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.clock import FixedClock
from bot.knowledge.holder import KnowledgeHolder
from bot.store import open_store
from tests import traces
from tests.transports.teams_app.activities import (
    APP_ID,
    TENANT,
    Person,
    personal_message,
    submit,
)
from tests.transports.teams_app.conftest import TeamsBot, teams_config
from tests.transports.teams_app.connector import Connector, Posted
from tests.transports.teams_app.test_teams_app_requests import turn

PNR = "19811218-9876"
PHONE = "070-123 45 67"
TOLD = f"Langning vid skolan. Jag heter Anna, pnr {PNR}, ring {PHONE}"


@pytest.fixture
def production_logs() -> Iterator[io.StringIO]:
    """Our lines at DEBUG (more than production), libraries at WARNING, ids masked."""
    with traces.production_logs(logging.DEBUG) as captured:
        yield captured


@pytest.fixture
async def bot(tmp_path: Path, shipped_holder: KnowledgeHolder,
              clock: FixedClock) -> Any:
    running = TeamsBot(teams_config(tmp_path), shipped_holder, clock)
    await running.start()
    yield running
    await running.stop()


async def reply(bot: TeamsBot, connector: Connector, activity: dict[str, Any]) -> Posted:
    [answer] = await turn(bot, connector, activity)
    assert answer.conversation == activity["conversation"]["id"]
    return answer


async def test_feedback_in_a_personal_chat_is_anonymous(
        tmp_path: Path, connector: Connector, anna: Person, shipped_holder: KnowledgeHolder,
        clock: FixedClock, production_logs: io.StringIO) -> None:
    bot = TeamsBot(teams_config(tmp_path), shipped_holder, clock)
    await bot.start()
    try:
        shown = []
        for text in ("/tyck", "2", "Fredrika", TOLD, "3", "ja"):
            activity = personal_message(anna, text, connector.url, clock.now())
            shown.append((await reply(bot, connector, activity)).shown())
        # A personal chat is private: no warning that others read along.
        assert "ser alla" not in shown[0] and "anonym" in shown[0]
        assert "sparad" in shown[-1]
    finally:
        await bot.stop()
    async with open_store(bot.config.store_url) as store:
        [entry] = await store.list_feedback()
    assert entry.text == ("Langning vid skolan. Jag heter [namn], pnr [personnummer], "
                          "ring [telefonnummer]")
    assert (entry.category, entry.area, entry.rating) == ("narkotika-alkohol", "fredrika", 3)

    raw = traces.database_bytes(tmp_path)
    logs = production_logs.getvalue()
    # The scan reads the lines that were written (and the core's line, which the refused
    # activities of the token test must never produce, looks like this).
    assert "dialogue completed: Feedback" in logs and "handled transport=teams_app" in logs
    chat_key = anna.chat.removeprefix("a:")
    secrets = [anna.aad, anna.aad.replace("-", ""), anna.user_id, anna.user_id[3:],
               anna.chat, chat_key, chat_key[:24], TENANT, anna.name, TOLD, PNR, "19811218",
               PHONE, "0701234567", "123 45 67"]
    for secret in secrets:
        assert secret.encode() not in raw, f"{secret!r} in the database"
        assert secret not in logs, f"{secret!r} in a log line"


def _look(posted: Posted) -> tuple[str, list[str], str | None]:
    """What the person sees of a reply: its words, its buttons, and its format."""
    return (posted.shown(), [str(a.get("title")) for a in posted.actions()],
            posted.body.get("textFormat"))


async def test_pressing_a_button_and_typing_the_answer_give_identical_replies(
        bot: TeamsBot, connector: Connector, anna: Person, clock: FixedClock) -> None:
    erik = Person("Erik Boende")
    # (what Anna types, the button Erik presses on the card he was sent; None: he types)
    steps = [("/tyck", None), ("2", "Narkotika och alkohol"), ("2", "Fredrika"),
             ("Langning vid skolan", None), ("3", "varken eller"), ("ja", "Ja")]
    last: Posted | None = None
    for typed, button in steps:
        by_anna = await reply(bot, connector, personal_message(anna, typed, connector.url,
                                                               clock.now()))
        if button is None:
            activity = personal_message(erik, typed, connector.url, clock.now())
        else:
            assert last is not None
            matches = [a for a in last.actions() if a.get("title") == button]
            assert len(matches) == 1, [a.get("title") for a in last.actions()]
            action = matches[0]
            activity = submit(erik, action, last.id, {"conversationType": "personal",
                                                      "tenantId": TENANT, "id": erik.chat},
                              connector.url, clock.now())
            assert "text" not in activity  # a press carries no text: only the value
        last = await reply(bot, connector, activity)
        assert _look(last) == _look(by_anna), (typed, button)
    assert "sparad" in last.shown()
    # A card's answer was stored as the typed one was.
    async with open_store(bot.config.store_url) as store:
        entries = await store.list_feedback()
    assert [(e.category, e.area, e.rating, e.text) for e in entries] == 2 * [
        ("narkotika-alkohol", "fredrika", 3, "Langning vid skolan")]


def test_the_button_steps_were_cards() -> None:
    """The button steps above press real Action.Submit buttons: a card reply has them
    and no text beside it (Teams would show the reply twice)."""
    from bot.core.messages import Choice, Outcome, Reply
    from bot.transports.teams_app.cards import reply_activity

    activity = reply_activity(Reply("Välj:\n\n1. Ja\n2. Nej", Outcome.DIALOGUE,
                                    choices=(Choice("Ja", "1"), Choice("Nej", "2"))))
    body = activity.model_dump(mode="json", by_alias=True, exclude_none=True)
    posted = Posted("c", None, body, "x")
    assert [a["title"] for a in posted.actions()] == ["Ja", "Nej"] and not posted.text


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Bearer not-a-jwt",
                                           "Basic dXNlcjpwYXNz"])
async def test_with_an_app_id_an_activity_without_a_valid_token_is_refused(
        authorization: str | None, tmp_path: Path, connector: Connector, anna: Person,
        shipped_holder: KnowledgeHolder, clock: FixedClock,
        production_logs: io.StringIO) -> None:
    config = teams_config(tmp_path, anonymous=False, app_id=APP_ID, tenant_id=TENANT,
                          client_secret="not-a-real-secret")
    bot = TeamsBot(config, shipped_holder, clock)
    await bot.start()
    try:
        activity = personal_message(anna, "/tyck", connector.url, clock.now())
        headers = {} if authorization is None else {"Authorization": authorization}
        status, body = await bot.post(activity, headers)
        assert status == 401, (status, body)
        assert b"Traceback" not in body and b"Exception" not in body
    finally:
        await bot.stop()
    # Never reached the core: nothing was answered, nothing began, nothing was stored.
    assert connector.posted == [] and connector.created == []
    assert "handled transport=" not in production_logs.getvalue()


async def test_replies_reuse_one_connection_to_the_connector(
        bot: TeamsBot, connector: Connector, anna: Person, clock: FixedClock) -> None:
    # The SDK's own factory opened a new connection for every turn (a TCP, in Teams a TLS
    # handshake too): one after another, the replies now go over the one connection that
    # stays open (so do the messages the bot starts: the same factory makes their clients).
    for text in ("hej", "vad har polisen lovat?", "knark", "vem är kommunpolis?"):
        await reply(bot, connector, personal_message(anna, text, connector.url, clock.now()))
    assert len(connector.posted) == 4
    assert len(connector.connections) == 1, connector.connections
