"""Text normalisation every room reads words with. The core folds a message once a turn
and its steps read that fold; `tokens` and the stemmers serve the matcher's analyser.

`fold` turns a message into lowercase ASCII-ish words separated by single spaces:
Swedish letters and their common ASCII spellings meet in one form (å, ä, "aa", "ae" -> a;
ö, "oe" -> o), markup and punctuation become spaces, letters repeated three or more times
("hjäääälp") collapse to one, and a short digit group split off by a space ("114 14") is joined.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TAG = re.compile(r"<[^>]{0,200}>")
_URL = re.compile(r"https?://\S+")
# Letters that fold to one ASCII letter; NFKD handles the rest of the accents.
_LETTERS = str.maketrans({"å": "a", "ä": "a", "æ": "a", "ö": "o", "ø": "o", "ß": "ss"})
# Common ASCII spellings of å/ä/ö by people without a Swedish keyboard.
_ASCII_SPELLINGS = re.compile(r"aa|ae|oe")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_TRIPLES = re.compile(r"([a-z])\1{2,}")
_SPLIT_DIGITS = re.compile(r"(?<=\d) (?=\d{1,3}\b)")
_SPACES = re.compile(r"\s+")


def strip_control(text: str) -> str:
    """Drop control and format characters, keeping newlines and tabs as spaces."""
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] == "C":
            if ch in "\n\t\r":
                out.append(" ")
            continue
        out.append(ch)
    return "".join(out)


def fold(text: str) -> str:
    """Lowercase, accent-folded, punctuation-free form of `text` (see module doc)."""
    text = _URL.sub(" ", _TAG.sub(" ", text))
    text = text.lower().translate(_LETTERS)
    if not text.isascii():  # accents to drop; most messages have none left by now
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NON_WORD.sub(" ", text)
    text = _TRIPLES.sub(r"\1", text)
    text = _ASCII_SPELLINGS.sub(lambda m: m.group(0)[0], text)
    text = _SPACES.sub(" ", text).strip()
    return _SPLIT_DIGITS.sub("", text)


def words(text: str) -> list[str]:
    """The folded words of `text`."""
    folded = fold(text)
    return folded.split() if folded else []


# Swedish letters kept apart from the accents that `fold` drops everywhere else.
_KEEP = str.maketrans({"æ": "ä", "ø": "ö"})
_RAW_NON_WORD = re.compile(r"[^a-z0-9åäö]+")
_RAW_TRIPLES = re.compile(r"([a-zåäö])\1{2,}")
_PLAIN = re.compile(r"[\x00-\x7fåäö]*")
_RAW_WORD = re.compile(r"[a-z0-9åäö]+")


def tokens(text: str) -> list[tuple[str, str]]:
    """The words of `text` as (folded, lowercase) pairs: the folded form is what `words`
    gives, the lowercase one keeps å, ä and ö for a stemmer that reads them."""
    text = _URL.sub(" ", _TAG.sub(" ", text)).lower().translate(_KEEP)
    if not _PLAIN.fullmatch(text):  # accents to drop (é -> e); å, ä and ö stay
        text = unicodedata.normalize("NFC", _drop_accents(text))
    text = _RAW_TRIPLES.sub(r"\1", _RAW_NON_WORD.sub(" ", text))
    text = _SPLIT_DIGITS.sub("", _SPACES.sub(" ", text).strip())
    pairs = []
    for raw in text.split():
        folded = _fold_word(raw)
        if folded:
            pairs.append((folded, raw))
    return pairs


def _drop_accents(text: str) -> str:
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text):
        if not unicodedata.combining(ch) or (out and (out[-1], ch) in _SWEDISH_MARKS):
            out.append(ch)
    return "".join(out)


_SWEDISH_MARKS = {("a", "\u030a"), ("a", "\u0308"), ("o", "\u0308")}


@lru_cache(maxsize=65536)
def _fold_word(raw: str) -> str:
    """`fold` for one lowercase word of `tokens` (letters, digits, å, ä, ö only)."""
    word = _TRIPLES.sub(r"\1", raw.translate(_LETTERS))
    return _ASCII_SPELLINGS.sub(lambda m: m.group(0)[0], word)


Word = tuple[str, str]  # (folded, lowercase)


# A light Swedish suffix stripper in the spirit of Savoy's light stemmer: it only has to
# make inflected forms of one word meet, on already folded text, for both sides of a match.
# The longest matching suffix goes; long suffixes may leave a stem of two letters ("by"),
# short ones must leave three.
_SUFFIXES = sorted({
    "heterna", "heten", "heter", "hetens", "het",
    "elserna", "elsen", "elser", "else",
    "ningarna", "ningar", "ningen", "ningens", "ning",
    "arnas", "ernas", "ornas", "arna", "erna", "orna",
    "ande", "ende", "aste", "aren", "ades",
    "are", "ast", "ade", "ens", "ets", "nas", "ena",
    "ar", "er", "or", "en", "at", "et", "na", "es",
    "a", "e",
}, key=len, reverse=True)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Strip one inflectional suffix from a folded word, then squeeze double letters."""
    if not word.isdigit():
        for suffix in _SUFFIXES:
            keep = len(word) - len(suffix)
            if word.endswith(suffix) and keep >= (2 if len(suffix) >= 4 else 3):
                word = word[:keep]
                break
        # Doubled letters are a common typo and vary with inflection (kommun/komun).
        word = re.sub(r"([a-z])\1", r"\1", word)
    return word


def fold_letters(raw: str) -> str:
    """A lowercase word with å, ä and ö folded, as `fold` would."""
    return raw.translate(_LETTERS)


@lru_cache(maxsize=65536)
def light_stem(raw: str) -> str:
    """The folded stem of a lowercase word, by the light stemmer above."""
    return stem(_fold_word(raw)) if _RAW_WORD.fullmatch(raw) else stem(fold(raw))
