"""The HTTP server of a running bot: /healthz, /metrics, and the Teams endpoint when
configured. Bound to 127.0.0.1 unless configured otherwise."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.config import HttpSettings
from bot.core.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger(__name__)
Health = Callable[[], Awaitable[tuple[bool, str]]]


def make_app(health: Health, metrics: Metrics) -> web.Application:
    async def healthz(request: web.Request) -> web.Response:
        ok, reason = await health()
        return web.Response(status=200 if ok else 503, text=reason + "\n")

    async def metrics_page(request: web.Request) -> web.Response:
        return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE})

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_page)
    return app


class OpsServer:
    def __init__(self, settings: HttpSettings, app: web.Application) -> None:
        self.settings = settings
        self.app = app
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)  # no request lines: ids
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.host, self.settings.port)
        await site.start()
        log.info("http: listening on %s", self.settings.listen)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
