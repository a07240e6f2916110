"""The local terminal chat: one line in, one reply out; also works with piped stdin.

Whatever comes in gets one answer and the chat goes on: bytes that are not UTF-8 are
read as U+FFFD (the core then says it could not read them, or answers the rest), a line
longer than MAX_LINE is read only that far (the rest is skipped, and the core says it is
too long) so that one endless line cannot fill the memory, and a failure in the core
gets its apology. Characters the terminal cannot show are replaced, not fatal.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import shutil
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from bot.core.messages import Choice, IncomingMessage, Lang, Outcome, Reply
from bot.core.plaintext import to_plain, wrap
from bot.core.texts import t

log = logging.getLogger(__name__)

Handle = Callable[[IncomingMessage], Awaitable[Reply | None]]
SEPARATOR = "---"
BANNER = t("console_banner", "sv") + "\n" + t("console_banner", "en") + "\n"
MAX_LINE = 65_536  # characters; the core refuses far shorter messages anyway


def _forgiving(stream: TextIO) -> None:
    """Read undecodable bytes as U+FFFD and write unencodable characters as "?"."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError):  # closed, or not a text wrapper
            reconfigure(errors="replace")


def _read_piped(stdin: TextIO) -> str | None:
    line = stdin.readline(MAX_LINE)
    if not line:
        return None
    if not line.endswith("\n") and len(line) == MAX_LINE:
        # Skip the rest of an overlong line, a bounded piece at a time.
        while (rest := stdin.readline(MAX_LINE)) and not rest.endswith("\n"):
            pass
    return line.rstrip("\r\n")


async def _read_line(stdin: TextIO, prompt: str | None) -> str | None:
    if prompt is not None:
        try:
            return await asyncio.to_thread(input, prompt)
        except EOFError:
            return None
    return await asyncio.to_thread(_read_piped, stdin)


async def _answer(handle: Handle, msg: IncomingMessage) -> Reply | None:
    try:
        return await handle(msg)
    except Exception as exc:  # the core catches its own; this keeps the chat going
        log.error("console handle failed: %s", type(exc).__name__)  # its text may quote
        return Reply(t("error", msg.lang or "sv"), Outcome.INVALID, msg.lang or "sv")


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
    _forgiving(stdin)
    _forgiving(stdout)
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
        reply = await _answer(handle, msg)
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

    async def to_room(self, room: str, markdown: str, choices: tuple[Choice, ...] = ()
                      ) -> bool:
        return self._print(room, markdown)  # the text says how to answer by typing

    async def to_user(self, user: str, markdown: str, choices: tuple[Choice, ...] = ()
                      ) -> bool:
        return self._print(user, markdown)

    def members(self, room: str) -> frozenset[str]:
        return frozenset()
