"""Without JavaScript the chat is a plain HTML form; and what the browser received over a
whole conversation: the CSP and safety headers on every /chat response, never a cookie,
nothing from anyone else."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.async_api import BrowserContext, Page, expect

from tests.web.browser.conftest import ContextFactory
from tests.web.browser.kit import BotServer, Guard, ask, assert_axe_clean, bot_entries

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_without_javascript_the_form_still_works(make_context: ContextFactory,
                                                       server: BotServer) -> None:
    context = await make_context(server, java_script_enabled=False)
    page = await context.new_page()
    await page.goto(f"{server.url}/chat")
    await page.locator("#message").fill("vad har polisen lovat?")
    async with page.expect_navigation():
        await page.locator("#message").press("Enter")
    where = urlsplit(page.url)
    assert where.path == "/chat" and parse_qs(where.query).get("c"), page.url
    assert where.fragment.startswith("msg-"), page.url
    await expect(page.locator(f"#{where.fragment}")).to_have_count(1)
    await expect(bot_entries(page)).to_have_count(1)
    await expect(bot_entries(page).first).to_contain_text("Medborgarlöfte 2025–2027")

    # The suggestions are form posts too.
    await page.locator("#message").fill("kontakt")
    async with page.expect_navigation():
        await page.locator("#send").click()
    pick = page.locator("form.choices button.choice", has_text="Kontakta kommunen")
    await expect(pick).to_have_count(1)
    async with page.expect_navigation():
        await pick.click()
    await expect(bot_entries(page)).to_have_count(3)
    await expect(bot_entries(page).nth(2)).to_contain_text("Åsele kommuns växel")
    # One conversation throughout: the token rode along in the forms.
    assert parse_qs(urlsplit(page.url).query)["c"] == parse_qs(where.query)["c"]


REQUIRED_CSP = ["default-src 'none'", "script-src 'self'", "style-src 'self'",
                "connect-src 'self'", "form-action 'self'", "base-uri 'none'",
                "frame-ancestors 'self'"]


async def test_every_chat_response_is_strict_and_cookieless(
        context: BrowserContext, page: Page, server: BotServer, axe_source: str) -> None:
    await page.goto(f"{server.url}/chat")
    await ask(page, "vad har polisen lovat?")
    await page.goto(f"{server.url}/chat/tillganglighet")
    await expect(page.locator("h1")).to_have_count(1)
    await assert_axe_clean(page, axe_source, "accessibility statement")
    await page.goto(f"{server.url}/chat?lang=en")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await assert_axe_clean(page, axe_source, "English page")
    await page.goto(f"{server.host}/")  # the widget's script and style
    await page.locator("#medborgarbot-open").click()
    await expect(page.frame_locator("#medborgarbot-frame").locator("#message")).to_be_visible()

    guard: Guard = context.guard  # type: ignore[attr-defined]
    await guard.settle()
    ours = [(url, status, headers) for url, status, headers in guard.responses
            if url.startswith(server.url + "/chat")]
    paths = {urlsplit(url).path for url, _, _ in ours}
    assert {"/chat", "/chat/widget.js", "/chat/api/messages", "/chat/api/events",
            "/chat/tillganglighet"} <= paths, paths
    wrong = []
    for url, status, headers in ours:
        csp = headers.get("content-security-policy", "")
        missing = [part for part in REQUIRED_CSP if part not in csp]
        if missing:
            wrong.append(f"{status} {url}: CSP lacks {missing}")
        if server.host not in csp:
            wrong.append(f"{status} {url}: frame-ancestors lacks the host {server.host}")
        if headers.get("referrer-policy") != "no-referrer":
            wrong.append(f"{status} {url}: Referrer-Policy {headers.get('referrer-policy')}")
        if headers.get("x-content-type-options") != "nosniff":
            wrong.append(f"{status} {url}: no X-Content-Type-Options: nosniff")
        if "set-cookie" in headers:
            wrong.append(f"{status} {url}: Set-Cookie")
        path = urlsplit(url).path
        if (path in ("/chat", "/chat/tillganglighet") or path.startswith("/chat/api/")) \
                and "no-store" not in headers.get("cache-control", ""):
            wrong.append(f"{status} {url}: Cache-Control {headers.get('cache-control')}")
    assert not wrong, "\n".join(wrong)
    assert not guard.foreign, guard.foreign
