"""Time the follow-up report over two generated years: 10,000 activities spread over the
shipped knowledge base's activity types, places and days, plus session requests, feedback
and 5,000 answers to a safety survey (the shipped default questions) within the period.
Prints the time (best of --rounds) and the size of each format; target < 1 s.

    python bench/report.py [--activities 10000] [--answers 5000] [--rounds 5] [--out DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.clock import TZ  # noqa: E402
from bot.features.report import build_report  # noqa: E402
from bot.knowledge.base import KnowledgeBase  # noqa: E402
from bot.knowledge.loader import load_knowledge  # noqa: E402
from bot.store.base import Feedback  # noqa: E402
from bot.store.records import (  # noqa: E402
    Activity,
    RequestStatus,
    SessionRequest,
    Survey,
    SurveyAnswer,
)

START, END, TODAY = dt.date(2021, 1, 1), dt.date(2022, 12, 31), dt.date(2023, 2, 15)
TARGET_S = 1.0
SURVEY = Survey("", dt.date(2022, 9, 1), dt.date(2022, 10, 31), id=1)
# How answers to the 1–5 safety scale fall (most feel fairly safe).
SCALE_WEIGHTS = (6, 14, 25, 35, 20)
# What each shipped activity type counts, and a typical range per entry.
UNITS: dict[str, dict[str, tuple[int, int]]] = {
    "trafikkontroll": {"fordon": (5, 40), "rattfylleri": (0, 2)},
    "hastighetskontroll": {"fordon": (20, 120), "hastighetsöverträdelser": (0, 12)},
    "nykterhetskontroll": {"utandningsprov": (10, 90), "rattfylleri": (0, 3)},
    "informationsinsats": {"deltagare": (5, 40)},
    "skolbesok": {"elever": (10, 60)},
    "foraldramote": {"föräldrar": (4, 30)},
    "samtal-unga": {"samtal": (1, 6)},
    "trygghetsvandring": {"deltagare": (3, 25)},
}
STATUSES: tuple[RequestStatus, ...] = ("open", "confirmed", "declined", "done")


def generate(kb: KnowledgeBase, n: int, seed: int = 11
             ) -> tuple[list[Activity], list[SessionRequest], list[Feedback]]:
    rng = random.Random(seed)
    days = (END - START).days + 1
    places = [p.name for p in kb.data.places] + [None]  # type: ignore[list-item]
    types = kb.data.activities
    activities = []
    for i in range(n):
        kind = rng.choice(types)
        units = UNITS.get(kind.id, {"st": (1, 5)})
        counts = {u: rng.randint(lo, hi) for u, (lo, hi) in units.items()}
        place, day = rng.choice(places), START + dt.timedelta(days=rng.randrange(days))
        served = kb.serves(kind.id, day, place)
        activities.append(Activity(
            kind=kind.id, promise=served[1].id if served else None, place=place, day=day,
            counts={u: v for u, v in counts.items() if v}, note=f"anteckning {i}",
            author="@polis:example.org", id=i + 1))
    booking = kb.data.booking
    audiences = [a.id for a in booking.audiences] if booking else ["larare"]
    topics = [t.id for t in booking.topics] if booking else ["annat"]
    requests = [SessionRequest(
        organisation=f"Skola {i % 7}", audience=rng.choice(audiences),
        topic=rng.choice(topics), size=rng.randint(5, 40), wished="v 12", contact="chat",
        requester=f"@larare{i}:example.org", transport="matrix",
        status=rng.choice(STATUSES),
        created_at=dt.datetime.combine(START + dt.timedelta(days=rng.randrange(days)),
                                       dt.time(10), TZ), id=i + 1)
        for i in range(200)]
    choices = kb.data.feedback
    categories = [c.id for c in choices.categories] if choices else ["annat"]
    areas = [a.id for a in choices.areas] if choices else ["vill-inte-saga"]
    feedback = [Feedback(
        category=rng.choice(categories), area=rng.choice(areas), text=f"synpunkt {i}",
        rating=rng.randint(1, 5), day=START + dt.timedelta(days=rng.randrange(days)),
        granularity="date", lang="sv", id=i + 1) for i in range(500)]
    return activities, requests, feedback


def answers(kb: KnowledgeBase, n: int, seed: int = 12) -> list[SurveyAnswer]:
    """`n` answer sets to the base's survey questions, of each kind as residents answer."""
    survey = kb.data.survey
    if survey is None:
        return []
    rng = random.Random(seed)
    themes = [th.id for th in kb.data.themes]
    made = []
    for _ in range(n):
        given: dict[str, int | str | list[str]] = {}
        for q in survey.questions:
            if q.kind == "scale":
                given[q.id] = rng.choices(range(1, 6), SCALE_WEIGHTS)[0]
            elif q.kind == "yesno":
                given[q.id] = "ja" if rng.random() < 0.3 else "nej"
            elif q.kind == "choice":
                given[q.id] = rng.choice(q.choices).id
            elif q.kind == "rank":
                ids = themes if q.choices_from == "themes" else [c.id for c in q.choices]
                given[q.id] = rng.sample(ids, rng.randint(1, min(q.pick, len(ids))))
            elif rng.random() < 0.2:  # free text, now and then
                given[q.id] = "Mörkt vid busshållplatsen på kvällarna."
        made.append(SurveyAnswer(survey=1, answers=given, lang="sv"))
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, help="also write the reports to this folder")
    args = parser.parse_args()
    kb = load_knowledge(ROOT / "knowledge")
    activities, requests, feedback = generate(kb, args.activities)
    surveys = [(SURVEY, answers(kb, args.answers))]
    print(f"{len(activities)} activities, {len(requests)} requests, {len(feedback)} feedback, "
          f"{len(surveys[0][1])} survey answers, {START} – {END}")
    slow = False
    formats: tuple[Literal["md", "html", "csv"], ...] = ("md", "html", "csv")
    for fmt in formats:
        best, text = float("inf"), ""
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            text = build_report(kb, START, END, activities, requests, feedback, fmt, "sv",
                                TODAY, surveys=surveys)
            best = min(best, time.perf_counter() - t0)
        slow |= best >= TARGET_S
        size = len(text.encode("utf-8"))
        print(f"{fmt:>4}: {best * 1000:8.1f} ms  {size / 1024:7.1f} KiB  "
              f"{'ok' if best < TARGET_S else 'SLOW'} (target < {TARGET_S:.0f} s)")
        if fmt == "md" and surveys[0][1] and "±" not in text:
            print("the survey's results are missing from the report")
            slow = True
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"report.{fmt}").write_text(text, "utf-8")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
