"""Build the event content of a reply: m.notice, sanitised HTML, mentions, relations.

The HTML comes from the reply's Markdown (markdown-it-py) and is cleaned with nh3 down to
the tags and attributes the Matrix spec allows in `formatted_body`.
"""

from __future__ import annotations

from typing import Any

import nh3
from markdown_it import MarkdownIt

from bot.core.plaintext import to_plain

# Client-server spec, "m.room.message msgtypes": the HTML a client should render.
ALLOWED_TAGS = {
    "del", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "p", "a", "ul", "ol", "sup",
    "sub", "li", "b", "i", "u", "strong", "em", "s", "code", "hr", "br", "div", "table",
    "thead", "tbody", "tr", "th", "td", "caption", "pre", "span", "details", "summary",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "target"},
    "ol": {"start"},
    "code": {"class"},
    "span": {"data-mx-bg-color", "data-mx-color"},
}
URL_SCHEMES = {"https", "http", "ftp", "mailto", "magnet"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable("table")


def to_html(markdown: str) -> str:
    """Markdown -> HTML safe for `formatted_body` (raw HTML in the source is escaped)."""
    html = _md.render(markdown).strip()
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel=None)


def reply_content(
    markdown: str,
    *,
    reply_to: str | None,
    thread_root: str | None,
    mention: str | None,
) -> dict[str, Any]:
    """The content of the bot's answer: an m.notice replying to the question (inside the
    thread when the question was in one), with m.mentions on every event and no reply
    fallback (spec v1.13)."""
    content: dict[str, Any] = {
        "msgtype": "m.notice",
        "body": to_plain(markdown),
        "format": "org.matrix.custom.html",
        "formatted_body": to_html(markdown),
        "m.mentions": {"user_ids": [mention]} if mention else {},
    }
    if thread_root:
        relates: dict[str, Any] = {"rel_type": "m.thread", "event_id": thread_root,
                                   "is_falling_back": True}
        if reply_to:
            relates["m.in_reply_to"] = {"event_id": reply_to}
        content["m.relates_to"] = relates
    elif reply_to:
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}
    return content
