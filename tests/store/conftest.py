"""The `store` fixture, parametrised over every backend the contract suite runs on.

Adding PostgreSQL: add "postgresql" to BACKENDS and a branch in `store_url` that gives a
fresh, empty database (e.g. from MEDBORGARBOT_TEST_POSTGRES, skipping when it is unset).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import Store, open_store

BACKENDS = ["sqlite"]


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh, empty store (opened more than once by some tests)."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "store" / "medborgarbot.db")
    raise AssertionError(f"no test database for backend {request.param}")


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    async with open_store(store_url) as opened:
        yield opened
