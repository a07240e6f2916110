"""Chat commands (`/hjälp`, later `/logga` …): a registry, role checks, one error path."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.core.messages import Lang, Outcome, Reply
from bot.core.texts import t
from bot.core.turn import Turn
from bot.text.normalize import fold

log = logging.getLogger(__name__)

Check = Callable[[Turn], bool]
Run = Callable[[Turn, str], Awaitable[Reply]]


def everyone(turn: Turn) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Command:
    name: str  # as shown, e.g. "hjälp"
    summary: dict[Lang, str]
    run: Run
    aliases: tuple[str, ...] = ()
    check: Check = everyone
    usage: str = ""  # e.g. "<aktivitet> [plats]"

    def keys(self) -> list[str]:
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

    def __init__(self) -> None:
        self._commands: dict[str, Command] = {}
        self._ordered: list[Command] = []

    def add(self, command: Command) -> None:
        for key in command.keys():  # noqa: SIM118 (a method, not a dict)
            if key in self._commands:
                raise ValueError(f"command /{key} registered twice")
            self._commands[key] = command
        self._ordered.append(command)

    def visible(self, turn: Turn) -> list[Command]:
        return [c for c in self._ordered if c.check(turn)]

    async def __call__(self, turn: Turn) -> Reply | None:
        parsed = parse_command(turn.text)
        if parsed is None:
            return None
        name, args = parsed
        command = self._commands.get(name)
        if command is None:
            return Reply(t("unknown_command", turn.lang), Outcome.COMMAND, turn.lang)
        if not command.check(turn):
            log.info("command refused: /%s transport=%s", command.name, turn.msg.transport)
            return Reply(t("not_allowed", turn.lang), Outcome.COMMAND, turn.lang)
        return await command.run(turn, args)
