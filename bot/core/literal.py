"""Residents' text inside a reply's Markdown, shown as typed.

A reply is Markdown: markdown-it renders it to HTML for Matrix (and to plain text for the
terminal and Matrix' `body`, see bot.core.plaintext), and Teams renders it itself. Text a
resident typed must come out of every one of them as the same characters: no link, image,
heading, list, quote, table, emphasis, HTML tag, mention or pill may come of it, and
nothing in it may become clickable. So `literal` makes:

- every ASCII character that Markdown or HTML give a meaning wherever it stands
  (``\\ ` * _ < > & | ~ { } $ ^``), a "]" that would close a link, an image or a link
  definition ("](", "][", "]:"), and the first mark of a line ("- ", "# ", "1. ", "=== ")
  a numeric character reference (``&#42;``). CommonMark and every HTML renderer show a
  reference as its character but never read it as syntax (CommonMark, "Entity and numeric
  character references"), where a backslash escape depends on the dialect. A marker such
  as "[namn]" stays as it is;
- links that a client would make by itself out of plain text (Element and Teams link
  "example.se", "https://…", "@user:server", "@room") unmade, by a WORD JOINER (U+2060,
  invisible) after every "@" and "#", after the colon of "://" and before every "." between
  two letters or digits;
- direction overrides and other invisible format characters dropped (they could reorder
  what staff read; bot.privacy.redact.clean drops the same), control characters spaces,
  and with ``one_line`` line breaks too.
"""

from __future__ import annotations

import re
import unicodedata

WJ = "\u2060"
_ZWJ = "\u200d"
_MEANINGFUL = frozenset("\\`*_<>&|~{}$^")
# A "]" makes a link or image only right before "(" or "[", or a definition before ":".
_LINK_END = re.compile(r"\](?=[(\[:])")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
_LINK_BREAKS = re.compile(r"[@#]|:(?=//)|(?<=[^\W_])\.(?=[^\W_])")
_LIST_MARK = re.compile(r"^(\d{1,9})([.)])")


def _ref(ch: str) -> str:
    return f"&#{ord(ch)};"


def _clean(text: str) -> str:
    """Without bidi overrides, zero-width and tag characters (but a zero-width joiner
    between two non-letters, which joins emoji: 👨‍👩‍👧), control characters as spaces."""
    out: list[str] = []
    for i, ch in enumerate(text):
        kind = unicodedata.category(ch)
        if kind == "Cf":
            if ch == _ZWJ and 0 < i < len(text) - 1 and not (
                    text[i - 1].isalnum() or text[i + 1].isalnum()):
                out.append(ch)
        else:
            out.append(" " if kind == "Cc" and ch != "\n" else ch)
    return "".join(out)


def _line(line: str) -> str:
    line = line.strip()
    if not line:
        return ""
    line = _LINK_BREAKS.sub(lambda m: m[0] + WJ if m[0] != "." else WJ + ".", line)
    if m := _LIST_MARK.match(line):  # "1. " or "1) " would start a list
        head, line = m[1] + _ref(m[2]), line[m.end():]
    elif line[0] in "-+=#>":  # a list, heading, quote or underline ("*", "|": below)
        head, line = _ref(line[0]), line[1:]
    else:
        head = ""
    line = "".join(_ref(ch) if ch in _MEANINGFUL else ch for ch in line)
    return head + _LINK_END.sub(_ref("]"), line)


def literal(text: str, *, one_line: bool = False) -> str:
    """Markdown that every renderer of the bot's replies shows as `text` (without its
    invisible characters), never as formatting, a link or a mention."""
    text = _LINE_BREAKS.sub("\n", unicodedata.normalize("NFC", text))
    text = _clean(text)
    if one_line:
        return _line(" ".join(text.split()))
    return "\n".join(_line(line) for line in text.split("\n"))
