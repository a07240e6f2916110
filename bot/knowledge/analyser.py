"""Turn text into the canonical terms the matcher scores: the same path for a resident's
message and for the knowledge base's examples, so that both sides meet.

tokens -> phrase synonyms -> stopwords -> word synonyms -> stem -> (unknown words only)
compound splitting and typo correction against the knowledge base's vocabulary.

A word is carried as a (folded, lowercase) pair: synonyms and stopwords are looked up
folded (so "asele" meets "Åsele"), and the stemmer may read the lowercase form with its
å, ä and ö (see `bot.text.normalize.light_stem`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from bot.knowledge.overlay import Conflict, Over, OverSet, Position
from bot.knowledge.unknown_words import TYPO_MIN, UnknownWords
from bot.text import lexicon
from bot.text.normalize import Word, fold_letters, light_stem, stem, tokens

Stemmer = Callable[[str], str]  # a lowercase word -> its folded stem
CLOSE_TYPO = 90  # alike enough to correct before trying to split a compound
REAL_WORD = 3.0  # a word at least this common (Zipf) in Swedish or English is no typo
CACHE_SIZE = 32768  # resolved words kept, and unknown words remembered


SynonymEntry = tuple[Position, str, str]  # where it comes, its canonical word, a variant


def synonym_entries(synonyms: Mapping[str, Iterable[str]], start: int = 0
                    ) -> list[SynonymEntry]:
    """Each canonical word and each of its variants (the canonical itself first), in the
    order of `synonyms`, with its position."""
    return [((0, i, j), canonical, variant)
            for i, (canonical, variants) in enumerate(synonyms.items(), start)
            for j, variant in enumerate((canonical, *variants))]


class Analyser(UnknownWords):
    def __init__(
        self,
        synonyms: Mapping[str, Iterable[str]],
        stopwords: Iterable[str],
        corpus: Iterable[str],
        stemmer: Stemmer = light_stem,
        general: Callable[[str], float] = lexicon.zipf,
    ) -> None:
        self._setup(stopwords, stemmer, general, None, track=False)
        self._build(synonym_entries(synonyms),
                    [((2, i), text) for i, text in enumerate(corpus)])
        # Alone, its tables are plain ones: nothing lies under them.
        for name in ("_word_syn", "_stem_syn", "_syn_spellings", "_syn_stem_spellings",
                     "_phrases", "_spellings", "_surface", "_starts"):
            setattr(self, name, getattr(self, name).own)
        self.vocab = frozenset(self.vocab.own)  # type: ignore[assignment]

    @classmethod
    def shared(cls, synonyms: Mapping[str, Iterable[str]], stopwords: Iterable[str],
               corpus: Iterable[tuple[Position, str]], repeated: frozenset[str] = frozenset(),
               stemmer: Stemmer = light_stem, general: Callable[[str], float] = lexicon.zipf
               ) -> Analyser:
        """What the bases of an area share (`corpus`: the shared topics' texts, each with
        its position among a base's texts): the analyser their own ones are built over.
        `repeated`: texts of the bases' own that many have, read once (see _read)."""
        corpus = list(corpus)
        analyser = cls.__new__(cls)
        analyser._setup(stopwords, stemmer, general, None, track=True)
        analyser.repeated = repeated
        analyser._build(synonym_entries(synonyms), corpus)
        # Every word and stem the shared texts looked up: a base whose own synonyms (its
        # villages) have one of them would read those texts otherwise (see `over`).
        analyser.read = frozenset(key for _, text in corpus
                                  for folded, raw in (*tokens(text), *analyser._words(text))
                                  for key in (folded, stemmer(raw)))
        return analyser

    @classmethod
    def over(cls, under: Analyser, synonyms: Iterable[SynonymEntry],
             corpus: Iterable[tuple[Position, str]]) -> Analyser:
        """A base's analyser over the shared one: its own synonyms and texts added, with
        their positions among its inputs. The same as an Analyser built of all its inputs
        at once; Conflict when it could not be (an own entry would change a shared one, or
        its own synonyms change how a shared text reads: build it alone then)."""
        entries = list(synonyms)
        keys = frozenset(key for _, _, variant in entries for folded, raw in tokens(variant)
                         for key in (folded, under.stem(raw)))
        if not keys.isdisjoint(under.read):
            raise Conflict(sorted(keys & under.read))
        analyser = cls.__new__(cls)
        analyser._setup((), under.stem, under.general, under, track=False)
        analyser._own_keys = keys
        analyser._build(entries, list(corpus))
        analyser._compact()
        return analyser

    def _compact(self) -> None:
        """The own entries of a base's analyser, as small as they go: nothing is added to
        them any more (an area has hundreds)."""
        for table in (self._spellings, self._syn_spellings, self._syn_stem_spellings):
            table.own = {k: tuple(v) for k, v in table.own.items()}  # type: ignore[misc]
        self._seen = OverSet()  # what the known words were made of
        for words in (self.vocab, self.known_words):
            if isinstance(words, OverSet):
                words.own = frozenset(words.own)  # type: ignore[assignment]

    def _setup(self, stopwords: Iterable[str], stemmer: Stemmer,
               general: Callable[[str], float], under: Analyser | None,
               track: bool) -> None:
        self.stem = stemmer
        self.general = general
        if general is lexicon.zipf:
            lexicon.preload()  # when the base loads, not on a resident's first message
        self.under = under
        self.read: frozenset[str] = frozenset()
        self.repeated: frozenset[str] = frozenset()  # texts many bases have (see _read)
        self._memo: dict[str, tuple[frozenset[str], list[tuple[str, str, tuple[str, ...]]]]] = {}
        self._own_keys: frozenset[str] = frozenset()  # the words own synonyms use
        self._corpus_terms: dict[str, list[str]] = {}
        # How common in everyday language each word the base did not know was (its term ->
        # Zipf frequency), for the matcher to weigh what it did not understand.
        self.rarity: dict[str, float] = {}
        if under is None:
            self._stop = [tokens(w) for w in stopwords]
            self.stopwords = frozenset(words[0][0] for words in self._stop if len(words) == 1)
            self._raw_stopwords = frozenset(
                words[0][1] for words in self._stop if len(words) == 1)
        else:
            self._stop = []  # the shared analyser has them
            self.stopwords, self._raw_stopwords = under.stopwords, under._raw_stopwords

        def over(table: str) -> Over[Any, Any]:
            return Over(getattr(under, table) if under is not None else None, track)

        self._word_syn: Over[str, tuple[Word, ...]] = over("_word_syn")
        self._stem_syn: Over[str, tuple[Word, ...]] = over("_stem_syn")
        # How the synonym lists spell each single-word variant (folded -> as written, and
        # folded stem -> stem as written): "hålla" must not be the village "Hälla", nor
        # "värvar" (recruits) "varvar" (revs), although each pair folds to one form.
        self._syn_spellings: Over[str, set[str]] = over("_syn_spellings")
        self._syn_stem_spellings: Over[str, set[str]] = over("_syn_stem_spellings")
        self._phrases: Over[tuple[str, ...], tuple[Word, ...]] = over("_phrases")
        # How the base spells each term with its å, ä and ö ("bot" -> {"bot"}): a resident's
        # "böter" then stays apart from the base's "bot", although both fold to "bot".
        self._spellings: Over[str, set[str]] = over("_spellings")
        # Every word the base writes (folded), with the terms it stands for: a misspelt
        # word is compared with whole words, which a typo resembles more than a stem.
        self._surface: Over[str, tuple[str, ...]] = over("_surface")
        self._starts: Over[str, int] = over("_starts")
        self._seen: OverSet[str] = OverSet(under._seen if under is not None else None)
        self.vocab: OverSet[str] = OverSet(under.vocab if under is not None else None)

    def _build(self, synonyms: list[SynonymEntry],
               corpus: list[tuple[Position, str]]) -> None:
        stemmer = self.stem
        for at, canonical, variant in synonyms:
            target = tuple(tokens(canonical))
            words = tokens(variant)
            if len(words) > 1:
                self._phrases.first(tuple(f for f, _ in words), target, at)
            elif words:
                folded, raw = words[0]
                self._word_syn.first(folded, target, at)
                self._stem_syn.first(stemmer(raw), target, at)
                self._syn_spellings.union(folded).add(raw)
                self._syn_stem_spellings.union(stemmer(raw)).add(stem(raw))
                self._spell(raw)
                if len(folded) >= TYPO_MIN:
                    self._surface.first(folded, tuple(stemmer(r) for _, r in target), at)
        for i, words in enumerate(self._stop):  # a filler phrase ("i kväll") goes as a
            if len(words) > 1:                   # whole, to nothing
                self._phrases.first(tuple(f for f, _ in words), (), (1, i))
        for phrase in self._phrases.own:  # first word of a phrase -> its longest phrase
            self._starts.own[phrase[0]] = max(self._starts.get(phrase[0], 0), len(phrase))
        for target in self._word_syn.own.values():
            self.vocab.update(stemmer(raw) for _, raw in target)
        for at, text in corpus:
            self.vocab.update(self._base_terms(text, at))
        # Every folded word the base writes or lists, and its filler words: what counts as
        # ours when telling a foreign language from Swedish or English.
        known = OverSet(self.under.known_words if self.under is not None else None)
        known.update(self._seen.own | self.stopwords | set(self._word_syn.own))
        self.known_words = known if self.under is not None else frozenset(known.own)
        # Sorted forwards and backwards, to find the compounds a word starts or ends.
        own = self.vocab.own
        self._sorted = [*(self.under._sorted if self.under else ()), sorted(own)]
        self._sorted_reversed: list[list[str]] | None = None  # when first needed
        self._by_length: dict[int, list[str]] = {}
        for word in self._surface.own:
            self._by_length.setdefault(len(word), []).append(word)
        self._windows: dict[int, list[str]] = {}
        self._ambiguous: set[Word] = set()  # words whose terms are alternatives
        self._resolve = lru_cache(maxsize=CACHE_SIZE)(self._resolve_uncached)

    def _base_terms(self, text: str, at: Position) -> list[str]:
        """Terms without vocabulary look-ups: what the knowledge base itself contributes."""
        out: list[str] = []
        for i, (folded, raw, terms) in enumerate(self._read(text)):
            self._spell(raw)
            if len(folded) >= TYPO_MIN:
                self._surface.first(folded, terms, (*at, i))
            out.extend(terms)
        self._corpus_terms[text] = out
        return out

    def _read(self, text: str) -> list[tuple[str, str, tuple[str, ...]]]:
        """The words of `text` with the terms each stands for. A text many bases have
        (a shared topic's that names the municipality elsewhere) is read once, by the
        shared analyser, for every base whose own synonyms it does not use."""
        under = self.under
        if under is not None and text in under.repeated:
            memo = under._memo.get(text)
            if memo is None:
                words = tokens(text)
                read = under._analysed(text)
                keys = frozenset(key for folded, raw in [*words, *((f, r) for f, r, _ in read)]
                                 for key in (folded, self.stem(raw)))
                memo = under._memo[text] = (keys, read)
            if memo[0].isdisjoint(self._own_keys):
                return memo[1]
        return self._analysed(text)

    def _analysed(self, text: str) -> list[tuple[str, str, tuple[str, ...]]]:
        return [(folded, raw, self._synonym_terms(folded, raw) or (self._term(folded, raw),))
                for folded, raw in self._words(text)]

    def corpus_terms(self, text: str) -> list[str]:
        """terms(text) for a text of the corpus, without looking its words up again."""
        found = self._corpus_terms.get(text)
        return list(found) if found is not None else self.terms(text)

    def indexed(self) -> None:
        """The matcher has what it needs of the corpus: forget it."""
        self._corpus_terms.clear()

    def _term(self, folded: str, raw: str) -> str:
        term = self.stem(raw)
        # A word whose stem is a filler word keeps its whole form: "väder" is no "vad".
        return folded if term in self.stopwords else term

    def _spell(self, raw: str) -> None:
        key, spelt = self.stem(raw), stem(raw)
        if spelt not in self._spellings.get(key, ()):
            self._spellings.union(key).add(spelt)
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
