"""How the bot answers the probe set (tests/data/probes.yaml): per kind of probe, how many
replies were right, and what the others were. Figures, not a test: tests/test_probes.py is
the test.

    python bench/honest_answers.py [--misses]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import build_bot  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.core.clock import FixedClock  # noqa: E402
from bot.core.messages import IncomingMessage, Outcome  # noqa: E402
from bot.knowledge.holder import KnowledgeHolder  # noqa: E402
from bot.store import open_store  # noqa: E402
from tests.test_probes import cases, judge  # noqa: E402


async def run(show_misses: bool) -> None:
    store = open_store("sqlite://:memory:")
    await store.open()
    bot = build_bot(Config(), FixedClock(dt.date(2026, 11, 30)),
                    KnowledgeHolder.load(ROOT / "knowledge"), store)
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    shapes: Counter[tuple[str, str]] = Counter()
    for i, case in enumerate(cases()):
        kind = "topic" if "topic" in case else case["outcome"]
        reply = await bot.handle(IncomingMessage(
            transport="bench", room="!r", sender=f"@p{i}", text=case["q"], event_id=f"$p{i}"))
        assert reply is not None
        total[kind] += 1
        if reply.outcome is Outcome.SUGGESTED:
            shape = "answer + suggestions" if reply.topic_id else "suggestions only"
        else:
            shape = reply.outcome.value
        shapes[(kind, shape)] += 1
        why = judge(case, reply)
        if why is None:
            right[kind] += 1
        elif show_misses:
            print(f"  miss [{kind}] {case['q']!r}: {why}")
    await bot.close()
    await store.close()
    for kind in total:
        print(f"{kind:<13} right {right[kind]:>3}/{total[kind]:<3}  " + ", ".join(
            f"{shape} {n}" for (k, shape), n in sorted(shapes.items()) if k == kind))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="print every miss")
    asyncio.run(run(parser.parse_args().misses))


if __name__ == "__main__":
    main()
