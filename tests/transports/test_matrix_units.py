"""The Matrix transport's pure parts: content, addressing, transaction ids, backoff."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import pytest

from bot.transports.matrix.content import reply_content, to_html
from bot.transports.matrix.inbound import Addressing, relations
from bot.transports.matrix.link import Link
from bot.transports.matrix.outbound import retry_after, txn_id


def test_html_is_sanitised_to_the_spec_tags() -> None:
    html = to_html("**fet** <script>alert(1)</script> [x](javascript:alert(1)) "
                   "[polisen](https://polisen.se)\n\n- a\n- b")
    assert "<strong>fet</strong>" in html
    assert "<script>" not in html and 'href="javascript' not in html
    assert '<a href="https://polisen.se">polisen</a>' in html
    assert "<ul>" in html and "<li>a</li>" in html


def test_reply_in_a_dm_is_a_notice_with_empty_mentions_and_no_fallback() -> None:
    content = reply_content("Hej **du**", reply_to="$q", thread_root=None, mention=None)
    assert content["msgtype"] == "m.notice"
    assert content["format"] == "org.matrix.custom.html"
    assert content["m.mentions"] == {}
    assert content["m.relates_to"] == {"m.in_reply_to": {"event_id": "$q"}}
    assert "mx-reply" not in content["formatted_body"] and not content["body"].startswith(">")


def test_reply_in_a_thread_stays_in_the_thread_and_mentions_the_asker() -> None:
    content = reply_content("svar", reply_to="$q", thread_root="$root", mention="@anna:x")
    assert content["m.mentions"] == {"user_ids": ["@anna:x"]}
    assert content["m.relates_to"] == {"rel_type": "m.thread", "event_id": "$root",
                                       "is_falling_back": True,
                                       "m.in_reply_to": {"event_id": "$q"}}


def test_relations() -> None:
    assert relations({}) == (None, None, False)
    assert relations({"m.relates_to": {"m.in_reply_to": {"event_id": "$a"}}}) == (
        None, "$a", False)
    assert relations({"m.relates_to": {"rel_type": "m.thread", "event_id": "$r",
                                       "is_falling_back": True,
                                       "m.in_reply_to": {"event_id": "$last"}}}) == (
        "$r", None, False)
    assert relations({"m.relates_to": {"rel_type": "m.replace", "event_id": "$e"}})[2]


@pytest.mark.parametrize(("content", "body", "expected"), [
    ({"m.mentions": {"user_ids": ["@bot:localhost"]}}, "hej", True),
    ({"m.mentions": {}}, "medborgarbot: hej", False),  # m.mentions is authoritative
    ({}, "Medborgarbot: vad har ni lovat", True),
    ({}, "@bot:localhost hej", True),
    ({}, "robotar är roliga", False),
    ({}, "bot, hej", True),
])
def test_mentions(content: dict, body: str, expected: bool) -> None:
    addressing = Addressing("@bot:localhost", "Medborgarbot")
    assert addressing.mentioned(content, body) is expected


def test_mention_is_cut_from_the_question() -> None:
    addressing = Addressing("@bot:localhost", "Medborgarbot")
    assert addressing.without_mention("Medborgarbot: vad har ni lovat?") == "vad har ni lovat?"
    assert addressing.without_mention("@bot:localhost knark") == "knark"
    assert addressing.without_mention("vad gör medborgarbot") == "vad gör medborgarbot"


def test_transaction_id_is_stable_per_question() -> None:
    assert txn_id("$abc") == txn_id("$abc")
    assert txn_id("$abc") != txn_id("$abd")
    assert txn_id("$abc").startswith("mb-") and len(txn_id("$abc")) == 35


def _error(headers: dict[str, str], retry_after_ms: int | None) -> SimpleNamespace:
    return SimpleNamespace(transport_response=SimpleNamespace(headers=headers, status=429),
                           retry_after_ms=retry_after_ms)


def test_retry_after_prefers_the_header() -> None:
    assert retry_after(_error({"Retry-After": "3"}, 9000)) == 3.0  # type: ignore[arg-type]
    assert retry_after(_error({}, 1500)) == 1.5  # type: ignore[arg-type]
    assert retry_after(_error({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"},
                              None)) == 5.0  # type: ignore[arg-type]


def test_backoff_doubles_with_jitter_up_to_the_cap() -> None:
    link = Link(asyncio.Event(), base=0.5, cap=8.0, rng=lambda: 1.0)
    delays = []
    for _ in range(7):
        delays.append(link.delay())
        link.failures += 1
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    low = Link(asyncio.Event(), base=0.5, cap=8.0, rng=lambda: 0.0)
    assert low.delay() == 0.25  # jitter takes up to half off


def test_one_log_line_per_state_change(caplog: pytest.LogCaptureFixture) -> None:
    link = Link(asyncio.Event())
    with caplog.at_level(logging.INFO, logger="bot.matrix"):
        link.ok()
        for _ in range(5):
            link.failed("ClientConnectorError")
        link.ok()
        link.ok()
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "matrix: connected",
        "matrix: homeserver not answering (ClientConnectorError); retrying with backoff",
        "matrix: connection restored after 5 failed attempt(s)",
    ]


async def test_waiting_ends_at_once_when_stopping() -> None:
    stopping = asyncio.Event()
    link = Link(stopping, base=3600, cap=3600)
    stopping.set()
    assert await link.wait() is False


async def test_typing_is_shown_only_for_a_slow_answer(tmp_path) -> None:
    from bot.config import MatrixSettings
    from bot.core.messages import IncomingMessage, Outcome, Reply
    from bot.transports.matrix.inbound import Inbound
    from bot.transports.matrix.transport import MatrixTransport

    release = asyncio.Event()

    async def handle(msg: IncomingMessage) -> Reply:
        if msg.text == "slow":
            await release.wait()
        return Reply("svar", Outcome.ANSWERED)

    class Client:
        def __init__(self) -> None:
            self.typing: list[bool] = []

        async def room_typing(self, room_id: str, typing: bool, **_: int) -> None:
            self.typing.append(typing)
            release.set()  # the answer finishes once typing is shown

    settings = MatrixSettings(homeserver="http://127.0.0.1:1", user_id="@bot:localhost",
                              password="p", encryption=False, typing_after_ms=0)
    transport = MatrixTransport(settings, tmp_path, handle, state=None)  # type: ignore[arg-type]
    client, room = Client(), SimpleNamespace(room_id="!r:localhost")

    def got(text: str) -> Inbound:
        return Inbound(IncomingMessage("matrix", "!r:localhost", "@a:localhost", text), None)

    reply = await transport._answer(client, room, got("slow"))  # type: ignore[arg-type]
    assert reply is not None and client.typing == [True, False]
    client.typing.clear()
    settings_fast = settings.model_copy(update={"typing_after_ms": 1000})
    transport.settings = settings_fast
    await transport._answer(client, room, got("fast"))  # type: ignore[arg-type]
    assert client.typing == []
