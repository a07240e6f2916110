"""The bot's HTTP server (OpsServer, on 127.0.0.1) given malformed requests: each gets a
4xx, the server goes on, and its log lines hold no request bytes and no address."""

from __future__ import annotations

import asyncio
import logging
import socket

import pytest
from aiohttp import web

from bot.config import HttpSettings
from bot.core.metrics import Metrics
from bot.web import OpsServer, make_app

SECRET_WORDS = b"hemligt-ord"
MALFORMED = [
    b"\xff\xfe\x00" + SECRET_WORDS + b"\r\n\r\n",
    b"GET /\xff" + SECRET_WORDS + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 20_000 + b"\r\n\r\n",
    b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    + SECRET_WORDS + b"\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
]


async def _first_line(port: int, raw: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        await writer.drain()
        return await asyncio.wait_for(reader.readline(), 10)
    finally:
        writer.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_malformed_requests_get_4xx_and_quiet_log_lines(
        caplog: pytest.LogCaptureFixture) -> None:
    async def health() -> tuple[bool, str]:
        return True, "ok"

    async def failing(request: web.Request) -> web.Response:
        raise RuntimeError(f"quotes {SECRET_WORDS.decode()}")

    app = make_app(health, Metrics())
    app.router.add_get("/boom", failing)
    port = _free_port()
    server = OpsServer(HttpSettings(listen=f"127.0.0.1:{port}"), app)
    caplog.set_level(logging.DEBUG)
    await server.start()
    try:
        for raw in MALFORMED:
            status = (await _first_line(port, raw)).split(b" ")[1]
            assert status.startswith(b"4"), (raw[:40], status)
        assert b" 500 " in await _first_line(port, b"GET /boom HTTP/1.1\r\nHost: x\r\n\r\n")
        ok = await _first_line(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert b" 200 " in ok
    finally:
        await server.stop()
    text = caplog.text
    assert "http: malformed request refused" in text
    assert "http: request failed: RuntimeError at" in text
    assert SECRET_WORDS.decode() not in text and "127.0.0.1" not in text.replace(
        f"listening on 127.0.0.1:{port}", "")
    assert "Traceback" not in text
