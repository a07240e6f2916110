"""Tell a message in a language the bot does not read (Arabic, Finnish, Polish …) from
Swedish and English, including Swedish with typos and dialect, which must never be taken
for a foreign language.

Three steps, cheapest first:
1. The script: letters that are mostly Arabic, Cyrillic, Ethiopic … are foreign for sure;
   letters peculiar to one language name it (Persian گ پ چ ژ, Ukrainian і ї є ґ).
2. Known words: a message in which at least a third of the words are Swedish or English
   function words (or words the caller knows, such as the knowledge base's vocabulary) is
   ours, whatever a model says about it ("vem ä hä ja pratar me" is dialect, not Finnish).
3. py3langid (its model ships in the wheel), restricted to the languages met in a Swedish
   municipality, decides the rest with a probability; Norwegian and Danish count as ours.
   A single word is foreign only when it is an unambiguous cry or courtesy ("apua",
   "pomocy"): one word is too little for any model.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Container, Sequence
from functools import cache
from typing import Any

from bot.text.language import known_words
from bot.text.normalize import fold

OURS = frozenset({"sv", "en", "no", "nn", "da"})  # Scandinavian readers read Swedish
UNDETERMINED = "und"
# Latin-script languages the model chooses among: those of the people who live, work or
# travel here, and their neighbours, so that a near miss does not land on "ours".
LATIN = ("sv", "en", "no", "nn", "da", "fi", "et", "de", "nl", "pl", "cs", "lt", "lv", "so",
         "se", "tr", "es", "pt", "fr", "it", "ro", "sq", "hu", "hr")
ARABIC = ("ar", "fa", "ur", "ps", "ku")
CYRILLIC = ("ru", "uk", "bg", "be", "sr", "mk")
THRESHOLD = 0.7  # the model's probability for a foreign language
KNOWN_SHARE = 0.34  # this share of known words makes a message ours
# Letters that only one of the languages written in that script uses.
_TELL_TALE = (("ur", "ٹڈڑںےہ"), ("ku", "ەێۆڵڕ"), ("fa", "گپچژکی"), ("uk", "іїєґ"),
              ("ru", "ыэъё"))
# Single words that are unambiguous in their language: cries for help, thanks, greetings
# that no Swedish or English writer uses (folded).
_SINGLE = {fold(word): code for word, code in {
    "apua": "fi", "kiitos": "fi", "hilfe": "de", "pomocy": "pl", "dziekuje": "pl",
    "caawimaad": "so", "mahadsanid": "so", "giitu": "se", "yardim": "tr",
    "tesekkurler": "tr", "merhaba": "tr", "ayuda": "es", "bonjour": "fr",
}.items()}


_LATIN = re.compile(r"[\x00-\u024f\u2000-\u206f\U0001f000-\U0001faff]*")  # Latin, emoji


@cache
def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else ""


@cache
def _models() -> dict[tuple[str, ...], Any]:
    """py3langid's model, read once and cut down to the three language sets: they share
    its tokenizer (the larger part) and keep only their own columns of its weights."""
    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
    from py3langid.modelio import load_model

    ptc, pc, classes, nextmove, row, output = load_model(MODEL_DIR / MODEL_FILE)
    ptc, pc = np.asarray(ptc), np.asarray(pc)
    models = {}
    for languages in (LATIN, ARABIC, CYRILLIC):
        keep = [i for i, code in enumerate(classes) if code in languages]
        models[languages] = LanguageIdentifier(
            np.ascontiguousarray(ptc[:, keep]), pc[keep], [classes[i] for i in keep],
            nextmove, output, norm_probs=True, tk_row=row)
    return models


def _model(languages: tuple[str, ...]) -> Any:
    return _models()[languages]


def preload() -> None:
    """Load the model now (about a second, once per process) rather than on a message."""
    _models()


def identify(text: str, known: Container[str] = frozenset(),
             vocabulary: Container[str] = frozenset(), *,
             words: Sequence[str] | None = None) -> str | None:
    """The ISO 639-1 code of the language `text` is written in when it is neither Swedish
    nor English ("und" when foreign but not which), or None for ours or too little to say.
    `known`: folded filler words that count as ours besides the function words;
    `vocabulary`: the knowledge base's words, which count half ("police" and "comment" are
    French too); `words`: the folded words of `text` when the caller has them."""
    if not _LATIN.fullmatch(text):
        letters = [ch for ch in text if ch.isalpha()]
        if not letters:
            return None
        script, count = Counter(_script(ch) for ch in letters).most_common(1)[0]
        if script != "LATIN" and count * 2 > len(letters):
            return _non_latin(text, script)
    if words is None:
        words = fold(text).split()
    if not words:
        return None
    ours = known_words()
    share = sum(1.0 if w in ours or w in known else 0.5 if w in vocabulary else 0.0
                for w in words)
    if share >= KNOWN_SHARE * len(words):
        return None
    if len(words) == 1:
        return _SINGLE.get(words[0])
    code, probability = _model(LATIN).classify(text)
    if code in OURS or probability < THRESHOLD:
        return None
    return str(code)


def _non_latin(text: str, script: str) -> str:
    for code, letters in _TELL_TALE:
        if any(ch in letters for ch in text):
            return code
    languages = {"ARABIC": ARABIC, "CYRILLIC": CYRILLIC}.get(script)
    if languages is None:
        return UNDETERMINED
    code, probability = _model(languages).classify(text)
    return str(code) if probability >= THRESHOLD else UNDETERMINED
