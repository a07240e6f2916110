"""Two `python -m bot run` processes on one PostgreSQL serving one web chat with no sticky
routing (shared_state with "web"): a page made on one process, its event stream on it, its
/tyck answers posted to both in turn; every reply reaches the stream in order, the
feedback is stored once, a seq sent again to the other process is taken once, and what the
store keeps of the page is sealed."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

from bench.webchat_clients import sse_events
from bot.transports.webchat.conversations import cid_of
from tests.conftest import ROOT
from tests.store.conftest import postgres_server, postgres_url  # noqa: F401
from tests.test_multiprocess import stop
from tests.test_service import first_health, free_port

STATE_KEY = base64.b64encode(secrets.token_bytes(32)).decode()
ORIGIN = "https://chat.kommun.test"  # one public address in front of both processes
WAIT = 20.0  # seconds a reply may take before the test fails (never slept)


def start(folder: Path, port: int, url: str) -> subprocess.Popen[bytes]:
    folder.mkdir()
    config = folder / "config.yaml"
    config.write_text(json.dumps({
        "data_dir": str(folder / "data"), "knowledge": str(ROOT / "knowledge"),
        "store": url, "http": {"listen": f"127.0.0.1:{port}"},
        "web": {"enabled": True, "public_url": ORIGIN},
        "shared_state": {"enabled": True, "transports": ["teams", "teams_app", "web"]}}),
        "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDBORGARBOT_")}
    env.update(PYTHONPATH=str(ROOT), MEDBORGARBOT_SHARED_STATE__KEY=STATE_KEY)
    with (folder / "bot.log").open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config)],
                                cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)


class Page:
    """One page: its token, and the entries its stream (on one process) has received."""

    def __init__(self, http: aiohttp.ClientSession) -> None:
        self.http = http
        self.token = ""
        self.entries: list[dict[str, Any]] = []
        self.arrived = asyncio.Condition()

    async def open(self, base: str) -> None:
        async with self.http.post(f"{base}/chat/api/conversations", json={"lang": "sv"},
                                  headers={"Origin": ORIGIN}) as r:
            assert r.status == 201
            self.token = (await r.json())["token"]

    async def listen(self, base: str, opened: asyncio.Event) -> None:
        async with self.http.get(f"{base}/chat/api/events", params={"token": self.token},
                                 headers={"Origin": ORIGIN}) as r:
            assert r.status == 200
            opened.set()
            async for event, _, data in sse_events(r):
                if event == "entry":
                    async with self.arrived:
                        self.entries.append(json.loads(data))
                        self.arrived.notify_all()

    async def send(self, base: str, seq: int, text: str) -> tuple[int, dict[str, Any]]:
        async with self.http.post(f"{base}/chat/api/messages", headers={"Origin": ORIGIN},
                                  json={"token": self.token, "seq": seq, "text": text}) as r:
            return r.status, await r.json()

    async def reply_after(self, entry_id: int) -> dict[str, Any]:
        """The first bot entry after `entry_id` on the stream."""
        def found() -> dict[str, Any] | None:
            return next((e for e in self.entries if e["id"] > entry_id and e["kind"] == "bot"),
                        None)
        async with self.arrived:
            await asyncio.wait_for(self.arrived.wait_for(lambda: found() is not None), WAIT)
        reply = found()
        assert reply is not None
        return reply


async def test_a_page_served_by_two_processes(tmp_path: Path,
                                              postgres_url: str) -> None:  # noqa: F811
    ports = [free_port(), free_port()]
    procs = [start(tmp_path / f"p{i}", port, postgres_url) for i, port in enumerate(ports)]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    listening: asyncio.Task[None] | None = None
    try:
        for i, (proc, base) in enumerate(zip(procs, bases, strict=True)):
            assert first_health(base, proc, tmp_path / f"p{i}" / "bot.log") == (200, "ok")
        async with aiohttp.ClientSession() as http:
            page = Page(http)
            await page.open(bases[0])
            opened = asyncio.Event()
            listening = asyncio.create_task(page.listen(bases[0], opened))
            await asyncio.wait_for(opened.wait(), WAIT)
            steps = ["/tyck", "2", "Fredrika", "Det langas vid skolan på kvällarna", "4", "ja"]
            replies = []
            for seq, text in enumerate(steps, start=1):
                status, body = await page.send(bases[seq % 2], seq, text)  # B, A, B, …
                assert status == 202, body
                replies.append(await page.reply_after(body["id"]))
            # Each answer moved the one dialogue on, whichever process took it.
            assert "Vad gäller det?" in replies[0]["html"]
            assert "Var ungefär?" in replies[1]["html"]
            assert "tryggt" in replies[3]["html"]
            assert "Narkotika och alkohol" in replies[4]["html"]
            assert "sparad" in replies[5]["html"]
            # The stream on A got every entry, each once, in order: yours, then its reply.
            ids = [e["id"] for e in page.entries]
            assert ids == list(range(1, 2 * len(steps) + 1))
            assert [e["kind"] for e in page.entries] == ["you", "bot"] * len(steps)
            # The last seq sent again, to the other process: taken once.
            status, body = await page.send(bases[0], len(steps), "ja")
            assert (status, body) == (200, {"id": 2 * len(steps) - 1, "duplicate": True})
            # The no-JS page on B shows the whole conversation.
            async with http.get(f"{bases[1]}/chat", params={"c": page.token}) as r:
                assert r.status == 200
                html = await r.text()
            assert "Det langas vid skolan" in html and "sparad" in html
            # A token no process made is refused by both.
            for base in bases:
                async with http.post(f"{base}/chat/api/messages", headers={"Origin": ORIGIN},
                                     json={"token": "x" * 32, "seq": 1, "text": "hej"}) as r:
                    assert r.status == 410
    finally:
        if listening is not None:
            listening.cancel()
            await asyncio.gather(listening, return_exceptions=True)
        stop(procs)
    conn = await asyncpg.connect(postgres_url)
    try:
        rows = await conn.fetch("SELECT category, area, rating, text FROM feedback")
        chats = await conn.fetch("SELECT key, meta FROM web_chats")
        entries = await conn.fetch("SELECT value FROM web_entries")
    finally:
        await conn.close()
    assert [tuple(r) for r in rows] == [("narkotika-alkohol", "fredrika", 4,
                                         "Det langas vid skolan på kvällarna")]
    # The page's conversation: one row, keyed by no token or cid, its words sealed.
    assert len(chats) == 1 and len(entries) == 12
    stored = " ".join([chats[0]["key"], chats[0]["meta"], *(e["value"] for e in entries)])
    assert "langas" not in stored and "Fredrika" not in stored
    assert page.token not in stored and cid_of(page.token) not in stored
    for i in range(2):
        log = (tmp_path / f"p{i}" / "bot.log").read_text()
        assert "langas" not in log and page.token not in log
