"""The analysis an area's municipalities share, done once.

Every municipality of an area answers from its own base (bot.knowledge.area), but most of
what a base indexes is the same in all of them: the synonyms and filler words, and the
shared topics (knowledge/common/) that say nothing of the municipality. `CommonIndex`
analyses that once (an Analyser and a Matcher of the shared part), and each municipality's
base adds only its own: its villages, its topics, the shared topics that name it
({kommun}). A base built so answers exactly as one built alone; one that could not be
(bot.knowledge.overlay.Conflict) is built alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence

from bot.knowledge.analyser import Analyser, SynonymEntry
from bot.knowledge.matcher import Matcher
from bot.knowledge.overlay import Conflict, Position
from bot.knowledge.schema import KnowledgeFile, Topic

VILLAGE_WORD = "by"  # villages in `places` count as this word in questions


def villages(data: KnowledgeFile) -> list[str]:
    """The names and aliases of the base's villages."""
    return [name for place in data.places if place.kind == "village"
            for name in (place.name, *place.aliases)]


def texts(topics: Sequence[Topic | None]) -> list[tuple[Position, str]]:
    """The topics' examples and keywords, each with its place among a base's texts."""
    return [((2, i, j), text) for i, topic in enumerate(topics) if topic is not None
            for j, text in enumerate((*topic.examples, *topic.keywords))]


def one_copy(files: dict[str, KnowledgeFile]) -> dict[str, KnowledgeFile]:
    """`files` with one copy of the synonyms and filler words they have alike (an area's
    shared language file, validated once for each municipality)."""
    first = next(iter(files.values()), None)
    if first is None:
        return files
    return {ident: data if data.synonyms is first.synonyms or data.synonyms != first.synonyms
            or data.stopwords != first.stopwords
            else data.model_copy(update={"synonyms": first.synonyms,
                                         "stopwords": first.stopwords})
            for ident, data in files.items()}


class CommonIndex:
    """The shared part of the bases of `files` (the municipalities of one area): a topic
    is shared when several municipalities hold the very same one (the loader validates a
    shared file's topic once)."""

    def __init__(self, files: Iterable[KnowledgeFile]) -> None:
        files = list(files)
        counts = Counter(id(topic) for data in files for topic in data.topics)
        self._shared = frozenset(key for key, n in counts.items() if n > 1)
        # The texts of the municipalities' own topics that several have (a shared topic's
        # other examples, when one names the municipality): read once (Analyser._read).
        said = Counter(text for data in files for topic in data.topics
                       if id(topic) not in self._shared
                       for text in (*topic.examples, *topic.keywords))
        self._repeated = frozenset(text for text, n in said.items() if n > 1)
        self._cores: dict[Hashable, tuple[Analyser, Matcher]] = {}

    def build(self, data: KnowledgeFile) -> tuple[Analyser, Matcher] | None:
        """`data`'s analyser, and the matcher of its shared topics to build its own over;
        None when it shares nothing, or could not be built over the shared part."""
        shared: list[Topic | None] = [t if id(t) in self._shared else None
                                      for t in data.topics]
        while shared and shared[-1] is None:
            shared.pop()
        if not shared:
            return None
        key = (tuple(data.stopwords), tuple((k, tuple(v)) for k, v in data.synonyms.items()),
               tuple(id(t) if t is not None else None for t in shared))
        core = self._cores.get(key)
        if core is None:
            analyser = Analyser.shared(data.synonyms, data.stopwords, texts(shared),
                                       self._repeated)
            core = self._cores[key] = (analyser, Matcher(shared, analyser))
        own = [t if i >= len(shared) or shared[i] is None else None
               for i, t in enumerate(data.topics)]
        try:
            return Analyser.over(core[0], _village_entries(data), texts(own)), core[1]
        except Conflict:
            return None


def _village_entries(data: KnowledgeFile) -> list[SynonymEntry]:
    """The villages as the base's synonyms of "by", where they come among its synonyms
    (KnowledgeBase: after the variants of "by", or a new last canonical word)."""
    names = villages(data)
    if not names:
        return []
    order = list(data.synonyms)
    if VILLAGE_WORD in data.synonyms:
        i, first = order.index(VILLAGE_WORD), len(data.synonyms[VILLAGE_WORD]) + 1
        return [((0, i, first + j), VILLAGE_WORD, name) for j, name in enumerate(names)]
    return [((0, len(order), j), VILLAGE_WORD, name)
            for j, name in enumerate((VILLAGE_WORD, *names))]
