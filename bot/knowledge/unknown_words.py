"""What the analyser does with a word the knowledge base does not write: find the known
word it is an inflection, a part, a compound or a misspelling of (bot.knowledge.analyser)."""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable
from itertools import islice
from typing import Any

from rapidfuzz import fuzz, process

from bot.knowledge.overlay import Position
from bot.text.normalize import fold_letters, stem

TYPO_MIN = 5  # shorter words are not corrected: too many real words lie one letter apart
TYPO = 82
# Folded, squeezed prefixes that derive a word rather than head a compound: "misstänkt"
# (suspected) is no kind of "tänkt" (thought), "förtänkt" no kind of "tänkt".
DERIVING = frozenset({"mis", "for", "van", "sam"})


def _from(lists: list[list[str]], key: str) -> Iterable[str]:
    """The words of sorted, disjoint `lists` from `key` on, in order."""
    if len(lists) == 1:
        return islice(lists[0], bisect.bisect_left(lists[0], key), None)
    return heapq.merge(*(islice(terms, bisect.bisect_left(terms, key), None)
                         for terms in lists))


def _later(at: Position) -> tuple[int, ...]:
    """`at` negated: an earlier position compares greater."""
    return tuple(-n for n in at)


class UnknownWords:
    """The Analyser's look-ups for words it does not know (its tables: see Analyser)."""

    under: Any
    vocab: Any
    _sorted: list[list[str]]
    _sorted_reversed: list[list[str]] | None
    _spellings: Any
    _stem_syn: Any
    _word_syn: Any
    _surface: Any
    _by_length: dict[int, list[str]]
    _windows: dict[int, list[str]]
    stem: Any

    def _leftover(self, term: str, real: bool) -> str | None:
        """The base's stem that `term` is an inflection of, when the light stemmer left an
        ending: "numr" (numret) is "num" (nummer), "regl" (regeln) is "reg" (regel). A real
        word only loses the r, l or n that such nouns keep ("dikt" is no "dike")."""
        cuts = (1,) if real else (1, 2)
        for cut in cuts:
            stem_ = term[:-cut]
            if len(stem_) < 3 or stem_ not in self.vocab:
                continue
            if not real or (term[-1] in "rln" and term[-2] not in "aeiouy"):
                return stem_
        return None

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
            # An unknown first part: the head alone only when it is most of the word
            # ("skatteåterbäring" is no "ring").
            if len(tail) >= 5 and 2 * len(tail) >= len(term):
                return (tail_term,)
        return ()

    def _reversed(self) -> list[list[str]]:
        """The known terms written backwards, sorted (`_sorted`'s), made when first needed:
        most bases of an area never need their own."""
        if self._sorted_reversed is None:
            own = sorted(term[::-1] for term in self._sorted[-1])
            self._sorted_reversed = [*(self.under._reversed() if self.under else ()), own]
        return self._sorted_reversed

    def _compounds_with(self, term: str, raw: str = "", most: int = 3) -> tuple[str, ...]:
        """Known compounds that `term` begins or ends, shortest first ("trafik" ->
        "trafikontrol", "trafikovervakning"), for a word the base only uses inside
        compounds. Several come back, so that an ambiguous word stays ambiguous. Ending a
        compound takes a longer word: "tank" is not the end of "misstänkt"; nor is a word
        the end of one that a prefix derives from it ("tänkt" is no kind of "misstänkt").
        A word written with å, ä or ö must be spelt so in the compound too."""
        if len(term) < 4:
            return ()
        found: set[str] = set()
        for lists, key, flip in ((self._sorted, term, False),
                                 (self._reversed(), term[::-1], True)):
            if flip and len(term) < 5:
                continue
            for word in _from(lists, key):
                if not word.startswith(key) or len(found) >= 4 * most:
                    break
                if len(word) - len(key) >= 3:
                    compound = word[::-1] if flip else word
                    if self._compound_fits(compound, term, raw, flip):
                        found.add(compound)
        return tuple(sorted(found, key=lambda t: (len(t), t))[:most])

    def _compound_fits(self, compound: str, term: str, raw: str, ends: bool) -> bool:
        """Whether `compound` (a base term that `term` begins, or `ends`) may stand for the
        resident's word `raw`."""
        if ends and compound[:-len(term)] in DERIVING:
            return False
        if not raw or raw == fold_letters(raw):
            return True  # typed without å, ä and ö: the folded form is all there is
        spelt = stem(raw)
        spellings = self._spellings.get(compound)
        return spellings is None or any(
            s.endswith(spelt) if ends else s.startswith(spelt) for s in spellings)

    def _stem_syn_term(self, part: str) -> str | None:
        target = self._stem_syn.get(part) or self._word_syn.get(part)
        return self.stem(target[0][1]) if target and len(target) == 1 else None

    def _nearest(self, word: str) -> tuple[str, float] | None:
        """The base's word closest to `word` (a misspelling) and how alike they are, if at
        least TYPO. Short words are left alone: "tanka" is no typo of "taket"."""
        if len(word) < TYPO_MIN:
            return None
        best = process.extractOne(word, self._window(len(word)), scorer=fuzz.ratio,
                                  score_cutoff=TYPO)
        if self.under is None:
            return (best[0], best[1]) if best else None
        # The shared words' best and the own words' best: the better, or the one a window
        # of all the words would have listed first (shorter, else written earlier).
        shared = self.under._nearest(word)
        if best is None or (shared is not None and (
                shared[1], -len(shared[0]), self.under._surface.where(shared[0]))
                > (best[1], -len(best[0]), _later(self._surface.where(best[0])))):
            return shared
        return (best[0], best[1])

    def _window(self, length: int) -> list[str]:
        """The base's words two letters shorter to two letters longer than `length`."""
        window = self._windows.get(length)
        if window is None:
            window = [w for n in range(length - 2, length + 3)
                      for w in self._by_length.get(n, ())]
            self._windows[length] = window
        return window
