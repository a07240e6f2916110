"""A reply as the activity the Teams app sends, and a card button's press as the text it
stands for.

Without choices a reply is a text message in Teams' HTML (`textFormat: xml`), rendered by
teams_text exactly as the outgoing webhook does: Teams' own Markdown dialect is not
specified, and a resident's text that the core made literal (`&#42;`) must stay literal.

With choices it is one Adaptive Card (schema 1.5): the reply's text, numbered list
included (screen readers, and anyone who prefers to type the number), then one
Action.Submit per choice whose `data` carries the choice's `send`. The text goes into
RichTextBlock/TextRun elements, never into a TextBlock: a TextBlock reads its text as
Markdown with no way to escape, so a resident's "**" or "[x](https://…)" quoted in a
reply would become bold or a link. Here markdown-it parses the core's Markdown (its
character references come out as the characters) and only the formatting the core wrote
becomes bold, italic or a link; every character of the text is shown as text.

A choice that asks for something (`Choice.ask`: staff's Bekräfta asks when, Avböj asks
why) is an Action.ShowCard: pressed, it opens a labelled text field under the card and a
button that sends. One free-text field, not Input.Date/Input.Time: staff write "vecka 50"
or "2026-12-10 09:00 i aulan", and the typed command reads both the same way.

A press arrives as a message activity with `value` = the action's `data` (merged with the
card's inputs) and no text. `submitted_text` gives back the `send`, followed by what was
typed in the choice's field, and the transport hands it to the core as if it had been
typed: a card answer and a typed answer cannot differ. Plain Action.Submit, not
imBack/messageBack: nothing is posted in the person's name (in a channel everyone would
see which category a /tyck got), and the bot's reply shows what was chosen.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.core import CardFactory, MessageFactory

from bot.core.messages import Choice, Reply
from bot.core.plaintext import to_plain
from bot.transports.teams_text import URL_SCHEMES, to_teams_html

__all__ = ["MARK", "MAX_BYTES", "MAX_CHOICES", "MAX_SEND", "reply_activity",
           "submitted_text"]

MARK = "medborgarbot"  # in every button's data: a value without it is not ours
MAX_SEND = 200  # a button's `send`: the longest any choice sends is a short command
MAX_ANSWER = 500  # what a choice's field takes (the core answers a longer message itself)
FIELD = "answer-"  # the id of a choice's field: this and the choice's place on the card
MAX_CHOICES = 10  # buttons a card shows; more are for typing (the text keeps them all)
PER_ROW = 5  # buttons an ActionSet holds: Teams' host config shows at most 6 in one
MAX_TITLE = 60  # a button's title in characters; longer labels end in "…"
MAX_LABEL = 120  # a field's label, likewise
# Teams refuses a message over about 28 KB; the card is kept under this many bytes of
# JSON so that the envelope (ids, serviceUrl, channelData) fits beside it.
MAX_BYTES = 24_000
MAX_BODY_CHARS = 8_000  # the card's text before any byte check
MAX_FALLBACK = 1_000  # the card's fallbackText, for clients without card support
MAX_SUMMARY = 200  # the activity's summary: notifications and chat lists show it

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})


def reply_activity(reply: Reply) -> Activity:
    """The message activity that shows `reply` in Teams."""
    buttons = [c for c in reply.choices if _valid_send(c.send)][:MAX_CHOICES]
    if not buttons:
        activity = MessageFactory.text(to_teams_html(reply.text))
        activity.text_format = "xml"
        return activity
    plain = to_plain(reply.text)
    budget = MAX_BODY_CHARS
    while True:
        card = _card(reply, buttons, budget)
        if len(json.dumps(card, ensure_ascii=False).encode()) <= MAX_BYTES or budget < 100:
            break
        budget //= 2  # wide characters (emoji: 4 bytes, escapes) need a smaller budget
    activity = MessageFactory.attachment(CardFactory.adaptive_card(card))
    # No `text` beside the card: Teams would show the reply twice. The summary is what a
    # notification and a client without cards show.
    activity.summary = _cut(" ".join(plain.split()), MAX_SUMMARY)
    return activity


def submitted_text(activity: Activity) -> str | None:
    """The text a card button stands for, from the message its press arrives as; None for
    anything else (typed text, another app's card, a value that is not what we sent)."""
    if activity.type != ActivityTypes.message:
        return None
    value = activity.value
    if not isinstance(value, dict) or type(value.get(MARK)) is not int or value[MARK] != 1:
        return None
    send = value.get("send")
    if not isinstance(send, str) or not _valid_send(send):
        return None
    field = value.get("field")
    typed = value.get(field) if isinstance(field, str) and field.startswith(FIELD) else None
    # What the field held follows the command as typed; empty, the command goes alone.
    return f"{send} {typed.strip()}" if isinstance(typed, str) and typed.strip() else send


def _valid_send(send: str) -> bool:
    # What a button may send, checked when it is made and when it comes back: a short,
    # printable line (no line breaks, control or invisible format characters).
    return 0 < len(send) <= MAX_SEND and send.isprintable() and bool(send.strip())


def _card(reply: Reply, buttons: list[Choice], budget: int) -> dict[str, Any]:
    body: list[dict[str, Any]] = _blocks(reply.text, budget)
    for start in range(0, len(buttons), PER_ROW):
        body.append({"type": "ActionSet", "actions": [
            _action(c, start + n) for n, c in enumerate(buttons[start:start + PER_ROW])]})
    return {"type": "AdaptiveCard",
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": "1.5", "lang": reply.lang, "body": body,
            # Shown by a client without Adaptive Cards 1.5, which may read it as Markdown:
            # so the core's Markdown, whose quoted text is literal in every renderer.
            "fallbackText": _cut(reply.text, min(MAX_FALLBACK, budget)),
            "msteams": {"width": "Full"}}


def _action(choice: Choice, place: int) -> dict[str, Any]:
    """A choice's button: it sends at once, or (the choice asks for something) opens a
    labelled field and a button that sends the choice with what was typed there."""
    title = _title(choice.label)
    data: dict[str, Any] = {MARK: 1, "send": choice.send}
    if not choice.ask:
        return {"type": "Action.Submit", "title": title, "data": data}
    field = f"{FIELD}{place}"
    return {"type": "Action.ShowCard", "title": title, "card": {
        "type": "AdaptiveCard",
        "body": [{"type": "Input.Text", "id": field, "label": _title(choice.ask, MAX_LABEL),
                  "maxLength": MAX_ANSWER}],
        "actions": [{"type": "Action.Submit", "title": title,
                     "data": data | {"field": field}}]}}


def _title(label: str, most: int = 0) -> str:
    """A button's title: one line of visible characters (Teams shows titles as plain
    text, but a line break or a direction override would still garble the button)."""
    text = "".join(ch if ch.isprintable() else " " for ch in label)
    return _cut(" ".join(text.split()), most or MAX_TITLE) or "…"


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[:most - 1].rstrip() + "…"


class _Runs:
    """The RichTextBlocks of a reply, one a line, within a budget of characters."""

    def __init__(self, budget: int) -> None:
        self.blocks: list[dict[str, Any]] = []
        self.line: list[dict[str, Any]] = []
        self.left = budget
        self.gap = "None"  # the spacing of the next block

    def add(self, text: str, **style: Any) -> None:
        if not text or self.left <= 0:
            return
        text = _visible(text)
        if len(text) >= self.left:
            text, self.left = _cut(text, self.left), 0
        else:
            self.left -= len(text)
        last = self.line[-1] if self.line else None
        if last is not None and {k: v for k, v in last.items() if k != "text"} == \
                {"type": "TextRun", **style}:
            last["text"] += text  # one run per stretch of the same style
        else:
            self.line.append({"type": "TextRun", "text": text, **style})

    def end_line(self, gap: str = "None") -> None:
        if self.line:
            self.blocks.append({"type": "RichTextBlock", "inlines": self.line,
                                "spacing": self.gap})
            self.line, self.gap = [], gap
        elif gap != "None":
            self.gap = gap


def _visible(text: str) -> str:
    # Control characters as spaces; bidi overrides and other format characters (which
    # could reorder what is read) dropped, as bot.core.literal does.
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text
                   if unicodedata.category(ch) != "Cf" or ch == "\u200d")


def _blocks(markdown: str, budget: int) -> list[dict[str, Any]]:
    runs = _Runs(budget)
    ordinal: list[int] = []  # per open list: the next number, 0 for a bullet list
    prefix = ""
    bold = False  # inside a heading
    for token in _md.parse(markdown):
        kind = token.type
        if kind == "bullet_list_open":
            ordinal.append(0)
        elif kind == "ordered_list_open":
            ordinal.append(int(token.attrs.get("start", 1) or 1))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            ordinal.pop()
            runs.end_line("Default" if not ordinal else "None")
        elif kind == "list_item_open":
            depth = "    " * (len(ordinal) - 1)
            if ordinal and ordinal[-1]:
                prefix = f"{depth}{ordinal[-1]}. "
                ordinal[-1] += 1
            else:
                prefix = f"{depth}• "
        elif kind == "heading_open":
            bold = True
        elif kind == "heading_close":
            bold = False
            runs.end_line("Default")
        elif kind == "inline":
            runs.add(prefix)
            prefix = ""
            _inline(runs, token.children or [], bold)
            runs.end_line()
        elif kind == "paragraph_close" and not ordinal:
            runs.end_line("Default")
        elif kind in ("fence", "code_block"):
            for line in token.content.rstrip("\n").split("\n"):
                runs.add(line or " ", fontType="Monospace")
                runs.end_line()
            runs.end_line("Default")
    runs.end_line()
    return runs.blocks


def _inline(runs: _Runs, children: list[Token], bold: bool) -> None:
    strong, em, strike = 1 if bold else 0, 0, 0
    links: list[str | None] = []
    for child in children:
        kind = child.type
        if kind == "strong_open":
            strong += 1
        elif kind == "strong_close":
            strong -= 1
        elif kind == "em_open":
            em += 1
        elif kind == "em_close":
            em -= 1
        elif kind == "s_open":
            strike += 1
        elif kind == "s_close":
            strike -= 1
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
            links.append(href if href.split(":", 1)[0].lower() in URL_SCHEMES else None)
        elif kind == "link_close":
            links.pop()
        elif kind in ("softbreak", "hardbreak"):
            runs.end_line()
        elif kind in ("text", "code_inline", "image"):
            style: dict[str, Any] = {}
            if strong:
                style["weight"] = "Bolder"
            if em:
                style["italic"] = True
            if strike:
                style["strikethrough"] = True
            if kind == "code_inline":
                style["fontType"] = "Monospace"
            url = links[-1] if links else None  # CommonMark links do not nest
            if url:
                style["selectAction"] = {"type": "Action.OpenUrl", "url": url}
            text = child.content
            if kind == "image":  # its alt text; a reply never carries images
                text = "".join(c.content for c in child.children or [])
            runs.add(text, **style)
