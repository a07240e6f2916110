"""The knowledge base's self-test: every example question must land on its own topic, and
every dialogue form a topic names must exist.

Run by `python -m bot check` and before a reload takes effect, so that whoever adds a topic
learns at once when its examples collide with another topic's. What comes before the
matcher (the safety check) and which forms exist belong to the features, a floor above:
the caller passes them in.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from bot.knowledge.area import Area
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.matcher import Band
from bot.knowledge.schema import KnowledgeFile

# True when a step before the matcher answers the message itself (the safety check: 112,
# a police report), so that the message never reaches a topic.
Screen = Callable[[str], bool]


def self_test(kb: KnowledgeBase, screen: Screen | None = None,
              forms: Collection[str] | None = None) -> list[str]:
    """One readable line per example that does not come back to its own topic (`screen`
    taking it counts as not coming back), and per form named that is not in `forms`."""
    problems = unknown_forms(kb, forms) if forms is not None else []
    for topic in kb.data.topics:
        for i, example in enumerate(topic.examples):
            where = f"topics[{topic.id}].examples[{i}]"
            if screen is not None and screen(example):
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


def area_self_test(area: Area, screen: Screen | None = None,
                   forms: Collection[str] | None = None) -> list[str]:
    """self_test of every municipality's base; in an area, each line says whose."""
    problems = []
    for ident, kb in area.bases.items():
        found = self_test(kb, screen, forms)
        problems += [f"{ident}: {line}" for line in found] if len(area) > 1 else found
    return problems


def unknown_forms(kb: KnowledgeBase | KnowledgeFile, forms: Collection[str]) -> list[str]:
    """One line per topic's `starts:` or `offers:` that names no form in `forms`."""
    data = kb.data if isinstance(kb, KnowledgeBase) else kb
    known = ", ".join(sorted(forms)) or "none"
    return [f'topics[{topic.id}].{field}: no dialogue form "{name}" (known: {known})'
            for topic in data.topics
            for field, name in (("starts", topic.starts), ("offers", topic.offers))
            if name is not None and name not in forms]
