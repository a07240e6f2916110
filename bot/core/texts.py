"""Every user-facing text, by key: `t(key, lang, **values)` from the text catalogues.

The words live in `bot/i18n/<lang>.yaml` (one flat map a language), read and checked once,
on first use: the knowledge base's holder asks for them when it starts, so a broken
catalogue stops the bot at start with one line a problem (`CatalogueError`), not in front
of a resident. A language whose catalogue lacks a key says it in Swedish. A deployment may
reword a text in its knowledge base (`texts:`); those overrides are validated when the
knowledge base loads and put in service with it (`use_overrides`).

Keys are always written out in full where they are used ("fb_saved", or a mapping from a
value to its key), never built from pieces, so that a search finds every use of a text.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from bot.i18n.catalogue import FOLDER, CatalogueError, read_notices
from bot.i18n.check import Findings, check_catalogues, override_problems
from bot.text.lang import DEFAULT, LANGS

__all__ = ["CatalogueError", "both", "catalogue_findings", "load", "notices",
           "override_problems_for", "t", "use_overrides"]

log = logging.getLogger(__name__)
# Every language the bot speaks must have every key; Swedish first, the fallback.
REQUIRED: tuple[str, ...] = (DEFAULT, *(lang for lang in LANGS if lang != DEFAULT))

_texts: dict[str, dict[str, str]] | None = None
_overrides: dict[str, dict[str, str]] = {}


def catalogue_findings(folder: Path | None = None) -> Findings:
    """The catalogues in `folder` (the shipped ones by default) with their problems and
    warnings (for `check`)."""
    return check_catalogues(REQUIRED, folder or FOLDER)


def load(folder: Path | None = None) -> dict[str, dict[str, str]]:
    """Read and check the catalogues and speak from them from now on; raise
    CatalogueError on a problem. Warnings (a third language's missing keys) are logged."""
    global _texts
    found = catalogue_findings(folder)
    if found.problems:
        raise CatalogueError(found.problems)
    for warning in found.warnings:
        log.warning("text catalogue: %s", warning)
    _texts = found.texts()
    return _texts


def _catalogues() -> dict[str, dict[str, str]]:
    return _texts if _texts is not None else load()


def t(key: str, lang: str, **values: object) -> str:
    """The text `key` in `lang` (a deployment's wording first, then the catalogue, then
    Swedish), filled with `values`."""
    texts = _catalogues()
    override = _overrides.get(key)
    for each in (lang, DEFAULT):
        text = override.get(each) if override else None
        if text is None:
            text = texts.get(each, {}).get(key)
        if text is not None:
            return text.format(**values) if values else text
    raise KeyError(f"no text {key!r} in the catalogues")


def both(key: str) -> str:
    """Swedish, then English: for when the person's language is unknown (a transport that
    answers before the core has read the message, or a message nobody could read)."""
    return t(key, "sv") + "\n\n" + t(key, "en")


def override_problems_for(key: str, texts: Mapping[str, str]) -> list[tuple[str | None, str]]:
    """What is wrong with a deployment's wording `texts` (language -> text) for `key`: (the
    language, or None for the key; the problem)."""
    return override_problems(key, dict(texts), _catalogues(), DEFAULT)


def use_overrides(overrides: Mapping[str, Mapping[str, str]]) -> None:
    """Put a knowledge base's wording in service (key -> language -> text), replacing the
    previous base's; each was validated with `override_problems_for` when it loaded."""
    global _overrides
    _catalogues()  # read the catalogues now, at start, not at the first question
    _overrides = {key: dict(texts) for key, texts in overrides.items()}


def notices() -> dict[str, str]:
    """The fixed notices for a message in a language the bot does not read."""
    return read_notices(FOLDER / "notices.yaml")
