"""Read the text catalogues: one flat YAML map a language, `bot/i18n/<lang>.yaml`.

A municipality reviews every word the bot says in one place, and a third language is added
by adding a file. This module only reads and reports; which languages are required and
which one a missing text falls back to is the caller's to say (bot.core.texts), so that
this room imports nothing of the bot.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

FOLDER = Path(__file__).resolve().parent
# A catalogue is named for its language: sv.yaml, en.yaml, fi.yaml, sma.yaml, pt-BR.yaml, or
# a variant of one (sv-lattlast.yaml: lättläst svenska). Other YAML here (notices.yaml) is
# data of another kind.
_LANGUAGE_FILE = re.compile(r"^[a-z]{2,3}(?:-[A-Z]{2}|-[a-z0-9]{4,8})?$")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
# The block that says what a catalogue's language is called and how it is marked up:
# `_language: {name: Lättläst svenska, html_lang: sv, partial: true}`. A partial catalogue
# holds only some texts on purpose; the rest are said in its base language.
META = "_language"
_STR, _BOOL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:bool"
_META_FIELDS = {"name": _STR, "html_lang": _STR, "partial": _BOOL}
_HTML_LANG = re.compile(r"^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$")


class CatalogueError(Exception):
    """A catalogue the bot cannot speak from: one line per problem, none a traceback."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(problems[0] + more if problems else "text catalogue problem")


@dataclass
class Catalogue:
    """One language's texts by key, with the line each key is on (for the problems)."""

    lang: str
    path: Path
    texts: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    name: str = ""  # the language's own name ("Lättläst svenska"); the code when not given
    html_lang: str = ""  # for <html lang>; see `language_tag`
    partial: bool = False  # lacks keys on purpose: no warning for them

    def where(self, key: str) -> str:
        return f"{self.path}:{self.lines.get(key, 1)}"


def placeholders(text: str) -> frozenset[str] | None:
    """The `{names}` a text is filled with; None when its braces are broken."""
    try:
        return frozenset(name for _, name, _, _ in string.Formatter().parse(text)
                         if name is not None)
    except ValueError:
        return None


def catalogue_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """(language, path) for each catalogue in `folder`, in name order."""
    for path in sorted(folder.glob("*.yaml")):
        if _LANGUAGE_FILE.fullmatch(path.stem):
            yield path.stem, path


def read_catalogue(lang: str, path: Path) -> tuple[Catalogue, list[str]]:
    """The catalogue in `path`, and what is wrong with its form (the keys that are fine
    are read all the same, so that one slip does not hide the rest)."""
    catalogue = Catalogue(lang, path)
    try:
        root = yaml.compose(path.read_text("utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError) as exc:
        return catalogue, [f"{path}: cannot be read ({exc.__class__.__name__})"]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        reason = getattr(exc, "problem", None) or "not valid YAML"
        return catalogue, [f"{path}{line}: not valid YAML ({reason})"]
    if root is None:
        return catalogue, [f"{path}: empty"]
    if not isinstance(root, yaml.MappingNode):
        return catalogue, [f"{path}:1: must be a map of key: text"]
    problems = []
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 1
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key == META:
            problems += _read_meta(catalogue, value_node, line)
            continue
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            problems.append(f"{path}:{line}: {key!r} is not a key (lowercase a-z, 0-9, _)")
            continue
        if key in catalogue.texts:
            problems.append(f"{path}:{line}: {key}: defined twice "
                            f"(first on line {catalogue.lines[key]})")
            continue
        # Only a plain string is a text: `yes`, `12` or a list would reach a resident as
        # something else than what the reviewer read.
        if not (isinstance(value_node, yaml.ScalarNode)
                and value_node.tag == "tag:yaml.org,2002:str"):
            problems.append(f"{path}:{line}: {key}: must be text (quote it)")
            continue
        if not value_node.value.strip():
            problems.append(f"{path}:{line}: {key}: empty")
            continue
        catalogue.texts[key] = value_node.value
        catalogue.lines[key] = line
    return catalogue, problems


def _read_meta(catalogue: Catalogue, node: yaml.Node, line: int) -> list[str]:
    """Fill the catalogue's name, html_lang and partial from its `_language` block."""
    if not isinstance(node, yaml.MappingNode):
        return [f"{catalogue.path}:{line}: {META}: must be a map (name, html_lang, partial)"]
    problems = []
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        tag = _META_FIELDS.get(key) if isinstance(key, str) else None
        at = f"{catalogue.path}:{key_node.start_mark.line + 1}"
        if tag is None:
            problems.append(f"{at}: {META}.{key}: unknown (name, html_lang, partial)")
        elif not (isinstance(value_node, yaml.ScalarNode) and value_node.tag == tag
                  and value_node.value.strip()):
            problems.append(f"{at}: {META}.{key}: must be "
                            + ("true or false" if tag == _BOOL else "text"))
        elif key == "html_lang" and not _HTML_LANG.fullmatch(value_node.value):
            problems.append(f"{at}: {META}.html_lang: {value_node.value!r} is not a "
                            "language tag")
        elif key == "partial":
            catalogue.partial = value_node.value.lower() in ("true", "yes", "on")
        else:
            setattr(catalogue, key, value_node.value.strip())
    return problems


def language_tag(code: str) -> str:
    """The <html lang> for a catalogue code that does not give one: the code itself for
    "sv", "sma" and "pt-BR", its language for a variant of our own ("sv-lattlast" -> "sv")."""
    first, _, rest = code.partition("-")
    return code if not rest or rest.isupper() else first


def read_notices(path: Path) -> dict[str, str]:
    """The fixed notices in languages the bot does not speak (notices.yaml): code -> text."""
    data = yaml.safe_load(path.read_text("utf-8"))
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in data.items()):
        raise CatalogueError([f"{path}: must be a map of language code: text"])
    return data
