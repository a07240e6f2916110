"""The Teams app transport's own parts, on 127.0.0.1 with a small Bot Connector stand-in
that can fail on demand: mapping and mention stripping, 401 without a token when an app id
is set, the apology on a failed turn, a redelivered activity answered once, references
that survive a restart without an id in the store, the courier's retry and exactly once,
and what `check` refuses. (The whole service with the real core: tests/transports/teams_app.)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from microsoft_agents.activity import Activity

from bot.config import Config, ConfigError, TeamsAppSettings, load_config
from bot.core.clock import FixedClock
from bot.core.messages import IncomingMessage, Outcome, Reply
from bot.service import preflight
from bot.store import Store, open_store
from bot.transports.teams_app import TeamsApp
from bot.transports.teams_app.transport import incoming
from tests.conftest import TODAY
from tests.traces import database_bytes

TENANT = "72f988bf-86f1-41af-91ab-" + secrets.token_hex(6)
AAD = "6a1b2c3d-0000-4000-8000-" + secrets.token_hex(6)
CHAT = "a:1" + secrets.token_urlsafe(40)
CHANNEL = f"19:{secrets.token_hex(16)}@thread.tacv2"
BOT = {"id": "28:0d5e1f2a-bot", "name": "Medborgarbot"}
MENTION = "<at>Medborgarbot</at>"
ANONYMOUS = TeamsAppSettings(anonymous=True, development=True)
TODAY_DT = dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)


def message(text: str, service_url: str, *, channel: bool = False,
            mention: bool = True, **extra: Any) -> dict[str, Any]:
    """A message activity as Teams posts it: in the personal chat, or a channel post."""
    body: dict[str, Any] = {
        "type": "message", "id": f"1764{secrets.randbelow(10**9):09d}",
        "serviceUrl": service_url, "channelId": "msteams", "recipient": dict(BOT),
        "from": {"id": "29:1" + AAD[-6:], "name": "Anna", "aadObjectId": AAD},
        "text": text, "textFormat": "plain", "channelData": {"tenant": {"id": TENANT}},
        "conversation": {"conversationType": "personal", "tenantId": TENANT, "id": CHAT}}
    if channel:
        body["conversation"] = {"conversationType": "channel", "isGroup": True,
                                "tenantId": TENANT, "id": f"{CHANNEL};messageid=17001"}
        if mention:
            body["text"] = f"{MENTION} {text}"
            body["entities"] = [{"type": "mention", "text": MENTION, "mentioned": dict(BOT)}]
    return body | extra


class StandIn:
    """The Connector: records each post; `fail` holds the statuses the next posts get."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, Any]]] = []
        self.fail: list[tuple[int, dict[str, str]]] = []
        self.tried: list[str] = []  # the path of every post, failed ones too

    async def _post(self, request: web.Request) -> web.Response:
        self.tried.append(request.path)
        if self.fail:
            status, headers = self.fail.pop(0)
            return web.Response(status=status, headers=headers)
        self.posts.append((request.path, await request.json()))
        if request.path == "/v3/conversations":
            return web.json_response({"id": "created-1", "activityId": "act-1"})
        return web.json_response({"id": f"act-{len(self.posts)}"})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._post)
        return app

    def texts(self) -> list[str]:
        return [body.get("text") or "" for _, body in self.posts]


class Core:
    """Stands in for Bot.handle: records what it was handed, answers with `answer`."""

    def __init__(self, answer: Callable[[IncomingMessage], Awaitable[Reply | None]]
                 | None = None) -> None:
        self.got: list[IncomingMessage] = []
        self._answer = answer

    async def __call__(self, msg: IncomingMessage) -> Reply | None:
        self.got.append(msg)
        if self._answer is not None:
            return await self._answer(msg)
        return Reply(f"svar på {msg.text}", Outcome.ANSWERED)


@pytest.fixture
async def connector() -> AsyncIterator[tuple[StandIn, str]]:
    stand_in = StandIn()
    async with TestServer(stand_in.app(), host="127.0.0.1") as server:
        yield stand_in, str(server.make_url("/"))


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Store]:
    async with open_store(f"sqlite:///{tmp_path / 'bot.db'}") as store:
        yield store


@asynccontextmanager
async def serve(app: TeamsApp) -> AsyncIterator[TestClient[Any, Any]]:
    web_app = web.Application()
    app.attach(web_app)
    async with TestClient(TestServer(web_app, host="127.0.0.1")) as client:
        yield client


_MADE: list[TeamsApp] = []


@pytest.fixture(autouse=True)
async def close_made() -> AsyncIterator[None]:
    """Each test's apps are closed after it, as the service closes its own (their pool of
    connections to the Connector)."""
    yield
    while _MADE:
        await _MADE.pop().close()


def make(tmp_path: Path, store: Store, core: Core, settings: TeamsAppSettings = ANONYMOUS,
         waits: list[float] | None = None) -> TeamsApp:
    async def wait(seconds: float) -> bool:  # no wall-clock sleeps: the waits are recorded
        (waits if waits is not None else []).append(seconds)
        return True
    app = TeamsApp(settings, core, store, FixedClock(TODAY), tmp_path, wait=wait)
    _MADE.append(app)
    return app


async def post(client: TestClient[Any, Any], body: dict[str, Any] | bytes,
               **headers: str) -> int:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with client.post("/api/messages", data=data, headers={
            "Content-Type": "application/json", **headers}) as response:
        await response.read()
        return response.status


# --- mapping ---

def test_personal_message_is_a_private_addressed_conversation() -> None:
    now = TODAY_DT
    activity = Activity.model_validate(message("Hej &amp; <b>välkommen</b>", "http://x/"))
    msg = incoming(activity, now)
    assert msg is not None
    assert (msg.transport, msg.room, msg.sender) == ("teams_app", CHAT, AAD)
    assert msg.text == "Hej & välkommen"
    assert msg.is_direct and msg.addressed and not msg.seen_by_others
    assert msg.event_id == activity.id and msg.time == now and msg.lang is None


def test_channel_mention_is_stripped_and_the_room_is_the_channel() -> None:
    body = message("vad gäller <at>Erik Polis</at> nu?", "http://x/", channel=True)
    msg = incoming(Activity.model_validate(body), dt.datetime.now(dt.UTC))
    assert msg is not None
    assert msg.text == "vad gäller nu?"  # the bot's mention and others' names are gone
    assert msg.room == CHANNEL and msg.thread == "17001"
    assert not msg.is_direct and msg.addressed and msg.seen_by_others


def test_channel_message_without_the_bots_mention_is_not_addressed() -> None:
    body = message("hej alla", "http://x/", channel=True, mention=False)
    msg = incoming(Activity.model_validate(body), dt.datetime.now(dt.UTC))
    assert msg is not None and not msg.addressed and msg.text == "hej alla"


def test_sender_without_entra_id_is_the_teams_user_id_and_nothing_empty_is_read() -> None:
    body = message("hej", "http://x/")
    body["from"] = {"id": "29:1abc"}
    msg = incoming(Activity.model_validate(body), dt.datetime.now(dt.UTC))
    assert msg is not None and msg.sender == "29:1abc"
    assert incoming(Activity.model_validate(message(MENTION, "http://x/")), TODAY_DT) is None


# --- authentication ---

async def test_with_an_app_id_an_activity_without_a_valid_token_gets_401(
        tmp_path: Path, db: Store, connector: tuple[StandIn, str]) -> None:
    stand_in, url = connector
    core = Core()
    settings = TeamsAppSettings(app_id="0d5e1f2a-3b4c-4d5e-8f90-" + secrets.token_hex(6),
                                tenant_id=TENANT, client_secret="s3cret")
    async with serve(make(tmp_path, db, core, settings)) as client:
        assert await post(client, message("hej", url)) == 401  # no Authorization
        assert await post(client, message("hej", url), Authorization="Bearer x.y.z") == 401
        assert await post(client, message("hej", url), Authorization="Basic abc") == 401
    assert core.got == [] and stand_in.posts == []


async def test_anonymous_mode_answers_in_the_personal_chat(
        tmp_path: Path, db: Store, connector: tuple[StandIn, str]) -> None:
    stand_in, url = connector
    core = Core()
    async with serve(make(tmp_path, db, core)) as client:
        body = message("hej", url)
        assert await post(client, body) == 202
    assert [m.text for m in core.got] == ["hej"]
    (path, reply), = stand_in.posts
    assert path == f"/v3/conversations/{CHAT}/activities/{body['id']}"
    assert "svar på hej" in reply["text"] and reply["textFormat"] == "xml"


async def test_a_body_that_is_no_activity_is_400(tmp_path: Path, db: Store) -> None:
    async with serve(make(tmp_path, db, Core())) as client:
        assert await post(client, b"{not json") == 400
        assert await post(client, {"type": "message"}) == 400  # no conversation


# --- errors ---

async def test_a_failed_turn_apologises_without_the_exception_text(
        tmp_path: Path, db: Store, connector: tuple[StandIn, str],
        caplog: pytest.LogCaptureFixture) -> None:
    stand_in, url = connector

    async def broken(msg: IncomingMessage) -> Reply:
        raise RuntimeError(f"secret detail {AAD}")

    caplog.set_level(logging.INFO)
    async with serve(make(tmp_path, db, Core(broken))) as client:
        await post(client, message("hej", url))
    (_, apology), = stand_in.posts
    assert "Något gick fel hos mig" in apology["text"] and "secret detail" not in apology["text"]
    assert apology["text"].count("112") == 2  # both languages: the person's is unknown
    # The bot's and the SDK's lines (the stand-in's access log is the test's own).
    lines = "\n".join(r.getMessage() for r in caplog.records if r.name != "aiohttp.access")
    assert "RuntimeError" in lines and "secret detail" not in lines
    assert AAD not in lines and CHAT not in lines and TENANT not in lines


# --- redelivery ---

async def test_a_redelivered_activity_is_answered_once(
        tmp_path: Path, db: Store, connector: tuple[StandIn, str]) -> None:
    stand_in, url = connector
    started, release = asyncio.Event(), asyncio.Event()

    async def slow(msg: IncomingMessage) -> Reply:
        started.set()
        await release.wait()
        return Reply("svar", Outcome.ANSWERED)

    core = Core(slow)
    body = message("hej", url)
    async with serve(make(tmp_path, db, core)) as client:
        first = asyncio.create_task(post(client, body))
        await started.wait()  # the first is in hand ...
        assert await post(client, body) == 202  # ... when the Connector sends it again
        release.set()
        assert await first == 202
        assert await post(client, body) == 202  # and once more, after the answer
    assert len(core.got) == 1 and len(stand_in.posts) == 1
    # A new TeamsApp over the same store (a restart) remembers it too.
    async with serve(make(tmp_path, db, core)) as client:
        assert await post(client, body) == 202
    assert len(core.got) == 1


# --- references and the courier ---

async def test_messages_the_bot_starts_reach_the_chat_and_channel_after_a_restart(
        tmp_path: Path, connector: tuple[StandIn, str]) -> None:
    stand_in, url = connector
    async with open_store(f"sqlite:///{tmp_path / 'bot.db'}") as store, \
            serve(make(tmp_path, store, Core())) as client:
        await post(client, message("hej", url))
        await post(client, message("/hjälp", url, channel=True))
    stand_in.posts.clear()
    async with open_store(f"sqlite:///{tmp_path / 'bot.db'}") as store:  # restarted
        app = make(tmp_path, store, Core())
        assert await app.courier.to_user(AAD, "Din förfrågan **12** är bekräftad.")
        assert await app.courier.to_room(CHANNEL, "Ny förfrågan 12")
        assert not await app.courier.to_user("someone-else", "x")  # no personal chat
        assert not await app.courier.to_room("19:other@thread.tacv2", "x")
    (chat_path, answer), (channel_path, created) = stand_in.posts
    assert chat_path.startswith(f"/v3/conversations/{CHAT}/activities/")
    assert "<strong>12</strong>" in answer["text"]
    assert channel_path == "/v3/conversations"  # a new post in the channel
    assert created["channelData"]["channel"]["id"] == CHANNEL and created["isGroup"]
    assert "Ny förfrågan 12" in created["activity"]["text"]
    # The store holds the references sealed: no Entra id, conversation or tenant id.
    stored = database_bytes(tmp_path)
    for secret in (AAD, CHAT, CHANNEL, TENANT, "Anna"):
        assert secret.encode() not in stored


async def test_the_courier_retries_as_the_connector_asks(
        tmp_path: Path, db: Store, connector: tuple[StandIn, str]) -> None:
    stand_in, url = connector
    waits: list[float] = []
    app = make(tmp_path, db, Core(lambda m: _none()), waits=waits)
    async with serve(app) as client:
        await post(client, message("hej", url))
    stand_in.fail = [(503, {}), (429, {"Retry-After": "7"}), (502, {})]
    stand_in.tried.clear()
    assert await app.courier.to_user(AAD, "svar 1")
    assert waits == [1.0, 7.0, 4.0] and stand_in.texts() == ["<p>svar 1</p>"]
    # Every try names the same message (its idempotency key), no random id each time.
    assert len(stand_in.tried) == 4 and len(set(stand_in.tried)) == 1
    stand_in.fail = [(403, {})]  # the app was removed: final
    assert not await app.courier.to_user(AAD, "svar 2")
    assert waits == [1.0, 7.0, 4.0]
    stand_in.fail = [(500, {})] * 8  # send_attempts
    assert not await app.courier.to_user(AAD, "svar 3")
    assert len(stand_in.posts) == 1


async def test_one_outbox_message_is_posted_once(
        tmp_path: Path, connector: tuple[StandIn, str]) -> None:
    stand_in, url = connector
    async with open_store(f"sqlite:///{tmp_path / 'bot.db'}") as store:
        app = make(tmp_path, store, Core(lambda m: _none()))
        async with serve(app) as client:
            await post(client, message("hej", url))
        both = await asyncio.gather(app.courier.to_user(AAD, "svar"),
                                    app.courier.to_user(AAD, "svar"))
        assert both == [True, True]
        assert await app.courier.to_user(AAD, "svar")
    async with open_store(f"sqlite:///{tmp_path / 'bot.db'}") as store:  # restarted
        assert await make(tmp_path, store, Core()).courier.to_user(AAD, "svar")
    assert stand_in.texts() == ["<p>svar</p>"]


async def _none() -> None:
    return None


# --- configuration and check ---

def test_check_refuses_anonymous_mode_outside_development(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path, teams_app=TeamsAppSettings(anonymous=True))
    problems, _ = preflight(config)
    assert [p for p in problems if p.startswith("teams_app.anonymous")]
    allowed = Config(data_dir=tmp_path, teams_app=ANONYMOUS)
    assert not [p for p in preflight(allowed)[0] if p.startswith("teams_app")]
    assert "teams_app" in allowed.chat_transports


def test_an_app_id_without_a_secret_is_one_line(tmp_path: Path) -> None:
    file = tmp_path / "config.yaml"
    file.write_text("teams_app:\n  app_id: 0d5e1f2a\n  tenant_id: t\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(file, env={})
    assert raised.value.problems == [
        f"{file}: teams_app: needs client_secret with app_id "
        "(set MEDBORGARBOT_TEAMS_APP__CLIENT_SECRET)"]
    config = load_config(file, env={"MEDBORGARBOT_TEAMS_APP__CLIENT_SECRET": "s"})
    assert config.teams_app is not None and config.teams_app.client_secret == "s"
    file.write_text("teams_app:\n  app_id: x\n  anonymous: true\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(file, env={})
