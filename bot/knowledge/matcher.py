"""Score knowledge topics against a message and decide with confidence bands.

A topic's score mixes two signals, both in 0..1:
- coverage: how much of the message (weighted by how rare each term is among topics) the
  topic explains, keywords counting fully and words seen only in examples partly;
- resemblance: rapidfuzz's token-sort similarity to the topic's closest example question.
Only topics sharing a term with the message are scored (an inverted index), which keeps a
10,000-topic base fast.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from enum import Enum

from rapidfuzz import fuzz

from bot.knowledge.analyser import Analyser
from bot.knowledge.schema import Topic

KEYWORD_WEIGHT = 1.0
EXAMPLE_WEIGHT = 0.55
UNKNOWN_IDF = 1.2  # a word nobody in the base uses: we did not understand that part
COVERAGE_SHARE = 0.65
RESCORE = 8  # candidates that get the (slower) resemblance score
CONTEXT_FACTOR = 0.25  # place names say where, rarely what: they weigh less


class Band(Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True, slots=True)
class Candidate:
    topic_id: str
    score: float


@dataclass(frozen=True, slots=True)
class MatchResult:
    band: Band
    candidates: tuple[Candidate, ...]  # best first
    close: bool  # the best two are too close to pick one

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


@dataclass(frozen=True, slots=True)
class Thresholds:
    high: float = 0.62
    medium: float = 0.38
    margin: float = 0.06


class Matcher:
    def __init__(self, topics: list[Topic], analyser: Analyser,
                 thresholds: Thresholds | None = None,
                 context_terms: frozenset[str] = frozenset()) -> None:
        self.analyser = analyser
        self.context_terms = context_terms
        self.thresholds = thresholds or Thresholds()
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self._examples: list[list[str]] = []
        self._ids: list[str] = []
        for index, topic in enumerate(topics):
            self._ids.append(topic.id)
            weights: dict[str, float] = {}
            seen: Counter[str] = Counter()
            examples = []
            for example in topic.examples:
                terms = analyser.terms(example)
                examples.append(" ".join(sorted(terms)))
                seen.update(set(terms))
            for term, count in seen.items():
                weights[term] = min(KEYWORD_WEIGHT, EXAMPLE_WEIGHT + 0.1 * (count - 1))
            for keyword in topic.keywords:
                for term in analyser.terms(keyword):
                    weights[term] = KEYWORD_WEIGHT
            for term, weight in weights.items():
                self._postings[term].append((index, weight))
            self._examples.append(examples)
        total = len(topics)
        self._idf = {term: math.log((total + 1) / (len(posts) + 0.5)) + 0.3
                     for term, posts in self._postings.items()}
        for term in context_terms:
            self._idf[term] = self._idf.get(term, UNKNOWN_IDF) * CONTEXT_FACTOR

    def idf(self, term: str) -> float:
        return self._idf.get(term, UNKNOWN_IDF)

    def match(self, text: str, limit: int = 3) -> MatchResult:
        terms = [t for t in self.analyser.terms(text)
                 if not (t.isdigit() and t not in self._postings)]
        if not terms:
            return MatchResult(Band.LOW, (), False)
        counts = Counter(terms)
        mass = sum(self.idf(t) * n for t, n in counts.items())
        coverage: dict[int, float] = defaultdict(float)
        for term, n in counts.items():
            weight = self.idf(term) * n / mass
            for index, w in self._postings.get(term, ()):
                coverage[index] += weight * w
        if not coverage:
            return MatchResult(Band.LOW, (), False)
        shortlist = sorted(coverage, key=coverage.__getitem__, reverse=True)[:RESCORE]
        query = " ".join(sorted(terms))
        scored = []
        for index in shortlist:
            resemblance = max(fuzz.token_sort_ratio(query, ex) for ex in self._examples[index])
            score = (COVERAGE_SHARE * coverage[index]
                     + (1 - COVERAGE_SHARE) * resemblance / 100)
            scored.append(Candidate(self._ids[index], round(score, 4)))
        scored.sort(key=lambda c: c.score, reverse=True)
        best = scored[0].score
        th = self.thresholds
        close = len(scored) > 1 and best - scored[1].score < th.margin
        if best >= th.high:
            band = Band.HIGH
        elif best >= th.medium:
            band = Band.MEDIUM
        else:
            band = Band.LOW
        kept = tuple(c for c in scored[:limit] if c.score >= th.medium * 0.8 or c is scored[0])
        return MatchResult(band, kept, close)
