"""A validated knowledge base with its indices, matcher and renderer, ready to answer."""

from __future__ import annotations

import datetime as dt

from bot.knowledge.analyser import Analyser
from bot.knowledge.common import VILLAGE_WORD, CommonIndex, villages
from bot.knowledge.matcher import Matcher, MatchResult
from bot.knowledge.render import YEAR, Renderer
from bot.knowledge.schema import KnowledgeFile, Lang, Period, Promise, Topic

# A year in a question picks the period (focus_period), rarely the topic: it weighs like a
# place name, so "vad har ni lovat 2025" is about what was promised.
YEARS = frozenset(str(year) for year in range(1950, 2100))


class KnowledgeBase:
    """`common`: what the bases of its area share, analysed once (bot.knowledge.common);
    the base indexes only its own then, and answers the same."""

    def __init__(self, data: KnowledgeFile, ident: str | None = None,
                 common: CommonIndex | None = None) -> None:
        self.data = data
        # The municipality's id in an area (its folder's name); "" for a single one's base.
        self.id = ident or ""
        self.short_name = data.municipality.short_name
        self.periods: list[Period] = sorted(data.periods, key=lambda p: p.start)
        self.topics: dict[str, Topic] = {t.id: t for t in data.topics}
        self.promise_index: dict[str, tuple[Period, Promise]] = {
            promise.id: (period, promise) for period in self.periods
            for promise in period.promises
        }
        self.promise_number: dict[str, tuple[int, int]] = {
            promise.id: (i, len(period.promises)) for period in self.periods
            for i, promise in enumerate(period.promises, 1)
        }
        self.themes = {theme.id: theme for theme in data.themes}
        self.place_kinds = {place.name: place.kind for place in data.places}
        self.contact_index = {c.id: c for c in data.contacts}
        self.activity_ids = frozenset(a.id for a in data.activities)
        built = common.build(data) if common is not None else None
        under = None
        if built is not None:
            self.analyser, under = built
        else:
            synonyms: dict[str, list[str]] = {k: list(v) for k, v in data.synonyms.items()}
            names = villages(data)
            if names:
                synonyms.setdefault(VILLAGE_WORD, []).extend(names)
            corpus = [text for t in data.topics for text in (*t.examples, *t.keywords)]
            self.analyser = Analyser(synonyms, data.stopwords, corpus)
        places = frozenset(term for place in data.places if place.kind != "village"
                           for name in (place.name, *place.aliases)
                           for term in self.analyser.terms(name))
        self.matcher = Matcher(data.topics, self.analyser, context_terms=places | YEARS,
                               under=under)
        self.renderer = Renderer(self)

    def match(self, text: str) -> MatchResult:
        return self.matcher.match(text)

    def latest_period(self, today: dt.date) -> Period | None:
        """The most recent period with promise texts that has started by `today`."""
        started = [p for p in self.periods if p.start <= today and p.promises]
        return started[-1] if started else None

    def current_period(self, today: dt.date) -> Period | None:
        """The period in force today, if any (one with promise texts first)."""
        return self.period_on(today)

    def period_on(self, day: dt.date) -> Period | None:
        """The period `day` falls in (one with promise texts first), or None."""
        within = [p for p in self.periods if p.start <= day <= p.end]
        with_text = [p for p in within if p.promises]
        return (with_text or within or [None])[-1]

    def serves(self, kind: str, day: dt.date, place: str | None,
               stored: str | None = None) -> tuple[Period, Promise] | None:
        """The promise an activity of type `kind` done on `day` at `place` serves: one of
        the promises of the period it was done in that lists the type (and, when the
        promise names places, was done at one of them). None: other work, never a promise
        of another period. `stored` (the id saved with an old entry) counts only for a type
        the base no longer knows, and only when it belongs to the day's period."""
        period = self.period_on(day)
        if period is None:
            return None
        if kind not in self.activity_ids and stored in self.promise_index:
            owner, promise = self.promise_index[stored]
            return (owner, promise) if owner is period else None
        for promise in period.promises:
            if kind in promise.activities and self._at(promise, place):
                return period, promise
        return None

    def place_needed(self, kind: str, day: dt.date) -> list[str]:
        """The places at which `kind` would serve a promise of the day's period, when only a
        place-bound promise lists it (so that /logga can say that the place was missing)."""
        period = self.period_on(day)
        if period is None:
            return []
        listing = [p for p in period.promises if kind in p.activities]
        if not listing or any(not (p.places or p.place_kinds) for p in listing):
            return []
        names = [name for p in listing for name in p.places]
        kinds = {k for p in listing for k in p.place_kinds}
        names += [n for n, k in self.place_kinds.items() if k in kinds and n not in names]
        return names

    def _at(self, promise: Promise, place: str | None) -> bool:
        if not (promise.places or promise.place_kinds):
            return True
        return place is not None and (place in promise.places
                                      or self.place_kinds.get(place) in promise.place_kinds)

    def focus_period(self, today: dt.date, text: str = "") -> Period:
        """The period a question is about: one named by year, else the current one, else
        the latest that has started, else the first upcoming."""
        for year in (int(y) for y in YEAR.findall(text)):
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
        return self.renderer.fill(topic.answer.get(lang), today, lang, focus, text)
