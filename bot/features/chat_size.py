"""How much text one chat reply may hold.

A Matrix event is at most 64 KiB with its JSON, and the transport sends the Markdown twice
(as text and as HTML); Teams is stricter still. Replies that grow with the data (a report, a
list) are cut to CHAT_MOST bytes of UTF-8 at a line, and say what is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

CHAT_MOST = 16_000  # bytes
LINE_MOST = 1_000  # characters of one line of a list


def size(text: str) -> int:
    return len(text.encode("utf-8"))


def short_line(line: str, most: int = LINE_MOST) -> str:
    """`line` on one line, at most `most` characters (a cut ends in " …")."""
    line = " ".join(line.split())
    return line if len(line) <= most else line[:most - 2].rstrip() + " …"


def cut(text: str, tail: str, most: int = CHAT_MOST) -> str:
    """`text` when it fits in `most` bytes; otherwise its first whole lines and then
    `tail` (which says where the rest is), together within `most`."""
    if size(text) <= most:
        return text
    budget = most - size(tail) - 2
    head = text.encode("utf-8")[:max(budget, 0)].decode("utf-8", errors="ignore")
    head = head.rsplit("\n", 1)[0] if "\n" in head else ""
    return (head.rstrip() + "\n\n" + tail).lstrip()


def fit_lines(head: str, lines: Sequence[str], more: Callable[[int], str], left: int = 0,
              most: int = CHAT_MOST) -> str:
    """`head`, then as many of `lines` (each made short) as fit in `most` bytes, then
    `more(n)` for the n left out (`left` of them were left out before)."""
    out = [head]
    used = size(head)
    room = most - size(more(left + len(lines))) - 1
    for i, line in enumerate(lines):
        line = short_line(line)
        if used + 1 + size(line) > room:
            left += len(lines) - i
            break
        out.append(line)
        used += 1 + size(line)
    if left:
        out.append(more(left))
    return "\n".join(out)
