"""The web chat's two HTML pages, from Jinja2 templates: the chat and the accessibility
statement.

Every word comes from the text catalogues through `t`; every tag is in `templates/`.
Autoescape is on and undefined names raise (StrictUndefined), so a slip in a template is a
test failure, not a blank on a resident's screen. Only HTML the server already made safe
(`Entry.html`: rendered Markdown cleaned by nh3, or the person's own text escaped) goes in
with `|safe`.

The pages carry no inline script or style: the Content-Security-Policy forbids both. The
script and the style are `static/`, named with a `?v=` hash of their content, so that a
browser may keep them long and still never runs an old script against a new page.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from bot.core.texts import language, languages, t
from bot.transports.webchat.view import ChatView, LanguageLink

__all__ = ["STATIC", "render_chat", "render_statement", "static_url", "static_version"]

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
# Digg's page for reporting a public body's inaccessible digital service (DOS-lagen).
# Its short address, as Digg publishes it ("Anmäl bristande tillgänglighet").
DIGG_REPORT = "https://www.digg.se/tdosanmalan"
POLICE_SITE = "https://polisen.se"


@cache
def _environment() -> Environment:
    # A FileSystemLoader on this folder rather than a PackageLoader: the package's
    # __init__ imports the server, which imports this module.
    return Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@cache
def static_version(name: str) -> str:
    """A short hash of a static file's content: its cache-buster. Read once a process;
    a new release is a new process."""
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]


def static_url(base: str, name: str) -> str:
    return f"{base}/static/{name}?v={static_version(name)}"


def _helpers(lang: str, base: str) -> dict[str, object]:
    """What every template gets: texts, texts with links in them, static URLs."""

    def text(key: str) -> str:
        return t(key, lang)

    def linked(key: str, **links: Markup) -> Markup:
        """A text whose {placeholders} are links made in the template: the text is
        escaped, the links (Markup) are not."""
        return Markup(escape(t(key, lang))).format(**links)

    def static(name: str) -> str:
        return static_url(base, name)

    return {"t": text, "linked": linked, "static": static, "police_site": POLICE_SITE}


def render_chat(view: ChatView) -> str:
    """The chat page (or its embedded form, `view.embed`) for `view`."""
    return _environment().get_template("chat.html").render(
        view=view, **_helpers(view.lang, view.base)).lstrip()


def _language_links(current: str) -> tuple[LanguageLink, ...]:
    return tuple(LanguageLink(code=lang.code, name=lang.name, html_lang=lang.html_lang,
                              current=lang.code == current) for lang in languages())


def render_statement(lang: str, base: str, contact_url: str | None = None) -> str:
    """The accessibility statement (/chat/tillganglighet) in `lang` (Swedish when no such
    catalogue); `contact_url` is where a resident reports a problem (the municipality's
    contact page), when the deployment names one."""
    chosen = language(lang) or language("sv")
    assert chosen is not None  # Swedish always has a catalogue
    return _environment().get_template("statement.html").render(
        lang=chosen.code, html_lang=chosen.html_lang, base=base,
        languages=_language_links(chosen.code), contact_url=contact_url,
        digg_report=DIGG_REPORT, **_helpers(chosen.code, base)).lstrip()
