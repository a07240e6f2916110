"""Conversations' state in the store (shared_state): two bots on one store take turns in
one conversation as two processes would; the lock serialises one conversation across
them; a message sent again to the other one is not handled twice; nothing in the table
names the resident or shows the text."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import secrets
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.app import build_bot
from bot.config import Config, ConfigError, SharedStateSettings, load_config
from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.conversation_state import Held, Key, decode, encode
from bot.core.messages import Outcome, Reply
from bot.core.turn import Turn
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store, StoreError, open_store
from bot.store.conversations import StoredConversations, state_secret
from tests.conftest import SHIPPED, message
from tests.store.conftest import postgres_server, postgres_url  # noqa: F401

KEY = base64.b64encode(secrets.token_bytes(32)).decode()
TEXT = "Mörkt vid busskuren, någon kör fort varje kväll"


@pytest.fixture(scope="module")
def holder() -> KnowledgeHolder:
    return KnowledgeHolder.load(SHIPPED)


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bot.db'}"
    return str(request.getfixturevalue("postgres_url"))


def config(tmp_path: Path, **shared: Any) -> Config:
    return Config(data_dir=tmp_path, shared_state=SharedStateSettings(
        enabled=True, key=KEY, transports=["test"], **shared))


def dialogues(bot: Bot) -> Any:
    [found] = [s for s in bot.stateful if s.state_name == "dialogues"]
    return found


async def raw_rows(store: Store) -> list[tuple[str, str]]:
    rows = await store.db.fetch("SELECT key, value FROM conversation_state")
    return [(r[0], r[1]) for r in rows]


async def test_a_dialogue_alternates_between_two_bots(
        url: str, tmp_path: Path, holder: KnowledgeHolder) -> None:
    clock = FixedClock(dt.date(2026, 11, 28))
    async with open_store(url) as one, open_store(url) as two:
        bots = [build_bot(config(tmp_path), clock, holder, store) for store in (one, two)]
        steps = ["/tyck", "2", "Fredrika", TEXT, "4", "ja"]
        replies = []
        for n, text in enumerate(steps):
            reply = await bots[n % 2].handle(message(text, event_id=f"$e{n}",
                                                     sender="@anna:x", room="!r:x"))
            assert reply is not None
            replies.append(reply)
            if n == 3:  # mid-dialogue: one sealed row, naming nobody, not showing the text
                [(key, value)] = await raw_rows(one)
                assert "anna" not in key and "!r" not in key
                assert "busskuren" not in value and "Fredrika" not in value
        assert "Var ungefär?" in replies[1].text and "sparad" in replies[-1].text
        # Word for word what one bot in memory answers.
        async with open_store("sqlite://:memory:") as memory:
            alone = build_bot(Config(data_dir=tmp_path), clock, holder, memory)
            assert [(await alone.handle(message(text, sender="@anna:x", room="!r:x",
                                                event_id=f"$e{n}")))
                    for n, text in enumerate(steps)] == replies
        [entry] = await one.list_feedback()
        assert (entry.category, entry.area, entry.rating) == ("narkotika-alkohol",
                                                              "fredrika", 4)
        # Neither process keeps the conversation in memory between its messages.
        for bot in bots:
            assert dialogues(bot).sizes() == {"sessions": 0, "offers": 0}
        # Only the last event ids stay (for a retry), sealed, until they expire.
        [(_, value)] = await raw_rows(one)
        again = await bots[0].handle(message("ja", event_id="$e5", sender="@anna:x",
                                             room="!r:x"))
        assert again is None  # "ja" sent again, to the other bot: not handled twice
        assert len(await one.list_feedback()) == 1
        clock.advance(dt.timedelta(minutes=11))  # the event ids expire, and are swept
        await bots[1].handle(message("hej", sender="@erik:x", room="!r:x", event_id="$x"))
        [(key, _)] = await raw_rows(one)  # erik's event id alone
        assert key == bots[1].state.row_key(("test", "!r:x", "@erik:x"))  # type: ignore


@pytest.mark.parametrize("steps", [
    ["/boka", "Skolan", "2", "3", "25", "v 12", "-", "ja"],
    ["/tyck", "1", "paus", "vad har polisen lovat?", "fortsätt", "2", "börja om", "avbryt"],
    # An emergency pauses it and keeps the text (a draft); the crisis is followed up.
    ["/tyck", "3", "2", "min granne slår sin fru", "3", "det är lugnt nu", "3", "fortsätt",
     "ja", "2", "ja"],
    ["polis", "2", "polis", "7", "när går avtalet ut?"],
])
async def test_other_dialogues_alternate_word_for_word(
        tmp_path: Path, holder: KnowledgeHolder, steps: list[str]) -> None:
    clock = FixedClock(dt.date(2026, 11, 28))
    url = f"sqlite:///{tmp_path / 'bot.db'}"

    def msg(n: int, text: str) -> Any:
        return message(text, event_id=f"$e{n}", sender="@t:x", room="!r:x")

    async with open_store(url) as one, open_store(url) as two, \
            open_store("sqlite://:memory:") as memory:
        bots = [build_bot(config(tmp_path), clock, holder, s) for s in (one, two)]
        alone = build_bot(Config(data_dir=tmp_path), clock, holder, memory)
        for n, text in enumerate(steps):
            shared = await bots[n % 2].handle(msg(n, text))
            assert shared == await alone.handle(msg(n, text)), text
        booked = 1 if steps[0] == "/boka" else 0
        assert len(await one.list_requests()) == len(await memory.list_requests()) == booked
        assert len(await one.list_feedback()) == len(await memory.list_feedback())


async def test_a_dialogue_in_memory_stays_as_it_was(
        tmp_path: Path, holder: KnowledgeHolder, store: Store) -> None:
    clock = FixedClock(dt.date(2026, 11, 28))
    bot = build_bot(Config(data_dir=tmp_path), clock, holder, store)
    assert not bot.state.shares("test")
    await bot.handle(message("/tyck"))
    assert await store.db.fetchval("SELECT COUNT(*) FROM conversation_state") == 0
    assert dialogues(bot).sizes()["sessions"] == 1


async def test_numbered_suggestions_survive_the_other_process(
        tmp_path: Path, holder: KnowledgeHolder) -> None:
    clock = FixedClock(dt.date(2026, 11, 28))
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    async with open_store(url) as one, open_store(url) as two:
        a, b = (build_bot(config(tmp_path), clock, holder, s) for s in (one, two))
        first = await a.handle(message("polis", event_id="$1"))
        assert first is not None and first.outcome is Outcome.SUGGESTED
        picked = await b.handle(message("2", event_id="$2"))  # numbered: the other one picks
        assert picked is not None and picked.outcome is Outcome.ANSWERED
        lost = await a.handle(message("2", event_id="$3"))  # answered: nothing open now
        assert lost is not None and lost.outcome is Outcome.UNKNOWN


# ------------------------------------------------------------ across processes: the lock

class Counter:
    """A stateful step that counts a conversation's messages (and can be held up)."""

    state_name = "counter"

    def __init__(self) -> None:
        self.counts: dict[Key, int] = {}
        self.gate: asyncio.Event | None = None
        self.entered = asyncio.Event()

    def snapshot(self, key: Key) -> Held | None:
        n = self.counts.get(key)
        return None if n is None else (n, dt.datetime(2100, 1, 1, tzinfo=dt.UTC))

    def restore(self, key: Key, held: Held | None) -> None:
        self.counts.pop(key, None)
        if held is not None:
            self.counts[key] = held[0]

    async def __call__(self, turn: Turn) -> Reply:
        key = turn.msg.conversation
        self.counts[key] = self.counts.get(key, 0) + 1
        self.entered.set()
        if self.gate is not None:
            await self.gate.wait()
        return Reply(str(self.counts[key]), Outcome.ANSWERED, "sv")


def counting_bot(store: Store, clock: FixedClock, **kwargs: Any) -> tuple[Bot, Counter]:
    counter = Counter()
    state = StoredConversations(store.db, base64.b64decode(KEY), clock.now,
                                transports=["test"], **kwargs)
    return Bot([counter], clock, state=state, stateful=[counter]), counter


async def waiting_for_advisory_lock(url: str) -> None:
    """Until a session waits for an advisory lock not granted (the other bot's turn)."""
    conn = await asyncpg.connect(url)
    try:
        async with asyncio.timeout(20):
            while not await conn.fetchval(  # noqa: ASYNC110 - PostgreSQL has no Event
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                    " AND NOT granted"):
                await asyncio.sleep(0.01)  # polling for a state, not timing anything
    finally:
        await conn.close()


async def test_two_turns_of_one_conversation_on_two_bots_take_turns(
        postgres_url: str) -> None:  # noqa: F811
    clock = FixedClock(dt.date(2026, 11, 28))
    async with open_store(postgres_url) as one, open_store(postgres_url) as two:
        (a, count_a), (b, _) = counting_bot(one, clock), counting_bot(two, clock)
        count_a.gate = asyncio.Event()
        first = asyncio.create_task(a.handle(message("ett", event_id=None)))
        await count_a.entered.wait()  # bot a is inside its turn, holding the lock
        second = asyncio.create_task(b.handle(message("två", event_id=None)))
        await waiting_for_advisory_lock(postgres_url)  # bot b waits for it
        assert not second.done()
        count_a.gate.set()
        replies = await asyncio.gather(first, second)
        # b ran after a and saw a's count: without the lock both would say "1".
        assert [r.text for r in replies if r is not None] == ["1", "2"]
        # Another conversation is not held up by a held one.
        count_a.gate = asyncio.Event()
        count_a.entered.clear()
        held = asyncio.create_task(a.handle(message("tre", event_id=None)))
        await count_a.entered.wait()
        other = await b.handle(message("hej", sender="@erik", event_id=None))
        assert other is not None and other.text == "1"
        count_a.gate.set()
        assert (await held) is not None


async def test_a_conversation_held_too_long_elsewhere_gets_the_error_reply(
        postgres_url: str) -> None:  # noqa: F811
    clock = FixedClock(dt.date(2026, 11, 28))
    async with open_store(postgres_url) as one, open_store(postgres_url) as two:
        (a, count_a), (b, count_b) = (counting_bot(one, clock),
                                      counting_bot(two, clock, lock_seconds=0.05))
        count_a.gate = asyncio.Event()
        first = asyncio.create_task(a.handle(message("ett", event_id=None)))
        await count_a.entered.wait()
        # Refused by PostgreSQL's lock_timeout (50 ms), not by a sleep here.
        refused = await b.handle(message("två", event_id=None))
        assert refused is not None and refused.outcome is Outcome.INVALID
        assert not count_b.entered.is_set()  # nothing ran without the state
        count_a.gate.set()
        assert (await first) is not None


# ------------------------------------------------------------ the pieces

class StrictCounter(Counter):
    def restore(self, key: Key, held: Held | None) -> None:
        super().restore(key, None if held is None else (int(held[0]), held[1]))


async def test_a_part_kept_in_another_shape_is_forgotten_not_an_error(store: Store) -> None:
    clock = FixedClock(dt.date(2026, 11, 28))
    counter = StrictCounter()
    state = StoredConversations(store.db, b"k" * 32, clock.now, transports=["test"])
    bot = Bot([counter], clock, state=state, stateful=[counter])
    async with state.hold(("test", "!room", "@anna")) as slot:
        await slot.save({"counter": ("not a number", clock.now() + dt.timedelta(hours=1))})
    reply = await bot.handle(message("hej", event_id=None))
    assert reply is not None and reply.text == "1"  # counted afresh, not the error reply


def test_the_codec_keeps_dates_times_and_tuples() -> None:
    value = {"d": dt.date(2026, 1, 2), "t": dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC),
             "p": ("a", 1, None), "l": [1.5, True, {"x": "å\0"}], "n": None}
    assert decode(encode(value)) == value
    with pytest.raises(TypeError):
        encode({"s": {1, 2}})


async def test_a_row_sealed_with_another_key_reads_as_nothing(store: Store) -> None:
    now = dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)
    parts: dict[str, Held] = {"x": ({"a": 1}, now + dt.timedelta(hours=1))}
    mine = StoredConversations(store.db, b"k" * 32, lambda: now)
    other = StoredConversations(store.db, b"o" * 32, lambda: now)
    key = ("web", "cid", "cid")
    async with mine.hold(key) as slot:
        await slot.save(parts)
        assert await slot.load() == parts
    # Another secret finds another row; that row's value moved under it reads as nothing.
    await store.db.execute("UPDATE conversation_state SET key = $1", other.row_key(key))
    async with other.hold(key) as slot:
        assert await slot.load() is None
    async with mine.hold(key) as slot:
        await slot.save({})
    assert await mine.count() == 1  # the moved row stays until its expiry
    later = StoredConversations(store.db, b"k" * 32, lambda: now + dt.timedelta(hours=2))
    async with later.hold(("web", "x", "x")) as slot:
        await slot.save({"y": (1, now + dt.timedelta(hours=3))})
    assert await later.count() == 1  # the expired one swept


def test_the_key_file_is_made_once_and_shared(tmp_path: Path) -> None:
    first = state_secret(None, tmp_path)
    assert state_secret(None, tmp_path) == first and len(first) == 32
    assert (tmp_path / "conversation-state.key").stat().st_mode & 0o777 == 0o600
    with pytest.raises(StoreError, match="fewer than"):
        state_secret(base64.b64encode(b"short").decode(), tmp_path)
    (tmp_path / "conversation-state.key").write_text("not a key!")
    with pytest.raises(StoreError, match="not base64"):
        state_secret(None, tmp_path)
    (tmp_path / "config.yaml").write_text("shared_state: {enabled: true}\n")
    with pytest.raises(ConfigError, match=r"SHARED_STATE__KEY: shared_state\.key: fewer"):
        load_config(tmp_path / "config.yaml",
                    env={"MEDBORGARBOT_SHARED_STATE__KEY": "c2hvcnQ="})


def test_check_notes_shared_state_on_sqlite(tmp_path: Path) -> None:
    from bot.service import preflight

    on = SharedStateSettings(enabled=True)
    assert any("SQLite" in note for note in preflight(
        Config(data_dir=tmp_path, shared_state=on))[1])
    assert not any("SQLite" in note for note in preflight(
        Config(data_dir=tmp_path, store="postgresql://bot@127.0.0.1/bot", shared_state=on))[1])
