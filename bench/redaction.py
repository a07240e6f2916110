"""The redactor's figures: precision and recall of the name redaction on the sentences of
tests/privacy/name_corpus.py (the main set and the held-out one), the time to load the name
lists, and the time per message of `find_names` and of the whole `redact`.

    python bench/redaction.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.privacy import names as names_module  # noqa: E402
from bot.privacy.names import find_names  # noqa: E402
from bot.privacy.redact import redact  # noqa: E402
from tests.privacy.name_corpus import (  # noqa: E402
    HELD_OUT_WITH_NAMES,
    HELD_OUT_WITHOUT_NAMES,
    PLACES,
    WITH_NAMES,
    WITHOUT_NAMES,
    parse,
)


def figures(marked: list[str], clean: list[str]) -> tuple[float, float, list[str]]:
    found = right = names = covered = 0
    misses: list[str] = []
    for sentence in marked + clean:
        text, gold = parse(sentence)
        spans = list(find_names(text, PLACES))
        found += len(spans)
        for a, b in spans:
            if any(a < d and c < b for c, d in gold):
                right += 1
            else:
                misses.append(f"  false hit  {text[a:b]!r} in {text!r}")
        names += len(gold)
        for c, d in gold:
            if any(a <= c and d <= b for a, b in spans):
                covered += 1
            else:
                misses.append(f"  missed     {text[c:d]!r} in {text!r}")
    return right / found, covered / names, misses


def timings(texts: list[str], rounds: int, run: object) -> tuple[float, float]:
    """p50 and p99 over the messages of each message's fastest round (the machine is
    shared: the fastest round is the cost of the code, the others add the neighbours')."""
    best = [float("inf")] * len(texts)
    for _ in range(rounds):
        for i, text in enumerate(texts):
            start = time.perf_counter()
            run(text)  # type: ignore[operator]
            best[i] = min(best[i], (time.perf_counter() - start) * 1e6)
    best.sort()
    return statistics.median(best), best[int(len(best) * 0.99)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    names_module.lists.cache_clear()
    start = time.perf_counter()
    names_module.lists()
    print(f"name lists loaded in {(time.perf_counter() - start) * 1000:.1f} ms")

    for title, marked, clean in (("main set", WITH_NAMES, WITHOUT_NAMES),
                                 ("held-out set", HELD_OUT_WITH_NAMES,
                                  HELD_OUT_WITHOUT_NAMES)):
        precision, recall, misses = figures(marked, clean)
        count = sum(len(parse(s)[1]) for s in marked)
        print(f"{title}: {len(marked) + len(clean)} sentences, {count} names: "
              f"precision {precision:.3f}, recall {recall:.3f}")
        print("\n".join(misses))

    texts = [parse(s)[0] for s in WITH_NAMES + WITHOUT_NAMES]
    for label, run in (("find_names", lambda text: list(find_names(text, PLACES))),
                       ("redact", lambda text: redact(text, PLACES))):
        p50, p99 = timings(texts, args.rounds, run)
        print(f"{label:>10}: p50 {p50:.0f} µs, p99 {p99:.0f} µs per message")


if __name__ == "__main__":
    main()
