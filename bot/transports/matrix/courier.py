"""The Matrix side of the Outbox: notices to a room, and direct messages to a person."""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING

from nio import RoomCreateResponse, RoomPreset

from bot.core.messages import Choice
from bot.transports.matrix import outbound
from bot.transports.matrix.content import reply_content

if TYPE_CHECKING:
    from bot.transports.matrix.transport import MatrixTransport

log = logging.getLogger("bot.matrix")
ENCRYPTION = {"type": "m.room.encryption", "state_key": "",
              "content": {"algorithm": "m.megolm.v1.aes-sha2"}}


class MatrixCourier:
    """Reaches rooms the bot is in and people (a direct chat, opened when there is none):
    registered with the Outbox for both."""

    def __init__(self, transport: MatrixTransport) -> None:
        self.transport = transport

    async def to_room(self, room: str, markdown: str, choices: tuple[Choice, ...] = ()
                      ) -> bool:
        # Matrix has no buttons: the text says how to answer by typing.
        client = self.transport.client
        if client is None or room not in client.rooms:
            log.warning("matrix: a notice could not be sent: the bot is not in that room")
            return False
        content = reply_content(markdown, reply_to=None, thread_root=None, mention=None)
        sent = await outbound.send(client, self.transport.link, room, content,
                                   "mb-n-" + secrets.token_hex(12))
        return sent is not None

    async def to_user(self, user: str, markdown: str, choices: tuple[Choice, ...] = ()
                      ) -> bool:
        client = self.transport.client
        if client is None:
            return False
        room = next((r.room_id for r in client.rooms.values()
                     if r.member_count == 2 and user in r.users), None)
        if room is None:
            created = await outbound.persist(
                self.transport.link,
                lambda: client.room_create(
                    is_direct=True, invite=[user], preset=RoomPreset.trusted_private_chat,
                    initial_state=[ENCRYPTION] if self.transport.settings.encryption else []),
                RoomCreateResponse, "opening a direct chat")
            if created is None:
                return False
            # Until the next sync shows nio the new room, sending is retried (see persist).
            room = created.room_id
        content = reply_content(markdown, reply_to=None, thread_root=None, mention=None)
        sent = await outbound.send(client, self.transport.link, room, content,
                                   "mb-d-" + secrets.token_hex(12))
        return sent is not None

    def members(self, room: str) -> frozenset[str]:
        client = self.transport.client
        if client is None or room not in client.rooms:
            return frozenset()
        return frozenset(client.rooms[room].users)
