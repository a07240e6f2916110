"""The knowledge base's self-test: every example question must land on its own topic, and
every dialogue form a topic names must exist.

Run by `python -m bot check` and before a reload takes effect, so that whoever adds a topic
learns at once when its examples collide with another topic's. What comes before the
matcher (the safety check) and which forms exist belong to the features, a floor above:
the caller passes them in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from bot.knowledge.area import Area
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.matcher import Band
from bot.knowledge.schema import KnowledgeFile

_ABOUT = re.compile(r"\{promises_about\[([a-z0-9-]+)\]\}")

# True when a step before the matcher answers the message itself (the safety check: 112,
# a police report), so that the message never reaches a topic.
Screen = Callable[[str], bool]


def self_test(kb: KnowledgeBase, screen: Screen | None = None,
              forms: Collection[str] | None = None) -> list[str]:
    """One readable line per example that does not come back to its own topic (`screen`
    taking it counts as not coming back), and per form named that is not in `forms`."""
    problems = unknown_forms(kb, forms) if forms is not None else []
    problems += survey_problems(kb)
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


def unasked_themes(area: Area) -> list[str]:
    """A theme a promise is about that no topic asks for ({promises_about[ID]}): the
    promise is never shown by theme. One line a theme, naming the municipalities of an
    area that have it (a warning for the content keeper: a topic would ask for it)."""
    unasked: dict[str, list[str]] = {}
    for ident, data in area.files().items():
        asked = {m for topic in data.topics for text in topic.answer.written().values()
                 for m in _ABOUT.findall(text)}
        used = {theme for period in data.periods for promise in period.promises
                for theme in promise.themes}
        for theme in sorted(used - asked):
            unasked.setdefault(theme, []).append(ident)
    lines = []
    for theme, idents in sorted(unasked.items()):
        whose = f" ({', '.join(idents)})" if len(area) > 1 else ""
        lines.append(f"themes[{theme}]{whose}: promises are about it, but no topic asks for "
                     f"it ({{promises_about[{theme}]}}); add a topic, or use a theme one "
                     "asks for")
    return lines


def unknown_forms(kb: KnowledgeBase | KnowledgeFile, forms: Collection[str]) -> list[str]:
    """One line per topic's `starts:` or `offers:` that names no form in `forms`."""
    data = kb.data if isinstance(kb, KnowledgeBase) else kb
    known = ", ".join(sorted(forms)) or "none"
    return [f'topics[{topic.id}].{field}: no dialogue form "{name}" (known: {known})'
            for topic in data.topics
            for field, name in (("starts", topic.starts), ("offers", topic.offers))
            if name is not None and name not in forms]


def survey_problems(kb: KnowledgeBase | KnowledgeFile) -> list[str]:
    """One line per survey question that cannot be asked here: a choice or rank question
    whose options (its `choices`, or the base's themes) are too few."""
    data = kb.data if isinstance(kb, KnowledgeBase) else kb
    if data.survey is None:
        return []
    problems = []
    for question in data.survey.questions:
        where = f"survey.questions[{question.id}]"
        n = len(data.themes) if question.choices_from == "themes" else len(question.choices)
        if question.kind in ("choice", "rank") and n < 2:
            what = "themes" if question.choices_from == "themes" else "choices"
            problems.append(f"{where}: needs at least 2 options ({what}: {n})")
        if question.kind == "rank" and n and question.pick > n:
            problems.append(f"{where}: pick {question.pick} of {n} options")
    return problems
