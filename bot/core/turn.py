"""One message on its way through the pipeline, with what the core worked out about it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from bot.core.clock import TZ
from bot.core.messages import IncomingMessage, Lang, Reply


@dataclass(frozen=True, slots=True)
class Turn:
    msg: IncomingMessage
    text: str  # the message text, control characters removed
    lang: Lang
    now: dt.datetime
    # Changes a step asks for on whatever reply the pipeline gives (the safety check puts
    # "is anyone in danger?" first when it is unsure); applied in order by Bot.handle.
    amend: list[Callable[[Reply], Reply]] = field(default_factory=list)

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(TZ).date()

    @property
    def addressed(self) -> bool:
        return self.msg.is_direct or self.msg.addressed


class Handler(Protocol):
    """One step of the pipeline: a reply ends the message's way, None passes it on."""

    def __call__(self, turn: Turn) -> Awaitable[Reply | None]: ...
