"""Text in and out of Teams: the HTML-ish text of a post as the person meant it, and a
reply's Markdown as the HTML Teams shows (`textFormat: xml`).

In: the obvious regular expressions (`<at\\b[^>]*>.*?</at>`, `<[^>]*>`) backtrack: each
`<` without a matching `>` or `</at>` makes them scan to the end again, so 16,000 `<at>`
took seconds. The scanner below moves forward with str.find and one literal search for
`</at>`, and so costs time linear in the text's length.

Out: the reply's Markdown is rendered here (markdown-it, raw HTML off), not by Teams,
whose Markdown dialect is not specified: a resident's text that the core made literal
(numeric character references, see bot.core.literal) stays literal, and an `<at>` in it
comes out as text, never as a mention. nh3 keeps only the tags Teams shows in a message.
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt

# Teams' "Format your bot messages": what a text message shows (no tables, no images).
TAGS = {"p", "br", "b", "strong", "i", "em", "s", "del", "strike", "h1", "h2", "h3", "hr",
        "ul", "ol", "li", "pre", "code", "blockquote", "a"}
ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = {"https", "http", "mailto", "tel"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})


_CLOSE = re.compile(r"</at\s*>", re.IGNORECASE)  # linear: no nested repetition


def _opens_mention(tag: str) -> bool:
    """`tag` (between < and >) opens an `<at>`: "at", "AT id='1'", not "atom"."""
    return (tag[:2].lower() == "at"
            and (len(tag) == 2 or not (tag[2].isalnum() or tag[2] == "_")))


def plain_text(text: str) -> str:
    """Teams' HTML-ish text as the person meant it: without `<at>` mentions (the bot's own,
    and others', whose names are personal data the core has no use for), tags or entities.
    Every tag becomes a space; an `<at …>` takes everything up to its `</at>` with it.

    Linear: each character is passed over a bounded number of times. A tag ends at the
    first ">" after its "<", and the next search starts after it; a search for `</at>`
    that finds one goes on after it, and one that finds none is not made again."""
    out: list[str] = []
    i, n = 0, len(text)
    unclosed_from = n + 1  # no `</at>` at or after this index
    while i < n:
        lt = text.find("<", i)
        gt = text.find(">", lt) if lt >= 0 else -1
        if gt < 0:  # no tag from here on: no later "<" has a ">" after it either
            out.append(text[i:])
            break
        out.append(text[i:lt])
        out.append(" ")
        i = gt + 1
        if _opens_mention(text[lt + 1:gt]) and i < unclosed_from:
            close = _CLOSE.search(text, i)
            if close is None:
                unclosed_from = i
            else:
                i = close.end()
    return " ".join(html.unescape("".join(out)).split())


def to_teams_html(markdown: str) -> str:
    """A reply's Markdown as the HTML Teams shows: raw HTML in it stays text."""
    if not markdown:
        return ""
    return nh3.clean(_md.render(markdown).strip(), tags=TAGS, attributes=ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel=None)
