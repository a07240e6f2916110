"""Load on the web chat: many residents' conversations at once, against the real core
(shipped knowledge base, SQLite store in a temporary folder) on 127.0.0.1.

Each conversation does what the page does: POST /chat/api/conversations, opens its
event stream (GET /chat/api/events, Server-Sent Events), then asks its questions one at a
time, each when the reply to the previous one has arrived on the stream. Two phases:

- paced (the target, p99 <= 50 ms): between a reply and the next question the person reads
  and types, `--think` seconds on average (3 s: a fast typist; 500 such people send what
  thousands of ordinary residents do);
- saturation: the same conversations send `--burst` more, each the moment its reply came.
  Nobody waits then, so latency is the queue (conversations x the cost of a reply) and
  replies/s is what one process can do.

Prints replies per second, the server's CPU per reply, p50/p90/p99/max from the POST to
the reply's entry read off the stream, lost and duplicated entries (both must be 0), and
the memory an open conversation costs the server (its RSS grown over N idle conversations
with open streams, over N). Exit status 1 when an entry is lost or duplicated, a send is
refused, or the paced p99 is over the target.

By default the server runs in a child process (one process serving, as in production),
so that on a small machine the clients do not take its CPU; --in-process runs both in
one event loop; --profile runs the server under cProfile and prints where its time went.

    python bench/webchat_load.py [--conversations 500] [--questions 10] [--think 3]
                                 [--burst 3] [--idle 1000] [--in-process] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import os
import pstats
import random
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.webchat_clients import Conversation, Tally  # noqa: E402
from bot.app import build_bot  # noqa: E402
from bot.config import Config, WebSettings  # noqa: E402
from bot.core.clock import SystemClock  # noqa: E402
from bot.knowledge.holder import KnowledgeHolder  # noqa: E402
from bot.store import open_store  # noqa: E402
from bot.transports.webchat import WebChat  # noqa: E402

DEADLINE = 120.0  # the whole run stops by itself after this many seconds
TARGET_P99_MS = 50.0
# What residents ask, in Swedish and English: answers, suggestions ("polis", then a
# number picks one), small talk, a question the knowledge base cannot answer.
QUESTIONS = [
    ("sv", "Vad är medborgarlöftet i Åsele egentligen?"),
    ("sv", "Kommer snuten till Gafsele nån gång eller?"),
    ("sv", "hur ser man om ens unge röker gräs?"),
    ("sv", "Finns det knark i Åsele på riktigt?"),
    ("sv", "Vem är kommunpolis för Åsele och hur når jag hen?"),
    ("sv", "Fortkörning genom samhället, folk kör 90 där det är 40"),
    ("sv", "när går avtalet ut"),
    ("sv", "vad är målen"),
    ("sv", "polis"),
    ("sv", "2"),
    ("sv", "Kan jag vara anonym om jag skriver här?"),
    ("sv", "Vad gör ANDT-samordnaren?"),
    ("sv", "vad kostar hundskatten"),
    ("sv", "tack för hjälpen"),
    ("sv", "Varför står polisen å blåser folk vid Konsum hela tiden"),
    ("sv", "vilka har tagit fram medborgarlöftet"),
    ("en", "what is a citizen promise"),
    ("en", "Who is the community police officer and how do I reach them?"),
    ("en", "How long does the agreement last?"),
    ("en", "What did the police promise about speeding?"),
    ("en", "police"),
    ("en", "1"),
    ("en", "Are there drugs among young people here?"),
    ("en", "thanks"),
]


# ------------------------------------------------------------------ the server
@dataclass
class Server:
    runner: web.AppRunner
    port: int
    store: Any
    folder: tempfile.TemporaryDirectory[str]

    async def close(self) -> None:
        await self.runner.cleanup()
        await self.store.close()
        self.folder.cleanup()


async def start_server(conversations: int) -> Server:
    folder = tempfile.TemporaryDirectory(prefix="webchat-load-")
    store = open_store(f"sqlite:///{folder.name}/bench.db")
    await store.open()
    clock = SystemClock()
    bot = build_bot(Config(), clock, KnowledgeHolder.load(ROOT / "knowledge"), store)
    # The port first: the chat checks Origin against its own public URL.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    # Every conversation comes from 127.0.0.1: the per-address limit is lifted, as is the
    # per-conversation one (a bench asks faster than a person types).
    settings = WebSettings(enabled=True, public_url=f"http://127.0.0.1:{port}",
                           new_conversations_per_hour=1_000_000,
                           messages_per_minute=10_000,
                           max_conversations=max(5000, conversations * 2))
    app = web.Application()
    WebChat(settings, bot.handle, clock).attach(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock, backlog=4096).start()
    return Server(runner, port, store, folder)


class GcWatch:
    """How long the garbage collector held the server (a pause no request can hide)."""

    def __init__(self) -> None:
        self.started = 0.0
        self.pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
        gc.callbacks.append(self)

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.pauses[info["generation"]].append((time.perf_counter() - self.started) * 1000)

    def summary(self) -> str:
        every = [p for pauses in self.pauses.values() for p in pauses]
        longest = ", ".join(f"gen {g} {max(p, default=0):.1f} ms" for g, p in self.pauses.items())
        return (f"server garbage collection: {len(every)} runs ({len(self.pauses[2])} full), "
                f"{sum(every):.0f} ms in all; the longest by generation: {longest}")


async def serve_child(conversations: int, profile: bool, freeze: bool) -> None:
    """The child: serve until the parent closes our stdin (or dies). A line "warm" says
    the warm-up is over (first-use caches, the catalogues, the models are loaded)."""
    profiler = cProfile.Profile() if profile else None
    server = await start_server(conversations)
    watch = GcWatch()
    print(server.port, flush=True)
    if profiler:
        profiler.enable()
    while line := await asyncio.to_thread(sys.stdin.readline):
        if line.strip() == "warm" and freeze:
            warmed()
    if profiler:
        profiler.disable()
        print_profile(profiler, sys.stderr)
    print(watch.summary(), file=sys.stderr, flush=True)
    await server.close()


def warmed() -> None:
    """What was loaded by now lives as long as the process: full collections need not walk
    it again (the knowledge base, the safety model, the catalogues)."""
    gc.collect()
    gc.freeze()


def print_profile(profiler: cProfile.Profile, out: Any) -> None:
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(35)
    print("server profile (cProfile):", text.getvalue(), file=out, flush=True)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used (the machine may be busy with more)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def queued_seconds(pid: int) -> float:
    """How long the process's main thread (the event loop) was ready to run but waited
    for a CPU that other processes held: the machine's share of the latency."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[1]) / 1e9


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def plan(n: int, questions: int, skip: int = 0) -> list[tuple[str, str]]:
    """What conversation `n` asks: its own run through the list, from its own place."""
    first = (n * 7 + skip) % len(QUESTIONS)
    return [QUESTIONS[(first + k) % len(QUESTIONS)] for k in range(questions)]


async def open_all(base: str, http: aiohttp.ClientSession, langs: list[str],
                   tally: Tally) -> list[Conversation]:
    """Conversations with their streams open, a batch at a time (as pages load)."""
    talks = [Conversation(base, http, lang, tally) for lang in langs]
    for batch in range(0, len(talks), 100):
        await asyncio.gather(*(c.open() for c in talks[batch:batch + 100]))
    return talks


async def converse(talk: Conversation, asked: list[tuple[str, str]], tally: Tally,
                   think: float, rng: random.Random) -> None:
    """Ask one question after another: each when the previous reply has arrived and the
    person has read it and typed the next (`think` seconds on average; 0: at once)."""
    if think:
        await asyncio.sleep(rng.uniform(0, think))  # pages are not all opened at once
    for _, text in asked:
        talk.tally = tally
        took = await talk.ask(text)
        if took is not None:
            tally.latencies.append(took)
            tally.by_question.setdefault(text, []).append(took)
        if think:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think)


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1] if len(values) > 1 else float("nan")


async def phase(title: str, talks: list[Conversation], plans: list[list[tuple[str, str]]],
                think: float, server_pid: int) -> Tally:
    """Every conversation asks its plan at once; prints what it came to."""
    tally = Tally()
    rng = random.Random(13)
    began, cpu = time.perf_counter(), cpu_seconds(server_pid)
    mine = cpu_seconds(os.getpid())
    queued = queued_seconds(server_pid)
    await asyncio.gather(*(converse(t, p, tally, think, random.Random(rng.random()))
                           for t, p in zip(talks, plans, strict=True)))
    elapsed = time.perf_counter() - began
    cpu = cpu_seconds(server_pid) - cpu
    mine = cpu_seconds(os.getpid()) - mine
    queued = queued_seconds(server_pid) - queued
    lat = tally.latencies or [float("nan")]
    print(f"{title}: {len(tally.latencies)} replies in {elapsed:.1f} s, "
          f"{len(tally.latencies) / elapsed:.0f} replies/s; server CPU "
          f"{cpu * 1000 / max(1, len(tally.latencies)):.1f} ms a reply "
          f"({cpu / elapsed:.0%} of one core; the clients {mine / elapsed:.0%}); the server "
          f"waited {queued:.1f} s for a CPU held by others")
    print(f"  POST -> reply on the stream: p50 {statistics.median(lat):.1f} ms, "
          f"p90 {percentile(lat, 90):.1f} ms, p99 {percentile(lat, 99):.1f} ms, "
          f"max {max(lat):.1f} ms")
    print(f"  lost {tally.lost}, duplicated {tally.duplicated}, unasked bot entries "
          f"{tally.unasked}, misplaced {tally.misplaced}, refused sends "
          f"{sum(tally.refused.values())} {tally.refused or ''} of {sum(map(len, plans))}, "
          f"streams reconnected {tally.reconnects}")
    for question, times in sorted(tally.by_question.items(),
                                  key=lambda kv: -statistics.median(kv[1]))[:2]:
        print(f"  slowest question: median {statistics.median(times):5.1f} ms, max "
              f"{max(times):6.1f} ms  {question[:50]!r}")
    return tally


async def load(base: str, server_pid: int, args: argparse.Namespace,
               warm_done: Callable[[], Awaitable[None]]) -> bool:
    connector = aiohttp.TCPConnector(limit=(args.conversations + args.idle) * 2 + 100)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=10)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        warm = Tally()  # not counted: first-use caches, the matcher's, sockets
        [talk] = await open_all(base, http, ["sv"], warm)
        await converse(talk, QUESTIONS, warm, 0, random.Random(0))
        await talk.close()
        await warm_done()

        n = args.conversations
        plans = [plan(c, args.questions) for c in range(n)]
        before = rss_kib(server_pid)
        talks = await open_all(base, http, [p[0][0] for p in plans], Tally())
        load1, load5, _ = os.getloadavg()
        print(f"{n} conversations open, each with its event stream (machine: "
              f"{os.cpu_count()} cores, load average {load1:.1f} / {load5:.1f} before)")
        paced = await phase(
            f"{n} conversations x {args.questions} questions, ~{args.think:g} s to read and "
            f"type between them", talks, plans, args.think, server_pid)
        after = rss_kib(server_pid)
        p99 = percentile(paced.latencies, 99) if paced.latencies else float("inf")
        verdict = "met" if p99 <= TARGET_P99_MS else "NOT met"
        print(f"  target p99 <= {TARGET_P99_MS:.0f} ms: {verdict}")
        burst = Tally()
        if args.burst:
            burst = await phase(
                f"the same {n} x {args.burst} more, each sent the moment the reply came "
                f"(saturation)", talks, [plan(c, args.burst, args.questions)
                                         for c in range(n)], 0, server_pid)
        print(f"memory: server RSS {before / 1024:.1f} -> {after / 1024:.1f} MiB with the "
              f"{n} conversations ({(after - before) / n:.1f} KiB each, "
              f"{args.questions * 2} entries)")
        # Idle conversations, each with its stream open and nothing asked.
        idle_before = rss_kib(server_pid)
        idle = await open_all(base, http, ["sv"] * args.idle, Tally())
        await asyncio.sleep(0.5)
        idle_after = rss_kib(server_pid)
        print(f"  per open conversation: {(idle_after - idle_before) / args.idle:.1f} KiB "
              f"(server RSS +{(idle_after - idle_before) / 1024:.1f} MiB over {args.idle} "
              f"idle conversations with open streams)")
        gaps = sum(c.gaps() for c in talks)
        print(f"entries never received on a stream (gaps in the ids): {gaps}")
        await asyncio.gather(*(c.close() for c in (*talks, *idle)))
        sound = gaps == 0 and all(
            t.lost == t.duplicated == t.unasked == t.misplaced == 0 and not t.refused
            for t in (paced, burst))
        return sound and p99 <= TARGET_P99_MS


async def main(args: argparse.Namespace) -> int:
    if args.in_process:
        server = await start_server(args.conversations)
        watch = GcWatch()
        profiler = cProfile.Profile() if args.profile else None
        try:
            print("server and clients in one process")
            if profiler:
                profiler.enable()
            async def warm_done() -> None:
                if args.freeze:
                    warmed()

            ok = await load(f"http://127.0.0.1:{server.port}", os.getpid(), args, warm_done)
            if profiler:
                profiler.disable()
                print_profile(profiler, sys.stdout)
            print(watch.summary())
        finally:
            await server.close()
        return 0 if ok else 1
    command = [sys.executable, __file__, "--serve", "--conversations",
               str(args.conversations), *(["--profile"] if args.profile else []),
               *(["--freeze"] if args.freeze else [])]
    child = await asyncio.create_subprocess_exec(
        *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    try:
        assert child.stdout is not None and child.stdin is not None
        port = int(await asyncio.wait_for(child.stdout.readline(), 60))
        print(f"server in a child process (pid {child.pid}), clients in this one")
        stdin = child.stdin

        async def tell_warm() -> None:
            stdin.write(b"warm\n")
            await stdin.drain()

        ok = await load(f"http://127.0.0.1:{port}", child.pid, args, tell_warm)
        child.stdin.close()
        await asyncio.wait_for(child.wait(), 30)
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=500)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--think", type=float, default=3.0,
                        help="seconds between a reply and the next question, on average")
    parser.add_argument("--burst", type=int, default=3,
                        help="questions more each, sent at once (0: no saturation phase)")
    parser.add_argument("--idle", type=int, default=1000,
                        help="idle conversations opened to measure memory")
    parser.add_argument("--in-process", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--freeze", action=argparse.BooleanOptionalAction, default=True,
                        help="gc.freeze() in the server after the warm-up, as bot/service.py "
                             "does after start-up (--no-freeze: without it)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parsed = parser.parse_args()
    if parsed.serve:
        asyncio.run(serve_child(parsed.conversations, parsed.profile, parsed.freeze))
    else:
        sys.exit(asyncio.run(asyncio.wait_for(main(parsed), DEADLINE)))
