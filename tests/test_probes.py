"""The probe set (tests/data/probes.yaml) through the whole bot: clear questions get their
answer (not only "Menade du …?"), English with Swedish names is answered in English,
questions outside the promise get an honest "I can't answer that" with where to ask, and
other languages get the notice. `judge` is shared with bench/honest_answers.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.core.bot import Bot
from bot.core.messages import Outcome, Reply
from bot.features.foreign_notice import NOTICE
from tests.conftest import ask

PROBES = Path(__file__).parent / "data" / "probes.yaml"
# Topics whose answer is an honest "I can't answer that" with where to ask instead.
OUT_OF_SCOPE = frozenset({"annan-kommunal-service", "utanfor-amnet", "hittegods",
                          "polisens-tillstand"})
_HONEST = re.compile(r"tyvärr inte|can't answer|can't help|kan inte svara", re.IGNORECASE)
_CHANNEL = {"kommun": re.compile(r"0941|asele\.se"),
            "polis": re.compile(r"114 14|polisen\.se")}
_SUGGESTS = re.compile(r"Menade du|Did you mean")


def cases() -> list[dict]:
    return yaml.safe_load(PROBES.read_text(encoding="utf-8"))["cases"]


def judge(case: dict, reply: Reply) -> str | None:
    """Why `reply` is wrong for `case`, or None when it is right."""
    if case.get("report") == "ok" and reply.outcome is Outcome.REPORT:
        return None
    if "topic" in case:
        want = case["topic"] if isinstance(case["topic"], list) else [case["topic"]]
        if reply.outcome is Outcome.DIALOGUE:  # a topic that starts its dialogue
            pass
        elif reply.topic_id not in want:  # also catches "Menade du …?" with no answer
            return f"{reply.outcome} {reply.topic_id}, wanted {want}"
    elif case["outcome"] == "out_of_scope":
        if _SUGGESTS.search(reply.text) or reply.outcome is Outcome.SUGGESTED:
            return "suggestions instead of an honest answer"
        if reply.outcome is not Outcome.UNKNOWN and reply.topic_id not in OUT_OF_SCOPE:
            return f"{reply.outcome} {reply.topic_id}"
        if not _HONEST.search(reply.text):
            return "no honest 'I can't answer that'"
        if "ask" in case and not _CHANNEL[case["ask"]].search(reply.text):
            return f"does not say where to ask ({case['ask']})"
    elif case["outcome"] == "foreign":
        if reply.outcome is not Outcome.FOREIGN:
            return f"{reply.outcome} {reply.topic_id}"
        if "112" not in reply.text or "114 14" not in reply.text:
            return "no 112 and 114 14"
        if case["code"] in NOTICE and NOTICE[case["code"]] not in reply.text:
            return f"not in {case['code']}"
    elif reply.outcome.value != case["outcome"]:
        return f"{reply.outcome}"
    if case.get("lang") and reply.lang != case["lang"]:
        return f"answered in {reply.lang}"
    return None


def _params() -> list:
    params = []
    for case in cases():
        marks = [pytest.mark.xfail(reason=case["miss"], strict=True)] if "miss" in case else []
        params.append(pytest.param(case, id=case["q"][:50], marks=marks))
    return params


@pytest.mark.parametrize("case", _params())
async def test_probe(shipped_bot: Bot, case: dict) -> None:
    reply = await ask(shipped_bot, case["q"])
    why = judge(case, reply)
    assert why is None, f"{case['q']!r}: {why}\n{reply.text}"


def test_the_probe_set_is_varied() -> None:
    kinds: dict[str, int] = {}
    for case in cases():
        kind = "topic" if "topic" in case else case["outcome"]
        kinds[kind] = kinds.get(kind, 0) + 1
    assert kinds["topic"] >= 100 and kinds["out_of_scope"] >= 25 and kinds["foreign"] >= 20
    assert sum(1 for c in cases() if c.get("lang") == "en") >= 40
