"""Turn text into the canonical terms the matcher scores: the same path for a resident's
message and for the knowledge base's examples, so that both sides meet.

fold -> phrase synonyms -> stopwords -> word synonyms -> stem -> (unknown words only)
compound splitting and typo correction against the knowledge base's vocabulary.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.knowledge.normalize import fold, stem


class Analyser:
    def __init__(
        self,
        synonyms: Mapping[str, Iterable[str]],
        stopwords: Iterable[str],
        corpus: Iterable[str],
    ) -> None:
        self.stopwords = frozenset(fold(w) for w in stopwords)
        self._word_syn: dict[str, tuple[str, ...]] = {}
        self._stem_syn: dict[str, tuple[str, ...]] = {}
        phrases: dict[str, str] = {}
        for canonical, variants in synonyms.items():
            target = fold(canonical)
            for variant in (canonical, *variants):
                folded = fold(variant)
                if not folded:
                    continue
                if " " in folded:
                    phrases[folded] = target
                else:
                    self._word_syn.setdefault(folded, tuple(target.split()))
                    self._stem_syn.setdefault(stem(folded), tuple(target.split()))
        # Longest phrases first, so "kora full" wins over "kora".
        self._phrases = phrases
        self._phrase_re = (
            re.compile(r"\b(" + "|".join(re.escape(p) for p in
                                         sorted(phrases, key=len, reverse=True)) + r")\b")
            if phrases else None
        )
        vocab: set[str] = set()
        for target_words in self._word_syn.values():
            vocab.update(stem(w) for w in target_words)
        for text in corpus:
            vocab.update(self._base_terms(text))
        self.vocab = frozenset(vocab)
        # Sorted forwards and backwards, to find the compounds a word starts or ends.
        self._sorted = sorted(self.vocab)
        self._sorted_reversed = sorted(term[::-1] for term in self.vocab)
        self._by_length: dict[int, list[str]] = {}
        for term in self.vocab:
            self._by_length.setdefault(len(term), []).append(term)
        self._resolve = lru_cache(maxsize=32768)(self._resolve_uncached)

    def _base_terms(self, text: str) -> list[str]:
        """Terms without vocabulary look-ups: what the knowledge base itself contributes."""
        out: list[str] = []
        for word in self._words(text):
            out.extend(self._synonym_terms(word) or (stem(word),))
        return out

    def _words(self, text: str) -> list[str]:
        folded = fold(text)
        if self._phrase_re is not None and folded:
            folded = self._phrase_re.sub(lambda m: self._phrases[m.group(1)], folded)
        return [w for w in folded.split() if w not in self.stopwords]

    def _synonym_terms(self, word: str) -> tuple[str, ...]:
        target = self._word_syn.get(word) or self._stem_syn.get(stem(word))
        return tuple(stem(w) for w in target) if target else ()

    def terms(self, text: str) -> list[str]:
        """The canonical terms of `text`; words the vocabulary cannot place come back as
        they are, so that the matcher can count them as not understood."""
        out: list[str] = []
        for word in self._words(text):
            out.extend(self._resolve(word))
        return out

    def _resolve_uncached(self, word: str) -> tuple[str, ...]:
        synonym = self._synonym_terms(word)
        if synonym:
            return synonym
        term = stem(word)
        if term in self.vocab or term.isdigit():
            return (term,)
        if len(term) >= 7:
            parts = self._split_compound(term)
            if parts:
                return parts
        compounds = self._compounds_with(term)
        if compounds:
            return compounds
        corrected = self._correct(term)
        return (corrected,) if corrected else (term,)

    def _split_compound(self, term: str) -> tuple[str, ...]:
        # Swedish compounds put the head last: "samverkansavtal" is an "avtal".
        for i in range(3, len(term) - 3):
            head, tail = term[:i], term[i:]
            tail_term = tail if tail in self.vocab else self._stem_syn_term(tail)
            if not tail_term:
                continue
            for left in (head, head.removesuffix("s")):
                left_term = left if left in self.vocab else self._stem_syn_term(left)
                if left_term:
                    return (left_term, tail_term)
            if len(tail) >= 4:
                return (tail_term,)
        return ()

    def _compounds_with(self, term: str, most: int = 3) -> tuple[str, ...]:
        """Known compounds that `term` begins or ends, shortest first ("trafik" ->
        "trafikontrol", "trafikovervakning"), for a word the base only uses inside
        compounds. Several come back, so that an ambiguous word stays ambiguous."""
        if len(term) < 4:
            return ()
        found: set[str] = set()
        for terms, key, flip in ((self._sorted, term, False),
                                 (self._sorted_reversed, term[::-1], True)):
            i = bisect.bisect_left(terms, key)
            while i < len(terms) and terms[i].startswith(key) and len(found) < 4 * most:
                if len(terms[i]) - len(key) >= 3:
                    found.add(terms[i][::-1] if flip else terms[i])
                i += 1
        return tuple(sorted(found, key=lambda t: (len(t), t))[:most])

    def _stem_syn_term(self, part: str) -> str | None:
        target = self._stem_syn.get(part) or self._word_syn.get(part)
        return stem(target[0]) if target and len(target) == 1 else None

    def _correct(self, term: str) -> str | None:
        if len(term) < 4:
            return None
        cutoff = 85 if len(term) <= 5 else 80
        choices = [t for n in range(len(term) - 2, len(term) + 3)
                   for t in self._by_length.get(n, ())]
        best = process.extractOne(term, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        return best[0] if best else None
