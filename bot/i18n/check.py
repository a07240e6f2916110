"""Check the text catalogues together: what `python -m bot check` and the start report.

Problems stop the bot: a file that does not parse, a key missing from a required language
(a resident would get an error instead of a text), a `{placeholder}` that differs between
languages (a text that cannot be filled, or one that leaves a value out). A catalogue
beyond the required languages may lack keys: those are said in the fallback language
meanwhile, and listed as warnings, unless the catalogue says it is partial on purpose
(`_language: {partial: true}`: lättläst svenska, a municipality's South Sami).

A knowledge base may bring catalogues of its own (its `i18n/` folder, `extra`): a language
the bot does not ship (sma.yaml), or its own wording of a shipped extra one, which then
replaces the shipped file. Swedish and English are reworded in the base's `texts:` instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.i18n.catalogue import FOLDER, Catalogue, catalogue_files, placeholders, read_catalogue

SHOWN_KEYS = 8  # a warning names this many missing keys, then counts the rest


@dataclass
class Findings:
    """The catalogues as read, and what is wrong with them."""

    catalogues: dict[str, Catalogue] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # the bot must not start with these
    warnings: list[str] = field(default_factory=list)  # said in the fallback language

    def texts(self) -> dict[str, dict[str, str]]:
        """Language -> key -> text."""
        return {lang: c.texts for lang, c in self.catalogues.items()}


def _named(keys: Sequence[str]) -> str:
    shown = ", ".join(keys[:SHOWN_KEYS])
    return shown + (f" and {len(keys) - SHOWN_KEYS} more" if len(keys) > SHOWN_KEYS else "")


def check_catalogues(required: Sequence[str], folder: Path = FOLDER,
                     extra: Path | None = None) -> Findings:
    """Read every catalogue in `folder` (and in `extra`, a knowledge base's own) and check
    them against the first of `required` (the fallback language): the same keys and the
    same placeholders."""
    found = Findings()
    for lang, path in catalogue_files(folder):
        catalogue, problems = read_catalogue(lang, path)
        found.catalogues[lang] = catalogue
        found.problems += problems
    for lang, path in catalogue_files(extra) if extra is not None and extra.is_dir() else ():
        if lang in required:
            found.problems.append(f"{path}: {lang} is the bot's own catalogue; reword its "
                                  "texts in the knowledge base's `texts:` instead")
            continue
        catalogue, problems = read_catalogue(lang, path)
        found.catalogues[lang] = catalogue
        found.problems += problems
    for lang in required:
        if lang not in found.catalogues:
            found.problems.append(f"{folder / (lang + '.yaml')}: missing (a catalogue for "
                                  f"every language the bot speaks: {', '.join(required)})")
    reference = found.catalogues.get(required[0]) if required else None
    if reference is None:
        return found
    for lang, catalogue in found.catalogues.items():
        for key, text in catalogue.texts.items():
            names = placeholders(text)
            if names is None:
                found.problems.append(f"{catalogue.where(key)}: {key}: broken braces; "
                                      "write {{ and }} for a brace of the text")
                continue
            if key not in reference.texts:
                found.problems.append(f"{catalogue.where(key)}: {key}: not a key of "
                                      f"{reference.path.name}")
                continue
            expected = placeholders(reference.texts[key])
            if expected is not None and names != expected:
                found.problems.append(
                    f"{catalogue.where(key)}: {key}: placeholders {_braced(names)} differ "
                    f"from {reference.path.name}'s {_braced(expected)}")
        if catalogue is reference:
            continue
        missing = [k for k in reference.texts if k not in catalogue.texts]
        if not missing or (catalogue.partial and lang not in required):
            continue
        if lang in required:
            found.problems += [f"{catalogue.path}: {k}: missing (in {reference.path.name} "
                               f"on line {reference.lines[k]})" for k in missing]
        else:
            found.warnings.append(f"{catalogue.path}: {len(missing)} key(s) missing, said in "
                                  f"{required[0]} meanwhile: {_named(missing)}")
    return found


def _braced(names: frozenset[str]) -> str:
    return " ".join(f"{{{n}}}" for n in sorted(names)) or "none"


def override_problems(key: str, texts: dict[str, str], catalogues: dict[str, dict[str, str]],
                      fallback: str) -> list[tuple[str | None, str]]:
    """What is wrong with replacing `key`'s wording by `texts` (language -> text), as
    (the language, or None for the key itself; the problem): an unknown key, or
    placeholders other than the catalogue's (the bot fills those, no others)."""
    if key not in catalogues.get(fallback, {}):
        return [(None, "not a key of the text catalogues (bot/i18n)")]
    expected = placeholders(catalogues[fallback][key]) or frozenset()
    problems: list[tuple[str | None, str]] = []
    for lang, text in texts.items():
        names = placeholders(text)
        if names is None:
            problems.append((lang, "broken braces; write {{ and }} for a brace"))
        elif names != expected:
            problems.append((lang, f"placeholders {_braced(names)} differ from the "
                                   f"catalogue's {_braced(expected)}"))
    return problems
