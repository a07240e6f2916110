"""The HTTP server of a running bot: /healthz, /metrics, and the Teams endpoint when
configured. Bound to 127.0.0.1 unless configured otherwise. A listen address it cannot
bind (a port in use, an unknown host) is one line for the operator, from `run` and,
before it, from `check` (`probe_listen`).

aiohttp answers a malformed request (bad bytes, huge headers, a broken chunk) with 400
itself, and logs it with a traceback whose message quotes the offending bytes, which may
be part of a resident's message, and the client's address. Its lines go through
`_Quiet` here: the kind of error and, for a failure in our code, where; nothing else.
"""

from __future__ import annotations

import errno
import logging
import socket
import traceback
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from bot.config import HttpSettings
from bot.core.metrics import CONTENT_TYPE, Metrics
from bot.core.ports import TransportSetupError

log = logging.getLogger(__name__)
Health = Callable[[], Awaitable[tuple[bool, str]]]


class _Quiet(logging.Filter):
    """The HTTP server's error lines without request bytes, addresses or tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None:
            record.msg, record.args = "http: %s", (str(record.msg).split(" from ")[0],)
            return True
        if isinstance(exc, HttpProcessingError):  # the client's fault: 400, 413, …
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg, record.args = "http: malformed request refused (%s)", (
                type(exc).__name__,)
        else:
            frames = traceback.extract_tb(exc.__traceback__)
            where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
            record.msg, record.args = "http: request failed: %s%s", (type(exc).__name__,
                                                                       where)
        record.exc_info, record.exc_text = None, None
        return True


_server_log = logging.getLogger("bot.http")
_server_log.addFilter(_Quiet())


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
        # No request lines (they carry ids), and error lines without request bytes.
        self._runner = web.AppRunner(self.app, access_log=None, logger=_server_log)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.host, self.settings.port)
        try:
            await site.start()
        except OSError as exc:
            await self.stop()
            raise TransportSetupError(listen_problem(self.settings, exc)) from None
        log.info("http: listening on %s", self.settings.listen)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


_REASONS = {
    errno.EADDRINUSE: "the port is already in use",
    errno.EADDRNOTAVAIL: "this machine has no such address",
    errno.EACCES: "not allowed (a port below 1024 needs privileges)",
}


def listen_problem(settings: HttpSettings, exc: OSError) -> str:
    """One line for a listen address that cannot be bound."""
    if isinstance(exc, socket.gaierror):
        return f'http.listen: {settings.listen}: unknown host "{settings.host}"'
    reason = _REASONS.get(exc.errno or 0) or exc.strerror or type(exc).__name__
    return f"http.listen: cannot listen on {settings.listen}: {reason}"


def probe_listen(settings: HttpSettings) -> str | None:
    """Bind (and let go) every address `listen` names, as the server will; the problem
    `run` would meet, or None."""
    try:
        found = socket.getaddrinfo(settings.host, settings.port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
        for family, kind, proto, _, address in found:
            with socket.socket(family, kind, proto) as sock:
                # As asyncio's server does: a port in TIME_WAIT is free, one listened on is not.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if family == socket.AF_INET6:
                    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                sock.bind(address)
    except OSError as exc:
        return listen_problem(settings, exc)
    return None


def answers_as_bot(settings: HttpSettings, timeout: float = 2.0) -> bool:
    """Whether a medborgarbot already serves `listen` (its own port is no problem for
    `check` run beside the running bot)."""
    import urllib.request

    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(settings.host, settings.host)
    url = f"http://{f'[{host}]' if ':' in host else host}:{settings.port}/metrics"
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy
    try:
        with direct.open(url, timeout=timeout) as page:
            return b"medborgarbot_messages_total" in page.read(1_000_000)
    except (OSError, ValueError):
        return False
