"""Load YAML while remembering the line of every value, so errors can name it.

PyYAML's composer gives nodes with positions; we build plain Python values from them and
keep a map from each value's path (("topics", 3, "answer", "sv")) to its 1-based line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[str | int, ...]


class YamlError(Exception):
    """A YAML file that cannot be read; the message names the file and line."""


@dataclass
class LoadedYaml:
    data: Any
    file: Path
    lines: dict[PathKey, int] = field(default_factory=dict)


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


def load_yaml(file: Path) -> LoadedYaml:
    """Read one YAML file; raise YamlError with file:line on any syntax problem."""
    try:
        raw = file.read_bytes()
        text = raw.decode("utf-8")
    except OSError as exc:
        raise YamlError(f"{file}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise YamlError(f"{file}: not UTF-8 text") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlError(f"{file}:{line}: YAML syntax: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlError(f"{file}: YAML syntax: {exc}") from None
    lines: dict[PathKey, int] = {}
    data = _build(node, (), lines, file) if node is not None else {}
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
