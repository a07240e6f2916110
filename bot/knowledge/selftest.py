"""The knowledge base's self-test: every example question must land on its own topic.

Run by `python -m bot check` and before a reload takes effect, so that whoever adds a topic
learns at once when its examples collide with another topic's.
"""

from __future__ import annotations

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.matcher import Band


def self_test(kb: KnowledgeBase) -> list[str]:
    """One readable line per example that does not come back to its own topic."""
    from bot.features import safety

    problems: list[str] = []
    for topic in kb.data.topics:
        for i, example in enumerate(topic.examples):
            where = f"topics[{topic.id}].examples[{i}]"
            alert = safety.detect(example)
            if alert is not None and alert.kind != "unsure":
                problems.append(f'{where}: "{example}" is taken by the safety check '
                                "(112 / police report) and never reaches the topic")
                continue
            result = kb.match(example)
            best = result.best
            if best is None or result.band is Band.LOW:
                problems.append(f'{where}: "{example}" is not understood '
                                f"(score {best.score if best else 0:.2f})")
            elif best.topic_id != topic.id:
                problems.append(f'{where}: "{example}" lands on topic "{best.topic_id}" '
                                f"({best.score:.2f}) instead of \"{topic.id}\"")
    return problems
