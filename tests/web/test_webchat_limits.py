"""Rate limits and caps of the web chat, with the injected clock stepping time (no sleeps):
new conversations per address per hour, messages per conversation per minute, the number
of conversations; counted under a keyed hash, never the address."""

from __future__ import annotations

import datetime as dt
import ipaddress

import pytest

from bot.core.clock import FixedClock
from bot.core.messages import IncomingMessage, Outcome, Reply
from bot.transports.webchat.limits import AddressLimit, client_address, proxies
from tests.web.chat_client import conversation, send, sent, serve, start


async def answer(msg: IncomingMessage) -> Reply:
    return Reply("ok", Outcome.ANSWERED)


async def test_new_conversations_per_address_per_hour(clock: FixedClock) -> None:
    async with serve(answer, clock, new_conversations_per_hour=2) as (client, _):
        await start(client)
        await start(client)
        refused = await client.post("/chat/api/conversations", json={"lang": "sv"})
        assert refused.status == 429
        body = await refused.json()
        assert body["error"] == "limited" and "112" in body["html"]
        # X-Forwarded-For from a peer that is no trusted proxy is the client's word only.
        spoofed = await client.post("/chat/api/conversations", json={"lang": "en"},
                                    headers={"X-Forwarded-For": "198.51.100.7"})
        assert spoofed.status == 429 and "112" in (await spoofed.json())["html"]
        assert "call 112" in (await spoofed.json())["html"]
        clock.advance(dt.timedelta(minutes=59))
        assert (await client.post("/chat/api/conversations", json={})).status == 429
        clock.advance(dt.timedelta(minutes=1))
        await start(client)


async def test_behind_a_trusted_proxy_each_client_counts_alone(clock: FixedClock) -> None:
    async with serve(answer, clock, new_conversations_per_hour=1,
                     trusted_proxies=["127.0.0.0/8"]) as (client, _):
        await start(client, **{"X-Forwarded-For": "203.0.113.1"})
        await start(client, **{"X-Forwarded-For": "203.0.113.2, 127.0.0.1"})
        again = await client.post("/chat/api/conversations", json={},
                                  headers={"X-Forwarded-For": "203.0.113.1"})
        assert again.status == 429


async def test_messages_per_conversation_per_minute(clock: FixedClock) -> None:
    async with serve(answer, clock, messages_per_minute=3) as (client, _):
        token = await start(client)
        other = await start(client)
        for seq in (1, 2, 3):
            await sent(client, token, seq, f"fråga {seq}")
        duplicate = await send(client, token, 3, "fråga 3")  # a retry is not counted
        assert duplicate.status == 200
        refused = await send(client, token, 4, "fråga 4")
        assert refused.status == 429
        body = await refused.json()
        assert body["error"] == "limited" and "112" in body["html"]
        await sent(client, other, 1, "jag är en annan")  # each conversation counts alone
        clock.advance(dt.timedelta(seconds=60))
        await sent(client, token, 4, "fråga 4")
        entries = await conversation(client, token, 8)
    assert [e["html"] for e in entries if e["kind"] == "you"] == [
        "fråga 1", "fråga 2", "fråga 3", "fråga 4"]  # the refused one stored nothing


async def test_the_oldest_conversation_goes_when_the_cap_is_reached(clock: FixedClock) -> None:
    async with serve(answer, clock, max_conversations=3) as (client, chat):
        tokens = []
        for _ in range(3):
            tokens.append(await start(client))
            clock.advance(dt.timedelta(seconds=1))
        await sent(client, tokens[0], 1, "den första används igen")
        fourth = await start(client)
        assert len(chat.conversations) == 3
        assert (await send(client, tokens[1], 1, "hej")).status == 410  # used longest ago
        for token in (tokens[0], tokens[2], fourth):
            assert chat.conversations.get(token) is not None


def test_the_limit_keeps_no_address_and_stays_bounded(clock: FixedClock) -> None:
    limit = AddressLimit(clock, limit=2, max_keys=100)
    address = "203.0.113.9"
    assert limit.take(address) and limit.take(address) and not limit.take(address)
    kept = repr(vars(limit) if hasattr(limit, "__dict__") else limit)
    assert address not in kept
    for window in limit._windows:
        assert address.encode() not in window and len(window) == 16
    for n in range(1000):
        limit.take(f"198.51.{n // 256}.{n % 256}")
    assert len(limit) <= 100
    clock.advance(dt.timedelta(hours=1))
    assert limit.take(address)  # the window ended: counted anew
    other = AddressLimit(clock, limit=2)
    assert set(other._windows) == set()
    other.take(address)
    assert set(other._windows).isdisjoint(limit._windows)  # each process its own key


@pytest.mark.parametrize(("peer", "forwarded", "trusted", "expected"), [
    ("203.0.113.5", None, [], "203.0.113.5"),
    ("203.0.113.5", "198.51.100.1", [], "203.0.113.5"),  # not a proxy: header ignored
    ("10.0.0.2", "198.51.100.1", ["10.0.0.0/8"], "198.51.100.1"),
    ("10.0.0.2", "1.2.3.4, 198.51.100.1, 10.0.0.3", ["10.0.0.0/8"], "198.51.100.1"),
    ("10.0.0.2", "nonsense", ["10.0.0.0/8"], "10.0.0.2"),
    ("10.0.0.2", "10.0.0.4", ["10.0.0.0/8"], "10.0.0.4"),
    ("::1", "2001:db8::7", ["::1"], "2001:db8::7"),
    (None, None, [], ""),
])
def test_the_address_counted(peer: str | None, forwarded: str | None, trusted: list[str],
                             expected: str) -> None:
    assert client_address(peer, forwarded, proxies(trusted)) == expected


def test_trusted_proxies_are_networks() -> None:
    assert proxies(["10.0.0.1", "10.0.0.0/8"])[1] == ipaddress.ip_network("10.0.0.0/8")
    with pytest.raises(ValueError):
        proxies(["proxy.example"])
