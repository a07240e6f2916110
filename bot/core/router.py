"""Features as routers: what each feature brings, joined in one declared order.

A feature exports one `Router`: its commands, its dialogue forms, its optional pipeline
step, and the catalogue keys it owns. `include` joins them in the order given, which is
the order of the pipeline and of the command list in /hjälp, and refuses a command name
or alias (folded), a form key or a text key that two routers claim: a clash is found when
the bot is built, not when a resident types the command (as aiogram's routers and
python-telegram-bot's ConversationHandler validate when they are built).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.core.bot import After, Daily
from bot.core.commands import Command
from bot.core.forms import Form
from bot.core.turn import Handler

Closer = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Router:
    name: str  # names the feature in a clash ("/tyck in feedback and sessions")
    commands: tuple[Command, ...] = ()
    forms: tuple[Form, ...] = ()
    step: Handler | None = None  # its place in the pipeline of addressed messages
    unaddressed: Handler | None = None  # also sees group messages not meant for the bot
    after: After | None = None  # sees every reply before it leaves
    closers: tuple[Closer, ...] = ()  # background work to finish before the store closes
    daily: tuple[Daily, ...] = ()  # work done once a day, given the day (reminders)
    texts: tuple[str, ...] = ()  # catalogue keys it owns besides its commands' summaries

    def owned_texts(self) -> list[str]:
        return list(dict.fromkeys([*self.texts, *(c.summary for c in self.commands)]))


@dataclass(frozen=True, slots=True)
class Included:
    """The routers joined: each list in the routers' order."""

    commands: tuple[Command, ...]
    forms: tuple[Form, ...]
    pipeline: tuple[Handler, ...]
    unaddressed: tuple[Handler, ...]
    after: tuple[After, ...]
    closers: tuple[Closer, ...]
    daily: tuple[Daily, ...] = ()


def include(routers: Sequence[Router]) -> Included:
    """Joins `routers` in order; ValueError naming the clash on a duplicate router name,
    command name or alias (folded: /hjälp and /hjalp are one), form key or text key."""
    _unique("router", ((r.name, "the order") for r in routers))
    _unique("command", ((f"/{key}", r.name) for r in routers for c in r.commands
                        for key in c.folded()))
    _unique("form", ((f.key, r.name) for r in routers for f in r.forms))
    _unique("text key", ((key, r.name) for r in routers for key in r.owned_texts()))
    return Included(
        commands=tuple(c for r in routers for c in r.commands),
        forms=tuple(f for r in routers for f in r.forms),
        pipeline=tuple(r.step for r in routers if r.step is not None),
        unaddressed=tuple(r.unaddressed for r in routers if r.unaddressed is not None),
        after=tuple(r.after for r in routers if r.after is not None),
        closers=tuple(c for r in routers for c in r.closers),
        daily=tuple(d for r in routers for d in r.daily))


def _unique(what: str, claims: Iterable[tuple[str, str]]) -> None:
    """claims: (the thing, the router that brings it)."""
    seen: dict[str, str] = {}
    for thing, owner in claims:
        if thing in seen:
            where = (f"in {seen[thing]} and {owner}" if seen[thing] != owner
                     else f"twice in {owner}")
            raise ValueError(f"{what} {thing} {where}")
        seen[thing] = owner
