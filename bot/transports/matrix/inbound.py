"""Turn a Matrix timeline event into an IncomingMessage, or decide to let it pass.

Private conversation: a room with two members. In a group room the bot is addressed by a
mention, a reply to one of its messages, or a command; the mention is cut from the text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from nio import MatrixRoom, RoomMessage, RoomMessageNotice, RoomMessageText

from bot.core.clock import TZ
from bot.core.messages import IncomingMessage

_QUOTE = re.compile(r"\A(?:> [^\n]*\n)+\n?")


@dataclass(frozen=True, slots=True)
class Inbound:
    msg: IncomingMessage
    mention: str | None  # whom the reply mentions (the asker, in a group room)


class Addressing:
    """Knows the bot's names and the events it sent, to tell when it is addressed."""

    def __init__(self, user_id: str, display_name: str | None) -> None:
        self.user_id = user_id
        names = {user_id[1:], user_id[1:].split(":", 1)[0]}  # "@" is optional below
        if display_name:
            names.add(display_name)
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        self._named = re.compile(rf"(?<![\w@])(?:@?(?:{alternatives}))(?![\w])", re.IGNORECASE)
        self._leading = re.compile(rf"^\s*@?(?:{alternatives})\s*[:,]?\s*", re.IGNORECASE)

    def mentioned(self, content: dict[str, Any], body: str) -> bool:
        mentions = content.get("m.mentions")
        if isinstance(mentions, dict):
            return self.user_id in (mentions.get("user_ids") or [])
        return bool(self._named.search(body))  # clients that predate m.mentions

    def without_mention(self, body: str) -> str:
        return self._leading.sub("", body, count=1)


def relations(content: dict[str, Any]) -> tuple[str | None, str | None, bool]:
    """(thread root, replied-to event, is an edit) of an event's content."""
    relates = content.get("m.relates_to")
    if not isinstance(relates, dict):
        return None, None, False
    reply = relates.get("m.in_reply_to")
    reply_to = reply.get("event_id") if isinstance(reply, dict) else None
    if relates.get("rel_type") == "m.thread":
        falling_back = relates.get("is_falling_back", False)
        return relates.get("event_id"), None if falling_back else reply_to, False
    return None, reply_to, relates.get("rel_type") == "m.replace"


def inbound(room: MatrixRoom, event: RoomMessage, addressing: Addressing,
            replied_to_bot: bool) -> Inbound | None:
    """The message for the core, or None for what the bot must not answer."""
    if isinstance(event, RoomMessageNotice):
        return None  # bots never answer notices
    content = event.source.get("content", {})
    thread_root, reply_to, is_edit = relations(content)
    if is_edit:
        return None
    is_direct = room.member_count <= 2
    text = event.body if isinstance(event, RoomMessageText) else ""  # media: no text
    if reply_to and text.startswith("> "):
        text = _QUOTE.sub("", text, count=1)  # the reply fallback of older clients
    addressed = is_direct
    if not is_direct:
        addressed = (text.lstrip().startswith("/") or replied_to_bot
                     or addressing.mentioned(content, text))
        text = addressing.without_mention(text)
    when = dt.datetime.fromtimestamp(event.server_timestamp / 1000, TZ)
    msg = IncomingMessage(transport="matrix", room=room.room_id, sender=event.sender, text=text,
                          is_direct=is_direct, addressed=addressed, event_id=event.event_id,
                          thread=thread_root, time=when)
    return Inbound(msg, None if is_direct else event.sender)
