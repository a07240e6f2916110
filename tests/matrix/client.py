"""A resident or staff member as a real matrix-nio client, for integration tests.

Every wait syncs (long-poll of 1 s, never 0) until a condition holds or a deadline
passes, and every sync feeds one per-room record of the messages others sent, so that a
message that arrives while waiting for something else is not lost.
"""

# ASYNC109: each wait takes a `timeout` on purpose: it is a deadline for a sync loop whose
# TimeoutError names what did not happen, which a caller's asyncio.timeout could not say.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypedDict

from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinResponse,
    LoginResponse,
    MegolmEvent,
    RoomCreateResponse,
    RoomPreset,
    RoomSendResponse,
    SyncResponse,
)
from nio.crypto import ENCRYPTION_ENABLED
from nio.exceptions import EncryptionError

SYNC_TIMEOUT_MS = 1000
# A sync that has not answered by its long-poll timeout plus this is treated as stuck.
SYNC_GRACE_S = 10.0
ENCRYPTION_STATE = {"type": "m.room.encryption", "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"}}
# Synapse sends 10 timeline events per room by default and marks the rest as skipped;
# a burst of bot replies must not be skipped.
SYNC_FILTER = {"room": {"timeline": {"limit": 100}}}


class Received(TypedDict):
    event_id: str
    sender: str
    content: dict[str, Any]  # decrypted content when it was encrypted
    encrypted: bool
    ts: int  # origin_server_ts, ms


async def key_upkeep(client: AsyncClient) -> None:
    """What nio's sync_forever does after a sync: without it, key rotation and new devices
    break."""
    if client.olm is None:
        return
    if client.should_upload_keys:
        await client.keys_upload()
    if client.should_query_keys:
        await client.keys_query()
    if client.should_claim_keys:
        await client.keys_claim(client.get_users_for_key_claiming())
    await client.send_to_device_messages()


class TestUser:
    """A logged-in nio client with helpers to create rooms, send and wait for messages."""

    __test__ = False  # pytest: a helper, not a test class

    def __init__(self, client: AsyncClient, password: str) -> None:
        self.client = client
        self.password = password  # kept so a test can log the same user in again
        self._messages: dict[str, list[Received]] = {}
        self._seen: set[str] = set()
        self._undecrypted: dict[str, list[MegolmEvent]] = {}
        # How many matching messages wait_for_messages already returned, per (room, msgtype).
        self._returned: dict[tuple[str, str | None], int] = {}

    @property
    def user_id(self) -> str:
        return str(self.client.user_id)

    @classmethod
    async def create(cls, server_url: str, user_id: str, password: str, store_dir: Path,
                     encryption: bool = True, device_id: str | None = None) -> TestUser:
        """Log in, open the E2EE store, do a first sync and upload keys."""
        if encryption and not ENCRYPTION_ENABLED:
            raise RuntimeError("matrix-nio was installed without its e2e extra")
        device_id = device_id or "TEST" + secrets.token_hex(4).upper()
        store_path = Path(store_dir) / f"{user_id.strip('@').split(':')[0]}-{device_id}"
        store_path.mkdir(parents=True, exist_ok=True)
        config = AsyncClientConfig(
            encryption_enabled=encryption, store_sync_tokens=True, pickle_key="test",
            # nio retries a refused connection forever with a backoff of up to 60 s;
            # after a homeserver restart the test user should be back within a second.
            max_timeout_retry_wait_time=1.0,
        )
        client = AsyncClient(server_url, user_id, device_id=device_id,
                             store_path=str(store_path), config=config)
        user = cls(client, password)
        try:
            response = await client.login(password, device_name=f"test {device_id}")
            if not isinstance(response, LoginResponse):
                raise RuntimeError(f"login of {user_id} failed: {response}")
            await user.sync()
        except BaseException:
            await client.close()
            raise
        return user

    async def close(self) -> None:
        await self.client.close()

    # -- syncing ---------------------------------------------------------------------------

    async def sync(self, timeout_ms: int = SYNC_TIMEOUT_MS) -> None:
        """One sync, then the key upkeep that nio's sync_forever would do."""
        async with asyncio.timeout(timeout_ms / 1000 + SYNC_GRACE_S):
            response = await self.client.sync(timeout=timeout_ms, sync_filter=SYNC_FILTER)
        if not isinstance(response, SyncResponse):
            raise RuntimeError(f"sync of {self.user_id} failed: {response}")
        await key_upkeep(self.client)
        for room_id, info in response.rooms.join.items():
            for event in info.timeline.events:
                self._record(room_id, event)
        self._retry_undecrypted()

    async def wait_until(self, condition: Callable[[], bool], what: str,
                         timeout: float = 20.0) -> None:
        """Sync until `condition()` holds; TimeoutError naming `what` after `timeout` s."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{self.user_id}: {what} did not happen within {timeout} s")
            try:
                await self.sync()
            except TimeoutError:
                raise TimeoutError(f"{self.user_id}: {what} did not happen: a sync got no "
                                   f"answer (is the homeserver down?)") from None

    def membership(self, room_id: str, user_id: str) -> str | None:
        """`join`, `invite` or None, as far as this client's syncs have seen."""
        room = self.client.rooms.get(room_id)
        if room is None or user_id not in room.users:
            return None
        return "invite" if user_id in room.invited_users else "join"

    async def wait_for_invite(self, inviter: str | None = None, timeout: float = 20.0) -> str:
        """The id of a room this user is invited to (by `inviter`, if given)."""
        def pending() -> list[str]:
            return [room_id for room_id, room in self.client.invited_rooms.items()
                    if inviter is None or room.inviter == inviter]
        await self.wait_until(lambda: bool(pending()), f"an invite from {inviter or 'anyone'}",
                              timeout)
        return pending()[0]

    async def wait_for_member(self, room_id: str, user_id: str, timeout: float = 20.0) -> None:
        await self.wait_until(lambda: self.membership(room_id, user_id) == "join",
                              f"{user_id} joining {room_id}", timeout)

    # -- rooms -----------------------------------------------------------------------------

    async def dm(self, bot_user_id: str, encrypted: bool = False, timeout: float = 20.0) -> str:
        """A direct chat with `bot_user_id`; returns once the bot has joined it."""
        room_id = await self._create_room([bot_user_id], encrypted, is_direct=True)
        await self.wait_for_member(room_id, bot_user_id, timeout)
        return room_id

    async def group_room(self, invitees: list[str], encrypted: bool = False,
                         name: str | None = None) -> str:
        """A private group room (not direct); invitees still have to join."""
        return await self._create_room(invitees, encrypted, is_direct=False, name=name)

    async def join(self, room_id: str, timeout: float = 20.0) -> str:
        response = await self.client.join(room_id)
        if not isinstance(response, JoinResponse):
            raise RuntimeError(f"{self.user_id} could not join {room_id}: {response}")
        await self.wait_for_member(room_id, self.user_id, timeout)
        return room_id

    async def _create_room(self, invitees: list[str], encrypted: bool, *, is_direct: bool,
                           name: str | None = None) -> str:
        if encrypted and not self.client.olm:
            raise RuntimeError(f"{self.user_id} was created with encryption=False")
        response = await self.client.room_create(
            name=name, is_direct=is_direct, invite=invitees,
            preset=RoomPreset.trusted_private_chat if is_direct else RoomPreset.private_chat,
            initial_state=[ENCRYPTION_STATE] if encrypted else [],
        )
        if not isinstance(response, RoomCreateResponse):
            raise RuntimeError(f"{self.user_id} could not create a room: {response}")
        room_id = str(response.room_id)
        # room_send needs the room (and its encryption state) in the client's sync state.
        await self.wait_for_member(room_id, self.user_id)
        return room_id

    # -- sending ---------------------------------------------------------------------------

    async def send(self, room_id: str, text: str, *, thread_root: str | None = None,
                   reply_to: str | None = None, mentions: list[str] | None = None,
                   formatted: str | None = None, msgtype: str = "m.text") -> str:
        """Send a message (encrypted when the room is); returns its event id."""
        content: dict[str, Any] = {"msgtype": msgtype, "body": text}
        if formatted is not None:
            content["format"] = "org.matrix.custom.html"
            content["formatted_body"] = formatted
        if thread_root is not None:
            content["m.relates_to"] = {
                "rel_type": "m.thread", "event_id": thread_root, "is_falling_back": True,
                "m.in_reply_to": {"event_id": reply_to or thread_root},
            }
            if reply_to is not None:
                content["m.relates_to"]["is_falling_back"] = False
        elif reply_to is not None:
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}
        if mentions is not None:
            content["m.mentions"] = {"user_ids": mentions}
        if room_id not in self.client.rooms:
            await self.wait_until(lambda: room_id in self.client.rooms, f"seeing room {room_id}")
        # Shares our Megolm session with every device of the members, verified or not.
        response = await self.client.room_send(room_id, "m.room.message", content,
                                               ignore_unverified_devices=True)
        if not isinstance(response, RoomSendResponse):
            raise RuntimeError(f"{self.user_id} could not send to {room_id}: {response}")
        return str(response.event_id)

    # -- receiving -------------------------------------------------------------------------

    def messages(self, room_id: str, msgtype: str | None = None) -> list[Received]:
        """Every message from others in the room seen so far (one msgtype, or all)."""
        return [m for m in self._messages.get(room_id, [])
                if msgtype is None or m["content"].get("msgtype") == msgtype]

    def notices(self, room_id: str) -> list[Received]:
        """Every m.notice (what bots send) from others in the room seen so far."""
        return self.messages(room_id, "m.notice")

    async def wait_for_messages(self, room_id: str, count: int = 1, timeout: float = 20.0,
                                msgtype: str | None = "m.text") -> list[Received]:
        """The next `count` messages of `msgtype` (None: any) from others in the room.

        Messages returned by an earlier call are not returned again; extra ones stay for
        the next call.
        """
        key = (room_id, msgtype)
        start = self._returned.get(key, 0)
        try:
            await self.wait_until(lambda: len(self.messages(room_id, msgtype)) >= start + count,
                                  f"{count} new {msgtype} messages", timeout)
        except TimeoutError:
            got = self.messages(room_id, msgtype)[start:]
            pending = len(self._undecrypted.get(room_id, []))
            raise TimeoutError(
                f"{self.user_id} got {len(got)} of {count} new {msgtype or 'any'} messages in "
                f"{room_id} within {timeout} s ({pending} still undecryptable); got: "
                f"{[m['content'].get('body') for m in got]}"
            ) from None
        self._returned[key] = start + count
        return self.messages(room_id, msgtype)[start:start + count]

    async def wait_for_replies(self, room_id: str, count: int = 1,
                               timeout: float = 20.0) -> list[Received]:
        """The next `count` m.notice messages (a bot's replies) in the room."""
        return await self.wait_for_messages(room_id, count, timeout, msgtype="m.notice")

    def _record(self, room_id: str, event: Any) -> None:
        if event.sender == self.user_id or event.event_id in self._seen:
            return
        if isinstance(event, MegolmEvent):
            # Its room key may come in a later sync (to-device); try again then.
            pending = self._undecrypted.setdefault(room_id, [])
            if all(e.event_id != event.event_id for e in pending):
                pending.append(event)
            return
        source: dict[str, Any] = event.source
        if source.get("type") != "m.room.message":
            return
        self._seen.add(event.event_id)
        self._messages.setdefault(room_id, []).append(Received(
            event_id=event.event_id, sender=event.sender,
            content=dict(source.get("content", {})),
            encrypted=bool(getattr(event, "decrypted", False)), ts=event.server_timestamp,
        ))

    def _retry_undecrypted(self) -> None:
        for room_id, events in list(self._undecrypted.items()):
            still: list[MegolmEvent] = []
            for event in events:
                try:
                    decrypted = self.client.decrypt_event(event)
                except EncryptionError:
                    still.append(event)
                    continue
                self._record(room_id, decrypted)
            self._undecrypted[room_id] = still
