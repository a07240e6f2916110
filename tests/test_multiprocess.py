"""Two `python -m bot run` processes on one PostgreSQL (shared_state): one resident's /tyck
dialogue over the Teams webhook, each message to the other process, is taken in order and
stored once, also when its last message is sent again to the other process."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
import urllib.request
from pathlib import Path

import asyncpg

from bot.transports.teams import sign
from tests.conftest import ROOT
from tests.store.conftest import postgres_server, postgres_url  # noqa: F401
from tests.test_service import first_health, free_port, reap

TEAMS_SECRET = base64.b64encode(secrets.token_bytes(32)).decode()
STATE_KEY = base64.b64encode(secrets.token_bytes(32)).decode()
CHANNEL = "19:kanal@thread.tacv2"


def start(folder: Path, port: int, url: str) -> subprocess.Popen[bytes]:
    folder.mkdir()
    config = folder / "config.yaml"
    config.write_text(json.dumps({
        "data_dir": str(folder / "data"), "knowledge": str(ROOT / "knowledge"),
        "store": url, "http": {"listen": f"127.0.0.1:{port}"}, "teams": {"path": "/teams"},
        "shared_state": {"enabled": True}}), "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDBORGARBOT_")}
    env.update(PYTHONPATH=str(ROOT), MEDBORGARBOT_TEAMS__SECRET=TEAMS_SECRET,
               MEDBORGARBOT_SHARED_STATE__KEY=STATE_KEY)
    with (folder / "bot.log").open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config)],
                                cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)


def activity(text: str, n: int) -> bytes:
    return json.dumps({
        "type": "message", "id": f"act-{n}", "text": f"<at>Medborgarbot</at> {text}",
        "from": {"id": "29:anna", "name": "Anna", "aadObjectId": "aad-anna"},
        "conversation": {"id": f"{CHANNEL};messageid={n}"},
        "entities": [{"type": "mention", "text": "<at>Medborgarbot</at>",
                      "mentioned": {"id": "28:bot", "name": "Medborgarbot"}}],
    }, ensure_ascii=False).encode()


def post(port: int, body: bytes) -> str:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/teams", data=body, headers={
        "Authorization": sign(base64.b64decode(TEAMS_SECRET), body),
        "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as response:
        answer = json.loads(response.read())
    assert answer["type"] == "message"
    return str(answer["text"])


async def test_one_dialogue_alternates_between_two_processes(
        tmp_path: Path, postgres_url: str) -> None:  # noqa: F811
    ports = [free_port(), free_port()]
    procs = [start(tmp_path / f"p{i}", port, postgres_url) for i, port in enumerate(ports)]
    try:
        for i, (proc, port) in enumerate(zip(procs, ports, strict=True)):
            assert first_health(f"http://127.0.0.1:{port}", proc,
                                tmp_path / f"p{i}" / "bot.log") == (200, "ok")
        steps = ["/tyck", "2", "Fredrika", "Det langas vid skolan på kvällarna", "4", "ja"]
        bodies = [activity(text, n) for n, text in enumerate(steps)]
        replies = [post(ports[n % 2], body) for n, body in enumerate(bodies)]
        # Each answer moved the one dialogue on, whichever process took it.
        assert "Vad gäller det?" in replies[0]
        assert "Var ungefär?" in replies[1]
        assert "Vad har hänt" in replies[2] or "Berätta" in replies[2], replies[2]
        assert "tryggt" in replies[3]
        assert "Narkotika och alkohol" in replies[4] and "Fredrika" in replies[4]
        assert "sparad" in replies[5]
        # The last message sent again, to the other process: not handled a second time.
        assert post(ports[0], bodies[-1]) == ""
    finally:
        stop(procs)
    conn = await asyncpg.connect(postgres_url)
    try:
        rows = await conn.fetch("SELECT category, area, rating, text FROM feedback")
        kept = await conn.fetchval("SELECT count(*) FROM conversation_state")
    finally:
        await conn.close()
    assert [tuple(r) for r in rows] == [("narkotika-alkohol", "fredrika", 4,
                                         "Det langas vid skolan på kvällarna")]
    assert kept == 1  # the last event ids, sealed, until they expire
    for i in range(2):
        log = (tmp_path / f"p{i}" / "bot.log").read_text()
        assert "langas" not in log and "aad-anna" not in log and "Anna" not in log


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """Each process asked to stop, then waited for (and reaped whatever happens)."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(30)
        finally:
            reap(proc)
