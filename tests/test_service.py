"""`python -m bot run` as an operator runs it: HTTP server with /healthz, /metrics and the
Teams endpoint, SIGHUP reload, SIGTERM shutdown; what it starts with which configuration;
and its lifecycle: pieces closed in the reverse order of their start, also when a start
fails."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.config import Config, HttpSettings
from bot.core.clock import FixedClock
from bot.knowledge.holder import KnowledgeHolder
from tests.conftest import FIXTURE, ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()



def reap(proc: subprocess.Popen[bytes]) -> None:
    """Kill a bot a failed test left running."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def first_health(base: str, proc: subprocess.Popen[bytes], log: Path) -> tuple[int, str]:
    """/healthz as soon as the server answers (the log shows why it never did)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            status, body = get(base + "/healthz")
            return status, body.strip()
        except OSError:
            assert time.monotonic() < deadline, log.read_text()
            assert proc.poll() is None, log.read_text()
            time.sleep(0.05)  # polling for the server to come up, not a timeout test


def logged(log: Path, proc: subprocess.Popen[bytes], words: str) -> None:
    """Wait until the service's log has a line with `words` (a reload takes seconds)."""
    deadline = time.monotonic() + 60
    while words not in log.read_text():
        assert time.monotonic() < deadline, log.read_text()
        assert proc.poll() is None, log.read_text()
        time.sleep(0.05)  # polling for the log line, not a timeout test


def test_run_serves_health_metrics_and_teams(tmp_path: Path) -> None:
    port = free_port()
    secret = base64.b64encode(secrets.token_bytes(32)).decode()
    config = tmp_path / "config.yaml"
    config.write_text(json.dumps({
        "data_dir": str(tmp_path / "data"), "knowledge": str(ROOT / "knowledge"),
        "http": {"listen": f"127.0.0.1:{port}"}, "teams": {"path": "/teams"}}),
        encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDBORGARBOT_")}
    env.update(PYTHONPATH=str(ROOT), MEDBORGARBOT_TEAMS__SECRET=secret)
    log = tmp_path / "bot.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config),
                                 "--log-format", "json"], cwd=tmp_path, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        assert first_health(base, proc, log) == (200, "ok")
        payload = json.dumps({
            "type": "message", "id": "1", "text": "<at>Medborgarbot</at> när går avtalet ut?",
            "from": {"id": "29:1", "name": "Anna", "aadObjectId": "aad-anna"},
            "conversation": {"id": "19:kanal@thread.skype;messageid=1"},
            "entities": [{"type": "mention", "text": "<at>Medborgarbot</at>",
                          "mentioned": {"id": "28:bot", "name": "Medborgarbot"}}],
        }).encode()
        signature = base64.b64encode(hmac.new(base64.b64decode(secret), payload,
                                              hashlib.sha256).digest()).decode()
        request = urllib.request.Request(base + "/teams", data=payload, headers={
            "Authorization": f"HMAC {signature}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = json.loads(response.read())
        assert answer["type"] == "message" and "tills vidare" in answer["text"]
        status, page = get(base + "/metrics")
        assert status == 200
        assert 'medborgarbot_messages_total{outcome="answered",transport="teams"} 1.0' in page
        assert "aad-anna" not in page
        proc.send_signal(signal.SIGHUP)  # reload, in a worker thread: the bot answers on
        assert get(base + "/healthz")[0] == 200
        logged(log, proc, "knowledge reloaded")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        reap(proc)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    messages = [entry["message"] for entry in lines]
    assert "medborgarbot stopped" in messages
    assert any("knowledge reloaded" in m for m in messages)
    text = log.read_text()
    for private in ("aad-anna", "Anna", "går avtalet", "19:kanal"):
        assert private not in text


# ------------------------------------------------------------------ lifecycle, in-process

def _recording(monkeypatch: pytest.MonkeyPatch, order: list[str],
               tmp_path: Path) -> dict[str, Any]:
    """Record, in order, the store closing, the bot closing, the outbox draining and the
    HTTP server stopping; hand out the store that was opened."""
    import bot.service
    import bot.web

    opened: dict[str, Any] = {}

    def wrap(name: str, method: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        async def recorded() -> None:
            order.append(name)
            await method()
        return recorded

    def open_store(url: str) -> Any:
        store = bot.service.open_store.__wrapped__(f"sqlite:///{tmp_path / 'bot.db'}")
        store.close = wrap("store", store.close)
        opened["store"] = store
        return store

    open_store.__wrapped__ = bot.service.open_store  # type: ignore[attr-defined]
    monkeypatch.setattr(bot.service, "open_store", open_store)

    def build_bot(*args: Any) -> Any:
        made = real_build_bot(*args)
        made.close = wrap("bot", made.close)
        return made

    real_build_bot = bot.service.build_bot
    monkeypatch.setattr(bot.service, "build_bot", build_bot)

    class Outbox(bot.service.Outbox):  # type: ignore[name-defined,misc]
        async def drain(self) -> None:
            order.append("outbox")
            await super().drain()

    monkeypatch.setattr(bot.service, "Outbox", Outbox)
    real_stop = bot.web.OpsServer.stop

    async def stop(self: Any) -> None:
        order.append("http")
        await real_stop(self)

    monkeypatch.setattr(bot.web.OpsServer, "stop", stop)
    return opened


async def test_shutdown_closes_in_reverse_order_on_the_injected_clock(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, shipped_holder: KnowledgeHolder,
        clock: FixedClock) -> None:
    from bot.service import run_service

    order: list[str] = []
    opened = _recording(monkeypatch, order, tmp_path)
    config = Config(data_dir=tmp_path, http=HttpSettings(listen=f"127.0.0.1:{free_port()}"))
    stopping = asyncio.Event()
    stopping.set()  # stop as soon as everything is up
    assert await run_service(config, shipped_holder, clock, stopping) == 0
    assert order == ["http", "outbox", "bot", "store"]
    assert opened["store"].now() == clock.now().astimezone(dt.UTC)
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_DFL  # the handlers went too


async def test_a_port_in_use_stops_the_start_and_closes_what_was_opened(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, shipped_holder: KnowledgeHolder,
        clock: FixedClock) -> None:
    from bot.core.ports import TransportSetupError
    from bot.service import run_service

    order: list[str] = []
    _recording(monkeypatch, order, tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = Config(data_dir=tmp_path, http=HttpSettings(listen=f"127.0.0.1:{port}"))
        with pytest.raises(TransportSetupError) as caught:
            await run_service(config, shipped_holder, clock, asyncio.Event())
    assert str(caught.value) == (f"http.listen: cannot listen on 127.0.0.1:{port}: the port "
                                 "is already in use")
    assert order == ["http", "outbox", "bot", "store"]  # the server let its runner go


# ------------------------------------------------- what `run` starts, as an operator runs it

def start(tmp_path: Path, config: dict[str, Any], **env: str) -> subprocess.Popen[bytes]:
    """`python -m bot run` with no standard input at all, as in a container."""
    path = tmp_path / "config.yaml"
    path.write_text(json.dumps({"data_dir": str(tmp_path / "data"),
                                "knowledge": str(FIXTURE), **config}), "utf-8")
    full = {k: v for k, v in os.environ.items() if not k.startswith("MEDBORGARBOT_")}
    full.update(PYTHONPATH=str(ROOT), **env)
    with (tmp_path / "bot.log").open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(path)],
                                cwd=tmp_path, env=full, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)


def image_environment(port: int) -> dict[str, str]:
    """The Dockerfile's MEDBORGARBOT_ variables (its HTTP listen on `port`)."""
    from tests.test_dockerfile import instructions

    found = {}
    for keyword, args in instructions():
        if keyword == "ENV":
            for pair in args.split():
                name, _, value = pair.partition("=")
                if name.startswith("MEDBORGARBOT_") and name != "MEDBORGARBOT_DATA_DIR":
                    found[name] = value.replace(":8080", f":{port}")
    assert "MEDBORGARBOT_HTTP__LISTEN" in found
    return found


def test_http_only_serves_without_stdin_and_says_no_chat_transport(tmp_path: Path) -> None:
    port = free_port()
    proc = start(tmp_path, {}, **image_environment(port))  # the image's config: no transport
    try:
        base = f"http://127.0.0.1:{port}"
        assert first_health(base, proc, tmp_path / "bot.log") == (200, "ok")
        beside = subprocess.run(
            [sys.executable, "-m", "bot", "check", "--config", str(tmp_path / "config.yaml")],
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
            env={k: v for k, v in os.environ.items() if not k.startswith("MEDBORGARBOT_")}
            | {"PYTHONPATH": str(ROOT), **image_environment(port)})
        assert beside.returncode == 0, beside.stderr  # its own port is no problem
        assert f":{port} is served by a running medborgarbot" in beside.stdout
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        reap(proc)
    log = (tmp_path / "bot.log").read_text()
    assert "no chat transport is configured (matrix, teams)" in log
    assert "medborgarbot stopped" in log


def test_a_config_with_nothing_to_serve_fails_in_one_line(tmp_path: Path) -> None:
    proc = start(tmp_path, {})
    assert proc.wait(60) == 1  # never a terminal chat that ends at once with 0
    lines = (tmp_path / "bot.log").read_text().strip().splitlines()
    assert lines == [f"{tmp_path / 'config.yaml'}: nothing to run: configure matrix, teams or "
                     "http, or set `console: true` for the terminal chat (or: python -m bot "
                     "chat)"]


def test_a_port_in_use_fails_run_and_check_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        expected = f"http.listen: cannot listen on 127.0.0.1:{port}: the port is already in use"
        proc = start(tmp_path, {"http": {"listen": f"127.0.0.1:{port}"}})
        assert proc.wait(60) == 1
        assert (tmp_path / "bot.log").read_text().strip().splitlines()[-1] == expected
        check = subprocess.run(
            [sys.executable, "-m", "bot", "check", "--config", str(tmp_path / "config.yaml")],
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
            env={k: v for k, v in os.environ.items() if not k.startswith("MEDBORGARBOT_")}
            | {"PYTHONPATH": str(ROOT)})
    assert check.returncode == 1 and check.stderr.strip().splitlines() == [expected]
    assert "Traceback" not in (tmp_path / "bot.log").read_text()
