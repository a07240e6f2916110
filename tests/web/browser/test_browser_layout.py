"""The page as people set up their screens: 320 CSS px wide, 200 % zoom, reduced motion,
forced colours (Windows high contrast), and a visible focus on every control."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.web.browser.conftest import ContextFactory
from tests.web.browser.kit import BotServer, ask, bot_entries

pytestmark = pytest.mark.asyncio(loop_scope="session")

LONG_URL = ("https://polisen.se/om-polisen/medborgarloften-och-lokal-samverkan/"
            "medborgarloften/vasterbottens-lan/asele/ett-mycket-langt-dokumentnamn-utan-"
            "mellanslag-som-maste-brytas-for-att-rymmas-pa-en-smal-telefon.pdf")


async def no_sideways_scroll(page: Page, width: int) -> None:
    scroll = await page.evaluate("[document.documentElement.scrollWidth,"
                                 " document.documentElement.clientWidth]")
    assert scroll[0] <= width and scroll[1] <= width, \
        f"horizontal scrolling at {width} CSS px: scrollWidth {scroll[0]}"
    # Nor cut off: no element reaches past the right edge, none hides its overflow.
    cut = await page.evaluate("""(width) => Array.from(document.querySelectorAll('body *'))
      .filter(e => { const r = e.getBoundingClientRect();
                     return r.width > 1 && r.height > 1 && (r.right > width + 1 ||
                       (e.closest('#transcript') && e.scrollWidth > e.clientWidth + 1 &&
                        getComputedStyle(e).overflowX !== 'visible')); })
      .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className)""",
                              width)
    assert not cut, f"cut off at {width} CSS px: {cut[:10]}"


async def test_320_px_wide_without_horizontal_scrolling(make_context: ContextFactory,
                                                        server: BotServer) -> None:
    context = await make_context(server, viewport={"width": 320, "height": 640})
    page = await context.new_page()
    await page.goto(f"{server.url}/chat")
    await no_sideways_scroll(page, 320)
    await ask(page, f"vad har polisen lovat? {LONG_URL}")  # a long answer, a long URL
    await ask(page, "vad lovades 2021?")  # sources with long link texts
    await ask(page, "kontakt")  # suggestion buttons
    await no_sideways_scroll(page, 320)
    for control in ("#message", "#send"):  # whole, not cut off at the side
        await page.locator(control).scroll_into_view_if_needed()
        await expect(page.locator(control)).to_be_in_viewport(ratio=1)


async def test_200_percent_zoom(make_context: ContextFactory, server: BotServer) -> None:
    # Browser zoom at 200 % in a 1280 × 800 window lays the page out in 640 × 400 CSS px,
    # each drawn with 2 device pixels: the same viewport, media queries and pixels as
    # here. CSS `zoom` on <html> would keep a 1280-px viewport and its media queries.
    context = await make_context(server, viewport={"width": 640, "height": 400},
                                 device_scale_factor=2)
    page = await context.new_page()
    await page.goto(f"{server.url}/chat")
    await ask(page, f"vad har polisen lovat? {LONG_URL}")
    await ask(page, "kontakt")
    await no_sideways_scroll(page, 640)
    for control in ("#message", "#send"):
        await page.locator(control).scroll_into_view_if_needed()
        await expect(page.locator(control)).to_be_in_viewport(ratio=1)
    await expect(page.locator("button.choice").first).to_be_visible()


async def test_reduced_motion_runs_no_animation(make_context: ContextFactory,
                                                server: BotServer) -> None:
    context = await make_context(server, reduced_motion="reduce")
    page = await context.new_page()
    await page.goto(f"{server.url}/chat")
    # Counted in the frame after each entry is added, not only at the end.
    await page.evaluate("""() => { window.__animations = [];
      new MutationObserver(() => requestAnimationFrame(() =>
          window.__animations.push(document.getAnimations().length)))
        .observe(document.getElementById('transcript'), {childList: true, subtree: true});
    }""")
    await ask(page, "vad har polisen lovat?")
    await ask(page, "kontakt")
    await expect(bot_entries(page)).to_have_count(2)
    seen = await page.evaluate("window.__animations")
    now = await page.evaluate("document.getAnimations().length")
    assert seen and max(seen) == 0 and now == 0, f"animations running: {seen}, now {now}"


async def focus_indicators(page: Page, most: int = 80) -> list[dict[str, Any]]:
    """Tab through the whole page from the top; for each control, how focus shows."""
    await page.evaluate("document.activeElement && document.activeElement.blur()")
    found: list[dict[str, Any]] = []
    first = None
    for _ in range(most):
        await page.keyboard.press("Tab")
        facts = await page.evaluate("""() => {
          const e = document.activeElement;
          if (!e || e === document.body) return null;
          if (!e.dataset.walk) e.dataset.walk = String(Math.random());
          const s = getComputedStyle(e);
          return {key: e.dataset.walk, what: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                    + (e.className ? '.' + String(e.className).replace(/ /g, '.') : ''),
                  outline: s.outlineStyle, width: parseFloat(s.outlineWidth) || 0,
                  shadow: s.boxShadow, visible: e.matches(':focus-visible')};
        }""")
        if facts is None:
            continue
        if facts["key"] == first:
            break
        first = first or facts["key"]
        found.append(facts)
    return found


def unseen(found: list[dict[str, Any]]) -> list[str]:
    return [f"{f['what']}: outline {f['outline']} {f['width']}px, box-shadow {f['shadow']}"
            for f in found
            if not ((f["outline"] != "none" and f["width"] > 0) or f["shadow"] != "none")]


async def test_every_control_shows_its_focus(page: Page, server: BotServer) -> None:
    await page.goto(f"{server.url}/chat")
    await ask(page, "vad har polisen lovat?")  # links in a reply
    await ask(page, "kontakt")  # suggestion buttons
    found = await focus_indicators(page)
    kinds = {f["what"].split(".")[0] for f in found}
    assert {"input#message", "button#send", "div#transcript"} <= kinds, kinds
    assert any(f["what"].startswith("button") and "choice" in f["what"] for f in found), \
        f"Tab never reached a suggestion button (disabled?): {[f['what'] for f in found]}"
    assert any(f["what"].startswith("a") for f in found), [f["what"] for f in found]
    assert not unseen(found), "no visible focus:\n" + "\n".join(unseen(found))


async def test_forced_colours_keep_focus_and_borders(page: Page, server: BotServer) -> None:
    await page.emulate_media(forced_colors="active")
    await page.goto(f"{server.url}/chat")
    await ask(page, "kontakt")
    # Forced colours drop box-shadow: focus must show as an outline there.
    found = await focus_indicators(page)
    assert found and not unseen(found), "no visible focus in forced colours:\n" + \
        "\n".join(unseen(found))
    borders = await page.locator("#send, button.choice").evaluate_all("""els => els.map(e => {
        const s = getComputedStyle(e);
        return [e.id || e.className, s.borderTopStyle, parseFloat(s.borderTopWidth) || 0];
      })""")
    flat = [b for b in borders if b[1] == "none" or b[2] == 0]
    assert len(borders) >= 2 and not flat, f"buttons without a border: {flat}"
