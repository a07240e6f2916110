"""kill -9: a confirmed write survives it, an unfinished transaction leaves no trace.

Each test runs a child Python process that SIGKILLs itself, then opens the same file.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sqlite3
import sys
from pathlib import Path

from bot.store import open_store
from tests.store.conftest import sqlite_url

ROOT = Path(__file__).resolve().parents[2]

WRITE_THEN_DIE = """
import asyncio, datetime, os, signal, sys
from bot.store import open_store

async def main():
    store = open_store(sys.argv[1])
    await store.open()
    await store.set_value("matrix.next_batch", "s42_confirmed")
    at = datetime.datetime(2026, 11, 28, 12, tzinfo=datetime.UTC)
    await store.set_event_state("$answered", "answered", at)
    print("written", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main())
"""

# Uses the store's own database transaction, so the rows go in through the same BEGIN
# IMMEDIATE path as every real write, and dies before its COMMIT. 5,000 rows of 1 kB
# overflow SQLite's page cache, so uncommitted pages reach the WAL file.
DIE_MID_TRANSACTION = """
import asyncio, os, signal, sys
from bot.store import open_store

async def main():
    store = open_store(sys.argv[1])
    await store.open()
    await store.set_value("before", "committed")
    async with store.db.transaction() as tx:
        for i in range(5000):
            await tx.execute("INSERT INTO kv (key, value) VALUES ($1, $2)", f"half{i}",
                             "x" * 1000)
        await tx.execute(
            "INSERT INTO handled_events (key, state, at) VALUES ('$half', 'answered', 'x')"
        )
        print("uncommitted", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main())
"""


async def run_child(script: str, url: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, url,
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    # A guard against a hung child, not a wait for anything to happen.
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode == -signal.SIGKILL, err.decode()
    return out.decode().strip()


def wal_size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


async def test_a_confirmed_write_survives_kill_9(tmp_path: Path) -> None:
    path = tmp_path / "medborgarbot.db"
    assert await run_child(WRITE_THEN_DIE, sqlite_url(path)) == "written"
    assert wal_size(path) > 0  # the writes are in the WAL, not yet checkpointed
    async with open_store(sqlite_url(path)) as store:
        assert await store.get_value("matrix.next_batch") == "s42_confirmed"
        assert await store.event_state("$answered") == "answered"


async def test_a_transaction_killed_before_commit_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "medborgarbot.db"
    assert await run_child(DIE_MID_TRANSACTION, sqlite_url(path)) == "uncommitted"
    assert wal_size(path) > 1_000_000  # uncommitted pages did reach the disk
    async with open_store(sqlite_url(path)) as store:
        assert await store.get_value("before") == "committed"
        assert await store.get_value("half0") is None
        assert await store.get_value("half4999") is None
        assert await store.event_state("$half") is None
        await store.set_value("after", "still writable")
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT COUNT(*) FROM kv WHERE key LIKE 'half%'").fetchone() == (0,)
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
