"""`python -m bot run`: the store, the bot, every configured transport and the HTTP server
(/healthz, /metrics, Teams), until SIGTERM or SIGINT, then a clean shutdown (replies in
flight are finished, the store closed). SIGHUP reloads the knowledge base."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from bot.app import build_bot
from bot.config import Config, HttpSettings
from bot.core.clock import Clock
from bot.core.metrics import Metrics
from bot.core.outbox import Outbox
from bot.features.retention import purge_daily
from bot.knowledge.holder import KnowledgeHolder
from bot.store import open_store
from bot.store.base import Store

log = logging.getLogger("bot")


def has_network_transport(config: Config) -> bool:
    return config.matrix is not None or config.teams is not None


async def health(store: Store, transports: list[Any]) -> tuple[bool, str]:
    """200 when the store answers and every transport is connected."""
    try:
        store_ok = await store.ping()
    except Exception:
        store_ok = False
    if not store_ok:
        return False, "store not answering"
    down = [type(t).__name__ for t in transports if not t.connected]
    if down:
        return False, "not connected: " + ", ".join(down)
    # Running, but some residents cannot be served until an operator acts.
    problems = [p for p in (getattr(t, "problem", None) for t in transports) if p]
    if problems:
        return False, "; ".join(problems)
    return True, "ok"


async def supervise(runner: Any, stopping: asyncio.Event, pause: float = 5.0,
                    most: float = 300.0) -> None:
    """Run a transport; when it fails, log it and start it again after a pause that
    doubles up to `most`. A setup problem (a wrong password) is not retried: the operator
    must fix it, and /healthz reports the transport as down meanwhile."""
    from bot.transports.matrix.session import MatrixSetupError

    name = type(runner).__name__
    while not stopping.is_set():
        try:
            await runner.run()
        except MatrixSetupError as exc:
            log.error("%s; the other transports go on", exc)
            return
        except Exception as exc:  # a bug in one transport must not stop the others
            log.error("%s failed (%s); starting it again in %.0f s", name,
                      type(exc).__name__, pause)
        else:
            if not stopping.is_set():
                log.error("%s stopped by itself; the other transports go on", name)
            return
        try:
            await asyncio.wait_for(stopping.wait(), pause)
        except TimeoutError:
            pause = min(most, pause * 2)


async def run_service(config: Config, holder: KnowledgeHolder, clock: Clock) -> int:
    from bot.transports.matrix.courier import MatrixCourier
    from bot.transports.matrix.transport import MatrixTransport
    from bot.web import OpsServer, make_app

    config.data_dir.mkdir(parents=True, exist_ok=True)
    store = open_store(config.store_url)
    await store.open()
    metrics = Metrics()
    outbox = Outbox()
    server: OpsServer | None = None
    try:
        bot = build_bot(config, clock, holder, store, outbox, metrics)
        transports: list[Any] = []
        runners = []
        if config.matrix is not None:
            matrix = MatrixTransport(
                config.matrix, config.data_dir, bot.handle, store, clock,
                on_reconnect=lambda: metrics.reconnects.labels("matrix").inc())
            outbox.register("matrix", MatrixCourier(matrix))
            transports.append(matrix)
            runners.append(matrix)
        app = make_app(lambda: health(store, transports), metrics)
        if config.teams is not None:
            from bot.transports.teams import TeamsWebhook

            teams = TeamsWebhook(config.teams, bot.handle)
            teams.attach(app)
            transports.append(teams)
        if config.http is not None or config.teams is not None:
            server = OpsServer(config.http or HttpSettings(), app)
            await server.start()
        stopping = asyncio.Event()

        def stop() -> None:
            stopping.set()
            for runner in runners:
                runner.stop()

        def reload() -> None:
            problems = holder.reload()
            if problems:
                log.warning("knowledge reload on SIGHUP refused: %d problem(s)", len(problems))
                for problem in problems[:20]:
                    log.warning("knowledge: %s", problem)

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop)
        loop.add_signal_handler(signal.SIGHUP, reload)
        log.info("medborgarbot running: %d topics, %d transport(s)", len(holder.kb.topics),
                 len(transports))
        retention = asyncio.create_task(purge_daily(
            store, clock, config.feedback.retention_months, stopping))
        # Until a signal; a transport that fails is restarted, and never stops the others.
        running = [asyncio.create_task(supervise(r, stopping)) for r in runners]
        await stopping.wait()
        stop()
        await asyncio.gather(*running)
        await retention
        await outbox.drain()
        await bot.close()
    finally:
        if server is not None:
            await server.stop()
        await store.close()
    log.info("medborgarbot stopped")
    return 0
