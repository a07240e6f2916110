"""The Matrix transport: sync, hand each message to the core once, send the reply.

Exactly once: the sync token is saved only after every event of a batch is handled, so a
crash replays the batch (at least once); the ledger of handled events and replies sent
with a transaction id derived from the question make the replay harmless (at most once).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    InviteMemberEvent,
    JoinResponse,
    MatrixRoom,
    MegolmEvent,
    MessageDirection,
    RoomLeaveResponse,
    RoomMemberEvent,
    RoomMessage,
    RoomMessagesResponse,
    RoomSendResponse,
    SyncError,
    SyncResponse,
)

from bot.config import MatrixSettings
from bot.core.clock import TZ, Clock, SystemClock
from bot.core.messages import Reply
from bot.core.ports import Handle, TransportState
from bot.core.texts import both
from bot.transports.ledger import LedgerPruner
from bot.transports.matrix import outbound
from bot.transports.matrix.content import reply_content
from bot.transports.matrix.inbound import Addressing, Inbound, inbound, relations
from bot.transports.matrix.link import NETWORK_ERRORS, Link
from bot.transports.matrix.session import log_in, make_client
from bot.transports.matrix.trust import CANCEL, Trust

log = logging.getLogger("bot.matrix")
TOKEN = "matrix:next_batch"
FIRST_START = "matrix:first_start"
DECRYPT_GRACE = dt.timedelta(seconds=10)  # room keys may arrive a sync or two late
LEDGER_DAYS = 7  # handled events are remembered well past any catch-up window


class MatrixTransport:
    def __init__(self, settings: MatrixSettings, data_dir: Path, handle: Handle,
                 state: TransportState, clock: Clock | None = None,
                 on_reconnect: Callable[[], None] | None = None) -> None:
        self.settings = settings
        self.data_dir = data_dir
        self.handle = handle
        self.state = state
        self.clock = clock or SystemClock()
        self._stopping = asyncio.Event()
        self.link = Link(self._stopping, cap=settings.retry_max_seconds,
                         on_restore=on_reconnect)
        self.addressing = Addressing(settings.user_id, settings.display_name)
        self.client: AsyncClient | None = None
        self.trust = Trust(settings, data_dir / "matrix")
        self._sent: OrderedDict[str, None] = OrderedDict()  # our recent event ids
        self._undecrypted: dict[str, tuple[MatrixRoom, MegolmEvent, dt.datetime]] = {}
        self._not_before: dt.datetime | None = None
        self._first_start = dt.datetime.min.replace(tzinfo=TZ)
        self._incomplete = False  # a batch whose replies were cut short by stopping
        self._prune = LedgerPruner(self.state, self.clock, dt.timedelta(days=LEDGER_DAYS))

    @property
    def connected(self) -> bool:
        return self.link.up

    @property
    def problem(self) -> str | None:
        """A problem the operator must solve while the bot runs on (for /healthz)."""
        return self.trust.problem

    def stop(self) -> None:
        """Stop syncing; replies in flight are finished first."""
        self._stopping.set()

    async def run(self) -> None:
        self.client = client = make_client(self.settings, self.data_dir)
        self.trust.bind(client)
        try:
            if not await log_in(client, self.settings, self.state, self.link):
                return
            await self._prepare(client)
            await self._loop(client)
        finally:
            await client.close()
            log.info("matrix: stopped")

    async def _prepare(self, client: AsyncClient) -> None:
        try:
            if self.settings.display_name:
                await client.set_displayname(self.settings.display_name)
            if client.should_upload_keys:
                await client.keys_upload()
        except NETWORK_ERRORS:
            pass  # the sync loop deals with an unreachable homeserver
        await self.trust.check(client)  # before the first sync: Element must trust replies

    async def _loop(self, client: AsyncClient) -> None:
        token = await self.state.get_value(TOKEN)
        first = await self.state.get_value(FIRST_START)
        if first is None:  # no replay of history: only what arrives from now on
            first = self.clock.now().isoformat()
            await self.state.set_value(FIRST_START, first)
        self._first_start = dt.datetime.fromisoformat(first)
        # No lazy-loaded members: with them Synapse lists every sender as a changed device
        # list, and nio would query keys after nearly every sync.
        sync_filter = {
            "room": {"timeline": {"limit": self.settings.timeline_limit}},
            "presence": {"not_types": ["*"]},
        }
        full_state = True  # nio keeps rooms in memory only: rebuild them on each start
        while not self._stopping.is_set():
            response = await self._sync(client, token, sync_filter, full_state)
            if response is None:
                break
            try:
                await self._batch(client, response, token)
            except NETWORK_ERRORS as exc:  # a gap could not be fetched: sync it again
                self.link.failed(type(exc).__name__)
                await self.link.wait()
                continue
            if self._stopping.is_set() and self._incomplete:
                break  # replies were cut short: replay this batch next time
            token, full_state = response.next_batch, False
            await self.state.set_value(TOKEN, token)
            await self._keys(client)
            await self._prune()

    async def _sync(self, client: AsyncClient, token: str | None, sync_filter: dict[str, Any],
                    full_state: bool) -> SyncResponse | None:
        while not self._stopping.is_set():
            request = asyncio.ensure_future(client.sync(
                timeout=self._poll_ms(), sync_filter=sync_filter, since=token,
                full_state=full_state))
            stop = asyncio.ensure_future(self._stopping.wait())
            await asyncio.wait({request, stop}, return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
            if not request.done():
                request.cancel()
                return None
            try:
                response = request.result()
            except NETWORK_ERRORS as exc:
                self.link.failed(type(exc).__name__)
                await self.link.wait()
                continue
            if isinstance(response, SyncError):
                if response.status_code in ("M_UNKNOWN_TOKEN", "M_MISSING_TOKEN"):
                    log.error("matrix: the homeserver no longer accepts the bot's session")
                    self.stop()
                    return None
                self.link.failed(f"sync {response.status_code}")
                await self.link.wait()
                continue
            self.link.ok()
            return response
        return None

    def _poll_ms(self) -> int:
        """The long-poll of a sync: shorter while an event waits for its room key, so that
        its sender hears at the end of the grace, not at the end of an idle 30 s poll."""
        if not self._undecrypted:
            return 30_000
        now = self.clock.now()
        due = min(seen + DECRYPT_GRACE for _, _, seen in self._undecrypted.values())
        return int(min(30.0, max(1.0, (due - now).total_seconds())) * 1000)

    async def _keys(self, client: AsyncClient) -> None:
        if not self.settings.encryption:
            return
        try:
            if client.should_upload_keys:
                await client.keys_upload()
            if client.should_query_keys:
                await client.keys_query()
            if client.should_claim_keys:
                await client.keys_claim(client.get_users_for_key_claiming())
        except NETWORK_ERRORS:
            pass  # tried again after the next sync
        await self.trust.check(client)  # only when the first check could not finish

    async def _batch(self, client: AsyncClient, response: SyncResponse,
                     since: str | None) -> None:
        for room_id, info in response.rooms.invite.items():
            await self._invited(client, room_id, info.invite_state)
        work: dict[str, list[Any]] = {}
        for room_id, info in response.rooms.join.items():
            events = list(info.timeline.events)
            if info.timeline.limited and since is not None:
                events = await self._gap(client, room_id, info.timeline.prev_batch, since) + events
            work[room_id] = events
        for event_id in list(self._undecrypted):  # keys may have come with this batch
            room, event, _ = self._undecrypted[event_id]
            work.setdefault(room.room_id, []).insert(0, event)
        self._incomplete = False
        # Never history from before the first start; after a restart, what arrived while
        # the bot was down, up to `catch_up_minutes` old.
        self._not_before = max(self._first_start, self.clock.now() - dt.timedelta(
            minutes=self.settings.catch_up_minutes))
        await asyncio.gather(*(self._room(client, room_id, events)
                               for room_id, events in work.items() if events))

    async def _invited(self, client: AsyncClient, room_id: str, state: list[Any]) -> None:
        inviter = next((e.sender for e in state if isinstance(e, InviteMemberEvent)
                        and e.state_key == client.user_id), None)
        server = inviter.split(":", 1)[1] if inviter and ":" in inviter else ""
        allowed = self.settings.allowed_servers
        if allowed and server not in allowed:
            log.info("matrix: declined an invite from a server not in allowed_servers")
            await outbound.persist(self.link, lambda: client.room_leave(room_id),
                                   RoomLeaveResponse, "declining an invite")
            return
        if await outbound.persist(self.link, lambda: client.join(room_id), JoinResponse,
                                  "joining a room"):
            log.info("matrix: joined a room on invitation")

    async def _gap(self, client: AsyncClient, room_id: str, start: str,
                   since: str) -> list[Any]:
        """The events a `limited` timeline skipped, oldest first."""
        events: list[Any] = []
        for _ in range(50):  # at most 5,000 events
            page = await client.room_messages(room_id, start=start, end=since,
                                              direction=MessageDirection.back, limit=100)
            if not isinstance(page, RoomMessagesResponse):
                raise OSError(f"messages: {getattr(page, 'status_code', '?')}")
            events.extend(page.chunk)
            if not page.chunk or not page.end or page.end == start:
                break
            start = page.end
        log.info("matrix: fetched %d event(s) a limited sync skipped", len(events))
        return list(reversed(events))

    async def _room(self, client: AsyncClient, room_id: str, events: list[Any]) -> None:
        room = client.rooms.get(room_id)
        if room is None:
            return
        for i, event in enumerate(events):  # a room just joined: nothing from before that
            if (isinstance(event, RoomMemberEvent) and event.state_key == client.user_id
                    and event.membership == "join"
                    and (event.prev_membership or "") != "join"):
                events = events[i + 1:]
        for event in events:  # in order, one at a time: answers keep the room's order
            if self._stopping.is_set() and not self.link.up:
                self._incomplete = True
                return
            try:
                await self._event(client, room, event)
            except NETWORK_ERRORS:
                raise
            except Exception as exc:  # a bug must not stop the other rooms or replay forever
                log.error("matrix: event handling failed: %s", type(exc).__name__)
                await self.state.set_event_state(self._key(event), "failed", self.clock.now())

    @staticmethod
    def _key(event: Any) -> str:
        # A digest, so that the store holds no event id that could be tied to a resident.
        return "matrix:" + hashlib.sha256(event.event_id.encode()).hexdigest()[:40]

    def _recent(self, event: Any) -> bool:
        when = dt.datetime.fromtimestamp(event.server_timestamp / 1000, TZ)
        return self._not_before is None or when >= self._not_before

    async def _event(self, client: AsyncClient, room: MatrixRoom, event: Any) -> None:
        if getattr(event, "sender", None) == client.user_id:
            return
        if isinstance(event, MegolmEvent):
            await self._undecryptable(client, room, event)
            return
        if not isinstance(event, RoomMessage) or not self._recent(event):
            return
        self._undecrypted.pop(event.event_id, None)
        key = self._key(event)
        if await self.state.event_state(key) is not None:
            return  # answered (or given up on) before a restart
        content = event.source.get("content", {})
        if self.trust.is_request(content, client.user_id):
            await self._decline_verification(client, room, event, key)
            return
        _, reply_to, _ = relations(content)
        got = inbound(room, event, self.addressing, reply_to in self._sent)
        reply = await self._answer(client, room, got) if got else None
        if reply is not None and got is not None:
            content = reply_content(reply.text, reply_to=event.event_id,
                                    thread_root=got.msg.thread, mention=got.mention)
            sent = await outbound.send(client, self.link, room.room_id, content,
                                       outbound.txn_id(event.event_id))
            if sent is None and self._stopping.is_set():
                self._incomplete = True
                return
            if sent:
                self._remember(sent)
        await self.state.set_event_state(key, "answered", self.clock.now())

    async def _answer(self, client: AsyncClient, room: MatrixRoom, got: Inbound) -> Reply | None:
        task = asyncio.ensure_future(self.handle(got.msg))
        done, _ = await asyncio.wait({task}, timeout=self.settings.typing_after_ms / 1000)
        if done:
            return task.result()
        with contextlib.suppress(*NETWORK_ERRORS):  # a slow answer: show the bot is on it
            await client.room_typing(room.room_id, True, timeout=30_000)
        reply = await task
        with contextlib.suppress(*NETWORK_ERRORS):
            await client.room_typing(room.room_id, False)
        return reply

    async def _undecryptable(self, client: AsyncClient, room: MatrixRoom,
                             event: MegolmEvent) -> None:
        try:
            decrypted = client.decrypt_event(event)
        except Exception:  # nio raises EncryptionError while the key is missing
            decrypted = None
        if isinstance(decrypted, RoomMessage):
            await self._event(client, room, decrypted)
            return
        now = self.clock.now()
        seen = self._undecrypted.get(event.event_id)
        withheld = event.session_id in self.trust.withheld
        if seen is None:
            log.warning("matrix: an event could not be decrypted yet; asking for its key")
            seen = self._undecrypted[event.event_id] = (room, event, now)
            if not withheld:
                with contextlib.suppress(Exception):  # already requested, or server away
                    await client.request_room_key(event)
        # A key its sender withheld (Element: an unverified device) will not come.
        if now - seen[2] < DECRYPT_GRACE and not withheld:
            return
        del self._undecrypted[event.event_id]
        key = self._key(event)
        if await self.state.event_state(key) is not None or not self._recent(event):
            return
        log.warning("matrix: gave up decrypting an event; told the sender")
        content = reply_content(both("matrix_unreadable"), reply_to=event.event_id,
                                thread_root=None,
                                mention=None if room.member_count <= 2 else event.sender)
        await outbound.send(client, self.link, room.room_id, content,
                            outbound.txn_id(event.event_id))
        await self.state.set_event_state(key, "undecryptable", self.clock.now())

    async def _decline_verification(self, client: AsyncClient, room: MatrixRoom,
                                    event: Any, key: str) -> None:
        """Element's "Verify" in a DM: cancel the request, and say why in the chat."""
        log.info("matrix: declined a verification request in a room (not supported)")
        await outbound.persist(
            self.link, lambda: client.room_send(
                room.room_id, CANCEL, self.trust.cancel_content(event.event_id),
                tx_id=outbound.txn_id(event.event_id + CANCEL), ignore_unverified_devices=True),
            RoomSendResponse, "declining a verification")
        content = reply_content(both("matrix_no_verification"), reply_to=event.event_id,
                                thread_root=None, mention=None)
        await outbound.send(client, self.link, room.room_id, content,
                            outbound.txn_id(event.event_id))
        await self.state.set_event_state(key, "answered", self.clock.now())

    def _remember(self, event_id: str) -> None:
        self._sent[event_id] = None
        while len(self._sent) > 2000:
            self._sent.popitem(last=False)
