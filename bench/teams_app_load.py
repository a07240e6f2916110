"""Load on the Teams app (Agents SDK) beside the outgoing webhook, in one run of the real
service: `python -m bot run` in a child process serving both (`teams:` and an anonymous
`teams_app:`), the shipped knowledge base, an in-memory store, on 127.0.0.1.

The webhook is loaded as bench/webhook_load.py does (signed requests, the reply in the
response). The Teams app is loaded as Teams does it: concurrent personal chats POST
activities to /api/messages, and the bot posts its replies to a local Bot Connector
stand-in (tests/transports/teams_app/connector.py); a reply's latency runs from the start
of the POST to the reply's arrival at the stand-in. Prints replies per second, p50/p99
and the number of errors (a status other than 200/202, no reply within 10 s, an empty
reply, or the apology for a failed turn).

    python bench/teams_app_load.py [--requests 2000] [--clients 50]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import secrets
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from webhook_load import load as webhook_load  # noqa: E402
from webhook_load import questions  # noqa: E402

from bot.core.clock import SystemClock  # noqa: E402
from bot.core.plaintext import to_plain  # noqa: E402
from bot.core.texts import t  # noqa: E402
from tests.transports.teams_app.activities import Person, personal_message  # noqa: E402
from tests.transports.teams_app.connector import Connector, Posted  # noqa: E402

DEADLINE = 600.0  # the whole run stops by itself after this many seconds
REPLY_SECONDS = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_config(folder: Path, port: int) -> Path:
    fields: dict[str, Any] = {
        "knowledge": str(ROOT / "knowledge"), "data_dir": str(folder),
        "store": "sqlite://:memory:",  # as bench/webhook_load.py
        "http": {"listen": f"127.0.0.1:{port}"}, "teams": {"path": "/teams"},
        "teams_app": {"anonymous": True, "development": True}}  # no token: local only
    path = folder / "config.yaml"
    path.write_text(json.dumps(fields), encoding="utf-8")  # JSON is YAML
    return path


async def start_service(folder: Path, port: int, secret: str) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDBORGARBOT_")}
    env |= {"MEDBORGARBOT_TEAMS__SECRET": secret, "PYTHONPATH": str(ROOT)}
    log = (folder / "bot.log").open("wb")
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(write_config(folder, port)),
        "--log-level", "warning", cwd=folder, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=log, stderr=log)
    health = f"http://127.0.0.1:{port}/healthz"
    async with aiohttp.ClientSession() as session:
        for _ in range(1500):  # up to ~60 s for imports and the knowledge base
            if child.returncode is not None:
                raise RuntimeError(f"the service stopped: see {folder / 'bot.log'}")
            try:
                async with session.get(health) as response:
                    await response.read()
                    return child
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.04)
    raise TimeoutError("the service did not start")


def bad(reply: Posted) -> str | None:
    """Why a reply is not an answer (None: it is)."""
    shown = reply.shown()
    if not shown.strip():
        return "empty reply"
    if any(to_plain(t("tapp_error", lang))[:30] in shown for lang in ("sv", "en")):
        return "error text"
    return None


async def teams_app_load(port: int, connector: Connector, requests: int,
                         clients: int) -> None:
    asked = questions()
    url = f"http://127.0.0.1:{port}/api/messages"
    latencies: list[float] = []
    errors: dict[str, int] = {}
    counter = iter(range(requests))

    def error(kind: str) -> None:
        errors[kind] = errors.get(kind, 0) + 1

    async def ask(session: aiohttp.ClientSession, person: Person, question: str) -> None:
        activity = personal_message(person, question, connector.url, SystemClock().now())
        arrived = connector.expect(activity["id"])
        started = time.perf_counter()
        async with session.post(url, json=activity) as response:
            status = response.status
            await response.read()
        if status not in (200, 202):
            error(f"status {status}")
            arrived.cancel()
            return
        try:
            reply = await asyncio.wait_for(arrived, REPLY_SECONDS)
        except TimeoutError:
            error("no reply")
            return
        why = bad(reply)
        if why:
            error(why)
        latencies.append((reply.at - started) * 1000)

    async def chat(c: int) -> None:
        person = Person(f"Bench {c}")
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            for n in counter:  # the chats share one iterator: `requests` in all
                await ask(session, person, asked[n % len(asked)])

    async with aiohttp.ClientSession() as warm:  # not counted: first-use caches, sockets
        person = Person("Warm-up")
        for question in asked:
            await ask(warm, person, question)
    errors.clear()
    latencies.clear()
    started = time.perf_counter()
    await asyncio.gather(*(chat(c) for c in range(clients)))
    elapsed = time.perf_counter() - started
    p99 = statistics.quantiles(latencies, n=100)[98] if len(latencies) > 1 else float("nan")
    print(f"{len(latencies)} replies, {clients} personal chats: "
          f"{len(latencies) / elapsed:.0f} replies/s, "
          f"p50 {statistics.median(latencies):.1f} ms, p99 {p99:.1f} ms, "
          f"max {max(latencies):.1f} ms, errors {sum(errors.values())} {errors or ''}")


async def main(args: argparse.Namespace) -> None:
    key = secrets.token_bytes(32)
    secret = base64.b64encode(key).decode()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="teams-app-load-") as folder:
        async with Connector() as connector:
            child = await start_service(Path(folder), port, secret)
            try:
                print(f"server: python -m bot run in a child process (pid {child.pid}), "
                      "clients and the Connector stand-in in this one")
                print("outgoing webhook (/teams), reply in the response:")
                await webhook_load(port, key, args.requests, args.clients)
                print("Teams app (/api/messages), reply posted to the Connector stand-in:")
                await teams_app_load(port, connector, args.requests, args.clients)
            finally:
                if child.returncode is None:
                    child.terminate()
                    try:
                        await asyncio.wait_for(child.wait(), 30)
                    except TimeoutError:
                        child.kill()
                        await child.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    asyncio.run(asyncio.wait_for(main(parser.parse_args()), DEADLINE))
