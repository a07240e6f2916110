"""A validated knowledge base with its indices, matcher and renderer, ready to answer."""

from __future__ import annotations

import datetime as dt
import re

from bot.knowledge.analyser import Analyser
from bot.knowledge.matcher import Matcher, MatchResult
from bot.knowledge.render import Renderer
from bot.knowledge.schema import KnowledgeFile, Lang, Period, Promise, Topic

_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
VILLAGE_WORD = "by"  # villages in `places` count as this word in questions


class KnowledgeBase:
    def __init__(self, data: KnowledgeFile) -> None:
        self.data = data
        self.periods: list[Period] = sorted(data.periods, key=lambda p: p.start)
        self.topics: dict[str, Topic] = {t.id: t for t in data.topics}
        self.promise_index: dict[str, tuple[Period, Promise]] = {
            promise.id: (period, promise) for period in self.periods
            for promise in period.promises
        }
        self.contact_index = {c.id: c for c in data.contacts}
        synonyms: dict[str, list[str]] = {k: list(v) for k, v in data.synonyms.items()}
        villages = [name for place in data.places if place.kind == "village"
                    for name in (place.name, *place.aliases)]
        if villages:
            synonyms.setdefault(VILLAGE_WORD, []).extend(villages)
        corpus = [text for t in data.topics for text in (*t.examples, *t.keywords)]
        self.analyser = Analyser(synonyms, data.stopwords, corpus)
        places = frozenset(term for place in data.places if place.kind != "village"
                           for name in (place.name, *place.aliases)
                           for term in self.analyser.terms(name))
        self.matcher = Matcher(data.topics, self.analyser, context_terms=places)
        self.renderer = Renderer(self)

    def match(self, text: str) -> MatchResult:
        return self.matcher.match(text)

    def latest_period(self, today: dt.date) -> Period | None:
        """The most recent period with promise texts that has started by `today`."""
        started = [p for p in self.periods if p.start <= today and p.promises]
        return started[-1] if started else None

    def focus_period(self, today: dt.date, text: str = "") -> Period:
        """The period a question is about: one named by year, else the current one, else
        the latest that has started, else the first upcoming."""
        for year in (int(y) for y in _YEAR.findall(text)):
            for period in self.periods:
                if period.start.year <= year <= period.end.year:
                    return period
        current = [p for p in self.periods if p.start <= today <= p.end]
        if current:
            with_text = [p for p in current if p.promises]
            return (with_text or current)[-1]
        return self.latest_period(today) or self.periods[0]

    def answer(self, topic_id: str, lang: Lang, today: dt.date, text: str = "") -> str:
        topic = self.topics[topic_id]
        focus = self.focus_period(today, text)
        return self.renderer.fill(topic.answer.get(lang), today, lang, focus)
