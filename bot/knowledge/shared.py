"""What a municipality's base does with an area's shared files (knowledge/common/).

- A topic in the municipality's own files replaces the shared topic with the same id: a
  municipality says in its own words what only it can say (its agreement's goals, its
  places), and shares the rest.
- `{kommun}` in a shared topic's examples and keywords is the municipality's short name
  ("Vad har ni lovat i {kommun}?" is asked about Åsele in Åsele's base, about Dorotea in
  Dorotea's). In answers it is a placeholder like the others (bot.knowledge.render).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.knowledge.yaml_lines import LoadedYaml

KOMMUN = "{kommun}"
_SUFFIXES = (" kommun", " Municipality", " municipality")


def short_name(name: str) -> str:
    """A municipality's name without "kommun": "Åsele kommun" -> "Åsele"."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[:-len(suffix)]
    return name


def without_replaced_topics(files: list[LoadedYaml], own: set[Path]) -> list[LoadedYaml]:
    """`files` with every shared topic dropped whose id one of the `own` files defines; the
    line numbers of the shared topics after it follow (errors still name the right line)."""
    replaced = {str(t.get("id")) for f in files if f.file in own for t in _topics(f)
                if isinstance(t, dict)}
    if not replaced:
        return files
    out = []
    for loaded in files:
        topics = _topics(loaded)
        if loaded.file in own or not topics:
            out.append(loaded)
            continue
        keep = [i for i, t in enumerate(topics)
                if not (isinstance(t, dict) and str(t.get("id")) in replaced)]
        moved = {old: new for new, old in enumerate(keep)}
        lines = {}
        for path, line in loaded.lines.items():
            if len(path) > 1 and path[0] == "topics" and isinstance(path[1], int):
                if path[1] not in moved:
                    continue
                path = ("topics", moved[path[1]], *path[2:])
            lines[path] = line
        data = dict(loaded.data) | {"topics": [topics[i] for i in keep]}
        out.append(LoadedYaml(data, loaded.file, lines, {"topics": keep}))
    return out


def expand_municipality(topics: Any, municipality: Any) -> Any:
    """The topics with `{kommun}` in examples and keywords replaced by the short name."""
    if not isinstance(topics, list) or not isinstance(municipality, dict):
        return topics
    name = municipality.get("name")
    short = municipality.get("short") or (short_name(str(name.get("sv", "")))
                                          if isinstance(name, dict) else "")
    if not short:
        return topics
    out = []
    for topic in topics:
        if isinstance(topic, dict) and _names_kommun(topic):  # others stay the same object:
            topic = dict(topic)                                # validated once, shared
            for key in ("examples", "keywords"):
                if isinstance(topic.get(key), list):
                    topic[key] = [w.replace(KOMMUN, short) if isinstance(w, str) else w
                                  for w in topic[key]]
        out.append(topic)
    return out


def _names_kommun(topic: dict[str, Any]) -> bool:
    return any(isinstance(w, str) and KOMMUN in w for key in ("examples", "keywords")
               if isinstance(topic.get(key), list) for w in topic[key])


def _topics(loaded: LoadedYaml) -> list[Any]:
    data = loaded.data
    topics = data.get("topics") if isinstance(data, dict) else None
    return topics if isinstance(topics, list) else []
