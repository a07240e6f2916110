"""Load the knowledge folder: merge its YAML files, validate, and report errors by line.

Every problem becomes one readable line, `file:line: path: what is wrong`; loading either
returns a complete KnowledgeBase or raises KnowledgeError, so an invalid folder can never
replace a valid base that is already in service.
"""

from __future__ import annotations

import contextlib
import string
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.core.texts import catalogue_findings, override_problems_for
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import KnowledgeFile, Topic
from bot.knowledge.shared import expand_municipality, without_replaced_topics
from bot.knowledge.yaml_lines import LoadedYaml, PathKey, YamlError, dotted, load_yaml

PLACEHOLDERS = {"promises", "period", "earlier", "agreement", "periods", "documents",
                "contacts", "municipality", "kommun", "police_area", "site"}
INDEXED_PLACEHOLDERS = {"promise", "promises_about", "contact", "phone"}


class KnowledgeError(Exception):
    """The knowledge base is invalid; `problems` holds one readable line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class _Segment:
    start: int  # first merged list index that comes from this file
    loaded: LoadedYaml


class _Origins:
    """Maps a path in the merged data back to the file and line it came from."""

    def __init__(self) -> None:
        self._by_key: dict[str, list[_Segment]] = {}

    def add(self, key: str, start: int, loaded: LoadedYaml) -> None:
        self._by_key.setdefault(key, []).append(_Segment(start, loaded))

    def where(self, path: PathKey) -> str:
        """`file:line: path` for a path in the merged data, the path as in that file."""
        place, local = self._locate(path)
        return f"{place}: {dotted(local)}"

    def _locate(self, path: PathKey) -> tuple[str, PathKey]:
        if not path or not isinstance(path[0], str) or path[0] not in self._by_key:
            segments = [s for segs in self._by_key.values() for s in segs]
            return (str(segments[0].loaded.file) if segments else "knowledge"), path
        segments = self._by_key[path[0]]
        segment = segments[0]
        local = path
        if len(path) > 1 and isinstance(path[1], int):
            for seg in segments:
                if seg.start <= path[1]:
                    segment = seg
            local = (path[0], path[1] - segment.start, *path[2:])
        lines = segment.loaded.lines
        written = segment.loaded.written.get(str(local[0]))
        shown = local
        if written and len(local) > 1 and isinstance(local[1], int) and local[1] < len(written):
            shown = (local[0], written[local[1]], *local[2:])
        for cut in range(len(local), 0, -1):
            if local[:cut] in lines:
                return f"{segment.loaded.file}:{lines[local[:cut]]}", shown
        return str(segment.loaded.file), shown


def _describe(error: dict[str, Any]) -> str:
    kind, value = error["type"], error.get("input")
    if kind.startswith("date"):
        return f'not a date: "{value}"'
    if kind == "missing":
        return "missing"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "string_type":
        return "expected text"
    if kind == "list_type":
        return "expected a list"
    if kind in ("dict_type", "model_type"):
        return "expected a mapping (key: value)"
    if kind == "string_pattern_mismatch":
        return f'invalid value "{value}" ({error["msg"].lower()})'
    msg: str = error["msg"]
    return msg.removeprefix("Value error, ")


def _merge(files: list[LoadedYaml], origins: _Origins, problems: list[str]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for loaded in files:
        if not isinstance(loaded.data, dict):
            problems.append(f"{loaded.file}:1: the file must be a mapping of sections")
            continue
        for key, value in loaded.data.items():
            if key not in merged:
                merged[key] = list(value) if isinstance(value, list) else value
                origins.add(key, 0, loaded)
            elif isinstance(merged[key], list) and isinstance(value, list):
                origins.add(key, len(merged[key]), loaded)
                merged[key].extend(value)
            else:
                line = loaded.lines.get((key,), 1)
                problems.append(f"{loaded.file}:{line}: {key}: defined in another file too")
    return merged


# Sections a municipality's own files replace wholly when they have one (the common
# survey is the default; a municipality that writes its own asks only its own questions).
REPLACED_WHOLE = ("survey",)


def _without_replaced(files: list[LoadedYaml], own: set[Path],
                      sections: tuple[str, ...]) -> list[LoadedYaml]:
    """`files` without the shared files' `sections` that one of the `own` files has."""
    mine = {key for f in files if f.file in own and isinstance(f.data, dict)
            for key in sections if key in f.data}
    if not mine:
        return files
    return [f if f.file in own or not isinstance(f.data, dict) or not mine & set(f.data)
            else LoadedYaml({k: v for k, v in f.data.items() if k not in mine}, f.file,
                            f.lines, f.written)
            for f in files]


def _placeholder_problems(text: str) -> list[str]:
    """Check `text`'s {placeholders}; return descriptions of the bad ones."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as exc:
        return [f"bad braces ({exc}); write {{{{ and }}}} for literal braces"]
    out = []
    for _, name, _, _ in fields:
        if name is None:
            continue
        base, _, rest = name.partition("[")
        if rest and base in INDEXED_PLACEHOLDERS and rest.endswith("]"):
            continue
        if not rest and base in PLACEHOLDERS:
            continue
        out.append(f"unknown placeholder {{{name}}}")
    return out


def _check_references(kf: KnowledgeFile, origins: _Origins, problems: list[str]) -> None:
    def report(path: PathKey, message: str) -> None:
        problems.append(f"{origins.where(path)}: {message}")

    def unique(section: str, ids: list[str]) -> None:
        seen: set[str] = set()
        for i, item_id in enumerate(ids):
            if item_id in seen:
                report((section, i, "id"), f'duplicate id "{item_id}"')
            seen.add(item_id)

    unique("periods", [p.id for p in kf.periods])
    unique("topics", [t.id for t in kf.topics])
    unique("contacts", [c.id for c in kf.contacts])
    unique("themes", [th.id for th in kf.themes])
    unique("activities", [a.id for a in kf.activities])
    _check_periods(kf, report)
    promise_ids = {q.id for p in kf.periods for q in p.promises}
    theme_ids = {th.id for th in kf.themes}
    contact_ids = {c.id for c in kf.contacts}
    topic_ids = {t.id for t in kf.topics}
    for ti, topic in enumerate(kf.topics):
        for lang, text in topic.answer.written().items():  # sv, en and any variant
            path: PathKey = ("topics", ti, "answer", lang)
            bad = _placeholder_problems(text)
            for message in bad:
                report(path, message)
            names = [] if bad else [f[1] for f in string.Formatter().parse(text) if f[1]]
            for name in names:
                kind, _, ref = name.rstrip("]").partition("[")
                if kind == "promise" and ref not in promise_ids:
                    report(path, f'no promise with id "{ref}"')
                if kind == "promises_about" and ref not in theme_ids:
                    report(path, f'no theme with id "{ref}" (see `themes`)')
                if kind == "contact" and ref not in contact_ids:
                    report(path, f'no contact with id "{ref}"')
        for fi, followup in enumerate(topic.followups):
            if followup not in topic_ids:
                report(("topics", ti, "followups", fi), f'no topic with id "{followup}"')
    for canonical, variants in kf.synonyms.items():
        if not variants:
            report(("synonyms", canonical), "no variants")
    for key, text in kf.texts.items():  # a deployment's wording of the bot's own texts
        for lang, message in override_problems_for(key, text.written()):
            report(("texts", key) if lang is None else ("texts", key, lang), message)


def _check_periods(kf: KnowledgeFile, report: Callable[[PathKey, str], None]) -> None:
    """Periods must not overlap (an activity's day picks one); a promise's ids must exist."""
    ordered = sorted(enumerate(kf.periods), key=lambda ip: ip[1].start)
    for (_, before), (pi, period) in pairwise(ordered):
        if period.start <= before.end:
            report(("periods", pi, "start"),
                   f'overlaps period "{before.id}" (which ends {before.end})')
    seen: set[str] = set()
    themes = {th.id for th in kf.themes}
    activities = {a.id for a in kf.activities}
    places = {p.name for p in kf.places}
    for pi, period in enumerate(kf.periods):
        for qi, promise in enumerate(period.promises):
            where: PathKey = ("periods", pi, "promises", qi)
            if promise.id in seen:
                report((*where, "id"), f'duplicate id "{promise.id}"')
            seen.add(promise.id)
            for key, refs, known, what in (
                    ("themes", promise.themes, themes, "theme"),
                    ("activities", promise.activities, activities, "activity type"),
                    ("places", promise.places, places, "place")):
                for ri, ref in enumerate(refs):
                    if ref not in known:
                        report((*where, key, ri), f'no {what} "{ref}"')


COMMON = "common"  # in an area's folder: what every municipality shares
AREA_FILE = "area.yaml"  # in an area's folder: its name and default municipality


def yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))


def is_area(folder: Path) -> bool:
    """A folder of several municipalities (common/ and one folder each), not one's files."""
    return (folder / COMMON).is_dir()


def members(folder: Path) -> list[str]:
    """The municipalities of an area's folder: every folder but common/ and i18n/."""
    return sorted(p.name for p in folder.iterdir()
                  if p.is_dir() and p.name not in (COMMON, "i18n", "templates")
                  and not p.name.startswith("."))


def area_settings(folder: Path) -> dict[str, Any]:
    """area.yaml of an area's folder ({} without one): `name`, `default`."""
    path = folder / AREA_FILE
    if not path.is_file():
        return {}
    try:
        data = load_yaml(path).data
    except YamlError as exc:
        raise KnowledgeError([str(exc)]) from None
    if not isinstance(data, dict):
        raise KnowledgeError([f"{path}:1: the file must be a mapping (name, default)"])
    return data


def default_member(folder: Path, settings: dict[str, Any] | None = None) -> str:
    """The municipality a conversation is about when nothing says otherwise (`settings`:
    area.yaml, when the caller has read it)."""
    found = members(folder)
    default = (area_settings(folder) if settings is None else settings).get("default")
    if default is None and found:
        return found[0]
    if default not in found:
        raise KnowledgeError([f"{folder / AREA_FILE}: default: {default!r} is none of the "
                              f"municipality folders ({', '.join(found) or 'none'})"])
    return str(default)


def load_knowledge(folder: Path, shared: list[Path] | None = None) -> KnowledgeBase:
    """Load and validate every *.yaml file in `folder` (after the `shared` files, those of
    an area's common/); raise KnowledgeError on problems. An area's folder gives its default
    municipality's base (bot.knowledge.area has them all)."""
    if shared is None and folder.is_dir() and is_area(folder):
        folder, shared = folder / default_member(folder), yaml_files(folder / COMMON)
    return KnowledgeBase(read_knowledge(folder, shared), folder.name if shared else None)


def read_knowledge(folder: Path, shared: list[Path] | None = None,
                   parsed: dict[Path, LoadedYaml] | None = None,
                   topics: dict[int, tuple[Any, Topic | None]] | None = None
                   ) -> KnowledgeFile:
    """The validated content of `folder` (after the `shared` files), not yet indexed for
    answering; `parsed` keeps files already read (an area's shared ones, read once), and
    `topics` their topics validated once (every municipality then holds the same Topic)."""
    if not folder.is_dir():
        raise KnowledgeError([f"{folder}: not a folder"])
    own = yaml_files(folder)
    if not own:
        raise KnowledgeError([f"{folder}: no .yaml files"])
    problems: list[str] = []
    files: list[LoadedYaml] = []
    for path in [*(shared or []), *own]:
        try:
            if parsed is not None and path in parsed:
                files.append(parsed[path])
                continue
            files.append(load_yaml(path))
            if parsed is not None and path in (shared or []):
                parsed[path] = files[-1]
        except YamlError as exc:
            problems.append(str(exc))
    if shared:
        # A municipality's own topic replaces the common topic with the same id.
        files = without_replaced_topics(files, set(own))
        files = _without_replaced(files, set(own), REPLACED_WHOLE)
    origins = _Origins()
    merged = _merge(files, origins, problems)
    if not problems and "topics" in merged:
        merged["topics"] = expand_municipality(merged["topics"], merged.get("municipality"))
    if problems:
        raise KnowledgeError(problems)
    if topics is not None and parsed and isinstance(merged.get("topics"), list):
        merged["topics"] = _shared_topics(merged["topics"], parsed, topics)
    try:
        kf = KnowledgeFile.model_validate(merged)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            problems.append(f"{origins.where(loc)}: {_describe(error)}")
        raise KnowledgeError(problems) from None
    _check_references(kf, origins, problems)
    i18n = folder / "i18n"  # the base's own text catalogues (sma.yaml), checked like ours
    if i18n.is_dir():
        problems += [p for p in catalogue_findings(extra=i18n).problems
                     if p.startswith(str(i18n))]
    if problems:
        raise KnowledgeError(problems)
    return kf


def _shared_topics(merged: list[Any], parsed: dict[Path, LoadedYaml],
                   validated: dict[int, tuple[Any, Topic | None]]) -> list[Any]:
    """`merged` with each topic of a shared file (as read, without {kommun}) validated
    once: the Topic instead of its mapping. One that does not validate stays a mapping,
    for the whole file's validation to report where."""
    if not validated:  # the first municipality: note which mappings are the shared ones
        for loaded in parsed.values():
            found = loaded.data.get("topics") if isinstance(loaded.data, dict) else None
            for item in found if isinstance(found, list) else ():
                if isinstance(item, dict):
                    validated[id(item)] = (item, None)
    out = []
    for item in merged:
        known = validated.get(id(item))
        if known is not None and known[0] is item:
            if known[1] is None:
                with contextlib.suppress(ValidationError):  # reported by the whole file's
                    known = validated[id(item)] = (item, Topic.model_validate(item))
            item = known[1] if known[1] is not None else item
        out.append(item)
    return out
