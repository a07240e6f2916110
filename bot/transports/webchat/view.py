"""What the web chat's pages and its event stream show: plain data, HTML already made safe.

The server (server.py, api.py) fills these; the page templates (pages.py) and the page's
script render them. `Entry.to_json` is the event stream's `data:` and the same shape the
script appends, so a reload and a live reply look alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from bot.core.messages import Choice

__all__ = ["ChatView", "Choice", "Entry", "LanguageLink"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the transcript."""

    id: int  # server sequence number, 1, 2, 3 … per conversation
    kind: Literal["you", "bot", "notice"]
    html: str  # safe HTML already (bot: rendered Markdown; you: escaped)
    urgent: bool = False  # the reply was Outcome.EMERGENCY or DISTRESS
    choices: tuple[Choice, ...] = ()
    lang: str = "sv"  # html lang of this entry

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "html": self.html, "urgent": self.urgent,
                "choices": [{"label": c.label, "send": c.send} for c in self.choices],
                "lang": self.lang}


@dataclass(frozen=True, slots=True)
class LanguageLink:
    code: str
    name: str
    html_lang: str
    current: bool


@dataclass(frozen=True, slots=True)
class ChatView:
    lang: str  # the page's language code (sv, en, sv-lattlast, sma)
    html_lang: str  # for <html lang>
    languages: tuple[LanguageLink, ...]
    token: str | None  # the conversation (no-JS pages carry it in the form)
    entries: tuple[Entry, ...]
    urgent: Entry | None  # the latest urgent bot entry: shown at the top, stays
    embed: bool  # inside the widget's iframe
    notice: str | None  # one plain line (limited, expired, too long, error)
    base: str  # "/chat" (path prefix, no trailing slash)
    draft: str = ""  # text kept in the field after a refused send
    max_text: int = 2000  # the field's maxlength: web.max_text
    kommun: str | None = None  # the municipality the page is about (`?kommun=`), if any
