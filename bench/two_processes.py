"""The web chat served by one `python -m bot run` process, and by two on one PostgreSQL
(shared_state), side by side: replies per second, and p50/p99 from the POST to the reply
on the page's event stream, at growing rates of messages offered (each conversation asks
when its previous reply has come, as a page does). A quarter of the conversations give
feedback (/tyck, five answers, "ja"), the rest ask the web chat bench's questions.

Conversations are opened evenly over the processes, each page's event stream on the one
it was opened on. Prints, for each setup, the highest replies/s whose p99 stayed at or
under 50 ms.

Setups: 1 process (shared_state off: today's default); 2 processes with shared_state on
for Teams only, each page's messages to the process that holds it (sticky routing); and
the web chat shared ("web" in shared_state.transports: the page's conversation, entries
and seqs in PostgreSQL, each message takes the conversation's lock and its row) on 1
process and on 2 processes with NO sticky routing: a page's messages go to the processes
in turn while its stream stays on one, so every other reply reaches the stream through
PostgreSQL's NOTIFY. A throwaway PostgreSQL cluster is started (tests/store/pg_cluster.py)
unless --postgres names a server. 127.0.0.1 only;
bounded: --seconds a rate (default 5), rates --rates (default 25,…,300 a second; a setup
stops at the first rate whose p99 is over four times the target).

    python bench/two_processes.py [--rates 25,50,75,100,...,300] [--seconds 5]
                                  [--conversations 60] [--postgres postgresql://…]
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
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import aiohttp
import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.webchat_clients import Conversation, Tally  # noqa: E402
from bench.webchat_load import QUESTIONS  # noqa: E402

TARGET_P99_MS = 50.0
ORIGIN = "http://chat.bench.test"  # one public address in front of every process
DEADLINE = 600.0  # the whole run stops by itself after this many seconds
FEEDBACK = ["/tyck", "1", "2", "Bilar kör för fort förbi skolan på morgonen", "3", "ja"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Bots:
    """`python -m bot run` processes serving the web chat on one store."""

    def __init__(self, folder: Path, url: str, count: int, shared: list[str] | None
                 ) -> None:
        self.ports = [free_port() for _ in range(count)]
        self.procs: list[subprocess.Popen[bytes]] = []
        key = base64.b64encode(secrets.token_bytes(32)).decode()
        for i, port in enumerate(self.ports):
            where = folder / f"bot{i}"
            where.mkdir(parents=True)
            (where / "config.yaml").write_text(json.dumps({
                "data_dir": str(where / "data"), "knowledge": str(ROOT / "knowledge"),
                "store": url, "http": {"listen": f"127.0.0.1:{port}"},
                "web": {"enabled": True, "public_url": ORIGIN,
                        "new_conversations_per_hour": 1_000_000,
                        "messages_per_minute": 10_000, "max_conversations": 20_000},
                "feedback": {"per_day": 1000},
                "shared_state": {"enabled": shared is not None, "key": key,
                                 "transports": shared or []}}), "utf-8")
            env = {k: v for k, v in os.environ.items() if not k.startswith("MEDBORGARBOT_")}
            env["PYTHONPATH"] = str(ROOT)
            with (where / "bot.log").open("wb") as out:
                self.procs.append(subprocess.Popen(
                    [sys.executable, "-m", "bot", "run", "--config", str(where / "config.yaml")],
                    cwd=where, env=env, stdin=subprocess.DEVNULL, stdout=out,
                    stderr=subprocess.STDOUT))

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        for proc, port in zip(self.procs, self.ports, strict=True):
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz",
                                                timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("a bot did not start (see its bot.log)")
                time.sleep(0.05)  # polling for the server to come up

    def cpu(self) -> float:
        return sum(cpu_seconds(p.pid) for p in self.procs)

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def plan(n: int, length: int) -> list[str]:
    if n % 4 == 3:
        return (FEEDBACK * (length // len(FEEDBACK) + 1))[:length]
    first = (n * 7) % len(QUESTIONS)
    return [QUESTIONS[(first + k) % len(QUESTIONS)][1] for k in range(length)]


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1] if len(values) > 1 else float("nan")


class Spread(Conversation):
    """A page whose messages go to each process in turn (no sticky routing); its stream
    stays where it was opened."""

    def __init__(self, bases: list[str], first: int, http: aiohttp.ClientSession,
                 tally: Tally) -> None:
        super().__init__(bases[first], http, "sv", tally)
        self.origin = ORIGIN
        self.bases, self.turn = bases, first

    async def ask(self, text: str) -> float | None:
        self.turn += 1
        self.base = self.bases[self.turn % len(self.bases)]
        return await super().ask(text)


async def level(http: aiohttp.ClientSession, bots: Bots, rate: float, seconds: float,
                conversations: int, spread: bool = False
                ) -> tuple[float, float, float, Tally, float, float]:
    """Messages offered at `rate` a second for `seconds`, in turn to `conversations`
    conversations spread evenly over the processes (each asks when its previous reply has
    come, as a page does): (replies/s, p50, p99, tally, server CPU ms a reply, the
    clients' CPU share of one core)."""
    tally = Tally()
    bases = [f"http://127.0.0.1:{port}" for port in bots.ports]
    talks: list[Conversation] = []
    for c in range(conversations):
        if spread:
            talks.append(Spread(bases, c % len(bases), http, tally))
        else:
            talks.append(Conversation(bases[c % len(bases)], http, "sv", tally))
            talks[-1].origin = ORIGIN
    for batch in range(0, conversations, 50):
        await asyncio.gather(*(t.open() for t in talks[batch:batch + 50]))
    total = max(conversations, int(rate * seconds))
    began, cpu, mine = time.perf_counter(), bots.cpu(), cpu_seconds(os.getpid())

    async def converse(n: int, talk: Conversation) -> None:
        for k, text in enumerate(plan(n, total // conversations)):
            due = began + (k * conversations + n) / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))  # the schedule
            took = await talk.ask(text)
            if took is not None:
                tally.latencies.append(took)

    await asyncio.gather(*(converse(n, t) for n, t in enumerate(talks)))
    elapsed = time.perf_counter() - began
    cpu, mine = bots.cpu() - cpu, cpu_seconds(os.getpid()) - mine
    await asyncio.gather(*(t.close() for t in talks))
    lat = tally.latencies or [float("nan")]
    return (len(tally.latencies) / elapsed, statistics.median(lat), percentile(lat, 99),
            tally, cpu * 1000 / max(1, len(tally.latencies)), mine / elapsed)


async def setup(title: str, url: str, count: int, shared: list[str] | None,
                args: argparse.Namespace, spread: bool) -> float:
    """One setup through every rate; the best replies/s with p99 within the target."""
    load1, load5, _ = os.getloadavg()
    print(f"\n{title} (machine load average {load1:.1f} / {load5:.1f} before)")
    best = 0.0
    with tempfile.TemporaryDirectory(prefix="two-processes-") as folder:
        bots = Bots(Path(folder), url, count, shared)
        try:
            bots.wait_ready()
            connector = aiohttp.TCPConnector(limit=1000)
            async with aiohttp.ClientSession(connector=connector) as http:
                await level(http, bots, 50, 2, 8, spread)  # warm-up (first-use caches)
                for rate in args.rates:
                    got, p50, p99, tally, cpu, mine = await level(
                        http, bots, rate, args.seconds, args.conversations, spread)
                    bad = tally.lost + tally.duplicated + sum(tally.refused.values())
                    within = p99 <= TARGET_P99_MS and not bad
                    if within:
                        best = max(best, got)
                    print(f"  offered {rate:4.0f}/s: {got:5.0f} replies/s, p50 {p50:6.1f} ms,"
                          f" p99 {p99:6.1f} ms, server CPU {cpu:4.1f} ms a reply, clients "
                          f"{mine:4.0%} of a core{'' if within else '  (over the target)'}"
                          f"{f', lost/refused {bad}' if bad else ''}")
                    if p99 > 4 * TARGET_P99_MS:
                        break  # saturated: higher rates only queue more
        finally:
            bots.stop()
    print(f"  best at p99 <= {TARGET_P99_MS:.0f} ms: {best:.0f} replies/s")
    return best


async def fresh_database(server: str, name: str) -> str:
    conn = await asyncpg.connect(server)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return server.rsplit("/", 1)[0] + f"/{name}"


async def main(args: argparse.Namespace) -> int:
    cluster = None
    server = args.postgres
    if server is None:
        from tests.store.pg_cluster import start_cluster

        cluster = start_cluster()
        server = cluster.url
    try:
        async with asyncio.timeout(DEADLINE):
            print(f"machine: {os.cpu_count()} cores; the clients run in this process; "
                  f"{args.conversations} conversations, {args.seconds:g} s a rate")
            results = {}
            web = ["teams", "teams_app", "web"]
            for n, (title, count, shared, spread) in enumerate((
                    ("1 process (shared_state off)", 1, None, False),
                    ("2 processes, Teams shared, sticky web", 2, ["teams", "teams_app"],
                     False),
                    ("1 process, web chat shared", 1, web, False),
                    ("2 processes, web chat shared, no sticky", 2, web, True))):
                url = await fresh_database(server, f"bench_two_{n}")
                results[title] = await setup(title, url, count, shared, args, spread)
    finally:
        if cluster is not None:
            cluster.stop()
    print("\nside by side, replies/s at p99 <= 50 ms:")
    for title, best in results.items():
        print(f"  {title:42s} {best:6.0f}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=lambda s: [float(x) for x in s.split(",")],
                        default=[25, 50, 75, 100, 125, 150, 175, 200, 250, 300])
    parser.add_argument("--seconds", type=float, default=5.0, help="a rate's run")
    parser.add_argument("--conversations", type=int, default=60)
    parser.add_argument("--postgres", default=None,
                        help="a server the bench may create databases on")
    sys.exit(asyncio.run(main(parser.parse_args())))
