"""A resident at /chat in Chromium: asks and reads, picks a suggestion with the keyboard
only, gives feedback with /tyck, gets 112 at the top, reloads and goes on. axe-core finds
0 WCAG 2.1 A/AA violations in each state."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.web.browser.kit import (
    BotServer,
    ask,
    assert_axe_clean,
    assert_ids_once,
    bot_entries,
    squash,
    tab_to,
    type_and_send,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def open_chat(page: Page, server: BotServer, query: str = "") -> None:
    await page.goto(f"{server.url}/chat{query}")
    await expect(page.locator("#message")).to_be_editable()


async def test_ask_and_read_the_answer(page: Page, server: BotServer, axe_source: str) -> None:
    await open_chat(page, server)
    log = page.locator("#transcript")
    await expect(log).to_have_attribute("role", "log")
    await expect(log).to_have_attribute("aria-live", "polite")
    await expect(page.locator("label[for=message]")).to_be_visible()
    await assert_axe_clean(page, axe_source, "empty page")

    await type_and_send(page, "vad har polisen lovat?")
    answer = log.locator(".msg-bot", has_text="Medborgarlöfte 2025–2027")
    await expect(answer).to_have_count(1)
    await expect(answer).to_contain_text("gäller nu")  # the period is named
    await expect(log.locator(".msg-you", has_text="vad har polisen lovat?")).to_have_count(1)
    await expect(page.locator("#message")).to_have_value("")  # accepted: the field empties
    # A reply's links are real links.
    source = answer.locator("a[href^='https://polisen.se/']").first
    await expect(source).to_be_visible()
    await expect(bot_entries(page)).to_have_count(1)  # once, not twice
    await assert_ids_once(page)
    await assert_axe_clean(page, axe_source, "answered")


async def test_pick_a_suggestion_with_the_keyboard_only(page: Page, server: BotServer,
                                                        axe_source: str) -> None:
    await open_chat(page, server)
    await tab_to(page, "#message")
    await page.keyboard.type("kontakt")  # two topics fit: "Menade du …?"
    await page.keyboard.press("Enter")
    choices = page.locator("#transcript .msg-bot button.choice")
    await expect(choices.first).to_be_visible()
    labels = [squash(text) for text in await choices.all_inner_texts()]
    assert "Kontakta kommunen" in labels, labels
    for index in range(len(labels)):  # fresh suggestions can be pressed
        await expect(choices.nth(index)).to_be_enabled()
    await assert_axe_clean(page, axe_source, "suggestions")

    # From the field, back into the transcript, to the suggestion; Space presses it.
    await tab_to(page, "button.choice", "Kontakta kommunen", backwards=True)
    await page.keyboard.press("Space")
    await expect(bot_entries(page)).to_have_count(2)
    await expect(bot_entries(page).nth(1)).to_contain_text("Åsele kommuns växel")
    # Used suggestions can no longer be pressed.
    await expect(page.locator("button.choice:has-text('Kontakta kommunen')")).to_be_disabled()
    await assert_ids_once(page)


async def test_feedback_with_tyck_to_the_end(page: Page, server: BotServer,
                                             axe_source: str) -> None:
    await open_chat(page, server)
    await tab_to(page, "#message")
    first = await ask(page, "/tyck")
    await expect(first).to_contain_text("Vad gäller det?")
    await assert_axe_clean(page, axe_source, "a dialogue step")
    for answer, next_question in (("1", "Var ungefär?"), ("2", "Berätta"),
                                  ("Mörkt vid busshållplatsen", "Hur trygg"),
                                  ("3", "Ska jag spara")):
        entry = await ask(page, answer)
        await expect(entry).to_contain_text(next_question)
    done = await ask(page, "ja")
    await expect(done).to_contain_text("Din synpunkt är sparad")


async def test_112_stays_at_the_top(page: Page, server: BotServer, axe_source: str) -> None:
    await open_chat(page, server)
    urgent = page.locator("#urgent")
    await expect(urgent).to_be_hidden()
    await ask(page, "min pappa slår mamma med en kniv nu")
    await expect(urgent).to_be_visible()
    await expect(urgent).to_contain_text("112")
    # Announced once, by the log: the banner is no live region of its own.
    assert await urgent.get_attribute("aria-live") in (None, "off")
    assert await urgent.get_attribute("role") not in ("alert", "status", "log")
    await assert_axe_clean(page, axe_source, "a 112 reply")
    banner = await urgent.bounding_box()
    log = await page.locator("#transcript").bounding_box()
    assert banner and log and banner["y"] < log["y"], "the 112 banner is not above the log"

    for text in ("vad har polisen lovat?", "kontakt"):
        await ask(page, text)
        await expect(urgent).to_be_visible()
        await expect(urgent).to_contain_text("112")

    await page.reload()
    await expect(bot_entries(page)).to_have_count(3)
    await expect(urgent).to_be_visible()
    await expect(urgent).to_contain_text("112")
    await assert_axe_clean(page, axe_source, "a 112 reply, reloaded")


async def test_reload_continues_the_conversation(page: Page, server: BotServer) -> None:
    await open_chat(page, server)
    await ask(page, "vad har polisen lovat?")
    await ask(page, "kontakt")  # suggestions: what "2" means now belongs to this conversation
    token = await page.evaluate("sessionStorage.getItem('medborgarbot:token')")
    assert token, "no conversation token in sessionStorage"
    before = await assert_ids_once(page)

    await page.reload()
    await expect(page.locator("#transcript .msg")).to_have_count(len(before))
    assert await assert_ids_once(page) == before
    assert await page.evaluate("sessionStorage.getItem('medborgarbot:token')") == token

    # The same conversation: "2" picks the second suggestion given before the reload.
    entry = await ask(page, "2")
    await expect(entry).to_contain_text("Åsele kommuns växel")
    assert await page.evaluate("sessionStorage.getItem('medborgarbot:token')") == token
    await assert_ids_once(page)


async def test_the_page_keeps_the_contracted_dom(page: Page, server: BotServer) -> None:
    """The ids, roles and attributes the tests, the script and screen readers rely on."""
    await open_chat(page, server)
    await ask(page, "kontakt")
    facts = await page.evaluate("""() => {
      const q = s => document.querySelector(s), a = (s, n) => q(s) && q(s).getAttribute(n);
      const you = q('#transcript .msg-you'), bot = q('#transcript .msg-bot');
      return {
        lang: document.documentElement.lang, h1: document.querySelectorAll('h1').length,
        main: !!q('main#chat'), urgentFirst: q('main#chat').firstElementChild.id,
        urgentLabel: a('#urgent', 'aria-labelledby'), urgentTitle: !!q('#urgent-title'),
        languages: Array.from(document.querySelectorAll('nav#languages a')).map(l =>
          [l.getAttribute('href'), l.hreflang, l.lang, l.getAttribute('aria-current')]),
        navLabel: a('nav#languages', 'aria-label'),
        log: ['role', 'aria-live', 'aria-relevant', 'tabindex'].map(n => a('#transcript', n)),
        logLabel: a('#transcript', 'aria-label'), status: a('#status', 'role'),
        composer: [a('#composer', 'method'), new URL(q('#composer').action).pathname],
        field: ['name', 'type', 'autocomplete', 'maxlength'].map(n => a('#message', n)),
        label: !!q('label[for=message]'), send: a('#send', 'type'),
        hidden: ['token', 'lang'].map(n => !!q(`#composer input[type=hidden][name=${n}]`)),
        entry: you && [you.id === 'msg-' + you.dataset.id, you.lang, bot.lang],
        prefixes: [you, bot].map(e => e && e.querySelector('.visually-hidden') &&
                                      e.querySelector('.visually-hidden').textContent.trim()),
        choice: bot && Array.from(bot.querySelectorAll('form.choices button.choice'))
          .map(b => [b.type, b.name, b.value !== '']),
        choiceForm: bot && [a('#transcript .msg-bot form.choices', 'method'),
          !!bot.querySelector('form.choices input[type=hidden][name=token]')],
        footer: q('footer') && q('footer').textContent.replace(/\\s+/g, ' '),
        statement: q('footer a[href*="/chat/tillganglighet?lang=sv"]') !== null,
      };
    }""")
    assert facts["lang"] == "sv" and facts["h1"] == 1 and facts["main"], facts
    assert facts["urgentFirst"] == "urgent" and facts["urgentLabel"] == "urgent-title"
    assert facts["urgentTitle"], facts
    codes = {link[0] for link in facts["languages"]}
    assert {"?lang=sv", "?lang=en"} <= codes, facts["languages"]
    assert [link[3] for link in facts["languages"]].count("true") == 1, facts["languages"]
    assert all(link[1] and link[2] for link in facts["languages"]), facts["languages"]
    assert facts["navLabel"], facts
    assert facts["log"] == ["log", "polite", "additions", "0"] and facts["logLabel"], facts
    assert facts["status"] == "status", facts
    assert facts["composer"] == ["post", "/chat/send"], facts
    assert facts["field"] == ["text", "text", "off", "2000"] and facts["label"], facts
    assert facts["send"] == "submit" and facts["hidden"] == [True, True], facts
    assert facts["entry"] == [True, "sv", "sv"], facts
    assert all(p and p.endswith(":") for p in facts["prefixes"]), facts["prefixes"]
    assert facts["choice"] and all(c == ["submit", "text", True] for c in facts["choice"])
    assert facts["choiceForm"] == ["post", True], facts
    for needed in ("112", "114 14", "polisen.se"):
        assert needed in facts["footer"], facts["footer"]
    assert facts["statement"], facts["footer"]


async def test_what_has_happened_button_asks_without_a_reload(page: Page, server: BotServer,
                                                             axe_source: str) -> None:
    await open_chat(page, server)
    marker = await page.evaluate("window.__kept = 'same page'")
    assert marker == "same page"
    button = page.locator("#digest-ask button")
    await expect(button).to_have_text("Vad har hänt?")
    await button.click()
    log = page.locator("#transcript")
    # Nothing is published on this test server: the honest answer, in the log.
    answer = log.locator(".msg-bot", has_text="har inte publicerat någon sammanfattning")
    await expect(answer).to_have_count(1)
    await expect(log.locator(".msg-you", has_text="Vad har hänt?")).to_have_count(1)
    assert await page.evaluate("window.__kept") == "same page"  # the script sent it
    await expect(page.locator("#message")).to_be_editable()
    await assert_ids_once(page)
    await assert_axe_clean(page, axe_source, "asked what has happened")
