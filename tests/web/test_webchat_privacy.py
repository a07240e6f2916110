"""Anonymous feedback given on the web leaves no trace of who gave it, as on Matrix
(tests/matrix/test_feedback_anonymity.py): not the conversation's token, not its cid, not
the address the page came from, not its user agent; not in the database file, not in any
log line the bot writes (as it logs in production)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import build_bot
from bot.config import Config
from bot.core.clock import FixedClock
from bot.knowledge.holder import KnowledgeHolder
from bot.store import open_store
from bot.transports.webchat.conversations import cid_of
from tests import traces
from tests.traces import database_bytes
from tests.web.chat_client import conversation, serve

PNR = "19811218-9876"
PHONE = "070-123 45 67"
ADDRESS = "203.0.113.77"
AGENT = "Mozilla/5.0 (Linux; Android 14; Hemlig-Telefon-77) Chrome/126"


@pytest.fixture
def production_logs() -> Iterator[io.StringIO]:
    """Our lines at DEBUG (more than production), libraries at WARNING, ids masked."""
    with traces.production_logs(logging.DEBUG) as captured:
        yield captured


async def test_feedback_on_the_web_is_anonymous(tmp_path: Path, clock: FixedClock,
                                                shipped_holder: KnowledgeHolder,
                                                production_logs: io.StringIO) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    headers = {"X-Forwarded-For": ADDRESS, "User-Agent": AGENT}
    texts = ["/tyck", "2", "Fredrika",
             f"Langning vid skolan. Jag heter Anna, pnr {PNR}, ring {PHONE}", "3", "ja"]
    async with open_store(url) as store:
        bot = build_bot(Config(), clock, shipped_holder, store)
        async with serve(bot.handle, clock, trusted_proxies=["127.0.0.1"]) as (client, chat):
            started = await client.post("/chat/api/conversations", json={"lang": "sv"},
                                        headers=headers)
            token = (await started.json())["token"]
            last = 0
            for seq, text in enumerate(texts, 1):
                response = await client.post("/chat/api/messages", headers=headers, json={
                    "token": token, "seq": seq, "text": text, "lang": "sv"})
                assert response.status == 202
                _, reply = await conversation(client, token, 2, after=last)
                last = reply["id"]
            assert "sparad" in reply["html"]
            await chat.close()
        await bot.close()
        [entry] = await store.list_feedback()
    assert entry.text == ("Langning vid skolan. Jag heter [namn], pnr [personnummer], "
                          "ring [telefonnummer]")
    assert (entry.category, entry.area, entry.rating) == ("narkotika-alkohol", "fredrika", 3)

    raw = database_bytes(tmp_path)
    logs = production_logs.getvalue()
    assert "web: conversation started" in logs and "dialogue completed: Feedback" in logs
    secrets = [token, cid_of(token), cid_of(token)[:12], ADDRESS, AGENT, "Hemlig-Telefon",
               *texts[3:4], PNR, "19811218", PHONE, "0701234567", "123 45 67"]
    for secret in secrets:
        assert secret.encode() not in raw, f"{secret!r} in the database"
        assert secret not in logs, f"{secret!r} in a log line"
