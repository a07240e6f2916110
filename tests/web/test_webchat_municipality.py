"""A police area's one bot on six municipalities' websites (issue 15): the embed says which
municipality the page is about (`data-kommun` -> `?kommun=` -> the conversation), and the
answers are about it until the person names another; over real HTTP on 127.0.0.1, with
JavaScript's API and the no-JS form."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from bot.core.bot import Bot
from bot.core.clock import FixedClock
from tests.web.chat_client import conversation, sent, serve
from tests.web.test_webchat_nojs import page, post


async def started(client: object, body: dict[str, str]) -> str:
    response = await client.post("/chat/api/conversations", json=body)  # type: ignore[attr-defined]
    assert response.status == 201, await response.text()
    return str((await response.json())["token"])


async def test_the_page_says_the_municipality_and_the_answers_follow(
        shipped_bot: Bot, clock: FixedClock) -> None:
    async with serve(shipped_bot.handle, clock) as (client, _):
        dorotea = await started(client, {"lang": "sv", "kommun": "dorotea"})
        await sent(client, dorotea, 1, "vem är kommunpolis?")
        _, police = await conversation(client, dorotea, 2)  # the answer before the next
        await sent(client, dorotea, 2, "och i Lycksele?")
        _, other = await conversation(client, dorotea, 2, after=2)
        # The page's own municipality needs no "Om …:"; another one named does.
        assert "kommunpolisen för Dorotea" in police["html"]
        assert "Om Dorotea" not in police["html"]
        assert "Om Lycksele kommun" in other["html"]
        # Not an id's shape, or a municipality the area does not have: the default's.
        for kommun in ("../../etc", "Malå", "mala"):
            token = await started(client, {"lang": "sv", "kommun": kommun})
            await sent(client, token, 1, "vem är kommunpolis?")
            _, reply = await conversation(client, token, 2)
            assert "kommunpolisen för Åsele" in reply["html"], kommun


async def test_the_embed_and_the_no_js_form_carry_it(shipped_bot: Bot,
                                                    clock: FixedClock) -> None:
    async with serve(shipped_bot.handle, clock) as (client, _):
        dom = await page(client, "/chat", embed="1", kommun="storuman")
        [body] = dom.find("body")
        assert body["data-kommun"] == "storuman"
        assert dom.find("input", name="kommun", value="storuman")
        # The language menu keeps it; a shape that is no id never reaches the page.
        assert any("kommun=storuman" in a.get("href", "") for a in dom.find("a"))
        assert not (await page(client, "/chat", kommun='"><script>'))\
            .find("input", name="kommun")
        response = await post(client, token="", lang="sv", kommun="storuman",
                              text="vem är kommunpolis?")
        assert response.status == 303
        token = parse_qs(urlsplit(response.headers["Location"]).query)["c"][0]
        dom = await page(client, "/chat", c=token)
        assert "kommunpolisen för Storuman" in "".join(dom.text)
        # The conversation keeps it: the next page has it without the query.
        [body] = dom.find("body")
        assert body["data-kommun"] == "storuman"
