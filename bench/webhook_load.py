"""Load on the Teams outgoing-webhook endpoint: signed requests from concurrent clients
against the real core (shipped knowledge base, in-memory store) on 127.0.0.1. Prints
requests per second, p50/p99 latency as the client sees it, and the number of errors
(non-200, or a body that is not a non-empty message, or the try-again text).

By default the server runs in a child process, so that on a small machine the clients do
not take the server's CPU; --in-process runs both in one event loop.

    python bench/webhook_load.py [--requests 2000] [--clients 50] [--in-process]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import html
import json
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import build_bot  # noqa: E402
from bot.config import Config, TeamsSettings  # noqa: E402
from bot.core.clock import SystemClock  # noqa: E402
from bot.knowledge.holder import KnowledgeHolder  # noqa: E402
from bot.store import open_store  # noqa: E402
from bot.transports.teams import TIMEOUT_TEXT, TeamsWebhook, sign  # noqa: E402
from bot.transports.teams_text import to_teams_html  # noqa: E402

SECRET_ENV = "WEBHOOK_LOAD_SECRET"  # the child gets the key here, not on its command line
DEADLINE = 300.0  # the whole run stops by itself after this many seconds


def questions() -> list[str]:
    data = yaml.safe_load((ROOT / "tests" / "data" / "questions.yaml").read_text("utf-8"))
    return [case["q"] for case in data["cases"]]


def body(question: str, sender: str, n: int) -> bytes:
    channel = "19:benchchannel@thread.tacv2"
    return json.dumps({
        # Stamped now: the webhook refuses a request stamped outside its replay window.
        "type": "message", "id": f"bench-{n}",
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
        "serviceUrl": "https://smba.trafficmanager.net/emea/", "channelId": "msteams",
        "from": {"id": f"29:{sender}", "name": "Bench", "aadObjectId": sender},
        "conversation": {"isGroup": True, "conversationType": "channel",
                         "id": f"{channel};messageid={n}"},
        "recipient": None, "textFormat": "plain",
        "text": f"<at>Medborgarbot</at> {html.escape(question, quote=False)}",
        "entities": [{"type": "mention", "text": "<at>Medborgarbot</at>",
                      "mentioned": {"id": "28:bench-bot", "name": "Medborgarbot"}}],
        "channelData": {"teamsChannelId": channel, "tenant": {"id": "bench-tenant"}},
    }, ensure_ascii=False).encode()


async def start_server(secret: str, store: Any) -> tuple[web.AppRunner, int]:
    clock = SystemClock()
    bot = build_bot(Config(), clock, KnowledgeHolder.load(ROOT / "knowledge"), store)
    app = web.Application()
    TeamsWebhook(TeamsSettings(secret=secret), bot.handle, clock).attach(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, runner.addresses[0][1]


async def serve_child() -> None:
    """The child: serve until the parent closes our stdin (or dies)."""
    async with open_store("sqlite://:memory:") as store:
        runner, port = await start_server(os.environ[SECRET_ENV], store)
        print(port, flush=True)
        await asyncio.to_thread(sys.stdin.read)
        await runner.cleanup()


async def load(port: int, key: bytes, requests: int, clients: int) -> None:
    asked = questions()
    url = f"http://127.0.0.1:{port}/teams"
    latencies: list[float] = []
    by_question: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    counter = iter(range(requests))

    async def post(session: aiohttp.ClientSession, question: str, sender: str,
                   n: int) -> float:
        data = body(question, sender, n)
        started = time.perf_counter()
        async with session.post(url, data=data, headers={
                "Authorization": sign(key, data), "Content-Type": "application/json"}) as r:
            status, raw = r.status, await r.read()
        elapsed = (time.perf_counter() - started) * 1000
        reply = json.loads(raw) if status == 200 else None
        if status != 200:
            errors[f"status {status}"] = errors.get(f"status {status}", 0) + 1
        elif not (isinstance(reply, dict) and reply.get("type") == "message"
                  and isinstance(reply.get("text"), str) and reply["text"]
                  and reply["text"] != to_teams_html(TIMEOUT_TEXT)):
            errors["bad body"] = errors.get("bad body", 0) + 1
        return elapsed

    async def client(c: int) -> None:
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            for n in counter:  # the clients share one iterator: `requests` in all
                question = asked[n % len(asked)]
                latencies.append(await post(session, question, f"client-{c}", n))
                by_question.setdefault(question, []).append(latencies[-1])

    async with aiohttp.ClientSession() as warm:  # not counted: first-use caches, sockets
        for n, question in enumerate(asked):
            await post(warm, question, "warm-up", -n - 1)
    errors.clear()
    started = time.perf_counter()
    await asyncio.gather(*(client(c) for c in range(clients)))
    elapsed = time.perf_counter() - started
    p99 = statistics.quantiles(latencies, n=100)[98]
    print(f"{len(latencies)} requests, {clients} clients: {len(latencies) / elapsed:.0f} req/s, "
          f"p50 {statistics.median(latencies):.1f} ms, p99 {p99:.1f} ms, "
          f"max {max(latencies):.1f} ms, errors {sum(errors.values())} {errors or ''}")
    # Where the tail comes from: the questions with the slowest single request.
    for question, times in sorted(by_question.items(), key=lambda kv: -max(kv[1]))[:3]:
        print(f"  slowest: max {max(times):6.1f} ms, median {statistics.median(times):5.1f} ms"
              f"  {question[:50]!r}")


async def main(args: argparse.Namespace) -> None:
    key = secrets.token_bytes(32)
    secret = base64.b64encode(key).decode()
    if args.in_process:
        async with open_store("sqlite://:memory:") as store:
            runner, port = await start_server(secret, store)
            try:
                print("server and clients in one process")
                await load(port, key, args.requests, args.clients)
            finally:
                await runner.cleanup()
        return
    child = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--serve", stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, env=os.environ | {SECRET_ENV: secret})
    try:
        assert child.stdout is not None and child.stdin is not None
        port = int(await asyncio.wait_for(child.stdout.readline(), 60))
        print(f"server in a child process (pid {child.pid}), clients in this one")
        await load(port, key, args.requests, args.clients)
        child.stdin.close()
        await asyncio.wait_for(child.wait(), 10)
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--in-process", action="store_true")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parsed = parser.parse_args()
    if parsed.serve:
        asyncio.run(serve_child())
    else:
        asyncio.run(asyncio.wait_for(main(parsed), DEADLINE))
