"""A country of police areas in one deployment: a generated area of 290 municipalities, each
with the shipped shared topics (knowledge/common/) and `--own` topics of its own. Prints
the start-up time (load_area, which indexes every base, + build_bot), memory after start
and after the run (and the process's peak), p50/p99/max of Bot.handle over residents'
questions spread over the municipalities, in wall-clock and in the process's CPU time (the
second leaves out other processes on a busy machine), and how many bases got indexed.
Targets (issue 15): p99 <= 5 ms, memory <= 400 MB. The area is written by a child process,
so that its memory is not counted.

    python bench/area_scale.py [--municipalities 290] [--own 50] [--messages 3000]

Each municipality is one of the shipped ones under another name: its name, places,
villages and phone numbers replaced (everywhere in its texts), its promises kept; its own
topics are the shipped municipality's and generated ones about local matters (snowmobiles,
the harbour, the market …) until it has `--own` of its own. The shipped shared topics
number more than 50, so "50 topics each" is read as 50 of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import build_bot  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.core.clock import FixedClock  # noqa: E402
from bot.core.messages import IncomingMessage  # noqa: E402
from bot.features.safety import default_model  # noqa: E402
from bot.knowledge.area import load_area  # noqa: E402
from bot.knowledge.holder import KnowledgeHolder  # noqa: E402
from bot.store import open_store  # noqa: E402
from bot.text import foreign  # noqa: E402
from bot.text.normalize import fold  # noqa: E402

SHIPPED = ROOT / "knowledge"
TODAY = dt.date(2026, 11, 28)
FIRST = ["Björk", "Gran", "Sjö", "Älv", "Tall", "Lund", "Berg", "Ek", "Fors", "Ny", "Öster",
         "Väster", "Norr", "Söder", "Hög", "Stor", "Lill", "Malm", "Ljus", "Rön", "Sand",
         "Strö", "Vall", "Hed", "Mo", "Myr", "Kvarn", "Hassel", "Lax", "Ren"]
TOWN = ["ås", "by", "berg", "sjö", "fors", "dal", "vik", "näs", "hult", "torp", "lund",
        "strand", "holm", "mark", "å", "lid", "träsk", "bäcken", "sele", "vattnet"]
VILLAGE = ["liden", "myran", "tjärn", "gården", "böle", "åkern", "heden", "backen", "viken",
           "udden", "näset", "forsen", "ängen", "vallen", "bodarna"]
# Local matters a municipality's own topics are about: (Swedish word, another, English).
MATTERS = [
    ("skoteråkning", "snöskotrar", "snowmobiles"), ("båttrafik", "båtar", "boats"),
    ("älgjakt", "jägare", "moose hunting"), ("fyrverkerier", "raketer", "fireworks"),
    ("cykelstölder", "cyklar", "bike thefts"), ("lösa hundar", "hundar", "loose dogs"),
    ("badplatsen", "badet", "the beach"), ("marknaden", "marknadsdagen", "the market"),
    ("festivalen", "konserten", "the festival"), ("campingen", "husvagnar", "the campsite"),
    ("mopedåkning", "mopeder", "mopeds"), ("epatraktorer", "atraktorer", "tractor cars"),
    ("nedskräpning", "skräp", "litter"), ("klotter", "graffiti", "graffiti"),
    ("stugor", "fritidshus", "holiday cottages"), ("dieselstölder", "diesel", "diesel"),
    ("viltolyckor", "renar", "reindeer"), ("isfiske", "isen", "ice fishing"),
    ("skolskjutsen", "busshållplatsen", "the school bus"), ("belysningen", "lampor", "lights"),
    ("hamnen", "bryggan", "the harbour"), ("skidbacken", "liften", "the ski slope"),
    ("fotbollsplanen", "matcher", "the football pitch"), ("ishallen", "hockey", "the rink"),
    ("biblioteket", "böcker", "the library"), ("simhallen", "badhuset", "the pool"),
    ("järnvägen", "tåget", "the railway"), ("flygplatsen", "flyget", "the airport"),
    ("gruvan", "gruvarbetare", "the mine"), ("sågverket", "timmer", "the sawmill"),
    ("vindkraften", "vindkraftverk", "wind power"), ("älven", "forsen", "the river"),
    ("torget", "torghandel", "the square"), ("kyrkan", "kyrkogården", "the church"),
    ("återvinningen", "soptippen", "recycling"), ("parkeringen", "parkering", "parking"),
    ("skolgården", "rasten", "the schoolyard"), ("fritidsgården", "ungdomsgården",
                                                  "the youth club"),
    ("travbanan", "hästar", "the trotting track"), ("motorbanan", "motocross", "motocross"),
    ("fjällstugan", "vandring", "the mountain hut"), ("kraftverket", "dammen", "the dam"),
    ("vägbygget", "vägarbete", "the roadworks"), ("mässan", "utställningen", "the fair"),
    ("julmarknaden", "julbord", "the Christmas market"), ("midsommar", "dansbanan",
                                                          "midsummer"),
    ("bensinmacken", "macken", "the petrol station"), ("apoteket", "mediciner",
                                                       "the pharmacy"),
    ("vårdcentralen", "läkare", "the health centre"), ("hembygdsgården", "museet",
                                                       "the local museum"),
]
PHONE = re.compile(r"\b0\d{2,3}-\d{2,3}(?: \d{2,3})*")


def names(rng: random.Random, count: int) -> list[str]:
    """`count` municipality names, each unique."""
    pairs = [a + b for a in FIRST for b in TOWN]
    return rng.sample(pairs, count)


def villages(rng: random.Random, count: int) -> list[str]:
    """`count` village names, unique within a municipality (not across the country)."""
    return rng.sample([a + b for a in FIRST for b in VILLAGE], count)


def renamed(value: Any, swap: re.Pattern[str], table: dict[str, str], phone: str) -> Any:
    """Every string of `value` with the old names and phone numbers replaced."""
    if isinstance(value, str):
        return PHONE.sub(phone, swap.sub(lambda m: table[m.group(0)], value))
    if isinstance(value, list):
        return [renamed(v, swap, table, phone) for v in value]
    if isinstance(value, dict):
        return {k: renamed(v, swap, table, phone) for k, v in value.items()}
    return value


def spellings(old: str, new: str) -> dict[str, str]:
    """An old name's ways of being written -> the new name's."""
    out = {old: new, old.lower(): new.lower(), fold(old): fold(new)}
    ascii_old = old.lower().replace("å", "aa").replace("ä", "ae").replace("ö", "oe")
    out[ascii_old] = new.lower().replace("å", "aa").replace("ä", "ae").replace("ö", "oe")
    return {k: v for k, v in out.items() if k}


def own_topics(rng: random.Random, short: str, places: list[str], count: int) -> list[dict]:
    topics = []
    for i, (word, other, english) in enumerate(rng.sample(MATTERS, count)):
        place = rng.choice(places)
        topics.append({
            "id": f"lokalt-{i}",
            "title": {"sv": word.capitalize(), "en": english.capitalize()},
            "examples": [f"vad gör polisen åt {word} i {place}?", f"problem med {other}",
                         f"finns det något löfte om {word}", f"{other} vid {place}",
                         f"hur är det med {word} i {{kommun}}", f"what about {english}?"],
            "keywords": [word, other],
            "answer": {"sv": f"Om {word} i {{kommun}}: hör av dig till kommunpolisen.",
                       "en": f"About {english} in {{kommun}}: contact the municipal police."},
        })
    return topics


def generate(folder: Path, count: int, own: int, seed: int = 15) -> dict[str, list[str]]:
    """Write an area of `count` municipalities into `folder`; each id -> its names and
    places (what residents ask about it by)."""
    rng = random.Random(seed)
    shutil.copytree(SHIPPED / "common", folder / "common")
    templates = sorted(p for p in SHIPPED.iterdir() if p.is_dir() and p.name != "common")
    asked_by: dict[str, list[str]] = {}
    for n, new in enumerate(names(rng, count)):
        template = templates[n % len(templates)]
        files = {p.name: yaml.safe_load(p.read_text("utf-8"))
                 for p in sorted(template.glob("*.yaml"))}
        facts = next(d for d in files.values() if "municipality" in d)
        old = facts["municipality"]["name"]["sv"].removesuffix(" kommun")
        old_villages = [p["name"] for p in facts["places"] if p["kind"] == "village"]
        new_villages = villages(rng, len(old_villages) + 3)
        table = spellings(old, new)
        for was, now in zip(old_villages, new_villages, strict=False):
            table |= spellings(was, now)
        swap = re.compile("|".join(re.escape(k) for k in sorted(table, key=len, reverse=True)))
        phone = f"09{n % 100:02d}-{rng.randrange(100, 999)} {rng.randrange(10, 99)}"
        files = {name: renamed(data, swap, table, phone) for name, data in files.items()}
        facts = next(d for d in files.values() if "municipality" in d)
        facts["places"] += [{"name": v, "kind": "village", "aliases": [fold(v)]}
                            for v in new_villages[len(old_villages):]]
        topics = next((d for d in files.values() if "topics" in d and d is not facts),
                      None)
        if topics is None:
            topics = files.setdefault("topics.yaml", {"topics": []})
        have = len(topics["topics"])
        where = [new, *new_villages]
        topics["topics"] += own_topics(rng, new, where, max(0, own - have))
        ident = fold(new).replace(" ", "-")
        (folder / ident).mkdir()
        for name, data in files.items():
            (folder / ident / name).write_text(
                yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        asked_by[ident] = where
    (folder / "area.yaml").write_text(f"name: Landet\ndefault: {next(iter(asked_by))}\n",
                                      "utf-8")
    return asked_by


def questions(asked_by: dict[str, list[str]], total: int, seed: int = 7
              ) -> list[IncomingMessage]:
    """Conversations of a few messages each: a resident names a municipality (or a place
    of it, or comes from a page bound to it), then asks plainly."""
    rng = random.Random(seed)
    shipped = yaml.safe_load((ROOT / "tests" / "data" / "questions.yaml").read_text("utf-8"))
    plain = [case["q"] for case in shipped["cases"] if "Åsele" not in case["q"]]
    plain += ["vad är en kommunpolis", "hur når jag kommunpolisen", "vad är ett medborgarlöfte",
              "jag vill tipsa om narkotika", "när är nästa trygghetsvandring"]
    idents = list(asked_by)
    out: list[IncomingMessage] = []
    resident = 0
    while len(out) < total:
        resident += 1
        ident = rng.choice(idents)
        name, *places = asked_by[ident]
        bound = rng.random() < 0.25
        first = rng.choice([f"vad har polisen lovat i {name}?", f"medborgarlöften {name}",
                            f"kommer polisen till {rng.choice(places)}?",
                            f"vad gör polisen åt {rng.choice(MATTERS)[0]} i {name}?",
                            f"What has the police promised in {name}?"])
        talk = ([] if bound else [first]) + rng.sample(plain, rng.randint(2, 4))
        for i, text in enumerate(talk):
            out.append(IncomingMessage(
                transport="bench", room=f"!r{resident}", sender=f"@u{resident}",
                text=text, event_id=f"${resident}-{i}",
                municipality=ident if bound else None))
    return out[:total]


def report(name: str, timings: list[float]) -> float:
    timings = sorted(timings)
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    print(f"{name:<14} messages={len(timings)}  p50={statistics.median(timings):.3f} ms  "
          f"p99={p99:.3f} ms  max={timings[-1]:.3f} ms")
    return p99


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def indexed(area: Any) -> int:
    counter = getattr(area.bases, "indexed", None)
    return counter() if callable(counter) else len(getattr(area.bases, "_built", area.bases))


async def run(folder: Path, asked_by: dict[str, list[str]], messages: int) -> None:
    start = time.perf_counter()
    default_model()  # first, as `run` does: their passing 90 MB is then not the peak
    foreign.preload()
    area = load_area(folder)
    loaded = time.perf_counter() - start
    holder = KnowledgeHolder(area.default_base, folder, area)
    store = open_store(f"sqlite:///{folder / 'bench.sqlite'}")
    await store.open()
    bot = build_bot(Config(), FixedClock(TODAY), holder, store)
    started = time.perf_counter() - start
    after_start = rss_mib()
    print(f"start-up       {started:.2f} s (load_area {loaded:.2f} s, "
          f"{len(area)} municipalities, "
          f"{sum(len(f.topics) for f in area.files().values())} topics)")
    print(f"memory         {after_start:.0f} MiB after start, {indexed(area)} base(s) indexed")
    timings: list[float] = []
    cpu: list[float] = []  # the process's own time: other processes on the machine aside
    for msg in questions(asked_by, messages):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        await bot.handle(msg)
        timings.append((time.perf_counter() - begin) * 1000)
        cpu.append((time.process_time() - begin_cpu) * 1000)
    await bot.close()
    await store.close()
    p99 = report("Bot.handle", timings)
    report("  CPU time", cpu)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"memory         {rss_mib():.0f} MiB after the run, peak {peak:.0f} MiB, "
          f"{indexed(area)} base(s) indexed")
    ok = p99 <= 5 and peak <= 400
    print(f"targets        p99 <= 5 ms, memory <= 400 MB: {'met' if ok else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--municipalities", type=int, default=290)
    parser.add_argument("--own", type=int, default=50, help="topics of its own, each")
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:  # the child process that writes the area (its memory is not ours)
        asked_by = generate(args.generate, args.municipalities, args.own)
        (args.generate / "asked_by.json").write_text(json.dumps(asked_by), "utf-8")
        return
    with tempfile.TemporaryDirectory(prefix="area-scale-") as tmp:
        folder = Path(tmp) / "knowledge"
        folder.mkdir()
        begin = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--generate", str(folder),
                        "--municipalities", str(args.municipalities), "--own", str(args.own)],
                       check=True)
        asked_by = json.loads((folder / "asked_by.json").read_text("utf-8"))
        (folder / "asked_by.json").unlink()
        print(f"generated      {args.municipalities} municipalities in "
              f"{time.perf_counter() - begin:.1f} s (not counted)")
        asyncio.run(run(folder, asked_by, args.messages))


if __name__ == "__main__":
    main()
