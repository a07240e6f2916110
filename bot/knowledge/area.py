"""Several municipalities in one deployment (a police area): one knowledge base each.

An area's knowledge folder holds `common/` (what every municipality shares: the topics,
the glossary, the language, national contacts, themes and activity types), one folder per
municipality (`asele/`, `dorotea/`, …: its periods and promises, agreement, contacts,
places, feedback areas, and topics of its own), and optionally `area.yaml` (`name`, the
police area; `default`, the municipality a conversation is about when nothing says
otherwise; without one, a conversation nothing places is asked: `Area.asks`). Each
municipality's base is `common/` with its own folder, validated as one: every
municipality answers completely on its own.

A folder of YAML files without `common/` is one municipality, as before: an area of one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.common import CommonIndex, one_copy
from bot.knowledge.loader import (
    COMMON,
    KnowledgeError,
    area_settings,
    default_member,
    is_area,
    load_knowledge,
    members,
    read_knowledge,
    yaml_files,
)
from bot.knowledge.schema import KnowledgeFile, Topic
from bot.knowledge.yaml_lines import LoadedYaml
from bot.text.normalize import fold

_LOCAL = frozenset("åäö")

__all__ = ["Area", "Bases", "load_area"]


class Bases(Mapping[str, KnowledgeBase]):
    """Each municipality's base, indexed for answering when first asked for (load_area asks
    for every one at start): what the municipalities share is analysed once
    (bot.knowledge.common), so that each base indexes only its own."""

    def __init__(self, files: dict[str, KnowledgeFile], built: dict[str, KnowledgeBase]
                 ) -> None:
        self.files = files
        self._built = dict(built)
        self.common = CommonIndex(files.values())

    def __getitem__(self, ident: str) -> KnowledgeBase:
        base = self._built.get(ident)
        if base is None:
            base = self._built[ident] = KnowledgeBase(self.files[ident], ident, self.common)
        return base

    def indexed(self) -> int:
        """How many bases have been indexed so far."""
        return len(self._built)

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)


@dataclass(frozen=True)
class Area:
    """The municipalities one deployment serves, by id, the default first."""

    bases: Mapping[str, KnowledgeBase]
    default: str
    name: str | None = None  # the police area ("Södra Lappland"), when the folder says
    # area.yaml names no default and there are several: a conversation nothing places is
    # asked which municipality it means (bot.features.whereabouts), `default` being only
    # the first folder's, not one to answer about unasked.
    asks: bool = False

    @property
    def default_base(self) -> KnowledgeBase:
        return self.bases[self.default]

    def __len__(self) -> int:
        return len(self.bases)

    def files(self) -> Mapping[str, KnowledgeFile]:
        """Each municipality's validated content, without indexing a base for it."""
        if isinstance(self.bases, Bases):
            return self.bases.files
        return {ident: kb.data for ident, kb in self.bases.items()}

    def named_in(self, text: str, folded: str | None = None) -> str | None:
        """The one municipality `text` names, by its name or a place of its own ("vad har
        polisen lovat i Lycksele?", "skoteråkning i Borgafjäll"); None when it names none,
        or places of several. A word typed with å, ä or ö must have them where the name
        has ("hallå" is not the village Hälla); one typed without matches either way.
        `folded`: fold(text), when the caller has it."""
        if len(self.bases) < 2:
            return None
        exact, loose = self._names
        lowered = text.lower().split()
        plain = (fold(text) if folded is None else folded).split()
        found = set()
        if len(lowered) == len(plain):  # the same words: compare each with its own form
            for n in (1, 2, 3):
                for i in range(len(plain) - n + 1):
                    words = tuple(lowered[i:i + n])
                    local = any(ch in _LOCAL for w in words for ch in w)
                    key = tuple(w.strip(".,!?:;()\"'") for w in words) if local \
                        else tuple(plain[i:i + n])
                    owner = (exact if local else loose).get(key)
                    if owner is not None:
                        found.add(owner)
        return found.pop() if len(found) == 1 else None

    @cached_property
    def _names(self) -> tuple[dict[tuple[str, ...], str], dict[tuple[str, ...], str]]:
        """Each municipality's names and places -> its id, as written (lowercase) and
        folded; only names that one municipality alone has (aliases count when they are
        spellings of the name: "asele", not "centrum")."""
        exact: dict[tuple[str, ...], set[str]] = {}
        folded: dict[tuple[str, ...], set[str]] = {}
        for ident, data in self.files().items():
            municipality = data.municipality
            names = {municipality.short_name,
                     municipality.name.sv, municipality.name.en}
            for place in data.places:
                names.add(place.name)
                names.update(a for a in place.aliases
                             if fold(a) in (fold(place.name), fold(place.name) + " kommun"))
            for name in names:
                exact.setdefault(tuple(name.lower().split()), set()).add(ident)
                folded.setdefault(tuple(fold(name).split()), set()).add(ident)
        return ({k: next(iter(v)) for k, v in exact.items() if len(v) == 1 and k},
                {k: next(iter(v)) for k, v in folded.items() if len(v) == 1 and k})


def load_area(folder: Path) -> Area:
    """Load every municipality of `folder` (or its one); KnowledgeError with every problem
    of every municipality, each line naming its file."""
    if not folder.is_dir() or not is_area(folder):
        base = load_knowledge(folder)
        return Area({base.id: base}, base.id)
    shared = yaml_files(folder / COMMON)
    problems: list[str] = []
    found = members(folder)
    if not found:
        problems.append(f"{folder}: no municipality folder beside {COMMON}/")
    files: dict[str, KnowledgeFile] = {}
    parsed: dict[Path, LoadedYaml] = {}  # the shared files, read once
    topics: dict[int, tuple[Any, Topic | None]] = {}  # ... and their topics validated once
    for ident in found:
        try:
            files[ident] = read_knowledge(folder / ident, shared, parsed, topics)
        except KnowledgeError as exc:
            problems += exc.problems
    try:
        settings = area_settings(folder)
        default = default_member(folder, settings)
        name = settings.get("name")
        asks = settings.get("default") is None and len(found) > 1
    except KnowledgeError as exc:
        problems += exc.problems
    if problems:  # a shared file's problem once, not once per municipality
        raise KnowledgeError(list(dict.fromkeys(problems)))
    files = one_copy(files)
    ordered = {default: files[default], **{k: v for k, v in files.items() if k != default}}
    bases = Bases(ordered, {})
    for ident in bases:  # every base indexed at start (a few milliseconds each, once
        bases[ident]     # the shared part is), not at a resident's first question
    area = Area(bases, default, str(name) if name else None, asks)
    area._names  # noqa: B018 -- at start, not at a resident's first message
    return area
