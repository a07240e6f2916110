"""Render a reply's Markdown as plain text: for terminals (bold in colour) and for the
plain `body` that chat protocols carry beside their HTML."""

from __future__ import annotations

import textwrap

from markdown_it import MarkdownIt
from markdown_it.token import Token

_md = MarkdownIt("commonmark")
BOLD, RESET = "\033[1m", "\033[0m"


def wrap(text: str, width: int) -> str:
    """Wrap long lines at word boundaries, indenting a list item's continuation."""
    out: list[str] = []
    for line in text.splitlines():
        stripped = line.lstrip()
        marker = stripped.split(" ", 1)[0] if stripped else ""
        indent = " " * (len(line) - len(stripped))
        if marker == "•" or (marker[:-1].isdigit() and marker.endswith(".")):
            indent += " " * (len(marker) + 1)
        out.append(textwrap.fill(line, width, subsequent_indent=indent,
                                 break_long_words=False, break_on_hyphens=False) or "")
    return "\n".join(out)


def to_plain(markdown: str, colour: bool = False) -> str:
    lines: list[str] = []
    prefix: list[str] = []
    ordinal: list[int] = []
    for token in _md.parse(markdown):
        if token.type == "bullet_list_open":
            ordinal.append(0)
        elif token.type == "ordered_list_open":
            ordinal.append(int(token.attrs.get("start", 1) or 1))
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            ordinal.pop()
            if not ordinal:
                lines.append("")
        elif token.type == "list_item_open":
            depth = "  " * (len(ordinal) - 1)
            if ordinal and ordinal[-1]:
                prefix.append(f"{depth}{ordinal[-1]}. ")
                ordinal[-1] += 1
            else:
                prefix.append(f"{depth}• ")
        elif token.type == "inline":
            text = _inline(token.children or [], colour)
            lines.append((prefix.pop() if prefix else "") + text)
        elif token.type == "paragraph_close" and not ordinal:
            lines.append("")
        elif token.type in ("fence", "code_block"):
            lines.append(token.content.rstrip("\n"))
    return "\n".join(lines).strip("\n")


def _inline(children: list[Token], colour: bool) -> str:
    out: list[str] = []
    href: list[str] = []
    for child in children:
        if child.type == "text" or child.type == "code_inline":
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif child.type in ("strong_open", "strong_close") and colour:
            out.append(BOLD if child.type == "strong_open" else RESET)
        elif child.type == "link_open":
            href.append(str(child.attrs.get("href", "")))
            out.append("\0")  # where the link text starts
        elif child.type == "link_close":
            url = href.pop()
            start = len(out) - 1 - out[::-1].index("\0")
            label = "".join(out[start + 1:])
            del out[start:]
            out.append(label if label == url else f"{label} ({url})")
    return "".join(out)
