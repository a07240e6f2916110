"""One message on its way through the pipeline, with what the core worked out about it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import InitVar, dataclass, field
from typing import Protocol

from bot.core.clock import TZ
from bot.core.messages import IncomingMessage, Lang, Reply
from bot.text.normalize import fold


@dataclass(frozen=True, slots=True)
class Turn:
    msg: IncomingMessage
    text: str  # the message text, control characters removed, stripped
    lang: Lang
    now: dt.datetime
    # Changes a step asks for on whatever reply the pipeline gives (the safety check puts
    # "is anyone in danger?" first when it is unsure); applied in order by Bot.handle.
    amend: list[Callable[[Reply], Reply]] = field(default_factory=list)
    # `fold(text)` when the caller has it already (Bot.handle reads the language from it);
    # otherwise it is folded here. A copy with another text must not pass the old one on.
    given_fold: InitVar[str | None] = None
    # The text as the steps compare it, and its words: folded once a turn, here, rather
    # than again by every step that reads words (safety, dialogue, small talk, language).
    folded: str = field(init=False)
    words: tuple[str, ...] = field(init=False)

    def __post_init__(self, given_fold: str | None) -> None:
        folded = fold(self.text) if given_fold is None else given_fold
        object.__setattr__(self, "folded", folded)  # frozen: set once, here
        object.__setattr__(self, "words", tuple(folded.split()))

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(TZ).date()

    @property
    def addressed(self) -> bool:
        return self.msg.is_direct or self.msg.addressed


class Handler(Protocol):
    """One step of the pipeline: a reply ends the message's way, None passes it on."""

    def __call__(self, turn: Turn) -> Awaitable[Reply | None]: ...
