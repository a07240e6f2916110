"""Turn text into the canonical terms the matcher scores: the same path for a resident's
message and for the knowledge base's examples, so that both sides meet.

tokens -> phrase synonyms -> stopwords -> word synonyms -> stem -> (unknown words only)
compound splitting and typo correction against the knowledge base's vocabulary.

A word is carried as a (folded, lowercase) pair: synonyms and stopwords are looked up
folded (so "asele" meets "Åsele"), and the stemmer may read the lowercase form with its
å, ä and ö (see `bot.text.normalize.light_stem`).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.text import lexicon
from bot.text.normalize import Word, fold_letters, light_stem, stem, tokens

Stemmer = Callable[[str], str]  # a lowercase word -> its folded stem
TYPO_MIN = 5  # shorter words are not corrected: too many real words lie one letter apart
CLOSE_TYPO = 90  # alike enough to correct before trying to split a compound
TYPO = 82
REAL_WORD = 3.0  # a word at least this common (Zipf) in Swedish or English is no typo
CACHE_SIZE = 32768  # resolved words kept, and unknown words remembered
# Folded, squeezed prefixes that derive a word rather than head a compound: "misstänkt"
# (suspected) is no kind of "tänkt" (thought), "förtänkt" no kind of "tänkt".
DERIVING = frozenset({"mis", "for", "van", "sam"})


class Analyser:
    def __init__(
        self,
        synonyms: Mapping[str, Iterable[str]],
        stopwords: Iterable[str],
        corpus: Iterable[str],
        stemmer: Stemmer = light_stem,
        general: Callable[[str], float] = lexicon.zipf,
    ) -> None:
        self.stem = stemmer
        self.general = general
        if general is lexicon.zipf:
            lexicon.preload()  # when the base loads, not on a resident's first message
        # How common in everyday language each word the base did not know was (its term ->
        # Zipf frequency), for the matcher to weigh what it did not understand.
        self.rarity: dict[str, float] = {}
        stop = [tokens(w) for w in stopwords]
        self.stopwords = frozenset(words[0][0] for words in stop if len(words) == 1)
        self._raw_stopwords = frozenset(words[0][1] for words in stop if len(words) == 1)
        self._word_syn: dict[str, tuple[Word, ...]] = {}
        self._stem_syn: dict[str, tuple[Word, ...]] = {}
        # How the synonym lists spell each single-word variant (folded -> as written, and
        # folded stem -> stem as written): "hålla" must not be the village "Hälla", nor
        # "värvar" (recruits) "varvar" (revs), although each pair folds to one form.
        self._syn_spellings: dict[str, set[str]] = {}
        self._syn_stem_spellings: dict[str, set[str]] = {}
        self._phrases: dict[tuple[str, ...], tuple[Word, ...]] = {}
        # How the base spells each term with its å, ä and ö ("bot" -> {"bot"}): a resident's
        # "böter" then stays apart from the base's "bot", although both fold to "bot".
        self._spellings: dict[str, set[str]] = {}
        # Every word the base writes (folded), with the terms it stands for: a misspelt
        # word is compared with whole words, which a typo resembles more than a stem.
        self._surface: dict[str, tuple[str, ...]] = {}
        self._seen: set[str] = set()
        for canonical, variants in synonyms.items():
            target = tuple(tokens(canonical))
            for variant in (canonical, *variants):
                words = tokens(variant)
                if len(words) > 1:
                    self._phrases.setdefault(tuple(f for f, _ in words), target)
                elif words:
                    folded, raw = words[0]
                    self._word_syn.setdefault(folded, target)
                    self._stem_syn.setdefault(stemmer(raw), target)
                    self._syn_spellings.setdefault(folded, set()).add(raw)
                    self._syn_stem_spellings.setdefault(stemmer(raw), set()).add(stem(raw))
                    self._spell(raw)
                    if len(folded) >= TYPO_MIN:
                        self._surface.setdefault(folded, tuple(stemmer(r) for _, r in target))
        for words in stop:  # a filler phrase ("i kväll") goes as a whole, to nothing
            if len(words) > 1:
                self._phrases.setdefault(tuple(f for f, _ in words), ())
        self._starts: dict[str, int] = {}  # first word of a phrase -> its longest phrase
        for phrase in self._phrases:
            self._starts[phrase[0]] = max(self._starts.get(phrase[0], 0), len(phrase))
        vocab: set[str] = set()
        for target in self._word_syn.values():
            vocab.update(stemmer(raw) for _, raw in target)
        for text in corpus:
            vocab.update(self._base_terms(text))
        self.vocab = frozenset(vocab)
        # Every folded word the base writes or lists, and its filler words: what counts as
        # ours when telling a foreign language from Swedish or English.
        self.known_words = frozenset(self._seen) | self.stopwords | frozenset(self._word_syn)
        # Sorted forwards and backwards, to find the compounds a word starts or ends.
        self._sorted = sorted(self.vocab)
        self._sorted_reversed = sorted(term[::-1] for term in self.vocab)
        self._by_length: dict[int, list[str]] = {}
        for word in self._surface:
            self._by_length.setdefault(len(word), []).append(word)
        self._windows: dict[int, list[str]] = {}
        self._ambiguous: set[Word] = set()  # words whose terms are alternatives
        self._resolve = lru_cache(maxsize=CACHE_SIZE)(self._resolve_uncached)

    def _base_terms(self, text: str) -> list[str]:
        """Terms without vocabulary look-ups: what the knowledge base itself contributes."""
        out: list[str] = []
        for folded, raw in self._words(text):
            self._spell(raw)
            terms = self._synonym_terms(folded, raw) or (self._term(folded, raw),)
            if len(folded) >= TYPO_MIN:
                self._surface.setdefault(folded, terms)
            out.extend(terms)
        return out

    def _term(self, folded: str, raw: str) -> str:
        term = self.stem(raw)
        # A word whose stem is a filler word keeps its whole form: "väder" is no "vad".
        return folded if term in self.stopwords else term

    def _spell(self, raw: str) -> None:
        self._spellings.setdefault(self.stem(raw), set()).add(stem(raw))
        self._seen.add(fold_letters(raw))

    def _spelt_apart(self, raw: str, term: str) -> bool:
        """A word written with å, ä or ö whose stem the base only spells otherwise."""
        spellings = self._spellings.get(term)
        return (spellings is not None and raw != fold_letters(raw)
                and stem(raw) not in spellings)

    def _words(self, text: str) -> list[Word]:
        """The words of `text` with phrases replaced by their canonical words (longest
        phrase first, so "köra full" wins over "köra") and stopwords dropped."""
        words = tokens(text)
        folded = tuple(f for f, _ in words)
        out: list[Word] = []
        i = 0
        while i < len(words):
            longest = self._starts.get(folded[i], 0)  # 0: no phrase starts with this word
            for n in range(min(longest, len(words) - i), 1, -1):
                target = self._phrases.get(folded[i:i + n])
                if target is not None:
                    out.extend(w for w in target if not self._is_stop(*w))
                    i += n
                    break
            else:
                if not self._is_stop(*words[i]):
                    out.append(words[i])
                i += 1
        return out

    def _is_stop(self, folded: str, raw: str) -> bool:
        """A filler word. Spelt with å, ä or ö it must be one as spelt ("väl", not the
        election "val"); typed without them, its folded form may be one, unless the base
        knows that form as a word of its own."""
        if raw in self._raw_stopwords:
            return True
        return (folded in self.stopwords and raw == fold_letters(raw)
                and folded not in self._word_syn)

    def _synonym_terms(self, folded: str, raw: str) -> tuple[str, ...]:
        if raw != fold_letters(raw):  # written with å, ä or ö: it must be spelt so
            target = (self._word_syn.get(folded)
                      if raw in self._syn_spellings.get(folded, ()) else None)
            key = self.stem(raw)
            if target is None and stem(raw) in self._syn_stem_spellings.get(key, ()):
                target = self._stem_syn.get(key)
        else:
            target = self._word_syn.get(folded) or self._stem_syn.get(self.stem(raw))
        return tuple(self.stem(r) for _, r in target) if target else ()

    def terms(self, text: str) -> list[str]:
        """The canonical terms of `text`; words the vocabulary cannot place come back as
        they are, so that the matcher can count them as not understood."""
        return [term for term, _ in self.weighted_terms(text)]

    def weighted_terms(self, text: str) -> list[tuple[str, float]]:
        """The terms of `text`, each with the share of its word it stands for: 1, except
        for the alternatives an ambiguous word stands for ("trafik" -> "trafikkontroll" or
        "trafikövervakning", a half each), so that one word never weighs twice."""
        out: list[tuple[str, float]] = []
        for folded, raw in self._words(text):
            terms = self._resolve(folded, raw)
            share = 1 / len(terms) if (folded, raw) in self._ambiguous else 1.0
            out.extend((term, share) for term in terms)
        return out

    def _resolve_uncached(self, folded: str, raw: str) -> tuple[str, ...]:
        term = self.stem(raw)
        if folded not in self._word_syn and self._spelt_apart(raw, term):
            self._remember_rarity(folded, raw)
            return (folded,)  # not understood, rather than taken for another word
        synonym = self._synonym_terms(folded, raw)
        if synonym:
            return synonym
        if term in self.stopwords:  # "väder" must not become the filler word "vad"
            term = folded
        if term in self.vocab or term.isdigit():
            return (term,)
        if folded.endswith("s") and len(folded) > 5:  # a genitive: "dotterns", "sonens"
            synonym = self._synonym_terms(folded[:-1], raw[:-1])
            if synonym:
                return synonym
        frequency = self.general(raw)
        real = frequency >= REAL_WORD
        nearest = None if real else self._nearest(folded)  # one search serves both uses
        if nearest is not None and nearest[1] >= CLOSE_TYPO:  # "kommunpolisn": before any
            return self._surface[nearest[0]]                   # splitting

        left = self._leftover(term, real)
        if left:
            return (left,)
        if len(term) >= 7:
            parts = self._split_compound(term)
            if parts:
                return parts
        compounds = self._compounds_with(term, raw)
        if len(compounds) > 1:
            self._forget_if_full()
            self._ambiguous.add((folded, raw))
        if compounds:
            return compounds
        if nearest is not None:
            return self._surface[nearest[0]]
        self._remember_rarity(term, raw, frequency)
        return (term,)

    def _remember_rarity(self, term: str, raw: str, frequency: float | None = None) -> None:
        self._forget_if_full()
        self.rarity[term] = self.general(raw) if frequency is None else frequency

    def _forget_if_full(self) -> None:
        """What is remembered about unknown words is bounded like the cache it goes with:
        a flood of made-up words cannot grow it without end."""
        if len(self.rarity) + len(self._ambiguous) >= CACHE_SIZE:
            self.rarity.clear()
            self._ambiguous.clear()
            self._resolve.cache_clear()

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
        for terms, key, flip in ((self._sorted, term, False),
                                 (self._sorted_reversed, term[::-1], True)):
            if flip and len(term) < 5:
                continue
            i = bisect.bisect_left(terms, key)
            while i < len(terms) and terms[i].startswith(key) and len(found) < 4 * most:
                if len(terms[i]) - len(key) >= 3:
                    compound = terms[i][::-1] if flip else terms[i]
                    if self._compound_fits(compound, term, raw, flip):
                        found.add(compound)
                i += 1
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
        choices = self._window(len(word))
        best = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=TYPO)
        return (best[0], best[1]) if best else None

    def _window(self, length: int) -> list[str]:
        """The base's words two letters shorter to two letters longer than `length`."""
        window = self._windows.get(length)
        if window is None:
            window = [w for n in range(length - 2, length + 3)
                      for w in self._by_length.get(n, ())]
            self._windows[length] = window
        return window
