"""Messages people really type, asked through the same path a transport uses.

`questions.yaml` is the shared sample (a copy of ../shared/examples/questions.yaml);
`more_questions.yaml` holds our own phrasings that appear nowhere in the knowledge base,
so that the general handling is tested and not a list of known strings.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.core.bot import Bot
from tests.conftest import ask

DATA = Path(__file__).parent / "data"


def _cases(name: str) -> list[dict]:
    cases = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))["cases"]
    return [pytest.param(c, id=c["q"][:60]) for c in cases]


async def _check(bot: Bot, case: dict) -> None:
    reply = await ask(bot, case["q"])
    for pattern in case.get("all", []):
        assert re.search(pattern, reply.text, re.IGNORECASE), (
            f"{case['q']!r}: /{pattern}/ not in reply ({reply.outcome}, {reply.topic_id}):\n"
            f"{reply.text}")
    for pattern in case.get("none", []):
        assert not re.search(pattern, reply.text, re.IGNORECASE), (
            f"{case['q']!r}: /{pattern}/ in reply:\n{reply.text}")
    if "topic" in case:
        assert reply.topic_id == case["topic"], (case["q"], reply.topic_id, reply.outcome)
    if "outcome" in case:
        assert reply.outcome == case["outcome"], (case["q"], reply.outcome, reply.text)


@pytest.mark.parametrize("case", _cases("questions.yaml"))
async def test_shared_examples(shipped_bot: Bot, case: dict) -> None:
    await _check(shipped_bot, case)


@pytest.mark.parametrize("case", _cases("more_questions.yaml"))
async def test_more_examples(shipped_bot: Bot, case: dict) -> None:
    await _check(shipped_bot, case)
