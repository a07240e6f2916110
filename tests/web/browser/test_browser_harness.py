"""The checks themselves can fail: axe finds a field without a label, and the guard stops
and writes down a request to another site."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser

from tests.web.browser.kit import BotServer, Guard, axe_violations

pytestmark = pytest.mark.asyncio(loop_scope="session")

BROKEN = ("<!doctype html><html lang='sv'><head><title>t</title></head><body><main>"
          "<h1>t</h1><input type='text'><img src='https://example.invalid/x.png'>"
          "</main></body></html>")


async def test_axe_and_the_guard_catch_what_they_are_for(browser: Browser, server: BotServer,
                                                         axe_source: str) -> None:
    context = await browser.new_context()
    guard = Guard(server.origins)
    await context.route("**/*", guard.route)
    try:
        page = await context.new_page()
        await page.goto(f"{server.host}/")  # an allowed origin, then a page of our own
        await page.set_content(BROKEN)
        found = {v["id"] for v in await axe_violations(page, axe_source)}
        assert {"label", "image-alt"} <= found, found
        assert guard.foreign == ["https://example.invalid/x.png"], guard.foreign
    finally:
        await context.close()
