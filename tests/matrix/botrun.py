"""Run medborgarbot on the test Synapse: in-process (most tests) or as a real process
(`python -m bot run`, for the crash and restart tests)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.app import build_bot
from bot.config import Config, MatrixSettings
from bot.core.bot import Bot
from bot.core.clock import Clock, SystemClock
from bot.core.outbox import Outbox
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store, open_store
from bot.transports.matrix.courier import MatrixCourier
from bot.transports.matrix.session import CREDENTIALS
from bot.transports.matrix.transport import MatrixTransport
from tests.matrix.synapse import SynapseServer

ROOT = Path(__file__).resolve().parents[2]


class ShiftedClock:
    """Real time plus an offset a test can move forward, instead of sleeping."""

    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def now(self) -> dt.datetime:
        return SystemClock().now() + self.offset


class InProcessBot:
    """The Matrix transport and the real core in this event loop."""

    def __init__(self, synapse: SynapseServer, workdir: Path, *, encryption: bool = True,
                 clock: Clock | None = None, config: Config | None = None,
                 **settings: object) -> None:
        self.clock = clock or SystemClock()
        self.config = config or Config()
        self.user_id, self.password = synapse.new_account("medborgarbot")
        self.workdir = workdir
        self.settings = MatrixSettings(
            homeserver=synapse.url, user_id=self.user_id, password=self.password,
            pickle_key="test-pickle-key", encryption=encryption, retry_max_seconds=1.0,
            **settings)  # type: ignore[arg-type]
        self.store: Store | None = None
        self.bot: Bot | None = None
        self.transport: MatrixTransport | None = None
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.store = self.open_store()
        await self.store.open()
        holder = KnowledgeHolder.load(ROOT / "knowledge")
        self.outbox = Outbox()
        self.bot = bot = build_bot(self.config, SystemClock(), holder, self.store, self.outbox)
        self.transport = MatrixTransport(self.settings, self.workdir, bot.handle, self.store,
                                         self.clock)
        self.outbox.register("matrix", MatrixCourier(self.transport))
        self.task = asyncio.create_task(self.transport.run())

    def open_store(self) -> Store:
        return open_store(f"sqlite:///{self.workdir / 'bot.db'}")

    async def wait_connected(self, within: float = 60) -> None:
        """Until the first sync has answered (the identity check runs before it)."""
        deadline = asyncio.get_running_loop().time() + within
        while not (self.transport is not None and self.transport.connected):
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("the bot did not connect")
            await asyncio.sleep(0.05)  # polling a condition with a deadline

    async def new_device(self, device_id: str) -> None:
        """Before the next start: forget the kept session, so that the bot logs in again
        as a new device (as after a lost data folder or a deliberate re-login)."""
        async with self.open_store() as store:
            await store.delete_value(CREDENTIALS)
        self.settings = self.settings.model_copy(update={"device_id": device_id})

    async def stop(self) -> None:
        if self.transport and self.task:
            self.transport.stop()
            await asyncio.wait_for(self.task, 30)
        if self.bot is not None:
            await self.bot.close()
            self.bot = None
        if self.store:
            await self.store.close()
        self.task = self.transport = self.store = None


class ProcessBot:
    """`python -m bot run --config …` in its own process, to be killed for real."""

    def __init__(self, synapse: SynapseServer, workdir: Path, **settings: object) -> None:
        self.user_id, password = synapse.new_account("medborgarbot")
        self.workdir = workdir
        self.config = workdir / "config.yaml"
        matrix = {"homeserver": synapse.url, "user_id": self.user_id, "password": password,
                  "retry_max_seconds": 1.0, **settings}
        self.config.write_text(json.dumps({
            "data_dir": str(workdir / "data"), "knowledge": str(ROOT / "knowledge"),
            "matrix": matrix}), encoding="utf-8")
        self.log = workdir / "bot.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MEDBORGARBOT_")}
        env["MEDBORGARBOT_MATRIX__PICKLE_KEY"] = "test-pickle-key"
        env["PYTHONPATH"] = str(ROOT)
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "run", "--config", str(self.config)],
                cwd=self.workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)

    def kill(self) -> None:
        """SIGKILL: no chance to finish anything."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def terminate(self, timeout: float = 30) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")
