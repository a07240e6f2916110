"""Pick the reply language: English when the message reads as English, else Swedish.

Function words decide, not letters: "What did the police promise in Åsele?" and "is the
medborgarlöfte still valid" are English with Swedish names in them. The letters å, ä, ö
weigh less than a function word: each word with one of them counts 0.4 for Swedish
("he brinn i källarn" is dialect, not English). Words that are the same in both languages once
folded ("for"/"för", "at"/"åt") count for neither.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.text.lang import Lang
from bot.text.normalize import fold

# English content words that tell English from Swedish, but not from French or Spanish
# ("police"): they count for the reply language, not against a foreign language.
_EN_CONTENT = frozenset("""
    police cops officer municipality council promise promises promised contact report
    help anonymous feedback long agreement goals drugs drug speeding safe unsafe village
    villages valid covered people kids children school schools town number phone call
    reach weather tomorrow today tonight night morning week year open hours drive driving
    drunk feel walk home work new old good bad happened happening
""".split())
_EN = frozenset("""
    the a an is are was were be been being am do does did done doing what whats who whom
    whose when where why how which can cant could would should will wont shall may might
    must you your yours he she we they it its my our their me us him her them this that
    these those there theres here have has had not no yes please thanks thank hello hi hey
    of to in on for with about from into out up down over and or but if then than because
    so also too very much many more most any anyone someone somebody something anything
    some every ever never still just really only again already yet each other same such
    dont doesnt didnt isnt arent im ive youre theyre lets get got go goes going gone come
    comes coming came give tell know think need want like see look find found lost keep
""".split()) | _EN_CONTENT
_SV = frozenset("""
    och att det som en ett är e ä hä var vad va vem vilka vilken vilket när hur varför
    vart jag ja du han hon hen vi ni de dom dem mig mej dig dej oss er min mina din dina
    sin sina sig vår våra mitt ditt inte int ej nej tack hej hejsan hallå tjena med me
    om på för till te från av har ha hade kan kunde ska skulle vill ville måste finns
    fanns får fick nån nåt något några någon ingen inget inga eller men också även bara
    här där då så ju väl nog typ asså alltså liksom mycket mycke lite sen nu redan igen
    aldrig alltid varje alla allt andra annan annat efter utan mot vid hos genom åt
    under kommer går gör göra blir blev sker vet tror tycker behöver borde brukar idag
    igår imorgon ikväll varit blivit gjort sagt bra dåligt snälla undrar egentligen
""".split())
_EN_F = frozenset(fold(w) for w in _EN)
_SV_F = frozenset(fold(w) for w in _SV)
_BOTH = _EN_F & _SV_F  # "for"/"för", "at"/"åt", "under": no evidence either way
_SWEDISH_LETTERS = set("åäöÅÄÖ")
LETTER_WEIGHT = 0.4  # a word spelt with å, ä or ö: some evidence, less than a function word


def _counts(text: str, words: Sequence[str] | None) -> tuple[float, float, Sequence[str]]:
    if words is None:
        words = fold(text).split()
    en = sum(1 for w in words if w in _EN_F and w not in _BOTH)
    sv = sum(1 for w in words if w in _SV_F and w not in _BOTH)
    lettered = sum(1 for w in text.split() if _SWEDISH_LETTERS.intersection(w))
    return en, sv + LETTER_WEIGHT * lettered, words


def known_words() -> frozenset[str]:
    """The folded Swedish and English function words this module knows (no content words:
    "police" is French too)."""
    return _KNOWN


_KNOWN = (_EN_F - frozenset(fold(w) for w in _EN_CONTENT)) | _SV_F


def detect(text: str, default: Lang = "sv", *, words: Sequence[str] | None = None,
           margin: float = 0.0) -> Lang:
    """The reply language for `text`: what its words show, else `default`. `words`: the
    folded words of `text` when the caller has them (a turn's), so as not to fold again.
    `margin`: how much more the other language must show to win over `default`, so that
    a web page's language holds against a stray "hej" or "thanks" (at 1.5: two function
    words of the other language carry it, one does not)."""
    if not margin:
        return evidence(text, words=words) or default
    en, sv, words = _counts(text, words)
    lead = en - sv if default == "sv" else sv - en
    if words and lead > margin:
        return "en" if default == "sv" else "sv"
    return default


def evidence(text: str, *, words: Sequence[str] | None = None) -> Lang | None:
    """The language `text` shows by its words, or None when it shows none ("3", "ok",
    "Fredrika"). Words weigh before letters: "the lights in Åsele are broken" is English.
    For following a change of language mid-conversation without flipping on every "2"."""
    en, sv, words = _counts(text, words)
    if en != sv and words:
        return "en" if en > sv else "sv"
    return None
