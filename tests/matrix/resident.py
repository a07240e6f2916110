"""An Element-like resident for the tests and benchmarks: `element/resident.mjs` (matrix-js-sdk
with its Rust crypto, in Element's "exclude insecure devices" mode) run by Node, driven
over one JSON line a command.

`ensure_node_modules()` runs `npm ci` in that folder when its node_modules is missing or
older than the lock file; the test command (`make test`) needs nothing else installed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

ELEMENT = Path(__file__).resolve().parent / "element"


class ResidentError(RuntimeError):
    """The resident could not do what it was asked (its error, one line)."""


def ensure_node_modules() -> None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise ResidentError("node and npm are needed for the Element-like resident")
    stamp = ELEMENT / "node_modules" / ".package-lock.json"  # written by npm ci/install
    lock = ELEMENT / "package-lock.json"
    if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return
    result = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                            cwd=ELEMENT, capture_output=True, text=True, timeout=600,
                            check=False)
    if result.returncode != 0:
        raise ResidentError(f"npm ci failed in {ELEMENT}:\n{result.stderr[-2000:]}")


class Resident:
    """One resident process; every method waits for that command's answer."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.proc: asyncio.subprocess.Process | None = None
        self.user_id = ""
        self.device_id = ""

    async def start(self, homeserver: str, user_id: str, password: str) -> dict[str, Any]:
        ensure_node_modules()
        with self.log.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                "node", str(ELEMENT / "resident.mjs"), cwd=ELEMENT,
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=log,
                limit=1 << 22)
        started = await self.call("start", wait_s=120, homeserver=homeserver,
                                  user_id=user_id, password=password)
        self.user_id, self.device_id = started["user_id"], started["device_id"]
        return started

    async def call(self, cmd: str, wait_s: float = 90, **args: Any) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdin and self.proc.stdout
        self.proc.stdin.write((json.dumps({"cmd": cmd, **args}) + "\n").encode())
        await self.proc.stdin.drain()
        try:
            line = await asyncio.wait_for(self.proc.stdout.readline(), wait_s)
        except TimeoutError:
            raise ResidentError(f"{cmd}: no answer in {wait_s} s\n{self.tail()}") from None
        if not line:
            raise ResidentError(f"{cmd}: the resident exited\n{self.tail()}")
        answer: dict[str, Any] = json.loads(line)
        if not answer.pop("ok"):
            raise ResidentError(f"{cmd}: {answer['error']}\n{self.tail()}")
        return answer

    async def dm(self, bot: str) -> str:
        return str((await self.call("dm", bot=bot))["room"])

    async def ask(self, room: str, text: str, timeout_s: float = 60) -> dict[str, Any]:
        return await self.call("ask", wait_s=timeout_s + 15, room=room, text=text,
                               timeout_ms=int(timeout_s * 1000))

    def tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    async def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.returncode is None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                assert proc.stdin is not None
                proc.stdin.write(b'{"cmd": "stop"}\n')
                await proc.stdin.drain()
            try:
                await asyncio.wait_for(proc.wait(), 15)
            except TimeoutError:
                proc.kill()
                await proc.wait()
