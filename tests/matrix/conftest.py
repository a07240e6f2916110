"""Fixtures for tests against a real Synapse: one server per session, users per test."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Protocol

import pytest

from tests.matrix.client import TestUser
from tests.matrix.synapse import SynapseServer

HERE = Path(__file__).resolve().parent


class MakeUser(Protocol):
    async def __call__(self, name: str = "user", *, encryption: bool = True,
                       admin: bool = False) -> TestUser: ...


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A hook in this conftest sees every collected item, so mark only the ones under here.
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.matrix)


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SynapseServer]:
    """One Synapse for the whole session, stopped at the end even after a failure."""
    if importlib.util.find_spec("synapse") is None:
        # Fail, not skip: the test command installs matrix-synapse, so this is a broken setup.
        pytest.fail("matrix-synapse is not installed (pip install -e '.[dev]')", pytrace=False)
    server = SynapseServer(tmp_path_factory.mktemp("synapse"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
async def make_user(synapse: SynapseServer, tmp_path: Path) -> AsyncIterator[MakeUser]:
    """Registers and logs in TestUsers with unique localparts; closes them afterwards."""
    users: list[TestUser] = []

    async def make(name: str = "user", *, encryption: bool = True,
                   admin: bool = False) -> TestUser:
        # urllib blocks: keep the event loop (and other users' syncs) running meanwhile.
        user_id, password = await asyncio.to_thread(synapse.new_account, name, admin)
        user = await TestUser.create(synapse.url, user_id, password, tmp_path / "stores",
                                     encryption=encryption)
        users.append(user)
        return user

    yield make
    for user in users:
        await user.close()
