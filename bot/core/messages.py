"""What a transport hands the core, and what the core hands back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.text.lang import Lang

__all__ = ["Choice", "IncomingMessage", "Lang", "Outcome", "Reply"]


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    transport: str  # the name the transport registered its courier under (see Address)
    room: str  # the room, channel or conversation id on that transport
    sender: str  # the person's id on that transport
    text: str
    is_direct: bool = True  # a private conversation with the bot
    # Others read along although the bot treats it as direct (a channel where it answers
    # everyone who mentions it): forms that promise anonymity say so before the first
    # question.
    seen_by_others: bool = False
    addressed: bool = False  # in a group room: mentioned, replied to, or a command
    event_id: str | None = None
    thread: str | None = None  # the thread root the message belongs to
    time: dt.datetime | None = None
    lang: Lang | None = None  # set when the transport or the person chose a language
    # The page's language ("sv", "en", "sv-lattlast", "sma"): replies are in it when the
    # message itself does not clearly tell another (see Bot.handle).
    prefer: str | None = None
    # The municipality the place it comes from is about (a web page's embed says which):
    # an id the core checks against the area; a name in the message still wins.
    municipality: str | None = None

    @property
    def conversation(self) -> tuple[str, str, str]:
        """The key dialogues and pending suggestions are kept under (memory only)."""
        return (self.transport, self.room, self.sender)


@dataclass(frozen=True, slots=True)
class Choice:
    """One answer the bot offers to pick; transports with buttons show it as one."""

    label: str  # what the button says
    send: str  # what pressing it sends as the person's message
    # What a transport with input fields asks for before sending (a card's text field):
    # what is typed there follows `send` after a space, as if typed after it. Empty: a
    # plain button. A transport without fields sends `send` alone, and the reply to that
    # asks for the rest.
    ask: str = ""


class Outcome(StrEnum):
    ANSWERED = "answered"
    SUGGESTED = "suggested"
    UNKNOWN = "unknown"
    EMERGENCY = "emergency"
    DISTRESS = "distress"  # unsure whether someone is in danger: 112 first, then support
    REPORT = "report"
    COMMAND = "command"
    SMALLTALK = "smalltalk"
    DIALOGUE = "dialogue"
    INVALID = "invalid"
    FOREIGN = "foreign"  # written in a language the bot does not read: a short notice


@dataclass(frozen=True, slots=True)
class Reply:
    text: str  # Markdown; the transport renders it for its protocol
    outcome: Outcome
    lang: Lang = "sv"
    reply_to: str | None = None  # the event this answers
    thread: str | None = None
    topic_id: str | None = None
    # The picks the text offers as a numbered list (which stays in the text for
    # plain-text transports); sending a choice's `send` does what typing it does.
    choices: tuple[Choice, ...] = ()
