"""The Teams app (Agents SDK) as it runs: `run_service` with a `teams_app:` configuration on
127.0.0.1, a local Bot Connector stand-in as every activity's serviceUrl, and activities
posted to /api/messages as Teams posts them. Nothing may leave the machine: every
connection to an address that is not loopback is refused and recorded, and a test that
caused one fails."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import socket
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.config import Config
from bot.core.clock import Clock
from bot.knowledge.holder import KnowledgeHolder
from tests.transports.teams_app.activities import CHANNEL, Person
from tests.transports.teams_app.connector import Connector

STAFF_ROOM = f"teams_app:{CHANNEL}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _loopback(host: object) -> bool:
    if host in ("localhost", "localhost.", None, ""):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse (and remember) every lookup of, or connection to, a host that is not this
    machine: the SDK must never reach login.botframework.com or login.microsoftonline.com."""
    refused: list[str] = []
    lookup, connect = socket.getaddrinfo, socket.socket.connect

    def guarded_lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _loopback(host.decode() if isinstance(host, bytes) else host):
            refused.append(f"lookup {host}")
            raise socket.gaierror(socket.EAI_NONAME, "offline test: no lookups")
        return lookup(host, *args, **kwargs)

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
            refused.append(f"connect {address[0]}")
            raise OSError("offline test: no connections off this machine")
        return connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", guarded_lookup)
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    yield refused
    assert refused == [], f"the test tried to leave the machine: {refused}"


@pytest.fixture
async def connector() -> AsyncIterator[Connector]:
    async with Connector() as standing_in:
        yield standing_in
    assert standing_in.unexpected == [], standing_in.unexpected


@pytest.fixture
def anna() -> Person:
    return Person("Anna Lärare")


@pytest.fixture
def stina() -> Person:
    return Person("Stina Polis")


def teams_config(tmp_path: Path, *, staff: Sequence[str] = (), anonymous: bool = True,
                 **teams_app: Any) -> Config:
    """A configuration serving the Teams app on a free port of 127.0.0.1, with the store in
    `tmp_path/bot.db` (a restart opens the same file); anonymous (development) unless an
    app id is given."""
    # Anonymous mode is for development only: the setting that says so goes with it.
    settings: dict[str, Any] = {"anonymous": anonymous, "development": anonymous,
                                **teams_app}
    fields: dict[str, Any] = {
        "data_dir": tmp_path, "store": f"sqlite:///{tmp_path / 'bot.db'}",
        "http": {"listen": f"127.0.0.1:{free_port()}"}, "teams_app": settings,
        "roles": {"staff": list(staff), "staff_room": STAFF_ROOM}}
    return Config.model_validate(fields)


class TeamsBot:
    """`run_service` in this event loop: started, posted to, stopped, started again over
    the same store file."""

    def __init__(self, config: Config, holder: KnowledgeHolder, clock: Clock) -> None:
        self.config, self.holder, self.clock = config, holder, clock
        self._stopping: asyncio.Event | None = None
        self._task: asyncio.Task[int] | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def url(self) -> str:
        assert self.config.http is not None and self.config.teams_app is not None
        return f"http://{self.config.http.listen}{self.config.teams_app.path}"

    async def start(self, within: float = 30.0) -> None:
        from bot.service import run_service

        self._stopping = asyncio.Event()
        self._task = asyncio.create_task(
            run_service(self.config, self.holder, self.clock, self._stopping))
        self._session = aiohttp.ClientSession()
        assert self.config.http is not None
        health = f"http://{self.config.http.listen}/healthz"
        deadline = asyncio.get_running_loop().time() + within
        try:
            while True:  # polling a condition with a deadline, as tests/matrix/botrun.py does
                if self._task.done():
                    self._task.result()  # a start that failed raises here
                    raise RuntimeError("run_service ended during its start")
                with contextlib.suppress(aiohttp.ClientConnectionError):
                    async with self._session.get(health) as response:
                        await response.read()
                        return
                if asyncio.get_running_loop().time() > deadline:
                    raise TimeoutError("the service did not start")
                await asyncio.sleep(0.02)
        except BaseException:
            await self.stop()
            raise

    async def post(self, activity: dict[str, Any] | bytes,
                   headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """POST an activity as the Connector does; (status, body). Replies sent within the
        turn have reached the stand-in when this returns."""
        assert self._session is not None
        data = activity if isinstance(activity, bytes) else json.dumps(activity).encode()
        async with self._session.post(self.url, data=data, headers={
                "Content-Type": "application/json", **(headers or {})}) as response:
            return response.status, await response.read()

    async def stop(self) -> None:
        """Stop as on SIGTERM: what the outbox is sending is sent first."""
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._stopping is not None and self._task is not None:
            self._stopping.set()
            if not self._task.done() or not self._task.exception():
                assert await asyncio.wait_for(self._task, 30) == 0
        self._task = self._stopping = None

