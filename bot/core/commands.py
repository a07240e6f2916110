"""Chat commands (`/hjälp`, `/logga` …): the pipeline step that finds the command, checks
the role and runs it, one path for slash commands and for commands said in words."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from bot.core.messages import Outcome, Reply
from bot.core.texts import t
from bot.core.turn import Turn
from bot.text.normalize import fold

log = logging.getLogger(__name__)

Check = Callable[[Turn], bool]
Run = Callable[[Turn, str], Awaitable[Reply]]
# A command said without a slash ("Logga trafikkontroll: Lomsjö"): its arguments, or None.
Phrase = Callable[[Turn], str | None]


def everyone(turn: Turn) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Command:
    name: str  # as shown, e.g. "hjälp"
    summary: str  # a catalogue key (cmd_…): the line /hjälp shows
    run: Run
    aliases: tuple[str, ...] = ()
    check: Check = everyone
    usage: str = ""  # e.g. "<aktivitet> [plats]"
    phrase: Phrase | None = None  # the command said in words, with the same role check

    def folded(self) -> list[str]:
        """The name and aliases as typed commands are read: /HJÄLP and /hjalp are /hjälp."""
        return list(dict.fromkeys(fold(n) for n in (self.name, *self.aliases)))


def parse_command(text: str) -> tuple[str, str] | None:
    """("hjalp", "rest of line") for "/hjälp rest of line"; None for ordinary text."""
    stripped = text.strip()
    if not stripped.startswith("/") or len(stripped) < 2 or stripped[1].isspace():
        return None
    head, _, rest = stripped[1:].partition(" ")
    name = fold(head)
    return (name, rest.strip()) if name else None


class CommandRouter:
    """The pipeline step for commands: finds the command, checks the role, runs it."""

    def __init__(self, commands: Iterable[Command] = ()) -> None:
        self._commands: dict[str, Command] = {}
        self._ordered: list[Command] = []
        self.extend(commands)

    def add(self, command: Command) -> None:
        for key in command.folded():
            if key in self._commands:
                raise ValueError(f"command /{key} registered twice")
            self._commands[key] = command
        self._ordered.append(command)

    def extend(self, commands: Iterable[Command]) -> None:
        for command in commands:
            self.add(command)

    @property
    def commands(self) -> tuple[Command, ...]:
        return tuple(self._ordered)

    def visible(self, turn: Turn) -> list[Command]:
        return [c for c in self._ordered if c.check(turn)]

    async def __call__(self, turn: Turn) -> Reply | None:
        parsed = parse_command(turn.text)
        if parsed is None:
            return await self._said(turn)
        name, args = parsed
        command = self._commands.get(name)
        if command is None:
            return Reply(t("unknown_command", turn.lang), Outcome.COMMAND, turn.lang)
        return await self._run(command, turn, args)

    async def _said(self, turn: Turn) -> Reply | None:
        """A command said in words; "/ logga …" is neither that nor a slash command."""
        if turn.text.startswith("/"):
            return None
        for command in self._ordered:
            args = command.phrase(turn) if command.phrase is not None else None
            if args is not None:
                return await self._run(command, turn, args)
        return None

    async def _run(self, command: Command, turn: Turn, args: str) -> Reply:
        if not command.check(turn):
            log.info("command refused: /%s transport=%s", command.name, turn.msg.transport)
            return Reply(t("not_allowed", turn.lang), Outcome.COMMAND, turn.lang)
        return await command.run(turn, args)
