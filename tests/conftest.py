from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from bot.app import build_bot
from bot.config import Config
from bot.core import texts
from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.messages import IncomingMessage, Reply
from bot.i18n.catalogue import FOLDER
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "knowledge"
FIXTURE = ROOT / "tests" / "fixtures" / "kb"
TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TODAY)


@pytest.fixture(scope="session")
def shipped_holder() -> KnowledgeHolder:
    return KnowledgeHolder.load(SHIPPED)


@pytest.fixture
async def store() -> AsyncIterator[Store]:
    async with open_store("sqlite://:memory:") as opened:
        yield opened


@pytest.fixture
def shipped_bot(shipped_holder: KnowledgeHolder, clock: FixedClock, store: Store) -> Bot:
    return build_bot(Config(), clock, shipped_holder, store)


@pytest.fixture
def fixture_bot(clock: FixedClock, store: Store) -> Bot:
    return build_bot(Config(), clock, KnowledgeHolder.load(FIXTURE), store)


def message(text: str, **kwargs: object) -> IncomingMessage:
    fields: dict[str, object] = {"transport": "test", "room": "!room", "sender": "@anna",
                                 "text": text, "is_direct": True, "event_id": "$e1"}
    fields.update(kwargs)
    return IncomingMessage(**fields)  # type: ignore[arg-type]


Ask = Callable[..., "Reply"]


async def ask(bot: Bot, text: str, **kwargs: object) -> Reply:
    reply = await bot.handle(message(text, **kwargs))
    assert reply is not None, f"no reply to {text!r}"
    return reply


@pytest.fixture
def shipped_texts() -> Iterator[None]:
    """The test starts and ends with the shipped catalogues and no deployment wording
    (the catalogue tests use it for every test: `pytest.mark.usefixtures`)."""
    texts.use_overrides({})
    texts.load()
    yield
    texts.use_overrides({})
    texts.load()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped text catalogues to break."""
    target = tmp_path / "i18n"
    shutil.copytree(FOLDER, target)
    return target
