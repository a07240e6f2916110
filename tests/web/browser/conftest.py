"""The web chat in Debian's Chromium, driven by Playwright (Python; its node driver comes in
the wheel, no browser is downloaded), checked with axe-core from npm (`npm ci` in this
folder, run by `make test`).

One Chromium for the whole session; each test gets its own bot, on free ports, and its
own browser context whose every request is routed through a Guard. Everything runs in the
session's event loop: the browser lives as long as the session, and the bot must share
its loop with the test that drives it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from bot.core.clock import FixedClock
from bot.knowledge.holder import KnowledgeHolder
from tests.web.browser.kit import (
    AXE,
    CHROMIUM,
    FLAGS,
    WAIT,
    BotServer,
    Guard,
    missing_or_fail,
    serve,
)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        missing_or_fail(f"{CHROMIUM} is missing (apt-get install chromium; `make test` "
                        "installs it)")
    if not AXE.exists():
        missing_or_fail("axe-core is missing: run `npm ci` in tests/web/browser "
                        "(`make test` does)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                    args=FLAGS)
        yield launched
        await launched.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE.read_text("utf-8")


ServerFactory = Callable[..., Awaitable[BotServer]]


@pytest_asyncio.fixture(loop_scope="session")
async def make_server(tmp_path: Path, clock: FixedClock,
                      shipped_holder: KnowledgeHolder) -> AsyncIterator[ServerFactory]:
    """`await make_server(messages_per_minute=2)`: a bot with other web settings."""
    async with contextlib.AsyncExitStack() as stack:
        count = 0

        async def start(**settings: Any) -> BotServer:
            nonlocal count
            count += 1
            folder = tmp_path / f"bot{count}"
            folder.mkdir()
            return await stack.enter_async_context(
                serve(folder, clock, shipped_holder, **settings))

        yield start


@pytest_asyncio.fixture(loop_scope="session")
async def server(make_server: ServerFactory) -> BotServer:
    return await make_server()


ContextFactory = Callable[..., Awaitable[BrowserContext]]


@pytest_asyncio.fixture(loop_scope="session")
async def make_context(browser: Browser, make_server: ServerFactory,
                       ) -> AsyncIterator[ContextFactory]:
    """`await make_context(server, java_script_enabled=False)`: a fresh profile whose
    requests go through a Guard. At the end: no third-party request, no cookie, every
    page with its CSP, nothing refused by the CSP (inline script or style). Closed before
    the servers stop (it needs `make_server`)."""
    opened: list[tuple[BrowserContext, Guard]] = []

    async def open_context(server: BotServer, **options: Any) -> BrowserContext:
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = await browser.new_context(**options)
        context.set_default_timeout(WAIT)
        guard = Guard(server.origins)
        await context.route("**/*", guard.route)
        context.on("response", guard.on_response)
        context.on("console", lambda message: guard.on_console(message.text))
        context.guard = guard  # type: ignore[attr-defined]
        opened.append((context, guard))
        return context

    yield open_context
    problems: list[str] = []
    for context, guard in opened:
        await guard.settle()
        await context.close()
        problems += guard.problems()
    assert not problems, "the browser saw:\n" + "\n".join(problems)


@pytest_asyncio.fixture(loop_scope="session")
async def context(make_context: ContextFactory, server: BotServer) -> BrowserContext:
    return await make_context(server)


@pytest_asyncio.fixture(loop_scope="session")
async def page(context: BrowserContext) -> Page:
    return await context.new_page()
