"""The Docker image's contract, checked without a Docker engine (none runs here): what it
copies exists and is not ignored, it runs as a non-root user with /data as a volume, and
its HEALTHCHECK probe really tells a healthy bot from an unhealthy one."""

from __future__ import annotations

import asyncio
import fnmatch
import re
import shlex
import sys
from pathlib import Path

import pytest
from aiohttp import web

from bot.core.metrics import Metrics
from bot.web import make_app

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
IGNORE = [p.strip() for p in (ROOT / ".dockerignore").read_text().splitlines()
          if p.strip() and not p.startswith("#")]


def instructions() -> list[tuple[str, str]]:
    """(KEYWORD, arguments) per instruction, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def ignored(path: str) -> bool:
    return any(fnmatch.fnmatch(path, p) or path.startswith(p.rstrip("/") + "/")
               for p in IGNORE)


def test_every_copied_path_exists_and_is_not_ignored() -> None:
    copies = [args.split()[:-1] for keyword, args in instructions() if keyword == "COPY"]
    sources = [src for srcs in copies for src in srcs]
    assert {"pyproject.toml", "README.md", "bot", "knowledge"} <= set(sources)
    for src in sources:
        assert (ROOT / src).exists(), src
        assert not ignored(src), src


def test_the_image_runs_as_a_non_root_user_with_data_as_a_volume() -> None:
    keywords = dict(instructions())
    assert keywords["FROM"].startswith("python:3.11-slim")
    assert keywords["USER"] not in {"root", "0"}
    assert '"/data"' in keywords["VOLUME"]
    assert "MEDBORGARBOT_DATA_DIR=/data" in DOCKERFILE
    assert keywords["ENTRYPOINT"] == '["python", "-m", "bot"]'


def probe(port: int) -> list[str]:
    """The HEALTHCHECK command, pointed at `port` and at this interpreter."""
    args = dict(instructions())["HEALTHCHECK"]
    command = shlex.split(args.split(" CMD ", 1)[1])
    assert command[0] == "python" and "/healthz" in command[-1]
    return [sys.executable, *command[1:-1], command[-1].replace(":8080/", f":{port}/")]


@pytest.mark.parametrize(("healthy", "exit_ok"), [(True, True), (False, False)])
async def test_the_healthcheck_probe_follows_healthz(healthy: bool, exit_ok: bool) -> None:
    async def health() -> tuple[bool, str]:
        return (True, "ok") if healthy else (False, "store: unavailable")

    runner = web.AppRunner(make_app(health, Metrics()))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        process = await asyncio.create_subprocess_exec(
            *probe(port), stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL)
        code = await process.wait()
    finally:
        await runner.cleanup()
    assert (code == 0) is exit_ok
