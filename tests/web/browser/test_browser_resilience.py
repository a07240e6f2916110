"""When things go wrong: the connection drops in the middle of a reply, the resident sends
too fast, the conversation was forgotten. Each state is announced in #status and is
axe-clean; nothing is lost and nothing is shown twice."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from playwright.async_api import BrowserContext, Page, expect

from tests.web.browser.conftest import ContextFactory, ServerFactory
from tests.web.browser.kit import (
    BotServer,
    ask,
    assert_axe_clean,
    assert_ids_once,
    bot_entries,
    type_and_send,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_reply_made_while_offline_arrives_once(context: BrowserContext, page: Page,
                                                       server: BotServer,
                                                       axe_source: str) -> None:
    await page.goto(f"{server.url}/chat")
    await ask(page, "vad har polisen lovat?")

    server.hold()  # the next reply is being made …
    async with page.expect_response(lambda r: "/chat/api/messages" in r.url) as sent:
        await type_and_send(page, "kontakt")
    assert (await sent.value).status == 202
    await expect(page.locator("#transcript .msg-you")).to_have_count(2)
    # … when the phone loses its network and the server's end of the stream goes.
    await context.set_offline(True)
    server.drop_streams()
    status = page.locator("#status")
    await expect(status).to_contain_text("Återansluter")
    await assert_axe_clean(page, axe_source, "reconnecting")

    server.release()  # the reply is made while nobody listens
    await context.set_offline(False)
    reply = page.locator("#transcript .msg-bot", has_text="Menade du")
    await expect(reply).to_have_count(1)
    await expect(status).not_to_contain_text("Återansluter")
    # Exactly once, also a moment later (a second stream would add it again).
    await ask(page, "trafik")
    await expect(reply).to_have_count(1)
    await expect(bot_entries(page)).to_have_count(3)
    await assert_ids_once(page)


async def test_sending_too_fast_is_limited_and_the_text_stays(
        make_server: ServerFactory, make_context: ContextFactory, axe_source: str) -> None:
    server = await make_server(messages_per_minute=2)
    page = await (await make_context(server)).new_page()
    await page.goto(f"{server.url}/chat")
    await ask(page, "vad har polisen lovat?")
    await ask(page, "kontakt")

    # This message's own response: the POST of the one before may still be on its way
    # (its reply can come over the stream first).
    async with page.expect_response(lambda r: "/chat/api/messages" in r.url
                                    and "trafik" in (r.request.post_data or "")) as sent:
        await type_and_send(page, "trafik")
    refused = await sent.value
    assert refused.status == 429
    status = page.locator("#status")
    await expect(status).to_contain_text("112")
    await expect(page.locator("#message")).to_have_value("trafik")  # nothing to type again
    await expect(bot_entries(page)).to_have_count(2)
    await assert_axe_clean(page, axe_source, "rate-limited")


async def test_a_forgotten_conversation_says_so_in_one_line(
        make_server: ServerFactory, make_context: ContextFactory, axe_source: str) -> None:
    server = await make_server(idle_minutes=5)
    page = await (await make_context(server)).new_page()
    await page.goto(f"{server.url}/chat")
    await ask(page, "vad har polisen lovat?")

    server.clock.advance(dt.timedelta(minutes=6))  # idle too long: the server forgets it
    async with page.expect_response(lambda r: "/chat/api/messages" in r.url) as sent:
        await type_and_send(page, "kontakt")
    expired = await sent.value
    assert expired.status == 410
    body = await expired.json()
    assert body["error"] == "expired" and body["html"], body
    status = page.locator("#status")
    await expect(status).not_to_be_empty()
    text = (await status.inner_text()).strip()
    assert "\n" not in text, f"the notice is more than one line: {text!r}"
    said = html.unescape(re.sub(r"<[^>]+>", "", body["html"])).strip()
    assert said in text, f"#status says {text!r}, the server said {said!r}"
    await assert_axe_clean(page, axe_source, "error (expired)")
