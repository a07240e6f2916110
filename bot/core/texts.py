"""Every user-facing text, by key: `t(key, lang, **values)` from the text catalogues.

The words live in `bot/i18n/<lang>.yaml` (one flat map a language), read and checked once,
on first use: the knowledge base's holder asks for them when it starts, so a broken
catalogue stops the bot at start with one line a problem (`CatalogueError`), not in front
of a resident. A language whose catalogue lacks a key says it in its base language, then
in Swedish ("sv-lattlast" -> "sv"; see bot.text.lang.fallbacks). A deployment may reword a
text in its knowledge base (`texts:`) and bring catalogues of its own (its `i18n/` folder:
sma.yaml for South Sami); both are validated when the knowledge base loads and put in
service with it (`use_overrides`).

`languages()` lists the languages a reply can be in, one for each catalogue: the web chat's
language menu offers exactly these.

Keys are always written out in full where they are used ("fb_saved", or a mapping from a
value to its key), never built from pieces, so that a search finds every use of a text.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.i18n.catalogue import FOLDER, CatalogueError, language_tag, read_notices
from bot.i18n.check import Findings, check_catalogues, override_problems
from bot.text.lang import DEFAULT, LANGS, code_of, fallbacks

__all__ = ["CatalogueError", "Language", "both", "catalogue_findings", "language",
           "languages", "load", "notices", "override_problems_for", "t", "use_overrides"]

log = logging.getLogger(__name__)
# Every language the bot speaks must have every key; Swedish first, the fallback.
REQUIRED: tuple[str, ...] = (DEFAULT, *(lang for lang in LANGS if lang != DEFAULT))


@dataclass(frozen=True, slots=True)
class Language:
    """A language a reply can be in: its catalogue code ("sv-lattlast"), its own name
    ("Lättläst svenska") and the tag for <html lang> ("sv")."""

    code: str
    name: str
    html_lang: str


_texts: dict[str, dict[str, str]] | None = None
_languages: dict[str, Language] = {}
_overrides: dict[str, dict[str, str]] = {}
# Where the catalogues in service were read from: the folder (None: the shipped one) and
# the knowledge base's own i18n/ folder.
_folder: Path | None = None
_own: Path | None = None


def catalogue_findings(folder: Path | None = None, extra: Path | None = None) -> Findings:
    """The catalogues in `folder` (the shipped ones by default), and a knowledge base's own
    in `extra`, with their problems and warnings (for `check`)."""
    return check_catalogues(REQUIRED, folder or FOLDER, extra)


def load(folder: Path | None = None, extra: Path | None = None) -> dict[str, dict[str, str]]:
    """Read and check the catalogues (`extra`: a knowledge base's own) and speak from them
    from now on; raise CatalogueError on a problem. Warnings (a third language's missing
    keys) are logged."""
    global _texts, _languages, _folder, _own
    found = catalogue_findings(folder, extra)
    if found.problems:
        raise CatalogueError(found.problems)
    for warning in found.warnings:
        log.warning("text catalogue: %s", warning)
    _texts = found.texts()
    _folder, _own = folder, extra
    read = found.catalogues
    order = [*(c for c in REQUIRED if c in read), *sorted(c for c in read if c not in REQUIRED)]
    _languages = {code: Language(code, read[code].name or code,
                                 read[code].html_lang or language_tag(code)) for code in order}
    return _texts


def _catalogues() -> dict[str, dict[str, str]]:
    return _texts if _texts is not None else load()


def t(key: str, lang: str, **values: object) -> str:
    """The text `key` in `lang` (a language code, or a turn's ReplyLang: its code), filled
    with `values`: in each of `fallbacks(lang)` in turn ("sv-lattlast", then "sv"), a
    deployment's wording first, then the catalogue."""
    texts = _catalogues()
    override = _overrides.get(key)
    for each in fallbacks(lang):
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


def use_overrides(overrides: Mapping[str, Mapping[str, str]], own: Path | None = None) -> None:
    """Put a knowledge base's wording in service (key -> language -> text) and its own
    catalogues (`own`: its i18n/ folder, None for none), replacing the previous base's;
    each was validated when the base loaded (`override_problems_for`, `catalogue_findings`).
    """
    global _overrides
    if _texts is None or own != _own:
        load(_folder, own)  # now, at start, not at the first question
    _overrides = {key: dict(texts) for key, texts in overrides.items()}


def languages() -> tuple[Language, ...]:
    """Every language a reply can be in, one for each catalogue: Swedish first, then
    English, then the others (lättläst svenska, a municipality's South Sami …)."""
    _catalogues()
    return tuple(_languages.values())


def language(code: str | None) -> Language | None:
    """The language `code` names (a code or a turn's ReplyLang), or None when there is no
    catalogue for it."""
    if code is None:
        return None
    _catalogues()
    return _languages.get(code_of(code))


def notices() -> dict[str, str]:
    """The fixed notices for a message in a language the bot does not read."""
    return read_notices(FOLDER / "notices.yaml")
