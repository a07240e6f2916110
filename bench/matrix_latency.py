"""Round-trip latency on a real Synapse: a bare matrix-nio echo bot against medborgarbot.

One run starts Synapse in a temporary folder, an echo bot and medborgarbot (in-process,
as tests/matrix/botrun.py runs it) and one measuring client with a plain and an encrypted
DM to each bot. It sends one message at a time and times send -> the reply (matched by
`m.in_reply_to`) seen in the client's own sync. The four series take turns message by
message, so that drift (a warming or growing Synapse) hits them all alike; a gap before
each message lets the previous bot finish what it does after replying (store writes, its
next sync), which would otherwise be charged to the next series.

    python bench/matrix_latency.py [--messages 200] [--gap-ms 100] [--keep]

Exit status 1 when a reply is missing or medborgarbot's p50 is over TARGET x the echo bot's.
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
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nio import (  # noqa: E402
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    LoginResponse,
    MatrixRoom,
    MegolmEvent,
    RoomMessageText,
    RoomSendResponse,
    SyncResponse,
)
from nio.exceptions import EncryptionError  # noqa: E402

from tests.matrix.botrun import InProcessBot  # noqa: E402
from tests.matrix.client import TestUser  # noqa: E402
from tests.matrix.synapse import SynapseServer  # noqa: E402

TARGET = 1.15  # medborgarbot's p50 within this factor of the bare echo bot's
WARMUP = 5  # messages per series, not counted: first Megolm key shares, warm caches
REPLY_DEADLINE_S = 20.0
SYNC_TIMEOUT_MS = 10_000  # Synapse answers as soon as an event arrives: no granularity
SYNC_GRACE_S = 10.0  # a sync still open this long after its long-poll timeout is stuck
MAX_MISSING_IN_A_ROW = 3  # then the bot is not answering at all: stop with an error
SERIES = [("echo bot", False), ("medborgarbot", False), ("echo bot", True),
          ("medborgarbot", True)]
Series = tuple[str, bool]


def label(key: Series) -> str:
    return f"{key[0]}, {'encrypted' if key[1] else 'plain'} DM"


class BenchError(RuntimeError):
    """Something did not start or answer: one clear line instead of a hang."""


class EchoBot:
    """The baseline: the least a matrix-nio bot can do to answer a message."""

    def __init__(self, url: str, user_id: str, password: str, store: Path) -> None:
        store.mkdir(parents=True, exist_ok=True)
        # Encryption on for both series, like medborgarbot (one client serves both kinds
        # of room), so that the two bots do the same sync-side key work.
        config = AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False,
                                   pickle_key="bench")
        self.client = AsyncClient(url, user_id, device_id="ECHOBOT", store_path=str(store),
                                  config=config)
        self.password = password
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        response = await self.client.login(self.password, device_name="echo bot")
        if not isinstance(response, LoginResponse):
            raise BenchError(f"echo bot could not log in: {response}")
        self.client.add_event_callback(self._invited, InviteMemberEvent)  # type: ignore[arg-type]
        self.client.add_event_callback(self._message, RoomMessageText)  # type: ignore[arg-type]
        self.task = asyncio.create_task(self.client.sync_forever(timeout=30_000,
                                                                 full_state=True))

    async def _invited(self, room: MatrixRoom, event: InviteMemberEvent) -> None:
        if event.state_key == self.client.user_id and event.membership == "invite":
            await self.client.join(room.room_id)

    async def _message(self, room: MatrixRoom, event: RoomMessageText) -> None:
        if event.sender == self.client.user_id:
            return
        content = {"msgtype": "m.notice", "body": event.body, "m.mentions": {},
                   "m.relates_to": {"m.in_reply_to": {"event_id": event.event_id}}}
        try:
            await self.client.room_send(room.room_id, "m.room.message", content,
                                        ignore_unverified_devices=True)
        except Exception as exc:  # keep syncing: the probe reports the missing reply
            print(f"echo bot: send failed: {exc!r}", file=sys.stderr)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        await self.client.close()


class Probe:
    """The measuring client: send, then long-poll until the reply to that event is seen."""

    def __init__(self, user: TestUser) -> None:
        self.client = user.client
        # Our own messages, typing, receipts and presence would only wake the long-poll
        # early and add a round trip that is not part of the reply's latency.
        self.filter = {
            "room": {"timeline": {"limit": 50, "not_senders": [user.user_id]},
                     "ephemeral": {"not_types": ["*"]}, "account_data": {"not_types": ["*"]}},
            "presence": {"not_types": ["*"]}, "account_data": {"not_types": ["*"]}}
        self.undecrypted: list[MegolmEvent] = []  # room keys may come a sync later

    async def ask(self, room_id: str, text: str, encrypted: bool) -> float | None:
        """Milliseconds from send to the reply in our sync, None past the deadline."""
        content = {"msgtype": "m.text", "body": text, "m.mentions": {}}
        start = time.perf_counter()
        deadline = start + REPLY_DEADLINE_S
        try:
            async with asyncio.timeout(REPLY_DEADLINE_S):
                sent = await self.client.room_send(room_id, "m.room.message", content,
                                                   ignore_unverified_devices=True)
        except TimeoutError:
            raise BenchError(f"sending to {room_id} took over {REPLY_DEADLINE_S:.0f} s") from None
        if not isinstance(sent, RoomSendResponse):
            raise BenchError(f"the probe could not send to {room_id}: {sent}")
        while (left := deadline - time.perf_counter()) > 0:
            try:
                async with asyncio.timeout(left + SYNC_GRACE_S):
                    response = await self.client.sync(
                        timeout=max(1, min(SYNC_TIMEOUT_MS, int(left * 1000))),
                        sync_filter=self.filter)
            except TimeoutError:
                raise BenchError("a sync got no answer: is Synapse down?") from None
            if not isinstance(response, SyncResponse):
                raise BenchError(f"the probe's sync failed: {response}")
            found = self._reply(response, room_id, sent.event_id, encrypted)
            elapsed = (time.perf_counter() - start) * 1000  # before our own key upkeep
            await self._upkeep()
            if found:
                return elapsed
        return None

    def _reply(self, response: SyncResponse, room_id: str, event_id: str,
               encrypted: bool) -> bool:
        info = response.rooms.join.get(room_id)
        events = list(self.undecrypted) + (list(info.timeline.events) if info else [])
        self.undecrypted = []
        found = False
        for event in events:
            if isinstance(event, MegolmEvent):
                try:
                    event = self.client.decrypt_event(event)
                except EncryptionError:
                    self.undecrypted.append(event)
                    continue
            content = event.source.get("content", {})
            relates = content.get("m.relates_to") or {}
            if (relates.get("m.in_reply_to") or {}).get("event_id") != event_id:
                continue  # a late reply to a message already counted as missing
            if content.get("msgtype") != "m.notice":
                raise BenchError(f"{event.sender} replied with {content.get('msgtype')}")
            if bool(getattr(event, "decrypted", False)) != encrypted:
                raise BenchError(f"{event.sender} replied {'un' * encrypted}encrypted")
            found = True
        return found

    async def _upkeep(self) -> None:
        # What sync_forever would do: without it, key rotation and new devices break.
        if self.client.olm is None:
            return
        if self.client.should_upload_keys:
            await self.client.keys_upload()
        if self.client.should_query_keys:
            await self.client.keys_query()
        if self.client.should_claim_keys:
            await self.client.keys_claim(self.client.get_users_for_key_claiming())
        await self.client.send_to_device_messages()


def questions() -> list[str]:
    data = yaml.safe_load((ROOT / "tests" / "data" / "questions.yaml").read_text("utf-8"))
    return [str(case["q"]) for case in data["cases"]]


def percentile(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


async def measure(synapse: SynapseServer, workdir: Path, messages: int, gap: float
                  ) -> tuple[dict[Series, list[float]], dict[Series, int]]:
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
        bot_ids = {"echo bot": echo_id, "medborgarbot": mbot.user_id}
        rooms: dict[Series, str] = {}
        for key in SERIES:
            try:
                rooms[key] = await user.dm(bot_ids[key[0]], encrypted=key[1])
            except TimeoutError:
                raise BenchError(f"{key[0]} did not join its DM within 20 s") from None
        probe = Probe(user)
        times: dict[Series, list[float]] = {key: [] for key in SERIES}
        missing = dict.fromkeys(SERIES, 0)
        in_a_row = dict.fromkeys(SERIES, 0)
        for i in range(-WARMUP, messages):  # negative: warm-up, not counted
            for key in SERIES:
                await asyncio.sleep(gap)
                rtt = await probe.ask(rooms[key], asked[i % len(asked)], key[1])
                if rtt is not None:
                    in_a_row[key] = 0
                    if i >= 0:
                        times[key].append(rtt)
                    continue
                for name, task in (("echo bot", echo.task), ("medborgarbot", mbot.task)):
                    if task is not None and task.done():
                        raise BenchError(f"{name} stopped: {task.exception() or 'no error'}")
                in_a_row[key] += 1
                if i < 0 or in_a_row[key] >= MAX_MISSING_IN_A_ROW:
                    raise BenchError(f"{label(key)}: {in_a_row[key]} message(s) in a row got no "
                                     f"reply within {REPLY_DEADLINE_S:.0f} s")
                missing[key] += 1
            if i >= 0 and (i + 1) % 50 == 0:
                print(f"  {i + 1}/{messages} rounds", file=sys.stderr, flush=True)
        return times, missing


def report(times: dict[Series, list[float]], missing: dict[Series, int], messages: int,
           gap: float) -> bool:
    """Print the table; True when the target is met and no reply is missing."""
    print(f"\nRound trip send -> reply in the sender's sync, {messages} messages per series "
          f"(+{WARMUP} warm-up), one at a time, {gap * 1000:.0f} ms gap before each\n")
    print(f"{'series':<26}{'count':>6}{'missing':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for key in SERIES:
        print(f"{label(key):<26}{len(times[key]):>6}{missing[key]:>9}" + "".join(
            f"{percentile(times[key], p):>9.1f}" for p in (50, 95, 99)))
    ok = not any(missing.values())
    print(f"\nTarget: medborgarbot p50 <= {TARGET:.2f} x the echo bot's p50")
    for encrypted in (False, True):
        bot = percentile(times["medborgarbot", encrypted], 50)
        echo = percentile(times["echo bot", encrypted], 50)
        ratio = bot / echo if echo > 0 else float("inf")
        met = ratio <= TARGET
        ok = ok and met
        print(f"  ratio p50 {'encrypted' if encrypted else 'plain':<9}  {ratio:5.2f} x  "
              f"({'met' if met else 'MISSED'})")
    print(f"Missing replies: {sum(missing.values())} (should be 0)")
    return ok


async def run(synapse: SynapseServer, workdir: Path, messages: int, gap: float) -> bool:
    # SIGTERM ends the run like Ctrl-C: the bots stop and the caller stops Synapse.
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    return report(*await measure(synapse, workdir, messages, gap), messages, gap)


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
