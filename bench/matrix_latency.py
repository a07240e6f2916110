"""Round-trip latency on a real Synapse: a bare matrix-nio echo bot against medborgarbot.

One run starts Synapse in a temporary folder, an echo bot and medborgarbot (in-process,
as tests/matrix/botrun.py runs it) and two measuring clients, each with DMs to both bots:

- a matrix-nio probe with a plain and an encrypted DM to each bot; it times send -> the
  reply (matched by `m.in_reply_to`) seen in its own sync;
- an Element-like resident (tests/matrix/resident.py: matrix-js-sdk with Rust crypto in
  Element's "only devices signed by their owner" mode, its own cross-signing set up) with
  an encrypted DM to each bot; it times send -> the reply decrypted and readable, and a
  reply it cannot read is an error like a missing one. It only shares room keys with, and
  only reads, devices cross-signed by their owner: medborgarbot signs its device at start,
  and the echo bot does the same with medborgarbot's code (its one addition to a bare bot).

The six series (two bots x three kinds of DM) take turns message by message, so that
drift (a warming or growing Synapse) hits them all alike; a gap before each message lets
the previous bot finish what it does after replying (store writes, its next sync), which
would otherwise be charged to the next series. The messages are the questions of
tests/data/questions.yaml, to both bots; the first WARMUP of each series are not counted.

    python bench/matrix_latency.py [--messages 200] [--gap-ms 100] [--keep]

Exit status 1 when a reply is missing or unreadable, or medborgarbot's p50 is over the
echo bot's times TARGET (nio probe, plain and encrypted) or ELEMENT_TARGET (Element-like
resident).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import signal
import statistics
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.matrix_peers import (  # noqa: E402
    REPLY_DEADLINE_S,
    Answer,
    BenchError,
    EchoBot,
    ElementPeer,
    Probe,
)
from tests.matrix.botrun import InProcessBot  # noqa: E402
from tests.matrix.client import TestUser  # noqa: E402
from tests.matrix.synapse import SynapseServer  # noqa: E402

TARGET = 1.15  # medborgarbot's p50 within this factor of the bare echo bot's
ELEMENT_TARGET = 1.10  # the same, for the Element-like resident's series
WARMUP = 5  # messages per series, not counted: first Megolm key shares, warm caches
MAX_MISSING_IN_A_ROW = 3  # then the bot is not answering at all: stop with an error
KINDS = {"plain": "plain DM", "encrypted": "encrypted DM",
         "element": "Element-like, encrypted DM"}
TARGETS = {"plain": TARGET, "encrypted": TARGET, "element": ELEMENT_TARGET}
BOTS = ("echo bot", "medborgarbot")
SERIES = [(bot, kind) for kind in KINDS for bot in BOTS]
Series = tuple[str, str]  # (bot, kind)


def label(key: Series) -> str:
    return f"{key[0]}, {KINDS[key[1]]}"


def questions() -> list[str]:
    data = yaml.safe_load((ROOT / "tests" / "data" / "questions.yaml").read_text("utf-8"))
    return [str(case["q"]) for case in data["cases"]]


def percentile(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


class Tally:
    """Times, missing and unreadable replies per series."""

    def __init__(self) -> None:
        self.times: dict[Series, list[float]] = {key: [] for key in SERIES}
        self.missing = dict.fromkeys(SERIES, 0)
        self.unreadable = dict.fromkeys(SERIES, 0)
        self.in_a_row = dict.fromkeys(SERIES, 0)

    def add(self, key: Series, answer: Answer, counted: bool) -> None:
        if answer.ms is not None and answer.failure is None:
            self.in_a_row[key] = 0
            if counted:
                self.times[key].append(answer.ms)
            return
        what = "no reply" if answer.ms is None else f"an unreadable reply ({answer.failure})"
        self.in_a_row[key] += 1
        if not counted or self.in_a_row[key] >= MAX_MISSING_IN_A_ROW:
            raise BenchError(f"{label(key)}: {self.in_a_row[key]} message(s) in a row got "
                             f"{what} within {REPLY_DEADLINE_S:.0f} s")
        if answer.ms is None:
            self.missing[key] += 1
        else:
            self.unreadable[key] += 1
            print(f"{label(key)}: {what}", file=sys.stderr, flush=True)


async def measure(synapse: SynapseServer, workdir: Path, messages: int, gap: float) -> Tally:
    asked = questions()
    async with contextlib.AsyncExitStack() as stack:  # stops the bots on any exit
        echo_id, echo_pw = await asyncio.to_thread(synapse.new_account, "echo")
        echo = EchoBot(synapse.url, echo_id, echo_pw, workdir / "echo")
        stack.push_async_callback(echo.stop)
        await echo.start()
        (workdir / "medborgarbot").mkdir()
        mbot = await asyncio.to_thread(InProcessBot, synapse, workdir / "medborgarbot")
        stack.push_async_callback(mbot.stop)
        await mbot.start()
        probe_id, probe_pw = await asyncio.to_thread(synapse.new_account, "probe")
        user = await TestUser.create(synapse.url, probe_id, probe_pw, workdir / "probe")
        stack.push_async_callback(user.close)
        resident_id, resident_pw = await asyncio.to_thread(synapse.new_account, "resident")
        element = ElementPeer(workdir / "resident.log")
        stack.push_async_callback(element.stop)
        await element.start(synapse.url, resident_id, resident_pw)
        bot_ids = {"echo bot": echo_id, "medborgarbot": mbot.user_id}
        rooms: dict[Series, str] = {}
        for key in SERIES:
            if key[1] == "element":
                rooms[key] = await element.dm(bot_ids[key[0]])
                continue
            try:
                rooms[key] = await user.dm(bot_ids[key[0]], encrypted=key[1] == "encrypted")
            except TimeoutError:
                raise BenchError(f"{key[0]} did not join its DM within 20 s") from None
        probe = Probe(user)

        async def ask(key: Series, text: str) -> Answer:
            if key[1] == "element":
                return await element.ask(rooms[key], text)
            return await probe.ask(rooms[key], text, key[1] == "encrypted")

        tally = Tally()
        for i in range(-WARMUP, messages):  # negative: warm-up, not counted
            for key in SERIES:
                await asyncio.sleep(gap)
                answer = await ask(key, asked[i % len(asked)])
                if answer.ms is None:
                    for name, task in (("echo bot", echo.task), ("medborgarbot", mbot.task)):
                        if task is not None and task.done():
                            raise BenchError(f"{name} stopped: "
                                             f"{task.exception() or 'no error'}")
                tally.add(key, answer, i >= 0)
            if i >= 0 and (i + 1) % 50 == 0:
                print(f"  {i + 1}/{messages} rounds", file=sys.stderr, flush=True)
        return tally


def report(tally: Tally, messages: int, gap: float) -> bool:
    """Print the table; True when the targets are met and every reply came and was read."""
    print(f"\nRound trip send -> reply read by the sender, {messages} messages per series "
          f"(+{WARMUP} warm-up), one at a time, {gap * 1000:.0f} ms gap before each")
    print("(nio probe: the reply in its sync; Element-like resident: the reply decrypted)\n")
    print(f"{'series':<40}{'count':>6}{'missing':>9}{'unread':>8}"
          f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for key in SERIES:
        times = tally.times[key]
        print(f"{label(key):<40}{len(times):>6}{tally.missing[key]:>9}"
              f"{tally.unreadable[key]:>8}" + "".join(
                  f"{percentile(times, p):>9.1f}" for p in (50, 95, 99)))
    missing, unreadable = sum(tally.missing.values()), sum(tally.unreadable.values())
    ok = not missing and not unreadable
    print(f"\nTarget: medborgarbot p50 <= {TARGET:.2f} x the echo bot's p50 (nio probe), "
          f"<= {ELEMENT_TARGET:.2f} x (Element-like resident)")
    for kind, name in KINDS.items():
        bot = percentile(tally.times["medborgarbot", kind], 50)
        echo = percentile(tally.times["echo bot", kind], 50)
        ratio = bot / echo if echo > 0 else float("inf")
        met = ratio <= TARGETS[kind]
        ok = ok and met
        print(f"  ratio p50 {name:<26}  {ratio:5.2f} x  (target {TARGETS[kind]:.2f}: "
              f"{'met' if met else 'MISSED'})")
    print(f"Missing replies: {missing} (should be 0)")
    print(f"Unreadable replies: {unreadable} (should be 0)")
    return ok


async def run(synapse: SynapseServer, workdir: Path, messages: int, gap: float) -> bool:
    # SIGTERM ends the run like Ctrl-C: the bots stop and the caller stops Synapse.
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    return report(await measure(synapse, workdir, messages, gap), messages, gap)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200, help="per series (default 200)")
    parser.add_argument("--gap-ms", type=float, default=100.0,
                        help="pause before each message (default 100; 0: back to back)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if args.messages < 1 or args.gap_ms < 0:
        parser.error("--messages must be at least 1 and --gap-ms at least 0")
    workdir = Path(tempfile.mkdtemp(prefix="matrix-latency-"))
    synapse = SynapseServer(workdir / "synapse")
    try:
        print(f"Starting Synapse in {workdir} ...", file=sys.stderr, flush=True)
        synapse.start()
        return 0 if asyncio.run(run(synapse, workdir, args.messages, args.gap_ms / 1000)) else 1
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        synapse.stop()
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
