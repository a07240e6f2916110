"""A reply's Markdown as the HTML the web page shows, and the person's own text as text.

As for Teams (teams_text.py): markdown-it renders with raw HTML off, so a resident's text
that the core quotes stays text, and nh3 keeps only a small set of tags. Links are real
links; one that leads off this site opens in a new tab without telling the other site
where it came from (`rel="noopener noreferrer"`). Bare addresses in a text (a contact's
web page or e-mail) become links too, by a small linear matcher in linkify-it's place
(markdown-it asks only `pretest`, `test` and `match`). Measured against linkify-it-py 2.2
on a knowledge-base answer with addresses: 0.29 ms a render against 0.78 ms, and
linkify-it's fuzzy mode makes "polisen.se" a link to http://, not https://; so it stays.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from typing import Any

import nh3
from markdown_it import MarkdownIt

__all__ = ["line_html", "to_html", "you_html"]

TAGS = {"p", "br", "strong", "em", "b", "i", "s", "del", "ul", "ol", "li", "a", "code",
        "pre", "blockquote", "hr"}
# A span only as _link_close writes it (raw HTML is off: a text cannot bring one).
TAGS |= {"span"}
ATTRIBUTES = {"a": {"href", "target", "rel"}, "ol": {"start"}, "span": {"class"}}
URL_SCHEMES = {"https", "http", "mailto", "tel"}
# No nested repetition: linear in the text's length.
_BARE = re.compile(r"\bhttps?://[^\s<>\"'`]+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_TRAILING = ".,;:!?'\"»”’"


@dataclass(frozen=True, slots=True)
class _Link:
    url: str
    text: str
    index: int
    last_index: int
    schema: str


def _trim(found: str) -> str:
    """An address without the punctuation after it ("se https://x.se/a." ends at "a")."""
    while found and (found[-1] in _TRAILING
                     or (found[-1] == ")" and found.count("(") < found.count(")"))):
        found = found[:-1]
    return found


class _Linkify:
    """The part of linkify-it's interface that markdown-it's linkify rules call."""

    def pretest(self, text: str) -> bool:
        return "://" in text or "@" in text

    def test(self, text: str) -> bool:
        return bool(self.match(text))

    def match(self, text: str) -> list[_Link]:
        links = []
        for found in _BARE.finditer(text):
            shown = _trim(found.group())
            if "://" in shown:
                links.append(_Link(shown, shown, found.start(), found.start() + len(shown),
                                   shown.split(":", 1)[0] + ":"))
            elif "@" in shown:
                links.append(_Link("mailto:" + shown, shown, found.start(),
                                   found.start() + len(shown), "mailto:"))
        return links

    def match_at_start(self, text: str) -> _Link | None:
        found = _BARE.match(text)
        shown = _trim(found.group()) if found else ""
        if "://" not in shown:
            return None
        return _Link(shown, shown, 0, len(shown), shown.split(":", 1)[0] + ":")


def _external(href: str) -> bool:
    return href.startswith(("http://", "https://", "//"))


def _link_open(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    external = _external(str(token.attrGet("href") or ""))
    if external:
        token.attrSet("target", "_blank")
        token.attrSet("rel", "noopener noreferrer")
    env.setdefault("opened", []).append(external)
    return str(self.renderToken(tokens, idx, options, env))


def _link_close(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    """A link that opens a new tab says so to a screen reader (WCAG G201)."""
    external = env.get("opened", [False]).pop() if env.get("opened") else False
    note = env.get("new_window", "")
    said = f'<span class="visually-hidden"> {html.escape(note)}</span>' if (
        external and note) else ""
    return said + str(self.renderToken(tokens, idx, options, env))


_md = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True})
_md.linkify = _Linkify()
_md.enable("linkify")
_md.add_render_rule("link_open", _link_open)
_md.add_render_rule("link_close", _link_close)


def _clean(rendered: str) -> str:
    return nh3.clean(rendered, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel=None)


def to_html(markdown: str, new_window: str = "") -> str:
    """A reply's Markdown as safe HTML: raw HTML in it stays text, links are links; a link
    to another site says `new_window` ("(opens in a new window)") to screen readers."""
    if not markdown:
        return ""
    return _clean(_md.render(markdown, {"new_window": new_window}).strip())


# Answers from the knowledge base repeat across residents, and rendering is the largest
# part of a reply's cost (bench/webchat_load.py: about 40 % of the server's CPU). Only
# answers to a topic are cached (the engine decides): a dialogue's reply quotes what the
# person wrote in /tyck, and that must be forgotten with the conversation. (A topic answer
# may list a teacher's own requests, which the store holds anyway.)
@functools.lru_cache(maxsize=512)
def answer_html(markdown: str, new_window: str = "") -> str:
    """`to_html` for a reply that holds no resident's words (an answer, a suggestion)."""
    return to_html(markdown, new_window)


def line_html(markdown: str) -> str:
    """One short line of the catalogue (a notice) as inline HTML, without a paragraph."""
    return _clean(_md.renderInline(markdown).strip())


def you_html(text: str) -> str:
    """What the person wrote, as text: escaped, a line break for each newline."""
    return "<br>".join(html.escape(line, quote=True) for line in text.split("\n"))
