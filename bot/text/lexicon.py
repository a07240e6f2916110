"""How common a word is in everyday Swedish and English, from wordfreq's small word lists
(about 30,000 words a language, shipped in its wheel).

The analyser asks it about words the knowledge base does not know: a real word ("valet",
"skatten", "väder") is not a misspelling of a base word and must not be "corrected" into
one, and a real content word the base does not know is part of the question that was not
understood, while a misspelling or a name says little.
"""

from __future__ import annotations

import math
from functools import cache

LANGUAGES = ("sv", "en")


@cache
def _lists() -> tuple[dict[str, float], ...]:
    from wordfreq import get_frequency_dict

    return tuple(get_frequency_dict(lang, "small") for lang in LANGUAGES)


def preload() -> None:
    """Read the lists now (well under a second, once per process) rather than on a message."""
    _lists()


def zipf(word: str) -> float:
    """The Zipf frequency of a lowercase word (with å, ä, ö) in the more common of Swedish
    and English: 7 for "och", about 4 for "väder", 0 for a misspelling or an unknown name."""
    frequency = max(words.get(word, 0.0) for words in _lists())
    return math.log10(frequency) + 9 if frequency > 0 else 0.0
