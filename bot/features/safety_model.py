"""The classifier vote of the safety check: a linear model over words, character n-grams
and the rule signals, trained with scikit-learn by `training/safety_train.py`.

Only the learnt weights ship (`safety_model.json.gz`); scoring is a sparse dot product
with numpy, so the running bot needs no scikit-learn and a message costs a few hundred
dictionary look-ups and one small matrix product. `features` is the one featurizer:
training hands its dictionaries to scikit-learn's DictVectorizer, so the model scores here
exactly what it learnt there (a test compares both on the corpus).
"""

from __future__ import annotations

import base64
import gzip
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, pairwise
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("safety_model.json.gz")
LABELS = ("acute", "report", "other")
KINDS = ("violence", "threat", "break_in", "fire", "accident", "medical", "suicide",
         "missing", "traffic")
_CHAR_SIZES = (3, 4, 5)
_WIDTH = len(LABELS) + len(KINDS) + 1


@lru_cache(maxsize=65_536)
def grams(word: str) -> frozenset[str]:
    """The character 3–5-grams of one word with its boundaries (" brinner " -> " br",
    "nner ", ...): typos, dialect and compounds still share most of them."""
    padded = f" {word} "
    return frozenset(padded[i:i + n] for n in _CHAR_SIZES for i in range(len(padded) - n + 1))


@dataclass(frozen=True, slots=True)
class Features:
    """One message's features: named blocks (words "w:", word pairs "b:"), each with the
    value all its names share; the words whose character n-grams form one more block (kept
    as words, so that a model can look them up a word at a time); and the rule signals.
    Each text block is scaled to unit length, so a long message weighs as much as a short."""

    blocks: tuple[tuple[tuple[str, ...], float], ...]
    words: frozenset[str]
    gram_value: float
    size: int  # how many text features (words, pairs, n-grams) the message has
    signals: tuple[str, ...] = ()  # the rule signals, "s:…", each worth 1


def features(folded: str, signals: Iterable[str] = ()) -> Features:
    """The features of folded text and the rule signals that fired on it."""
    words = folded.split()
    distinct = frozenset(words)
    pairs = {a + "_" + b for a, b in pairwise(words)}
    blocks = [(tuple(prefix + x for x in block), 1.0 / math.sqrt(len(block)))
              for prefix, block in (("w:", distinct), ("b:", pairs)) if block]
    n_grams = len(frozenset().union(*map(grams, distinct)))
    return Features(tuple(blocks), distinct, 1.0 / math.sqrt(n_grams) if n_grams else 0.0,
                    len(distinct) + len(pairs) + n_grams, tuple("s:" + x for x in signals))


def as_dict(f: Features) -> dict[str, float]:
    """The features as one dictionary (what scikit-learn's DictVectorizer takes)."""
    found = {name: value for names, value in f.blocks for name in names}
    found.update(dict.fromkeys(f.signals, 1.0))
    for word in f.words:
        found.update(dict.fromkeys(grams(word), f.gram_value))
    return found


@dataclass(frozen=True, slots=True)
class Scores:
    acute: float  # the ensemble's: the mean of both models' probability
    report: float
    other: float
    kind: str  # the most likely kind of emergency, whatever `acute` is
    kind_p: float
    # The share of the message's text features the model knows: gibberish or a language
    # it never saw leaves its scores at their priors, which say nothing about this message.
    coverage: float = 1.0


class SafetyModel:
    """Two linear models over one feature index, ensembled for the acute score: a
    logistic regression on the block-scaled features (also giving report and other, and
    the kind of emergency), and an NB-SVM on present/absent features, which ranks the
    extremes better. Stored as one float32 matrix with a column per label, per kind and
    one for the NB-SVM, and the feature names."""

    def __init__(self, data: dict) -> None:
        self.meta: dict = data["meta"]
        self.thresholds: dict[str, float] = data["thresholds"]
        if tuple(data["labels"]) != LABELS or tuple(data["kinds"]) != KINDS:
            raise ValueError("the safety model's labels do not match this code")
        names = data["features"].split("\n") if data["features"] else []
        self._index = {name: i for i, name in enumerate(names)}
        weights = np.frombuffer(base64.b64decode(data["weights"]), dtype="<f4")
        self._weights = weights.reshape(len(names), _WIDTH)
        bias = np.asarray(data["bias"], dtype=np.float64)
        self._bias, self._nb_bias = bias[:-1], float(bias[-1])
        # The character n-grams of a word, looked up once: words repeat, n-grams are many.
        self._word_rows = lru_cache(maxsize=50_000)(self._rows_of)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> SafetyModel:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return cls(json.load(fh))

    def score(self, f: Features) -> Scores:
        get = self._index.get
        rows: list[int] = []
        values: list[float] = []
        for names, value in f.blocks:
            found = [i for i in map(get, names) if i is not None]
            rows += found
            values += [value] * len(found)
        grams = frozenset().union(*map(self._word_rows, f.words))
        known = len(rows) + len(grams)
        signals = [i for i in map(get, f.signals) if i is not None]
        rows += signals
        values += [1.0] * len(signals)
        n = len(rows) + len(grams)
        # One product: row 0 weighs each feature by its value (the logistic regression),
        # row 1 by one (the NB-SVM reads present/absent).
        x = np.empty((2, n), dtype=np.float32)
        x[0, :len(rows)] = values
        x[0, len(rows):] = f.gram_value
        x[1] = 1.0
        out = x @ self._weights.take(np.fromiter(chain(rows, grams), np.intp, n), axis=0)
        logits = (self._bias + out[0, :-1]).tolist()
        main = _softmax(logits[:len(LABELS)])
        kind = _softmax(logits[len(LABELS):])
        best = max(range(len(kind)), key=kind.__getitem__)
        acute = (main[0] + _sigmoid(self._nb_bias + float(out[1, -1]))) / 2
        return Scores(acute, main[1], main[2], KINDS[best], kind[best],
                      known / f.size if f.size else 0.0)

    def _rows_of(self, word: str) -> frozenset[int]:
        get = self._index.get
        return frozenset(i for i in map(get, grams(word)) if i is not None)


def pack(names: list[str], weights: np.ndarray, bias: np.ndarray) -> dict[str, object]:
    """The stored form of a weight matrix (rows: `names`; columns: LABELS, KINDS and the
    NB-SVM's acute weight)."""
    return {"labels": list(LABELS), "kinds": list(KINDS), "features": "\n".join(names),
            "weights": base64.b64encode(weights.astype("<f4").tobytes()).decode("ascii"),
            "bias": [float(b) for b in bias]}


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softmax(logits: list[float]) -> list[float]:
    top = max(logits)
    exps = [math.exp(x - top) for x in logits]
    total = sum(exps)
    return [e / total for e in exps]
