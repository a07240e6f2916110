"""Score knowledge topics against a message and decide with confidence bands.

A topic's score mixes two signals, both in 0..1:
- coverage: how much of the message (weighted by how rare each term is among topics) the
  topic explains, keywords counting fully and words seen only in examples partly;
- resemblance: rapidfuzz's token-sort similarity to the topic's closest example question.
Only topics sharing a term with the message are scored (an inverted index), which keeps a
10,000-topic base fast.

A word the base does not know weighs by how common it is in everyday language (lexicon): a
real word ("väder", "plånbok") is likely what the question is about, so a message half made
of such words is not understood, whatever it shares with a topic. The band then follows the
best score, how far it stands ahead of the next, and how much of the message was understood
(see Thresholds).
"""

from __future__ import annotations

import math
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from rapidfuzz import fuzz

from bot.knowledge.analyser import Analyser
from bot.knowledge.schema import Topic

KEYWORD_WEIGHT = 1.0
EXAMPLE_WEIGHT = 0.55
UNKNOWN_IDF = 1.2  # a word nobody in the base uses: we did not understand that part
# ... weighed by how common it is in everyday language: a real word the base does not know
# ("väder", "plånbok") is likely what the question is about; a very common one ("titta")
# says little; a misspelling or a name keeps UNKNOWN_IDF.
CONTENT_SHARE = 0.65  # of the weight of a term that only one topic uses
COMMON_IDF = 0.8
CONTENT_ZIPF = (3.0, 5.0)
COVERAGE_SHARE = 0.65
RESCORE = 8  # candidates that get the (slower) resemblance score
CONTEXT_FACTOR = 0.25  # place names say where, rarely what: they weigh less
STREET = ("gatan", "vagen", "torget", "grand", "stigen", "leden")  # folded street endings


# The (topic, weight) pairs of the postings, one object for each: every base of an area
# lists the same few.
_POSTS: dict[tuple[int, float], tuple[int, float]] = {}


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
    understood: float = 1.0  # the share of the message (by weight) the base has words for

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


@dataclass(frozen=True, slots=True)
class Thresholds:
    high: float = 0.62
    medium: float = 0.38
    margin: float = 0.06
    # A best topic this far ahead of the next is clear even below `high`: the message had
    # words the base does not know ("fortkörare på storgatan varje kväll"), but nothing
    # else in the base comes near.
    clear: float = 0.45
    clear_margin: float = 0.10
    clear_understood: float = 0.55
    # Below this share of understood words a middling score says little: "vem vann
    # hockeyn igår" shares only "vem" with the base, and gets an honest "I don't know"
    # rather than suggestions about the kommunpolis.
    understood: float = 0.45
    # Suggestions alone ("Menade du …?" with no answer) only for a message understood this
    # well: the base knows its words but two topics share them. A message half made of
    # words the base does not know ("kan du skriva en dikt åt mig") gets "I don't know".
    suggest_understood: float = 0.7


class Matcher:
    """`topics`: the base's, in order; None for one left to `under`, the matcher of what
    the bases of an area share (its topics stand at the same places in every base)."""

    def __init__(self, topics: Sequence[Topic | None], analyser: Analyser,
                 thresholds: Thresholds | None = None,
                 context_terms: frozenset[str] = frozenset(),
                 under: Matcher | None = None) -> None:
        self.analyser = analyser
        self.context_terms = context_terms
        self.thresholds = thresholds or Thresholds()
        self.under = under
        # term -> (topic, weight), in the order of the topics (the shared topics' are
        # under's); `_examples`: each topic's examples' terms.
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self._examples: dict[int, list[str]] = {}
        self._ids = [t.id if t is not None else "" for t in topics]
        for index, topic in enumerate(topics):
            if topic is None or (under is not None and index in under._examples):
                continue
            weights: dict[str, float] = {}
            seen: Counter[str] = Counter()
            examples = []
            for example in topic.examples:
                terms = analyser.corpus_terms(example)
                examples.append(sys.intern(" ".join(sorted(terms))))
                seen.update(set(terms))
            for term, count in seen.items():
                weights[term] = min(KEYWORD_WEIGHT, EXAMPLE_WEIGHT + 0.1 * (count - 1))
            for keyword in topic.keywords:
                for term in analyser.corpus_terms(keyword):
                    weights[term] = KEYWORD_WEIGHT
            for term, weight in weights.items():
                self._postings[term].append(_POSTS.setdefault((index, weight), (index, weight)))
            self._examples[index] = examples
        analyser.indexed()
        self._postings = {t: tuple(p) for t, p in self._postings.items()}  # type: ignore[misc]
        self._total = len(topics)
        self._content_idf = max(UNKNOWN_IDF,
                                CONTENT_SHARE * (math.log((self._total + 1) / 1.5) + 0.3))

    def _posts(self, term: str) -> Sequence[tuple[int, float]] | None:
        """The topics that use `term` with its weight in each, in the order of the topics;
        None when none does."""
        posts = self._postings.get(term)
        if self.under is None:
            return posts
        shared = self.under._postings.get(term)
        if posts is None or shared is None:
            return posts if shared is None else shared
        return sorted([*shared, *posts])

    def _count(self, term: str) -> int:
        """How many topics use `term`."""
        own = self._postings.get(term)
        shared = self.under._postings.get(term) if self.under is not None else None
        return len(own or ()) + len(shared or ())

    def _example_terms(self, index: int) -> list[str]:
        examples = self._examples.get(index)
        if examples is None and self.under is not None:
            return self.under._examples[index]
        return examples or []

    def _known(self, term: str) -> float | None:
        """The weight of a term the base uses (a place name's less), None for others."""
        count = self._count(term)
        if count:
            weight = math.log((self._total + 1) / (count + 0.5)) + 0.3
        elif term in self.context_terms:
            weight = UNKNOWN_IDF
        else:
            return None
        return weight * CONTEXT_FACTOR if term in self.context_terms else weight

    def idf(self, term: str) -> float:
        known = self._known(term)
        if known is not None:
            return known
        if term.endswith(STREET) and len(term) > 6:  # "storgatan": says where, not what
            return UNKNOWN_IDF * CONTEXT_FACTOR
        frequency = self.analyser.rarity.get(term, 0.0)
        low, high = CONTENT_ZIPF
        if frequency >= high:
            return COMMON_IDF
        return self._content_idf if frequency >= low else UNKNOWN_IDF

    def match(self, text: str, limit: int = 3) -> MatchResult:
        weighted = [(t, share) for t, share in self.analyser.weighted_terms(text)
                    if not (t.isdigit() and not self._count(t))]
        if not weighted:
            return MatchResult(Band.LOW, (), False, 0.0)
        terms = [t for t, _ in weighted]
        counts: Counter[str] = Counter()
        for term, share in weighted:
            counts[term] += share
        idf = {t: self.idf(t) for t in counts}
        mass = sum(idf[t] * n for t, n in counts.items())
        coverage: dict[int, float] = defaultdict(float)
        for term, n in counts.items():
            weight = idf[term] * n / mass
            for index, w in self._posts(term) or ():
                coverage[index] += weight * w
        if not coverage:
            return MatchResult(Band.LOW, (), False, 0.0)
        understood = sum(idf[t] * n for t, n in counts.items()
                         if self._known(t) is not None) / mass
        shortlist = sorted(coverage, key=coverage.__getitem__, reverse=True)[:RESCORE]
        query = " ".join(sorted(terms))
        scored = []
        for index in shortlist:
            resemblance = max(fuzz.token_sort_ratio(query, ex)
                             for ex in self._example_terms(index))
            score = (COVERAGE_SHARE * coverage[index]
                     + (1 - COVERAGE_SHARE) * resemblance / 100)
            scored.append(Candidate(self._ids[index], round(score, 4)))
        scored.sort(key=lambda c: c.score, reverse=True)
        best = scored[0].score
        th = self.thresholds
        second = scored[1].score if len(scored) > 1 else 0.0
        close = len(scored) > 1 and best - second < th.margin
        clear = best - second >= th.clear_margin and understood >= th.clear_understood
        if best >= th.high or (best >= th.clear and clear):
            band = Band.HIGH
        elif best >= th.medium and understood >= (th.suggest_understood if close
                                                  else th.understood):
            band = Band.MEDIUM
        else:
            band = Band.LOW
        kept = tuple(c for c in scored[:limit] if c.score >= th.medium * 0.8 or c is scored[0])
        return MatchResult(band, kept, close, round(understood, 4))
