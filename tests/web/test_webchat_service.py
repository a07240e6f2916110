"""The web chat as `run` serves it: configured under `web:`, on http.listen, counted as a
chat transport, checked by `check` (preflight), and stopped cleanly with streams open."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import aiohttp
import pytest

from bot.config import Config, ConfigError, HttpSettings, WebSettings, load_config
from bot.core.clock import FixedClock
from bot.knowledge.holder import KnowledgeHolder
from bot.service import preflight, run_service
from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_web_section_is_read_and_checked(tmp_path: Path) -> None:
    file = tmp_path / "config.yaml"
    file.write_text(json.dumps({"web": {"public_url": "https://Trygg.Asele.se/",
                                        "allowed_origins": ["https://www.asele.se"]}}))
    config = load_config(file, env={"MEDBORGARBOT_WEB__TRUSTED_PROXIES": "10.0.0.1, ::1"})
    assert config.web is not None
    assert config.web.public_url == "https://trygg.asele.se"
    assert config.web.trusted_proxies == ["10.0.0.1", "::1"]
    assert config.web.max_text == 2000 and config.web.idle_minutes == 120
    assert config.chat_transports == ["web"] and config.serves
    assert Config(web=WebSettings(enabled=False)).chat_transports == []
    for bad, problem in [
        ({"public_url": "https://trygg.asele.se/chat"}, "web.public_url"),
        ({"public_url": "trygg.asele.se"}, "web.public_url"),
        ({"allowed_origins": ["https://www.asele.se/sida"]},
         'web.allowed_origins: "https://www.asele.se/sida" is not an origin'),
        ({"trusted_proxies": ["proxy.local"]}, "web.trusted_proxies"),
        ({"max_text": 10_000}, "web.max_text"),
        ({"enable": True}, "web.enable: unknown key"),
    ]:
        file.write_text(json.dumps({"web": bad}))
        with pytest.raises(ConfigError) as refused:
            load_config(file, env={})
        [line] = refused.value.problems
        assert problem in line, line


def test_check_probes_the_port_and_the_files(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path, web=WebSettings())
    problems, notes = preflight(config)
    assert problems == []
    assert any("web.public_url" in note for note in notes)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = Config(data_dir=tmp_path, http=HttpSettings(listen=f"127.0.0.1:{port}"),
                      web=WebSettings(public_url="https://trygg.asele.se"))
        problems, notes = preflight(busy)
    assert len(problems) == 1 and "already in use" in problems[0] and notes == []


async def _serving(session: aiohttp.ClientSession, base: str, task: asyncio.Task[int]) -> None:
    """Until the server answers (polling for it to come up, not a timeout test)."""
    for _ in range(400):
        assert not task.done(), task
        try:
            async with session.get(base + "/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError("the server never answered")


async def test_run_serves_the_chat_and_stops_with_streams_open(
        tmp_path: Path, shipped_holder: KnowledgeHolder, clock: FixedClock) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = Config(data_dir=tmp_path / "data", knowledge=ROOT / "knowledge",
                    http=HttpSettings(listen=f"127.0.0.1:{port}"),
                    web=WebSettings(public_url=base))
    stopping = asyncio.Event()
    task = asyncio.create_task(run_service(config, shipped_holder, clock, stopping))
    try:
        async with aiohttp.ClientSession() as session:
            await _serving(session, base, task)
            async with session.post(base + "/chat/api/conversations", json={},
                                    headers={"Origin": base}) as response:
                assert response.status == 201
                token = (await response.json())["token"]
            async with session.post(base + "/chat/api/messages", headers={"Origin": base},
                                    json={"token": token, "seq": 1,
                                          "text": "vad har polisen lovat?"}) as response:
                assert response.status == 202
            async with session.get(base + "/chat/api/events",
                                   params={"token": token}) as stream:
                data = []
                while len(data) < 2:
                    line = await asyncio.wait_for(stream.content.readline(), 20)
                    if line.startswith(b"data:"):
                        data.append(json.loads(line[5:]))
                assert "Medborgarlöfte" in data[1]["html"]
                stopping.set()  # the open stream must not hold the shutdown
                assert await asyncio.wait_for(task, 20) == 0
    finally:
        stopping.set()
        if not task.done():
            task.cancel()
