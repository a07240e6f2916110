"""`python -m bot run`: the store, the bot and every configured network transport, until
SIGTERM or SIGINT, then a clean shutdown (replies in flight are finished, the store closed).
"""

from __future__ import annotations

import asyncio
import logging
import signal

from bot.app import build_bot
from bot.config import Config
from bot.core.clock import Clock
from bot.core.outbox import Outbox
from bot.features.retention import purge_daily
from bot.knowledge.holder import KnowledgeHolder
from bot.store import open_store

log = logging.getLogger("bot")


def has_network_transport(config: Config) -> bool:
    return config.matrix is not None


async def run_service(config: Config, holder: KnowledgeHolder, clock: Clock) -> int:
    from bot.transports.matrix.courier import MatrixCourier
    from bot.transports.matrix.transport import MatrixTransport

    config.data_dir.mkdir(parents=True, exist_ok=True)
    store = open_store(config.store_url)
    await store.open()
    try:
        outbox = Outbox()
        bot = build_bot(config, clock, holder, store, outbox)
        transports = []
        if config.matrix is not None:
            matrix = MatrixTransport(config.matrix, config.data_dir, bot.handle, store, clock)
            outbox.register("matrix", MatrixCourier(matrix))
            transports.append(matrix)
        stopping = asyncio.Event()

        def stop() -> None:
            stopping.set()
            for transport in transports:
                transport.stop()

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop)
        log.info("medborgarbot running: %d topics, %d transport(s)", len(holder.kb.topics),
                 len(transports))
        retention = asyncio.create_task(purge_daily(
            store, clock, config.feedback.retention_months, stopping))
        await asyncio.gather(*(t.run() for t in transports))
        stopping.set()
        await retention
        await outbox.drain()
    finally:
        await store.close()
    log.info("medborgarbot stopped")
    return 0
