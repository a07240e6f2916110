"""Time Bot.handle over the example questions, with the shipped knowledge base and with a
generated one of 10,000 topics. Prints p50/p99 per message and the process's peak memory.

    python bench/answer_latency.py [--topics 10000] [--rounds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import resource
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import build_bot  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.core.clock import FixedClock  # noqa: E402
from bot.core.messages import IncomingMessage  # noqa: E402
from bot.knowledge.base import KnowledgeBase  # noqa: E402
from bot.knowledge.holder import KnowledgeHolder  # noqa: E402
from bot.knowledge.loader import load_knowledge  # noqa: E402
from bot.knowledge.schema import KnowledgeFile  # noqa: E402
from bot.store import open_store  # noqa: E402

SYLLABLES = ["ba", "ke", "lo", "mi", "nu", "sa", "te", "vi", "ro", "gu", "fa", "dö", "hä",
             "kå", "pe", "sti", "tra", "bro", "gra", "sko", "fjä", "lju", "sne", "vra"]


def questions() -> list[str]:
    data = yaml.safe_load((ROOT / "tests" / "data" / "questions.yaml").read_text("utf-8"))
    asked = [case["q"] for case in data["cases"]]
    kb = load_knowledge(ROOT / "knowledge")
    asked += [ex for topic in kb.data.topics for ex in topic.examples]
    return asked


def generated(n_topics: int, seed: int = 7) -> tuple[KnowledgeBase, list[str]]:
    """The shipped base plus `n_topics` generated topics, and questions for them.

    Generated examples mix made-up words with the shipped base's own words, so that real
    questions meet long posting lists; the generated questions carry a typo each, so that
    the typo correction runs without help from its cache."""
    rng = random.Random(seed)
    shipped = load_knowledge(ROOT / "knowledge").data
    real = sorted({w for t in shipped.topics for ex in t.examples for w in ex.lower().split()
                   if w.isalpha() and len(w) > 3})
    made_up = sorted({"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
                      for _ in range(30_000)})
    # By alias, without the unset ("sv-lattlast", not sv_lattlast=None): it validates again.
    topics = [t.model_dump(by_alias=True, exclude_none=True) for t in shipped.topics]
    asked: list[str] = []
    for i in range(n_topics):
        words = rng.sample(made_up, 6) + rng.sample(real, 2)
        examples = [" ".join(["vad", "är", *rng.sample(words, 4)]) for _ in range(5)]
        topics.append({
            "id": f"gen-{i}",
            "title": {"sv": f"Ämne {i}", "en": f"Topic {i}"},
            "examples": examples,
            "keywords": words[:3],
            "answer": {"sv": f"Svar {i}", "en": f"Answer {i}"},
        })
        if i % 20 == 0:
            question = examples[0].split()
            k = rng.randrange(2, len(question))
            word = question[k]
            cut = rng.randrange(1, len(word))
            question[k] = word[:cut] + word[cut + 1:] + rng.choice("aeiklnrst")
            asked.append(" ".join(question))
    data = shipped.model_dump(by_alias=True, exclude_none=True)
    data["topics"] = topics
    return KnowledgeBase(KnowledgeFile.model_validate(data)), asked


async def measure(kb: KnowledgeBase, asked: list[str], rounds: int) -> list[float]:
    store = open_store("sqlite://:memory:")
    await store.open()
    bot = build_bot(Config(), FixedClock(dt.date(2026, 11, 28)), KnowledgeHolder(kb), store)
    timings: list[float] = []
    for r in range(rounds):
        for i, text in enumerate(asked):
            msg = IncomingMessage(transport="bench", room="!r", sender=f"@u{i}:{r}",
                                  text=text, event_id=f"${r}-{i}")
            start = time.perf_counter()
            await bot.handle(msg)
            timings.append((time.perf_counter() - start) * 1000)
    await bot.close()
    await store.close()
    return timings


def report(name: str, timings: list[float]) -> None:
    timings = sorted(timings)
    p50 = statistics.median(timings)
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    print(f"{name:<28} messages={len(timings):>6}  p50={p50:.3f} ms  p99={p99:.3f} ms  "
          f"max={timings[-1]:.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--topics", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    asked = questions()
    shipped = load_knowledge(ROOT / "knowledge")
    timings = asyncio.run(measure(shipped, asked, args.rounds))
    report(f"shipped ({len(shipped.topics)} topics)", timings)
    report("  first round (cold caches)", timings[:len(asked)])
    start = time.perf_counter()
    big, generated_questions = generated(args.topics)
    print(f"generated base built in {time.perf_counter() - start:.1f} s")
    big_asked = asked + generated_questions
    timings = asyncio.run(measure(big, big_asked, max(1, args.rounds // 4)))
    report(f"generated ({len(big.topics)} topics)", timings)
    report("  first round (cold caches)", timings[:len(big_asked)])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS) {peak:.0f} MiB")


if __name__ == "__main__":
    main()
