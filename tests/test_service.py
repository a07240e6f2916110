"""`python -m bot run` as an operator runs it: HTTP server with /healthz, /metrics and the
Teams endpoint, SIGHUP reload, SIGTERM shutdown."""

from __future__ import annotations

import base64
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
from pathlib import Path

from tests.conftest import ROOT


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
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = get(base + "/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                assert proc.poll() is None, log.read_text()
                time.sleep(0.05)  # polling for the server to come up, not a timeout test
        assert (status, body.strip()) == (200, "ok")
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
        proc.send_signal(signal.SIGHUP)  # reload: the bot stays up
        assert get(base + "/healthz")[0] == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    messages = [entry["message"] for entry in lines]
    assert "medborgarbot stopped" in messages
    assert any("knowledge reloaded" in m for m in messages)
    text = log.read_text()
    for private in ("aad-anna", "Anna", "går avtalet", "19:kanal"):
        assert private not in text
