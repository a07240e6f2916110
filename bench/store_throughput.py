"""Feedback writes per second and p99 per write, SQLite and PostgreSQL, 20 concurrent
writers. Starts a throwaway PostgreSQL cluster (Debian's binaries) unless
MEDBORGARBOT_TEST_POSTGRES_URL points at a server.

    python bench/store_throughput.py [--writes 2000] [--writers 20]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.store import Feedback, open_store  # noqa: E402
from tests.store.pg_cluster import ENV_URL, start_cluster  # noqa: E402

ENTRY = Feedback(category="trafik", area="fredrika",
                 text="Bilar kör för fort förbi skolan på morgonen. " * 4, rating=2,
                 day=dt.date(2026, 11, 28), granularity="date", lang="sv")


async def measure(url: str, writes: int, writers: int) -> tuple[float, list[float]]:
    async with open_store(url) as store:
        latencies: list[float] = []
        queue = iter(range(writes))

        async def writer() -> None:
            for _ in queue:  # the writers share one iterator: `writes` in all
                start = time.perf_counter()
                await store.add_feedback(ENTRY)
                latencies.append((time.perf_counter() - start) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(writer() for _ in range(writers)))
        elapsed = time.perf_counter() - started
        stored = len(await store.list_feedback())
    if stored != writes:
        raise SystemExit(f"{url.split(':')[0]}: {stored} stored of {writes}")
    return elapsed, latencies


def report(name: str, writes: int, elapsed: float, latencies: list[float]) -> None:
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"{name:<11} writes={writes}  {writes / elapsed:8.0f} writes/s  "
          f"p50={statistics.median(latencies):.2f} ms  p99={p99:.2f} ms")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--writers", type=int, default=20)
    args = parser.parse_args()
    print(f"{args.writers} concurrent writers, every write durable before it returns")
    with tempfile.TemporaryDirectory() as folder:
        elapsed, latencies = await measure(f"sqlite:///{folder}/bench.db", args.writes,
                                           args.writers)
        report("sqlite", args.writes, elapsed, latencies)
    cluster = None
    url = os.environ.get(ENV_URL)
    if not url:
        cluster = start_cluster()
        url = cluster.url
    try:
        elapsed, latencies = await measure(url, args.writes, args.writers)
        report("postgresql", args.writes, elapsed, latencies)
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    asyncio.run(main())
