"""The peers of bench/matrix_latency.py: the bare echo bot it compares medborgarbot with,
and the two measuring clients, a matrix-nio probe and the Element-like resident
(tests/matrix/resident.py), behind one `ask(room, text) -> Answer`."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    KeysUploadError,
    LoginResponse,
    MatrixRoom,
    MegolmEvent,
    RoomMessageText,
    RoomSendResponse,
    SyncResponse,
)
from nio.exceptions import EncryptionError

from bot.transports.matrix.cross_signing import CrossSigning, Homeserver, State
from tests.matrix.client import TestUser, key_upkeep
from tests.matrix.resident import Resident, ResidentError

REPLY_DEADLINE_S = 20.0
SYNC_TIMEOUT_MS = 10_000  # Synapse answers as soon as an event arrives: no granularity
SYNC_GRACE_S = 10.0  # a sync still open this long after its long-poll timeout is stuck
RESIDENT_TIMED_OUT = "timed out: a reply to the question"  # resident.mjs, on its deadline


class BenchError(RuntimeError):
    """Something did not start or answer: one clear line instead of a hang."""


@dataclass(frozen=True)
class Answer:
    ms: float | None  # send -> the reply readable; None: no reply within the deadline
    failure: str | None = None  # the reply came but could not be read (why)


class EchoBot:
    """The baseline: the least a matrix-nio bot can do to answer a message, plus the
    cross-signing of its device that the Element-like resident requires (as medborgarbot
    does at start), done once before its first sync."""

    def __init__(self, url: str, user_id: str, password: str, store: Path) -> None:
        store.mkdir(parents=True, exist_ok=True)
        # Encryption on for both series, like medborgarbot (one client serves both kinds
        # of room), so that the two bots do the same sync-side key work.
        config = AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False,
                                   pickle_key="bench")
        self.client = AsyncClient(url, user_id, device_id="ECHOBOT", store_path=str(store),
                                  config=config)
        self.url = url
        self.password = password
        self.keys = store / "cross_signing"
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        response = await self.client.login(self.password, device_name="echo bot")
        if not isinstance(response, LoginResponse):
            raise BenchError(f"echo bot could not log in: {response}")
        if self.client.should_upload_keys:
            uploaded = await self.client.keys_upload()
            if isinstance(uploaded, KeysUploadError):
                raise BenchError(f"echo bot could not upload its device keys: {uploaded}")
        async with aiohttp.ClientSession() as session:
            signed = await CrossSigning(
                Homeserver(session, self.url, self.client.access_token), self.keys,
                self.client.user_id, self.client.device_id, "bench", self.password).ensure()
        if signed.state is not State.OK:
            raise BenchError(f"echo bot could not cross-sign its device: {signed.line}")
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
    """The nio measuring client: send, then long-poll until the reply to that event is seen."""

    def __init__(self, user: TestUser) -> None:
        self.client = user.client
        # Our own messages, typing, receipts and presence would only wake the long-poll
        # early and add a round trip that is not part of the reply's latency.
        self.filter = {
            "room": {"timeline": {"limit": 50, "not_senders": [user.user_id]},
                     "ephemeral": {"not_types": ["*"]}, "account_data": {"not_types": ["*"]}},
            "presence": {"not_types": ["*"]}, "account_data": {"not_types": ["*"]}}
        self.undecrypted: list[MegolmEvent] = []  # room keys may come a sync later

    async def ask(self, room_id: str, text: str, encrypted: bool) -> Answer:
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
                return Answer(elapsed)
        return Answer(None)

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
        await key_upkeep(self.client)


class ElementPeer:
    """The Element-like resident (matrix-js-sdk, Rust crypto, only devices cross-signed by
    their owner): it times send -> reply readable itself, with performance.now()."""

    def __init__(self, log: Path) -> None:
        self.resident = Resident(log)

    async def start(self, url: str, user_id: str, password: str) -> None:
        try:
            started = await self.resident.start(url, user_id, password)
        except ResidentError as exc:
            raise BenchError(f"the Element-like resident did not start: {exc}") from None
        if not started.get("cross_signing_ready"):
            raise BenchError("the Element-like resident has no cross-signing of its own")

    async def dm(self, bot: str) -> str:
        try:
            return await self.resident.dm(bot)
        except ResidentError as exc:
            raise BenchError(f"{bot} did not join the resident's DM: {exc}") from None

    async def ask(self, room_id: str, text: str) -> Answer:
        try:
            got = await self.resident.ask(room_id, text, REPLY_DEADLINE_S)
        except ResidentError as exc:
            if RESIDENT_TIMED_OUT in str(exc):
                return Answer(None)
            raise BenchError(f"the Element-like resident failed: {exc}") from None
        if got.get("body") is None:
            return Answer(float(got["ms"]), f"{got.get('failure') or 'no body'}, sender "
                          f"device signed by its owner: {got.get('signed_by_owner')}")
        return Answer(float(got["ms"]))

    async def stop(self) -> None:
        await self.resident.stop()
