"""Knowledge YAML that would hang, crash or fill the memory: refused at once, with one
line, at `check`, at start, on `/ladda om` and on SIGHUP, and the base in service stays."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import tracemalloc
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.app import build_bot
from bot.config import Config, Roles
from bot.core.clock import FixedClock
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import KnowledgeError, load_knowledge
from bot.knowledge.yaml_lines import MAX_BYTES, MAX_DEPTH
from bot.store import Store
from tests.conftest import FIXTURE, ROOT, ask
from tests.test_cli import run

LAUGHS = "".join(
    ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n']
    + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 12)])
HOSTILE = {
    "billion laughs": LAUGHS,  # 9**12 strings once expanded
    "recursive alias": "topics: &t [*t]\n",
    "recursive mapping": "municipality: &m {name: *m}\n",
    "merge key bomb": "a: &a {x: 1}\nb: {<<: *a}\n",
    "an anchor alone": "synonyms: &s {polis: [snut]}\n",
    "an alias to nothing": "synonyms: *nowhere\n",
    "deep nesting": "x: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "deep block nesting": "".join(f"{'  ' * i}k{i}:\n" for i in range(MAX_DEPTH + 5))
                          + "  " * (MAX_DEPTH + 5) + "v\n",
    "control characters": 'x: "a\x00b"\n',
    "two documents": "x: 1\n---\ny: 2\n",
}


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(FIXTURE, target)
    return target


def problems(folder: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    return caught.value.problems


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_yaml_is_refused_at_once_in_one_line(kb_dir: Path, name: str) -> None:
    bad = kb_dir / "zz.yaml"
    bad.write_text(HOSTILE[name], encoding="utf-8")
    tracemalloc.start()
    started = time.perf_counter()
    try:
        found = problems(kb_dir)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < 1.0  # generous: a bomb never finished, a loop hit the recursion limit
    assert peak < 50 * 1024 * 1024  # the whole fixture base loads in a few MB
    assert len(found) == 1 and found[0].startswith(f"{bad}:"), found
    assert "\n" not in found[0]


def test_anchors_are_named_as_the_reason(kb_dir: Path) -> None:
    (kb_dir / "zz.yaml").write_text("\n\nsynonyms: &s {polis: [snut]}\n", encoding="utf-8")
    [line] = problems(kb_dir)
    assert line == (f"{kb_dir / 'zz.yaml'}:3: anchors and aliases (&name, *name) are not "
                    "allowed in knowledge files; write the value out in full")


def test_files_that_are_not_files_or_too_big_are_refused(kb_dir: Path) -> None:
    os.mkfifo(kb_dir / "fifo.yaml")  # reading it would wait forever
    (kb_dir / "zero.yaml").symlink_to("/dev/zero")  # … or never end
    (kb_dir / "dir.yaml").mkdir()
    with (kb_dir / "huge.yaml").open("wb") as huge:
        huge.truncate(MAX_BYTES + 1)
    found = problems(kb_dir)
    assert sorted(line.split(": ", 1)[1] for line in found) == [
        "larger than 10 MB; split it into several files", "not a regular file",
        "not a regular file", "not a regular file"]


def test_reload_keeps_the_base_and_forgets_nothing(kb_dir: Path) -> None:
    holder = KnowledgeHolder.load(kb_dir)
    before = holder.kb
    (kb_dir / "zz.yaml").write_text(LAUGHS, encoding="utf-8")
    found = holder.reload()
    assert len(found) == 1 and "anchors and aliases" in found[0]
    assert holder.kb is before


async def test_reload_command_refuses_a_bomb(kb_dir: Path, store: Store,
                                             clock: FixedClock) -> None:
    config = Config(roles=Roles(admins=["@chef:x"]))
    bot = build_bot(config, clock, KnowledgeHolder.load(kb_dir), store)
    answer = (await ask(bot, "när går avtalet ut")).text
    (kb_dir / "zz.yaml").write_text(HOSTILE["recursive alias"], encoding="utf-8")
    refused = (await ask(bot, "/ladda om", sender="@chef:x")).text
    assert "zz.yaml:1: anchors and aliases" in refused
    assert (await ask(bot, "när går avtalet ut")).text == answer


def test_check_and_start_refuse_a_bomb_in_one_line(kb_dir: Path) -> None:
    (kb_dir / "zz.yaml").write_text(LAUGHS, encoding="utf-8")
    for command in ("check", "ask"):
        args = [command, "--knowledge", str(kb_dir)] + (["hej"] if command == "ask" else [])
        out = run(*args)
        assert out.returncode == 1 and "Traceback" not in out.stderr
        assert out.stderr.strip().endswith("write the value out in full")
        assert len(out.stderr.strip().splitlines()) == 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _running(config: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDBORGARBOT_")}
    env["PYTHONPATH"] = str(ROOT)
    with log.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "bot", "run", "--config",
                                    str(config)], stdout=sink, stderr=sink, env=env,
                                   cwd=config.parent)
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=60)


def _wait_for(predicate: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)  # polling for a subprocess, not timing anything
    raise AssertionError(f"gave up waiting for {what}")


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as page:
            return bool(page.status == 200)
    except OSError:
        return False


def test_sighup_with_a_bomb_keeps_the_running_bot(kb_dir: Path, tmp_path: Path) -> None:
    port = _free_port()
    config = tmp_path / "config.yaml"
    config.write_text(f"knowledge: {kb_dir}\ndata_dir: {tmp_path / 'data'}\n"
                      f'http: {{listen: "127.0.0.1:{port}"}}\n'
                      "teams: {secret: c2VjcmV0c2VjcmV0c2VjcmV0}\n", encoding="utf-8")
    log = tmp_path / "bot.log"
    with _running(config, log) as process:
        _wait_for(lambda: _healthy(port), "the bot to start")
        (kb_dir / "zz.yaml").write_text(LAUGHS, encoding="utf-8")
        process.send_signal(signal.SIGHUP)
        _wait_for(lambda: b"reload on SIGHUP refused" in log.read_bytes(), "the refusal")
        assert _healthy(port) and process.poll() is None
        (kb_dir / "zz.yaml").unlink()
        process.send_signal(signal.SIGHUP)
        _wait_for(lambda: b"knowledge reloaded" in log.read_bytes(), "the reload")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    text = log.read_text(encoding="utf-8")
    assert "anchors and aliases" in text and "Traceback" not in text
