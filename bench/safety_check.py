"""The safety check's own cost: loading the model, and `detect` per message (rules, features
and the linear model) over the training corpus and the probe sets. Prints p50/p99 and the
memory the model takes.

    python bench/safety_check.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.features.safety import detect  # noqa: E402
from bot.features.safety_model import MODEL_PATH, SafetyModel  # noqa: E402


def messages() -> list[str]:
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key not in ("voice", "lang", "kind"):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for folder in (ROOT / "training" / "safety_corpus", ROOT / "bench" / "safety_probes"):
        for path in sorted(folder.rglob("*.yaml")):
            walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    loads = []
    for _ in range(5):
        gc.collect()
        start = time.perf_counter()
        SafetyModel.load()
        loads.append((time.perf_counter() - start) * 1000)
    tracemalloc.start()
    model = SafetyModel.load()
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"model {MODEL_PATH.name}: {MODEL_PATH.stat().st_size / 1024:.0f} KiB on disk, "
          f"{size / 2**20:.1f} MiB in memory, load p50 {statistics.median(loads):.0f} ms "
          f"(max {max(loads):.0f} ms)")
    texts = messages()
    timings = []
    for _ in range(args.rounds):
        for text in texts:
            start = time.perf_counter()
            detect(text, model)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p99 = timings[int(len(timings) * 0.99)]
    print(f"detect over {len(texts)} messages x {args.rounds}: p50 {p50:.3f} ms, "
          f"p99 {p99:.3f} ms, max {timings[-1]:.3f} ms")


if __name__ == "__main__":
    main()
