"""The web chat without JavaScript: a plain HTML form that posts to /chat/send, gets a 303
to the page at the reply (post/redirect/get), and the page that shows the conversation
rendered on the server, with the contract's DOM."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.messages import IncomingMessage, Outcome, Reply
from tests.web.chat_client import Client, serve, start


class Dom(HTMLParser):
    """Every start tag with its attributes, in order, and the text of the page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str | None = None, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if (tag is None or t == tag)
                and all(a.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())]

    def one(self, tag: str | None = None, **attrs: str) -> dict[str, str | None]:
        found = self.find(tag, **attrs)
        assert len(found) == 1, (tag, attrs, found)
        return found[0]


async def page(client: Client, url: str, **params: str) -> Dom:
    response = await client.get(url, params=params)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/html")
    return Dom(await response.text())


async def post(client: Client, **form: str) -> Any:
    return await client.post("/chat/send", data=form, allow_redirects=False)


async def test_the_page_has_the_contract_dom(shipped_bot: Bot, clock: FixedClock) -> None:
    async with serve(shipped_bot.handle, clock) as (client, _):
        dom = await page(client, "/chat")
        assert dom.one("html")["lang"] == "sv"
        assert len(dom.find("h1")) == 1
        dom.one("main", id="chat")
        assert "hidden" in dom.one("section", id="urgent")
        log = dom.one("div", id="transcript")
        assert (log["role"], log["aria-live"], log["tabindex"]) == ("log", "polite", "0")
        dom.one("p", id="status", role="status")
        form = dom.one("form", id="composer")
        assert (form["method"], form["action"]) == ("post", "/chat/send")
        dom.one("label", for_="message")
        assert dom.one("input", id="message")["name"] == "text"
        assert {f["value"] for f in dom.find("input", name="token")} == {""}
        dom.one("button", id="send", type="submit")
        links = dom.find("a", hreflang="en")
        assert links and links[0]["lang"] == "en"
        assert not dom.find("script", src=None) and not dom.find("style")
        english = await page(client, "/chat", lang="en")
        assert english.one("html")["lang"] == "en"
        unknown = await page(client, "/chat", lang="xx")
        assert unknown.one("html")["lang"] == "sv"
        statement = await page(client, "/chat/tillganglighet")
        assert statement.one("html")["lang"] == "sv"


async def test_the_page_follows_the_configured_limits_and_contact(
        shipped_bot: Bot, clock: FixedClock) -> None:
    contact = "https://www.asele.se/kontakt"
    async with serve(shipped_bot.handle, clock, max_text=500,
                     accessibility_contact=contact) as (client, _):
        dom = await page(client, "/chat")
        assert dom.one("input", id="message")["maxlength"] == "500"
        statement = await page(client, "/chat/tillganglighet")
        assert contact in [a["href"] for a in statement.find("a")]


async def test_a_question_without_javascript(shipped_bot: Bot, clock: FixedClock) -> None:
    async with serve(shipped_bot.handle, clock) as (client, chat):
        response = await post(client, token="", lang="sv", text="vad har polisen lovat?")
        assert response.status == 303
        location = urlsplit(response.headers["Location"])
        query = parse_qs(location.query)
        token = query["c"][0]
        assert location.path == "/chat" and query["lang"] == ["sv"]
        assert location.fragment == "msg-2"  # the reply
        dom = await page(client, "/chat", c=token, lang="sv")
        assert [a["id"] for a in dom.find("article")] == ["msg-1", "msg-2"]
        assert dom.find("article", id="msg-2", class_="msg msg-bot")
        assert dom.find("input", name="token", value=token)
        assert "Medborgarlöfte" in "".join(dom.text)
        again = await post(client, token=token, lang="sv", text="/tyck")
        assert urlsplit(again.headers["Location"]).fragment == "msg-4"
        dom = await page(client, "/chat", c=token)
        choices = dom.find("button", class_="choice")
        assert choices and all(c["name"] == "text" and c["type"] == "submit" for c in choices)
        assert len(chat.conversations) == 1


async def test_112_stays_at_the_top_without_javascript(shipped_bot: Bot,
                                                       clock: FixedClock) -> None:
    async with serve(shipped_bot.handle, clock) as (client, _):
        response = await post(client, token="", text="min man slår mig, han har en kniv")
        token = parse_qs(urlsplit(response.headers["Location"]).query)["c"][0]
        page_html = await (await client.get("/chat", params={"c": token})).text()
    urgent = re.search(r'<section id="urgent"[^>]*>(.*?)</section>', page_html, re.S)
    assert urgent and "hidden" not in urgent.group(0).split(">")[0]
    assert "Ring 112 nu" in urgent.group(1)


async def test_refusals_keep_the_text_as_a_draft(clock: FixedClock) -> None:
    async def answer(msg: IncomingMessage) -> Reply:
        return Reply("ok", Outcome.ANSWERED)

    async with serve(answer, clock, messages_per_minute=1, max_text=50) as (client, _):
        first = await post(client, token="", text="hej")
        token = parse_qs(urlsplit(first.headers["Location"]).query)["c"][0]
        limited = await post(client, token=token, text="en fråga till")
        assert limited.status == 200
        dom = Dom(await limited.text())
        assert "112" in "".join(dom.text)
        assert dom.one("input", id="message")["value"] == "en fråga till"
        assert dom.find("input", name="token", value=token)  # the same conversation
        too_long = await post(client, token=token, text="x" * 51)
        dom = Dom(await too_long.text())
        assert "50" in "".join(dom.text) and dom.one("input", id="message")["value"] == "x" * 50
        empty = Dom(await (await post(client, token=token, text="  ")).text())
        assert empty.one("input", id="message")["value"] == "  "


async def test_an_expired_conversation_starts_again(clock: FixedClock) -> None:
    async def answer(msg: IncomingMessage) -> Reply:
        return Reply("ok", Outcome.ANSWERED)

    async with serve(answer, clock) as (client, _):
        token = await start(client)
        expired = await post(client, token=token[::-1], text="finns du?")
        dom = Dom(await expired.text())
        assert {f["value"] for f in dom.find("input", name="token")} == {""}  # starts anew
        assert dom.one("input", id="message")["value"] == "finns du?"
        shown = await page(client, "/chat", c="okänd-token-som-inte-finns")
        assert {f["value"] for f in shown.find("input", name="token")} == {""}
        assert "nytt" in "".join(shown.text)
