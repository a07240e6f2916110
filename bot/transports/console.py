"""The local terminal chat: one line in, one reply out; also works with piped stdin."""

from __future__ import annotations

import asyncio
import itertools
import shutil
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from bot.core.messages import IncomingMessage, Lang, Reply
from bot.core.plaintext import to_plain, wrap

Handle = Callable[[IncomingMessage], Awaitable[Reply | None]]
SEPARATOR = "---"
BANNER = ("medborgarbot: skriv din fråga, Ctrl-D avslutar.\n"
          "medborgarbot: type your question, Ctrl-D quits.\n")


async def _read_line(stdin: TextIO, prompt: str | None) -> str | None:
    if prompt is not None:
        try:
            return await asyncio.to_thread(input, prompt)
        except EOFError:
            return None
    line = await asyncio.to_thread(stdin.readline)
    return line.rstrip("\r\n") if line else None


async def run_console(
    handle: Handle,
    *,
    sender: str = "local",
    lang: Lang | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Chat until end of input; returns the number of messages handled."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = stdin is sys.stdin and stdin.isatty() and stdout.isatty()
    if interactive:
        import readline  # noqa: F401  (line editing and history for input())

        stdout.write(BANNER)
    count = 0
    for n in itertools.count(1):
        line = await _read_line(stdin, "\ndu> " if interactive else None)
        if line is None:
            break
        msg = IncomingMessage(transport="console", room="console", sender=sender, text=line,
                              is_direct=True, event_id=f"console-{n}", lang=lang)
        reply = await handle(msg)
        count += 1
        text = to_plain(reply.text, colour=interactive) if reply else ""
        if interactive:
            width = min(shutil.get_terminal_size().columns, 100) - 1
            stdout.write(f"\n{wrap(text, width)}\n")
        else:
            stdout.write(f"{text}\n{SEPARATOR}\n")
        stdout.flush()
    return count


class ConsoleCourier:
    """The terminal chat's side of the Outbox: what the bot would send to a room or a
    person elsewhere is printed here, so that every role can be tried locally."""

    def __init__(self, stdout: TextIO | None = None) -> None:
        self.stdout = stdout or sys.stdout

    def _print(self, to: str, markdown: str) -> bool:
        self.stdout.write(f"\n[→ {to}]\n{to_plain(markdown)}\n")
        self.stdout.flush()
        return True

    async def to_room(self, room: str, markdown: str) -> bool:
        return self._print(room, markdown)

    async def to_user(self, user: str, markdown: str) -> bool:
        return self._print(user, markdown)

    def members(self, room: str) -> frozenset[str]:
        return frozenset()
