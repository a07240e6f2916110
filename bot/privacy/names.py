"""Find persons' names in free text, so that the redactor can replace them by ``[namn]``.

The lists (bot/privacy/data/, built by training/names_lists.py from Faker's and mimesis'
Swedish lists and libphonenumber's places) hold about 1,000 first names and 760 surnames.
A word from them is not enough: "Inga problem", "Per dag", "Bo här", "Björn i skogen",
"Fredrika behöver mer polis". So a name is found by evidence, strongest first:

1. A first name followed by a surname (or another first name, or an initial): "Kalle
   Svensson", "Anna K.", "Per-Olof Lundgren". A capitalised word after a first name counts
   as a surname when it is no known place or kept word ("Ahmed Warsame"), and so does a
   word shaped like a Swedish surname (-sson, -kvist, -ström, -berg ...). In lower case or
   capitals both words must be on the lists and one of them no everyday word
   ("lisa nilsson" yes, "tom skog" no).
2. A first name or surname alone, when it is no everyday word (data/name_words.txt):
   "Kalle", "anna-karin", "Svenssons". An everyday word alone counts only with a capital
   inside a sentence ("jag såg Per") or after a word that introduces a person ("min granne
   Björn", "hon heter Saga", "Mr Smith"), which also vouches for names not on the lists.
3. Never a name alone: a word to keep (the knowledge base's places, passed in), a brand
   or a holiday; a Swedish place ("Nora", "Vilhelmina") after "i", "från", "till" ... or
   before "kommun".

Works on the text as written (no folding), so the spans can be replaced in place.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).with_name("data")

# A word: letters, joined by hyphens or an apostrophe ("Anna-Karin", "Lisa's").
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_STREET = re.compile(r"(?:vägen|gatan|gränd|gränden|stigen|backen|torget|allén|leden)$")
# Surname endings: only read as a surname right after a first name, or -sson alone.
_SURNAME_END = re.compile(
    r"..(?:sson|son|dotter|qvist|kvist|quist|ström|gren|berg|lund|holm|stedt|stam|blad"
    r"|bäck|dahl|din|lin|lén|én|ell|ander|borg|by|ås|man|mark|ling|ius|gård)$")
_SON = re.compile(r"..(?:sson|dotter)$")
# The word before a person's name ("min granne Lisa", "hon heter Saga", "Mr Smith").
_CUES = frozenset(
    "granne grannen grannar grannens kompis kompisen kompisar vän vännen väninna väninnan "
    "sambo sambon make maken fru frun hustru hustrun son sonen dotter dottern bror brodern "
    "brorsan syster systern systra mamma mamman morsan pappa pappan farsan morfar mormor "
    "farfar farmor kusin kusinen kollega kollegan chef chefen lärare läraren lärarinnan "
    "rektor rektorn elev eleven pojkvän pojkvännen flickvän flickvännen kille killen tjej "
    "tjejen heter hette kallas kallad kallade herr mr mrs ms miss dr neighbour neighbor "
    "friend wife husband daughter brother sister mum mom dad teacher boss named called"
    .split())
# Before a place: "i Nora", "från Vilhelmina"; after one: "Nora kommun".
_PLACE_BEFORE = frozenset(
    "i in från till mot vid utanför nära genom förbi runt kring mellan åt from to "
    "at near through around towards".split())
_PLACE_AFTER = frozenset("kommun kommuns kommunen municipality".split())
# Capitalised words that are never a name on their own: holidays, brands, months.
_NEVER_ALONE = frozenset(
    "valborg willys coop konsum ica jul påsk midsommar april june august may".split())
_AND = frozenset("och and eller or samt".split())
_CONTEXT = _CUES | _PLACE_BEFORE | _PLACE_AFTER | _AND


@dataclass(frozen=True)
class NameLists:
    first: frozenset[str]  # case-folded, nicknames included
    last: frozenset[str]
    words: frozenset[str]  # names that are also everyday words
    places: frozenset[str]

    @functools.cached_property
    def known(self) -> frozenset[str]:
        return self.first | self.last


def _read(name: str) -> set[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return {line.strip().casefold() for line in lines if line.strip() and line[0] != "#"}


@functools.cache
def lists() -> NameLists:
    return NameLists(first=frozenset(_read("first_names.txt") | _read("nicknames.txt")),
                     last=frozenset(_read("surnames.txt")),
                     words=frozenset(_read("name_words.txt")),
                     places=frozenset(_read("places.txt")))


@dataclass(slots=True)
class _Token:
    text: str
    start: int
    end: int
    key: str  # case-folded, a genitive -s or 's taken off when that makes it a name
    case: str  # "cap" (Kalle), "lower" (kalle), "upper" (KALLE)
    first: bool
    last: bool
    word: bool  # an everyday word
    keep: bool
    place: bool
    initial: bool  # sentence-initial: nothing but punctuation before it on its line


def _case(text: str) -> str:
    if len(text) > 1 and text.isupper():
        return "upper"
    return "cap" if text[0].isupper() else "lower"


def _initial(text: str, start: int) -> bool:
    k = start
    while k > 0 and text[k - 1] in " \t":
        k -= 1
    return k == 0 or not (text[k - 1].isalnum() or text[k - 1] == ",")


def _key(folded: str, known: frozenset[str], cap: bool) -> str:
    """`folded`, or its stem when it is a name in the genitive ("Kalles", "Lisa's").

    Only for a capitalised word ("minnas" is a verb, "peters" an English one), and not for
    a stem under four letters or ending in s, x or z ("Dans", "This", "Klass"): everyday
    words, and such names take no -s."""
    if not cap or folded in known or not folded.endswith("s"):
        return folded
    if folded[-2:-1] in ("'", "’"):
        stem = folded[:-2]
    else:
        stem = folded[:-1]
        if len(stem) < 4 or stem[-1] in "sxz":
            return folded
    return stem if stem in known else folded


def _tokens(text: str, names: NameLists, keep: frozenset[str]) -> list[_Token]:
    """The words that matter: capitalised ones and those on some list. A lower-case
    everyday word is left out; it still parts the words around it (see `_adjacent`)."""
    known = names.known
    out: list[_Token] = []
    for m in _WORD.finditer(text):
        word = m[0]
        folded = word.casefold()
        cap = word[0].isupper()
        key = _key(folded, known, cap)
        if not cap and key not in known and key not in _CONTEXT and key not in keep:
            continue
        first, last = key in names.first, key in names.last
        if "-" in key and not (first or last):
            # "Anna-Karin", "Karl-Eriks", "Pettersson-Wik": every part a name.
            parts = [_key(part, known, cap) for part in key.split("-")]
            on_list = all(part in known for part in parts)
            first = on_list and parts[0] in names.first
            last = on_list and not first
        out.append(_Token(
            word, m.start(), m.end(), key, _case(word), first, last, key in names.words,
            keep=key in keep or folded in keep or key in _NEVER_ALONE
            or folded in _NEVER_ALONE,
            place=key in names.places, initial=cap and _initial(text, m.start())))
    return out


def _adjacent(text: str, a: _Token, b: _Token) -> bool:
    """Only spaces between two words (no comma, full stop or line break), or the full
    stop of an initial ("Per A. Svensson")."""
    gap = text[a.end:b.start]
    if 0 < len(gap) <= 2 and gap.strip(" ") == "":
        return True
    return _letter(a) and gap in (". ", ".")


def _letter(tok: _Token) -> bool:
    """An initial: one capital letter, not the English "I"."""
    return len(tok.text) == 1 and tok.case == "cap" and tok.text != "I"


def _named(tok: _Token) -> bool:
    return tok.first or tok.last


def _strong(tok: _Token) -> bool:
    """On the lists and no everyday word."""
    return _named(tok) and not tok.word


def _place_here(toks: list[_Token], i: int) -> bool:
    """A Swedish place in a place's position: "i Nora", "Lycksele och Vilhelmina"."""
    before = toks[i - 1].key if i else ""
    after = toks[i + 1].key if i + 1 < len(toks) else ""
    if before in _PLACE_BEFORE or after in _PLACE_AFTER:
        return True
    if before in _AND and i >= 2 and (toks[i - 2].place or toks[i - 2].keep):
        return True
    return i + 2 < len(toks) and after in _AND and (toks[i + 2].place or toks[i + 2].keep)


def _surname_after(text: str, prev: _Token, tok: _Token, span_case: str) -> bool:
    """Whether `tok` continues the name that `prev` ends."""
    if not _adjacent(text, prev, tok) or tok.keep:
        return False
    if span_case == "cap":
        if tok.case == "lower":
            return False
        if _named(tok) or _letter(tok):
            return True
        # An unknown capitalised word: a surname unless it is a place or a street.
        return not tok.place and not _STREET.search(tok.key) and tok.text != "I"
    return tok.case == span_case and _named(tok) and not tok.place


def find_names(text: str, keep: frozenset[str] = frozenset()) -> Iterator[tuple[int, int]]:
    """The (start, end) spans of persons' names in `text`, in order, not overlapping.

    `keep`: case-folded words never taken for a name on their own (places, for one)."""
    names = lists()
    toks = _tokens(text, names, keep)
    i = 0
    while i < len(toks):
        tok = toks[i]
        cued = (i > 0 and toks[i - 1].key in _CUES and _adjacent(text, toks[i - 1], tok)
                and tok.case == "cap" and len(tok.text) > 1 and not tok.keep
                and not tok.place)
        if not (_named(tok) or cued):
            i += 1
            continue
        # Extend over the surnames (and middle names) that follow, at most three.
        j = i
        while j + 1 < len(toks) and j - i < 3 and _surname_after(
                text, toks[j], toks[j + 1], tok.case):
            j += 1
        if j > i and not _pair(toks[i:j + 1], cued):
            j = i
        if j == i and not (cued or _alone(toks, i) or _paired(text, toks, i)):
            i += 1
            continue
        end = toks[j].end
        if _letter(toks[j]) and text.startswith(".", end):
            end += 1
        yield tok.start, end
        i = j + 1


def _pair(span: list[_Token], cued: bool) -> bool:
    """Whether a first word and the (one to three) words after it make a name together."""
    head, rest = span[0], [t for t in span[1:] if not _letter(t)]
    if not rest:  # "Kalle S.", "Anna K"
        return head.case == "cap" and (cued or head.first) and not head.keep and not (
            head.word and head.initial)
    listed = all(_named(t) for t in rest)
    if head.case != "cap":
        # Lower case or capitals: no evidence from case, so all on the lists, one strong.
        return _named(head) and listed and any(_strong(t) for t in span)
    if cued:
        return True
    if not head.first:
        return head.last and listed  # "Svensson Kalle"
    if head.keep:  # "Fredrika Nilsson", not "Fredrika Lund" or "Fredrika Konsum"
        return listed and not any(t.word for t in rest)
    if head.word and head.initial:  # "Per Andersson", not "Viking Line-bussen"
        return all(_named(t) or _SURNAME_END.match(t.key) for t in rest)
    return True


def _paired(text: str, toks: list[_Token], i: int) -> bool:
    """A capitalised everyday word that is a first name, joined by "och" to a capitalised
    name: "Stig och Rune", "Klara och Saga" (not "Sten och grus", "Dag och natt")."""
    tok = toks[i]
    if not (tok.first and tok.case == "cap") or tok.keep or i + 2 >= len(toks):
        return False
    conj, other = toks[i + 1], toks[i + 2]
    return (conj.key in _AND and _adjacent(text, tok, conj) and _adjacent(text, conj, other)
            and other.case == "cap" and _named(other) and not other.keep and not other.place)


def _alone(toks: list[_Token], i: int) -> bool:
    """Whether a word on the lists is a name on its own."""
    tok = toks[i]
    if tok.keep or (tok.place and _place_here(toks, i)):
        return False
    if not tok.first and tok.case != "cap" and not _SON.match(tok.key):
        return False  # a lower-case surname alone ("lund", "holm") is too weak
    if not tok.word:
        return True
    return tok.case == "cap" and not tok.initial
