"""What the browser tests share: a running bot with its web chat and a host page on a
second origin, a guard that records what the browser fetched, axe, and small steps a
resident takes (type, Tab, wait for a reply)."""

from __future__ import annotations

import asyncio
import os
import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp import web
from playwright.async_api import Frame, Page, Request, Response, Route, expect

from bot.app import build_bot
from bot.config import Config
from bot.core.clock import FixedClock
from bot.core.messages import IncomingMessage, Reply
from bot.core.metrics import Metrics
from bot.knowledge.holder import KnowledgeHolder
from bot.store import open_store

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
# The flags of tests/test_report.py: nothing reaches out on its own (updates, sync, QUIC).
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WAIT = 10_000  # ms: generous for a loaded CI machine; a passing step takes milliseconds

expect.set_options(timeout=WAIT)


def missing_or_fail(reason: str) -> None:
    """A developer without Chromium or `npm ci` gets a skip that says so; CI fails."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    pytest.skip(reason)


def _listen() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # a free port, held from here on: no race for it
    sock.listen(128)
    return sock


def host_page(bot: str, lang: str | None) -> str:
    """A municipality's page that embeds the widget with its one script tag."""
    data = f' data-lang="{lang}"' if lang else ""
    return ("<!doctype html><html lang=\"sv\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>Åsele kommun</title></head><body>"
            "<header><p>Åsele kommun</p></header>"
            "<main><h1>Välkommen till Åsele</h1><p>Kommunens webbplats.</p></main>"
            f"<script src=\"{bot}/chat/widget.js\" async{data}></script></body></html>")


@dataclass
class BotServer:
    url: str        # the bot's origin (public_url)
    host: str       # the embedding page's origin (in allowed_origins)
    chat: Any       # bot.transports.webchat.WebChat
    clock: FixedClock
    settings: Any
    gate: asyncio.Event = field(default_factory=asyncio.Event)

    def hold(self) -> None:
        """Replies wait until `release`: a reply in the middle of being made."""
        self.gate.clear()

    def release(self) -> None:
        self.gate.set()

    def drop_streams(self) -> None:
        self.chat.drop_streams()

    @property
    def origins(self) -> set[str]:
        return {self.url, self.host}


@asynccontextmanager
async def serve(tmp: Path, clock: FixedClock, holder: KnowledgeHolder,
                **web_settings: Any) -> AsyncIterator[BotServer]:
    """The real bot (the shipped knowledge, SQLite on disk) with its web chat on 127.0.0.1,
    and a host page on `localhost`, another origin, that embeds the widget."""
    from bot.config import WebSettings
    from bot.transports.webchat import WebChat
    from bot.web import make_app

    bot_sock, host_sock = _listen(), _listen()
    bot_origin = f"http://127.0.0.1:{bot_sock.getsockname()[1]}"
    host_origin = f"http://localhost:{host_sock.getsockname()[1]}"
    values: dict[str, Any] = {"enabled": True, "public_url": bot_origin,
                              "allowed_origins": [host_origin], "retry_ms": 300,
                              "ping_seconds": 1}
    values.update(web_settings)
    settings = WebSettings(**values)
    config = Config(web=settings) if "web" in Config.model_fields else Config()
    runners: list[web.AppRunner] = []
    async with open_store(f"sqlite:///{tmp / 'bot.db'}") as store:
        store.clock = clock.now
        bot = build_bot(config, clock, holder, store)
        server: BotServer

        async def handle(message: IncomingMessage) -> Reply | None:
            await server.gate.wait()
            return await bot.handle(message)

        chat = WebChat(settings, handle, clock)
        server = BotServer(bot_origin, host_origin, chat, clock, settings)
        server.release()

        async def healthy() -> tuple[bool, str]:
            return True, "ok"

        app = make_app(healthy, Metrics())
        chat.attach(app)

        async def host_root(request: web.Request) -> web.Response:
            return web.Response(text=host_page(bot_origin, request.query.get("lang")),
                                content_type="text/html")

        host_app = web.Application()
        host_app.router.add_get("/", host_root)
        try:
            for application, sock in ((app, bot_sock), (host_app, host_sock)):
                runner = web.AppRunner(application, access_log=None, shutdown_timeout=2.0)
                await runner.setup()
                runners.append(runner)
                await web.SockSite(runner, sock).start()
            yield server
        finally:
            server.release()  # nothing stays waiting on the gate
            chat.drop_streams()
            for runner in reversed(runners):
                await runner.cleanup()
            await bot.close()
            bot_sock.close()
            host_sock.close()


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class Guard:
    """Everything a browser context asked for, told apart: the bot's and the host's
    origins pass, anything else is blocked and written down. The bot's responses are
    checked for cookies and, for pages, the Content-Security-Policy."""

    origins: set[str]
    foreign: list[str] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    csp_console: list[str] = field(default_factory=list)
    responses: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)
    _pending: list[asyncio.Task[None]] = field(default_factory=list)

    async def route(self, route: Route) -> None:
        url = route.request.url
        if origin(url) in self.origins:
            await route.continue_()
        else:
            self.foreign.append(url)
            await route.abort("blockedbyclient")

    def on_response(self, response: Response) -> None:
        if origin(response.url) in self.origins:
            self._pending.append(asyncio.ensure_future(self._check(response)))

    async def _check(self, response: Response) -> None:
        try:
            headers = await asyncio.wait_for(response.all_headers(), 5)
        except Exception:  # the context closed first: nothing to read any more
            return
        request: Request = response.request
        self.responses.append((response.url, response.status, headers))
        if "set-cookie" in headers:
            self.faults.append(f"Set-Cookie on {response.url}")
        if urlsplit(response.url).path.startswith("/chat") and \
                request.resource_type == "document" and \
                "default-src 'none'" not in headers.get("content-security-policy", ""):
            self.faults.append(f"no strict CSP on the page {response.url}")

    def on_console(self, text: str) -> None:
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.csp_console.append(text)

    async def settle(self) -> None:
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    def problems(self) -> list[str]:
        return ([f"third-party request: {url}" for url in self.foreign] + self.faults
                + [f"CSP refused something: {text}" for text in self.csp_console])


# ------------------------------------------------------------------ axe

_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          iframes: false});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '),
                              why: (n.failureSummary || '').replace(/\\s+/g, ' ')}))}));
}"""


async def axe_violations(target: Page | Frame, source: str) -> list[dict[str, Any]]:
    """axe's WCAG 2.1 A/AA violations in one document. Evaluated through the DevTools
    protocol, which the page's CSP does not govern (the page itself stays strict)."""
    if await target.evaluate("typeof window.axe") == "undefined":
        await target.evaluate(source)
    return await target.evaluate(_RUN, WCAG)


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {n['target']}: {n['why'][:300]}" for n in v["nodes"][:6]]
    return "\n".join(lines)


async def assert_axe_clean(page: Page, source: str, state: str) -> list[str]:
    """0 violations on the page and in each of its frames (the widget's chat); the
    addresses of the documents checked."""
    found: list[str] = []
    checked: list[str] = []
    for frame in page.frames:
        if frame.url in ("", "about:blank"):
            continue
        violations = await axe_violations(frame, source)
        checked.append(frame.url)
        if violations:
            found.append(f"{frame.url}:\n{describe(violations)}")
    assert not found, f"axe, state '{state}': WCAG 2.1 A/AA violations\n" + "\n".join(found)
    return checked


# ------------------------------------------------------------------ a resident's steps

def bot_entries(page: Page | Frame) -> Any:
    return page.locator("#transcript .msg-bot")


async def type_and_send(page: Page, text: str) -> None:
    """Types into the field (focused first, as a person would click or Tab there) and
    presses Enter."""
    box = page.locator("#message")
    await box.focus()
    await page.keyboard.type(text)
    await page.keyboard.press("Enter")


async def ask(page: Page, text: str) -> Any:
    """Sends and waits for one more bot entry; returns it."""
    before = await bot_entries(page).count()
    await type_and_send(page, text)
    await expect(bot_entries(page)).to_have_count(before + 1)
    return bot_entries(page).nth(before)


async def tab_to(page: Page, selector: str, text: str | None = None, backwards: bool = False,
                 most: int = 60) -> int:
    """Presses Tab (or Shift+Tab) until the focused element matches the CSS `selector`
    (and holds `text`); the number of presses. Fails when it never gets there."""
    key = "Shift+Tab" if backwards else "Tab"
    for presses in range(1, most + 1):
        await page.keyboard.press(key)
        if await page.evaluate("""([s, t]) => { const e = document.activeElement;
              return !!e && e.matches(s) && (!t || e.textContent.includes(t)); }""",
                               [selector, text]):
            return presses
    raise AssertionError(f"{key} never reached {selector} {text or ''} in {most} presses")


async def assert_ids_once(page: Page) -> list[int]:
    ids = [int(i) for i in await page.locator("#transcript .msg").evaluate_all(
        "els => els.map(e => e.dataset.id)")]
    assert len(ids) == len(set(ids)), f"an entry is shown twice: data-id {ids}"
    return ids


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
