"""Running it for real: metrics, health, reload, unanswered questions, JSON logs."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_bot
from bot.config import Config, Roles
from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.metrics import Metrics
from bot.knowledge.holder import KnowledgeHolder
from bot.logs import JsonFormatter, PrivacyFilter
from bot.service import health
from bot.store import Store
from bot.web import make_app
from tests.conftest import SHIPPED, ask

ADMIN, STAFF, RESIDENT = "@chef:x", "@polis:x", "@anna:hemlig.se"


@pytest.fixture
def metrics() -> Metrics:
    return Metrics()


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(SHIPPED, target)
    return target


@pytest.fixture
def bot(store: Store, clock: FixedClock, metrics: Metrics, kb_dir: Path) -> Bot:
    config = Config(roles=Roles(staff=[STAFF], admins=[ADMIN]))
    return build_bot(config, clock, KnowledgeHolder.load(kb_dir), store, metrics=metrics)


async def test_metrics_count_outcomes_and_carry_no_ids(bot: Bot, metrics: Metrics) -> None:
    for text in ("knark", "vad kostar hundskatten", "han slår mig med kniv nu", "/tyck",
                 "avbryt"):
        await ask(bot, text, sender=RESIDENT, room="!hemligt-rum:x")
    page = metrics.render().decode()
    assert 'medborgarbot_messages_total{outcome="answered",transport="test"} 1.0' in page
    assert 'medborgarbot_messages_total{outcome="unknown",transport="test"} 1.0' in page
    assert 'medborgarbot_messages_total{outcome="emergency",transport="test"} 1.0' in page
    assert 'medborgarbot_dialogues_total{dialogue="Feedback",event="started"} 1.0' in page
    assert 'medborgarbot_dialogues_total{dialogue="Feedback",event="cancelled"} 1.0' in page
    assert 'medborgarbot_reply_seconds_count{transport="test"} 5.0' in page
    for private in ("anna", "hemlig", "knark", "hundskatten", "kniv"):
        assert private not in page


async def test_health_and_metrics_over_http(store: Store, metrics: Metrics) -> None:
    connected = SimpleNamespace(connected=True)
    app = make_app(lambda: health(store, [connected]), metrics)
    async with TestClient(TestServer(app)) as client:
        ok = await client.get("/healthz")
        assert ok.status == 200 and (await ok.text()).strip() == "ok"
        connected.connected = False
        down = await client.get("/healthz")
        assert down.status == 503 and "not connected" in await down.text()
        page = await client.get("/metrics")
        assert page.status == 200 and "medborgarbot_messages_total" in await page.text()


async def test_health_fails_when_the_store_fails() -> None:
    class BrokenStore:
        async def ping(self) -> bool:
            raise OSError("disk gone")

    ok, reason = await health(BrokenStore(), [])  # type: ignore[arg-type]
    assert (ok, reason) == (False, "store not answering")


async def test_reload_is_for_admins_and_keeps_the_old_base_on_errors(
        bot: Bot, kb_dir: Path) -> None:
    assert (await ask(bot, "/ladda om", sender=STAFF)).text == "Det kommandot är för personal."
    topics = kb_dir / "asele" / "topics.yaml"  # Åsele's own goals replace the shared
    good = topics.read_text(encoding="utf-8")
    topics.write_text(good.replace("  - id: mal\n", "  - id: Mål!\n", 1), encoding="utf-8")
    refused = await ask(bot, "/ladda om", sender=ADMIN)
    assert "den gamla gäller" in refused.text and "topics.yaml" in refused.text
    assert "trygghet" in (await ask(bot, "vad är målen")).text  # still answered
    assert "Polisen och Åsele kommun har tre mål" in good
    topics.write_text(good.replace("Polisen och Åsele kommun har tre mål",
                                   "Polisen och Åsele kommun har TRE mål", 1),
                      encoding="utf-8")
    done = await ask(bot, "/ladda om", sender=ADMIN)
    assert "omladdad" in done.text
    assert "TRE mål" in (await ask(bot, "vad är målen")).text


async def test_unanswered_questions_are_counted_redacted(bot: Bot) -> None:
    for sender in ("@a:x", "@b:x"):
        await ask(bot, "Vad kostar hundskatten i år? /anna@example.se", sender=sender)
    # (the weather is answered now: "not my business, ask here"; the moon is not)
    await ask(bot, "hur långt är det till månen från Umeå", sender="@c:x")
    listed = await ask(bot, "/obesvarade", sender=STAFF)
    lines = listed.text.splitlines()
    assert lines[1] == "1. vad kostar hundskatten i ar e post (2)"
    assert "manen" in lines[2]
    assert "anna" not in listed.text and "example" not in listed.text
    assert (await ask(bot, "/obesvarade", sender=RESIDENT)).text.startswith("Det kommandot")


def test_json_log_lines_are_masked() -> None:
    record = logging.LogRecord("nio.rooms", logging.WARNING, __file__, 1,
                               "room %s failed", ("!abc:server.se",), None)
    PrivacyFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "room [id] failed" and entry["level"] == "WARNING"


async def test_a_failing_transport_is_restarted_and_a_setup_error_is_not() -> None:
    import asyncio

    from bot.core.ports import TransportSetupError
    from bot.service import supervise

    stopping = asyncio.Event()

    class Flaky:
        runs = 0

        async def run(self) -> None:
            self.runs += 1
            if self.runs < 3:
                raise RuntimeError("bug")
            stopping.set()  # the third run works; then the service stops

    flaky = Flaky()
    await supervise(flaky, stopping, pause=0)
    assert flaky.runs == 3

    class WrongPassword:
        runs = 0

        async def run(self) -> None:
            self.runs += 1
            raise TransportSetupError("matrix: login as @bot:x failed: Invalid password")

    wrong = WrongPassword()
    await supervise(wrong, asyncio.Event(), pause=0)
    assert wrong.runs == 1
