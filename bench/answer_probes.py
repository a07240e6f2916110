"""Resident messages through the whole bot, judged by category: bench/answer_probes/.

Each set was written by someone who saw neither the knowledge base nor the code (set_a
after the changes of issue 11, nothing tuned on it). Every message goes through Bot.handle
with the shipped knowledge base on 2026-11-30, in a conversation of its own, and the reply
is judged as a resident would see it:
- promise_now / promise_year / promise_valid: the period that applies is named (2025–2027
  now; the asked year's period for a past year);
- agreement_valid: the agreement's "until further notice";
- past_crime / statistics: where to read or whom to call (114 14, polisen.se, bra.se), not
  112 and not a promise text or a list of guesses;
- out_of_scope: an honest "not here" (no list of guesses, no promise text);
- english_with_swedish_names: answered in English;
- foreign_language: a notice with 112 and 114 14;
- clear_question: an answer (not only "Did you mean", not "I don't know"); an emergency 112;
- collisions: printed for reading (no rule can judge them).
Conversations are printed turn by turn with what the store holds after each.

    python bench/answer_probes.py [--misses] [--conversations] [SET ...]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import build_bot  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.core.clock import FixedClock  # noqa: E402
from bot.core.messages import IncomingMessage, Outcome, Reply  # noqa: E402
from bot.knowledge.holder import KnowledgeHolder  # noqa: E402
from bot.store import open_store  # noqa: E402

PROBES = ROOT / "bench" / "answer_probes"
TODAY = dt.datetime(2026, 11, 30, 14, 0)
GUESSES = ("Menade du", "Did you mean")
HONEST = {Outcome.UNKNOWN, Outcome.ANSWERED, Outcome.FOREIGN, Outcome.REPORT,
          Outcome.SMALLTALK}
PERIOD_OF = {2017: "2017", 2018: "2017", 2019: "2019", 2020: "2019", 2021: "2021",
             2022: "2021", 2023: "2023", 2024: "2023", 2025: "2025", 2026: "2025",
             2027: "2025"}


def first_line(reply: Reply) -> str:
    return reply.text.strip().splitlines()[0] if reply.text.strip() else ""


def guesses(reply: Reply) -> bool:
    """Only a list of guesses: an answer followed by "Did you mean" for a close second
    topic is an answer."""
    if not any(g in reply.text for g in GUESSES):
        return False
    lines = [ln for ln in reply.text.strip().splitlines() if ln.strip() and "112" not in ln]
    return not lines or any(g in lines[0] for g in (*GUESSES, "inte säker", "not sure"))


def no_112(reply: Reply) -> bool:
    return reply.outcome not in (Outcome.EMERGENCY, Outcome.DISTRESS) \
        and "112" not in first_line(reply)


def channels(reply: Reply) -> bool:
    return any(c in reply.text for c in ("114 14", "polisen.se", "bra.se"))


Judge = Callable[[Reply, dict[str, Any]], bool]
RULES: dict[str, Judge] = {
    "promise_now": lambda r, p: "2025–2027" in r.text and not guesses(r),
    "promise_year": lambda r, p: PERIOD_OF.get(p["year"], str(p["year"])) in r.text
    and not guesses(r),
    "promise_valid": lambda r, p: "2027" in r.text and not guesses(r),
    "agreement_valid": lambda r, p: ("tills vidare" in r.text
                                     or "until further notice" in r.text) and not guesses(r),
    "past_crime": lambda r, p: channels(r) and no_112(r) and not guesses(r)
    and "2025–2027" not in r.text,
    "statistics": lambda r, p: channels(r) and no_112(r) and not guesses(r)
    and "2025–2027" not in r.text,
    "out_of_scope": lambda r, p: not guesses(r) and "2025–2027" not in r.text
    and r.outcome in HONEST,
    "english_with_swedish_names": lambda r, p: r.lang == "en" and not guesses(r)
    and r.outcome is not Outcome.UNKNOWN,
    "foreign_language": lambda r, p: "112" in r.text and "114 14" in r.text
    and not guesses(r),
    # An emergency reply to a question that tells of violence now is right, not a miss.
    "clear_question": lambda r, p: r.outcome in (Outcome.ANSWERED, Outcome.REPORT,
                                                 Outcome.DIALOGUE, Outcome.COMMAND,
                                                 Outcome.EMERGENCY, Outcome.SUGGESTED)
    and not guesses(r),
}


def message(text: str, room: str, n: int) -> IncomingMessage:
    return IncomingMessage(transport="bench", room=room, sender=f"@{room}", text=text,
                           is_direct=True, event_id=f"${room}-{n}")


async def run_set(path: Path, data: dict[str, Any], show_misses: bool,
                  show_conversations: bool) -> None:
    holder = KnowledgeHolder.load(ROOT / "knowledge")
    async with open_store("sqlite://:memory:") as store:
        bot = build_bot(Config(), FixedClock(TODAY), holder, store)
        total = passed = 0
        print(f"== {path.parent.name}/{path.name}")
        print(f"{'category':28} {'passed':>10}")
        for category, items in data["categories"].items():
            rule = RULES.get(category)
            results: list[tuple[bool, str, Reply]] = []
            for i, item in enumerate(items):
                probe = item if isinstance(item, dict) else {"text": item}
                reply = await bot.handle(message(probe["text"], f"{category}{i}", 0))
                assert reply is not None
                ok = rule(reply, probe) if rule else True
                results.append((ok, probe["text"], reply))
            if rule is None:
                print(f"{category:28} {'(read)':>10}")
                for _, text, reply in results:
                    print(f"    {text!r}\n      -> [{reply.outcome}/{reply.topic_id}] "
                          f"{reply.text[:160]!r}")
                continue
            good = sum(ok for ok, _, _ in results)
            total += len(results)
            passed += good
            print(f"{category:28} {good:>4}/{len(results):<4} {100 * good / len(results):5.1f}%")
            if show_misses:
                for ok, text, reply in results:
                    if not ok:
                        print(f"    MISS {text!r}\n      -> [{reply.outcome}/{reply.topic_id}"
                              f"/{reply.lang}] {reply.text[:200]!r}")
        print(f"{'all judged':28} {passed:>4}/{total:<4} {100 * passed / total:5.1f}%")
        if show_conversations:
            for i, conversation in enumerate(data.get("conversations", [])):
                room = f"conv{i}"
                print(f"\n-- {conversation['about']}")
                before = len(await store.list_feedback(None, None))
                for n, turn in enumerate(conversation["turns"]):
                    reply = await bot.handle(message(turn, room, n))
                    text = reply.text if reply else "(no reply)"
                    print(f"   > {turn}\n   < [{reply.outcome if reply else '-'}] "
                          f"{text[:300]!r}")
                entries = await store.list_feedback(None, None)
                for entry in entries[before:]:
                    print(f"   stored: {entry.category}/{entry.area} {entry.rating} "
                          f"{entry.text!r}")
        await bot.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="print every miss")
    parser.add_argument("--conversations", action="store_true",
                        help="print the conversations turn by turn")
    parser.add_argument("sets", nargs="*", help="set names (default: all)")
    args = parser.parse_args()
    names = args.sets or sorted(p.stem for p in PROBES.glob("*.yaml"))
    for name in names:
        path = PROBES / f"{name}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        asyncio.run(run_set(path, data, args.misses, args.conversations))


if __name__ == "__main__":
    main()
