"""Hostile input on the Teams webhook (a real aiohttp server on 127.0.0.1, the real core):
deep JSON, mention floods, replays, odd characters, markup to be echoed."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app import build_bot
from bot.config import Config, Roles
from bot.core.clock import FixedClock
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store
from bot.transports.teams_text import plain_text, to_teams_html
from tests.transports import test_teams
from tests.transports.test_teams import (
    ANNA,
    ERIK,
    Recording,
    activity,
    post,
    say,
    serve,
)

# The webhook on the shipped base, as test_teams serves it (a pytest fixture).
client = test_teams.client

# Each took seconds with the regular expressions teams.py used (11 s for the first).
FLOODS = {
    "open mentions": "<at>" * 16_000,
    "open mentions with attributes": "<at id='1' " * 6_000,
    "lone brackets": "<" * 64_000,
    "unfinished closings": "<at>x</at " * 6_000,
    "brackets then one end": "<at>" + "<" * 60_000 + ">",
    "mentions and brackets": "<at>a</at><b" * 5_000,
}


def minimal(text: str, **extra: Any) -> dict[str, Any]:
    """The fields the webhook reads, so that a large text fits a body cap."""
    return {"type": "message", "id": "1700000000999", "text": text,
            "timestamp": "2026-11-28T11:00:00.000Z",
            "from": {"id": "29:1x", "aadObjectId": ANNA},
            "conversation": {"id": "19:c@thread.tacv2;messageid=1"}} | extra


async def test_json_nested_ten_thousand_deep_is_a_bad_request_and_the_next_one_is_served(
        client: TestClient[Any, Any]) -> None:
    for deep in (b"[" * 10_000 + b"]" * 10_000, b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
                 json.dumps(activity("hej")).encode()[:-1] + b', "x": ' + b"[" * 10_000
                 + b"]" * 10_000 + b"}"):
        assert await post(client, deep) == (400, b"")
    assert "2021–2022" in await say(client, "vad har polisen lovat?")


@pytest.mark.parametrize("name", list(FLOODS))
def test_reading_a_post_takes_linear_time(name: str) -> None:
    started = time.perf_counter()
    plain_text(FLOODS[name])
    assert time.perf_counter() - started < 0.5  # generous: it was 4 to 11 s


async def test_a_mention_flood_is_answered_quickly_and_the_server_stays_free() -> None:
    recording = Recording()
    async with serve(recording, max_body_bytes=200_000) as client:
        started = time.perf_counter()
        flood = asyncio.gather(*(post(client, minimal(text + f" {i}"))
                                 for i, text in enumerate(FLOODS.values())))
        assert (await post(client, minimal("hej", id="other")))[0] == 200
        assert [status for status, _ in await flood] == [200] * len(FLOODS)
        assert time.perf_counter() - started < 3  # generous: it was minutes for these six
    assert len(recording.seen) == len(FLOODS) + 1
    assert "0" in {m.text for m in recording.seen}  # 16,000 empty mentions, then " 0"


def test_plain_text_keeps_what_the_person_wrote() -> None:
    assert plain_text("<at>Medborgarbot</at> kan ni komma <b>till</b> skolan?") \
        == "kan ni komma till skolan?"
    assert plain_text("<at>Bot</at>&lt;script&gt; 3 &lt; 4 &amp; 5 &gt; 2") \
        == "<script> 3 < 4 & 5 > 2"
    assert plain_text("<p>rad ett</p><p>rad två</p>") == "rad ett rad två"
    assert plain_text("<atom>inte en omnämning</atom>") == "inte en omnämning"
    assert plain_text("<at>öppen utan slut") == "öppen utan slut"  # not a mention: kept
    assert plain_text("<AT id='7'>Anna</At >hej<at>Bo</at\n>då") == "hej då"


# ----------------------------------------------------------------------------- replays

async def test_a_replayed_confirmation_stores_one_feedback_entry(
        client: TestClient[Any, Any], store: Store) -> None:
    for n, text in enumerate(["/tyck", "1", "2", "Mörkt vid busshållplatsen", "hoppa över"]):
        await say(client, text, thread=str(n))
    confirm = json.dumps(activity("ja")).encode()
    first = await post(client, confirm)
    assert first[0] == 200 and "sparad" in first[1]["text"]
    # The same signed body again, once after the other and twice at once.
    again = [await post(client, confirm),
             *await asyncio.gather(post(client, confirm), post(client, confirm))]
    assert again == [(200, {"type": "message", "textFormat": "xml", "text": ""})] * 3
    assert len(await store.list_feedback()) == 1


async def test_a_replayed_log_command_logs_one_activity(
        shipped_holder: KnowledgeHolder, clock: FixedClock, store: Store) -> None:
    bot = build_bot(Config(roles=Roles(staff=[ANNA])), clock, shipped_holder, store)
    async with serve(bot.handle, clock) as client:
        body = json.dumps(activity("/logga trafikkontroll Lomsjö igår 23 fordon")).encode()
        assert "Loggat" in (await post(client, body))[1]["text"]
        clock.advance(dt.timedelta(minutes=4))  # within the window
        assert (await post(client, body))[1]["text"] == ""
        # Another activity with the same words is a new message, not a replay.
        assert "Loggat" in await say(client, "/logga trafikkontroll Lomsjö igår 23 fordon")
    assert len(await store.list_activities()) == 2


@pytest.mark.parametrize("stamp", ["2026-11-28T10:50:00.000Z", "2026-11-28T11:10:00Z",
                                   "2026-11-27T11:00:00.000Z"])
async def test_a_request_stamped_outside_the_window_is_refused(stamp: str) -> None:
    recording = Recording()
    async with serve(recording) as client:
        assert await post(client, activity("hej", timestamp=stamp)) == (400, b"")
        # A replay after the window is such a request: refused, not acted on again.
        fresh = json.dumps(activity("hej")).encode()
        assert (await post(client, fresh))[0] == 200
    assert len(recording.seen) == 1


@pytest.mark.parametrize("stamp", [None, "", "igår", 17, "2026-11-28T11:00:00", "9" * 5000])
async def test_a_request_without_a_readable_timestamp_is_only_deduplicated(
        stamp: Any) -> None:
    recording = Recording()
    body = json.dumps(activity("hej", timestamp=stamp)).encode()
    async with serve(recording) as client:
        assert (await post(client, body))[0] == 200
        assert (await post(client, body))[0] == 200
    assert len(recording.seen) == 1


# ------------------------------------------------------------- characters and markup

@pytest.mark.parametrize("text", [
    "vad har polisen lovat?\u0000\u0007\u001b[2J",
    "hej \ud800 \udcff",  # lone surrogates, as JSON escapes allow
    "\u202eollah\u200b",
    "\ufffd\ufffd\ufffd\ufffd",
    "x" * 20_000,
    "<script>alert(1)</script>",
    "&lt;img src=x onerror=alert(1)&gt;",
])
async def test_odd_text_gets_one_answer(client: TestClient[Any, Any], text: str) -> None:
    status, reply = await post(client, activity(text))
    assert status == 200 and reply["text"], reply
    assert "<script" not in reply["text"] and "<img" not in reply["text"]


@pytest.mark.parametrize("field", ["from", "conversation"])
@pytest.mark.parametrize("bad", ["a\u0000b", "\ud800", "x" * 5000, "", 7, None])
async def test_an_id_no_store_could_keep_is_a_bad_request(field: str, bad: Any) -> None:
    recording = Recording()
    payload = activity("hej")
    payload[field] = {"id": bad}
    async with serve(recording) as client:
        assert await post(client, payload) == (400, b"")
    assert recording.seen == []


async def test_echoed_text_stays_text(client: TestClient[Any, Any], store: Store) -> None:
    # As Teams sends what a person typed: their "<" arrives as "&lt;".
    typed = ("&lt;at&gt;Alla&lt;/at&gt; [klicka här](https://evil.example) "
             "![bild](https://evil.example/x.png) **fet** &lt;b&gt;tagg&lt;/b&gt;")
    for n, text in enumerate(["/tyck", "1", "2", typed]):
        reply = await say(client, text, thread=str(n))
    summary = await say(client, "hoppa över")
    for shown in (reply, summary):
        assert "<at" not in shown and "<a " not in shown and "<img" not in shown
        assert "<b>" not in shown and "<strong>fet" not in shown
    assert "&lt;at&gt;Alla" in summary and "[klicka här]" in summary
    assert "sparad" in await say(client, "ja")
    [entry] = await store.list_feedback()
    assert "klicka här" in entry.text  # stored as typed: escaping is for showing


def test_replies_render_as_teams_html() -> None:
    html = to_teams_html("**Fet** och [polisen](https://polisen.se)\n\n- a\n- b\n\n"
                         "<at>Alla</at> <img src=x> [x](javascript:alert(1)) ![i](https://x/y)")
    assert "<strong>Fet</strong>" in html and '<a href="https://polisen.se">' in html
    assert "<li>a</li>" in html
    assert "&lt;at&gt;Alla&lt;/at&gt;" in html and "&lt;img src=x&gt;" in html
    assert "javascript" not in html.split("[x](")[0] and "<img" not in html
    assert to_teams_html("") == ""


async def test_two_senders_replaying_each_other_cannot(client: TestClient[Any, Any]) -> None:
    """Two people who send the same words at the same second are two messages."""
    anna = json.dumps(activity("hej", sender=ANNA)).encode()
    erik = json.dumps(activity("hej", sender=ERIK)).encode()
    assert (await post(client, anna))[1]["text"] and (await post(client, erik))[1]["text"]
