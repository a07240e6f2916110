"""The embed on a municipality's page (another origin): one script tag adds a button that
opens the chat as a dialog; focus goes into it, Esc closes it, focus comes back."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.web.browser.kit import BotServer, assert_axe_clean, tab_to

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_widget_opens_as_a_dialog_and_closes_with_esc(page: Page, server: BotServer,
                                                            axe_source: str) -> None:
    await page.goto(f"{server.host}/")
    button = page.locator("#medborgarbot-open")
    await expect(button).to_be_visible()
    await expect(button).to_have_text("Fråga om tryggheten")
    await expect(button).to_have_attribute("aria-haspopup", "dialog")
    dialog = page.locator("#medborgarbot-dialog")
    await expect(dialog).to_be_hidden()
    await assert_axe_clean(page, axe_source, "closed widget")

    await tab_to(page, "#medborgarbot-open")
    await page.keyboard.press("Enter")
    await expect(dialog).to_be_visible()
    frame_box = page.locator("#medborgarbot-frame")
    await expect(frame_box).to_have_attribute("title", re.compile(r"\S"))
    chat = page.frame_locator("#medborgarbot-frame")
    await expect(chat.locator("#message")).to_be_focused()
    assert await page.evaluate("document.activeElement.id") == "medborgarbot-frame"
    checked = await assert_axe_clean(page, axe_source, "open and empty")
    assert any("/chat?" in url and "embed=1" in url for url in checked), checked

    await page.keyboard.press("Escape")  # pressed inside the chat's frame
    await expect(dialog).to_be_hidden()
    await expect(button).to_be_focused()

    await button.click()  # and the dialog's own close button
    await expect(dialog).to_be_visible()
    await page.locator("#medborgarbot-close").click()
    await expect(dialog).to_be_hidden()
    await expect(button).to_be_focused()


async def test_widget_speaks_the_language_it_is_given(page: Page, server: BotServer) -> None:
    await page.goto(f"{server.host}/?lang=en")  # the host page says data-lang="en"
    await page.locator("#medborgarbot-open").click()
    frame = page.locator("#medborgarbot-frame")
    await expect(frame).to_have_attribute("src", re.compile(r"[?&]lang=en\b"))
    chat = page.frame_locator("#medborgarbot-frame")
    await expect(chat.locator("html")).to_have_attribute("lang", "en")

