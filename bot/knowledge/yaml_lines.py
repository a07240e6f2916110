"""Load YAML while remembering the line of every value, so errors can name it.

PyYAML's composer gives nodes with positions; we build plain Python values from them and
keep a map from each value's path (("topics", 3, "answer", "sv")) to its 1-based line.

Anchors and aliases (`&name`, `*name`) are refused, before anything is built: a content
keeper never needs them, and they are how a small file becomes a huge or endless value
("billion laughs", `&a [*a]`). Refusing them outright is simpler to trust than counting
expansions, and it keeps every value at one place in one file, which the error lines need.
A first pass over the parser's events (libyaml when installed: linear, no values built)
checks that, the nesting depth and the size; only then is the file composed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[str | int, ...]
MAX_DEPTH = 32  # a knowledge file needs about 6 levels; more is a mistake or an attack
MAX_BYTES = 10 * 1024 * 1024  # the shipped files are well under 100 kB
# libyaml's parser when PyYAML was built with it (about ten times faster): a reload runs
# on the bot's event loop.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlError(Exception):
    """A YAML file that cannot be read; the message names the file and line."""


@dataclass
class LoadedYaml:
    data: Any
    file: Path
    lines: dict[PathKey, int] = field(default_factory=dict)
    # A section some of whose items were left out (a shared topic a municipality
    # replaces): each item's index in the file, so that errors name it as written.
    written: dict[str, list[int]] = field(default_factory=dict)


_constructor = yaml.constructor.SafeConstructor()


def _scalar(node: yaml.ScalarNode) -> Any:
    try:
        return _constructor.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError):
        # An invalid date such as 2022-13-01 stays a string, so validation can name it.
        return node.value


def _build(node: yaml.Node, path: PathKey, lines: dict[PathKey, int], file: Path) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str | int) or isinstance(key, bool):
                raise YamlError(f"{file}:{key_node.start_mark.line + 1}: keys must be text")
            key = str(key)
            if key in out:
                raise YamlError(
                    f"{file}:{key_node.start_mark.line + 1}: {_dotted((*path, key))}: "
                    "defined twice"
                )
            out[key] = _build(value_node, (*path, key), lines, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines, file) for i, item in enumerate(node.value)]
    return _scalar(node)  # type: ignore[arg-type]


def _read(file: Path) -> str:
    if not file.is_file():  # a FIFO or a device would block or never end
        raise YamlError(f"{file}: not a regular file")
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise YamlError(f"{file}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise YamlError(f"{file}: larger than {MAX_BYTES // (1024 * 1024)} MB; "
                        "split it into several files")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise YamlError(f"{file}: not UTF-8 text") from None


def _check_events(text: str, file: Path) -> None:
    """Refuse anchors, aliases and deep nesting from the event stream, before composing."""
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise YamlError(f"{file}:{line}: anchors and aliases (&name, *name) are not "
                            "allowed in knowledge files; write the value out in full")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlError(f"{file}:{line}: nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def load_yaml(file: Path) -> LoadedYaml:
    """Read one YAML file; raise YamlError with file:line on any problem (and nothing else)."""
    text = _read(file)
    try:
        _check_events(text, file)
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = ", ".join(part for part in (exc.context, exc.problem) if part) or str(exc)
        raise YamlError(f"{file}:{line}: YAML syntax: {' '.join(what.split())}") from None
    except yaml.YAMLError as exc:
        raise YamlError(f"{file}: YAML syntax: {' '.join(str(exc).split())}") from None
    lines: dict[PathKey, int] = {}
    try:
        data = _build(node, (), lines, file) if node is not None else {}
    finally:
        # The constructor remembers every node it built: without this, each reload
        # would keep the previous files' nodes alive.
        _constructor.constructed_objects.clear()
    return LoadedYaml(data=data, file=file, lines=lines)


def _dotted(path: PathKey) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


dotted = _dotted
