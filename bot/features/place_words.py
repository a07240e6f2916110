"""The words the redactor keeps: the knowledge base's places, for bot.privacy.redact.

"Fredrika" is a village and a first name; the privacy floor knows no knowledge base, so
the features hand it these words (each word of every place name, alias, feedback area,
the municipality and the police area), worked out once per loaded base.
"""

from __future__ import annotations

import re
import weakref

from bot.knowledge.area import Area
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import KnowledgeFile

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_CACHE: weakref.WeakKeyDictionary[KnowledgeBase, frozenset[str]] = weakref.WeakKeyDictionary()
# The area loaded now and its words (an Area is not hashable: kept by identity).
_area: tuple[weakref.ref[Area], frozenset[str]] | None = None


def place_words(kb: KnowledgeBase) -> frozenset[str]:
    """Case-folded words of every place the knowledge base names."""
    words = _CACHE.get(kb)
    if words is None:
        words = _CACHE[kb] = frozenset(_collect(kb.data))
    return words


def area_place_words(area: Area) -> frozenset[str]:
    """place_words of every municipality of a police area: a resident of one names the
    villages of the next as well."""
    global _area
    if _area is not None and _area[0]() is area:
        return _area[1]
    words = frozenset().union(*(_collect(data) for data in area.files().values()))
    _area = (weakref.ref(area), words)
    return words


def _collect(data: KnowledgeFile) -> set[str]:
    names = [data.municipality.name.sv, data.municipality.name.en,
             data.municipality.police_area or ""]
    for place in data.places:
        names += [place.name, *place.aliases]
    if data.feedback is not None:
        for area in data.feedback.areas:
            names += [area.label.sv, area.label.en, *area.words]
    return {word.casefold() for name in names for word in _WORD.findall(name)}
