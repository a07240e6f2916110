"""The web chat's conversations in the store (bot/store/webchats.py): found by cid for as
long as they are used, entries with consecutive ids across processes, a seq taken once,
everything sealed, gone after their idle time; on PostgreSQL another process is woken."""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets

import pytest

from bot.store import Store, open_store
from bot.store.webchats import StoredChats
from tests.store.conftest import raw_fetch

SECRET = secrets.token_bytes(32)
IDLE = dt.timedelta(minutes=30)
CID = "c" * 32


class Clock:
    def __init__(self) -> None:
        self.at = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.at


def entry(text: str, kind: str = "you") -> dict[str, object]:
    return {"kind": kind, "html": text, "urgent": False, "choices": [], "lang": "sv"}


async def test_a_conversation_keeps_its_entries_sealed_and_seqs_once(store: Store) -> None:
    clock = Clock()
    chats = StoredChats(store.db, SECRET, clock)
    assert await chats.use_chat(CID, IDLE) is None  # never made
    await chats.open_chat(CID, {"lang": "en", "kommun": "dorotea"}, IDLE)
    used = await chats.use_chat(CID, IDLE)
    assert used == ({"lang": "en", "kommun": "dorotea"}, clock.at + IDLE)
    assert await chats.add_entry(CID, entry("Det langas vid skolan"), 1, 200) == (1, False)
    assert await chats.add_entry(CID, entry("Tack", "bot"), None, 200) == (2, False)
    assert await chats.add_entry(CID, entry("igen"), 1, 200) == (1, True)  # seq 1 again
    assert await chats.add_entry(CID, entry("nästa"), 2, 200) == (3, False)  # no gap
    rows = await chats.entries_after(CID, 1)
    assert [(i, seq, e["html"]) for i, seq, e in rows] == [(2, None, "Tack"), (3, 2, "nästa")]
    raw = " ".join(str(v) for r in await raw_fetch(store, "SELECT * FROM web_entries")
                   for v in r)
    raw += " ".join(str(v) for r in await raw_fetch(store, "SELECT * FROM web_chats")
                    for v in r)
    assert "langas" not in raw and "dorotea" not in raw and CID not in raw
    # Another key reads nothing (and says nothing of the text).
    other = StoredChats(store.db, secrets.token_bytes(32), clock)
    assert await other.use_chat(CID, IDLE) is None


async def test_unused_for_its_idle_time_it_is_gone(store: Store) -> None:
    clock = Clock()
    chats = StoredChats(store.db, SECRET, clock)
    await chats.open_chat(CID, {"lang": "sv"}, IDLE)
    await chats.add_entry(CID, entry("hej"), 1, 200)
    clock.at += IDLE - dt.timedelta(seconds=1)
    assert await chats.use_chat(CID, IDLE) is not None  # used: kept IDLE from now
    clock.at += IDLE + dt.timedelta(seconds=1)
    assert await chats.add_entry(CID, entry("sent"), 2, 200) is None
    assert await chats.use_chat(CID, IDLE) is None
    assert await chats.count() == (0, 0)  # deleted, entries and all


async def test_the_last_entries_are_kept_and_the_latest_urgent_one(store: Store) -> None:
    chats = StoredChats(store.db, SECRET, Clock())
    await chats.open_chat(CID, {"lang": "sv"}, IDLE)
    await chats.add_entry(CID, entry("112", "bot"), None, 3, urgent=True)
    for n in range(6):
        await chats.add_entry(CID, entry(f"rad {n}"), n + 1, 3)
    assert [i for i, _, _ in await chats.entries_after(CID, 0)] == [1, 5, 6, 7]


async def test_two_processes_sending_one_seq_at_once_take_it_once(store_url: str) -> None:
    async with open_store(store_url) as one, open_store(store_url) as two:
        clock = Clock()
        a, b = StoredChats(one.db, SECRET, clock), StoredChats(two.db, SECRET, clock)
        await a.open_chat(CID, {"lang": "sv"}, IDLE)
        # Each seq sent to both at once: each taken once, the other told its entry's id.
        got = await asyncio.gather(*(chats.add_entry(CID, entry(f"m{seq}"), seq, 200)
                                     for seq in range(1, 11) for chats in (a, b)))
        rows = await b.entries_after(CID, 0)
        made = {seq: i for i, seq, _ in rows}
        assert sorted(made) == list(range(1, 11))  # one entry a seq
        for n, (entry_id, _) in enumerate(got):
            assert made[n // 2 + 1] == entry_id  # both answers name the one entry
        assert sum(taken for _, taken in got) == 10
        ids = [i for i, _, _ in rows]
        assert ids == sorted(set(ids))  # ids only grow (one may be left unused)
        last, taken = await a.add_entry(CID, entry("sist"), None, 200)  # type: ignore[misc]
        assert last > ids[-1] and not taken


async def test_another_process_is_woken_by_an_entry(postgres_url: str) -> None:
    async with open_store(postgres_url) as one, open_store(postgres_url) as two:
        clock = Clock()
        a, b = StoredChats(one.db, SECRET, clock), StoredChats(two.db, SECRET, clock)
        woken: asyncio.Queue[str] = asyncio.Queue()
        await a.listen(woken.put_nowait)
        try:
            await a.open_chat(CID, {"lang": "sv"}, IDLE)  # a serves this conversation
            await b.add_entry(CID, entry("hej"), 1, 200)
            assert await asyncio.wait_for(woken.get(), 10) == CID
        finally:
            await a.close()


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
async def test_sqlite_has_nothing_to_listen_to(store: Store) -> None:
    chats = StoredChats(store.db, SECRET, Clock())
    await chats.listen(lambda cid: None)  # one process: nothing to hear, no error
    await chats.close()
