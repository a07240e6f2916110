"""Where the bot can write later: the conversation reference of each conversation that spoke
to it (the staff channel, a teacher's personal chat), kept in TransportState so that a
restart between a request and its answer loses nothing.

A reference holds a conversation id, the person's Entra object id and the tenant id. The
store must not (a resident's /tyck is scanned byte by byte for them), so each reference is
sealed with AES-GCM under a key in data_dir, and its store key is a keyed hash (HMAC) of
the conversation or person: a dump or backup of the database tells nobody who talked to
the bot, and guessing an object id does not find its row. Losing the key file loses only
the references: each conversation's next message stores it again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from microsoft_agents.activity import ConversationReference

from bot.core.ports import TransportState

log = logging.getLogger("bot.teams_app")
KEY_FILE = "teams_app.key"
ROOM = "teams_app:room:"
PERSON = "teams_app:person:"


def load_key(data_dir: Path) -> bytes:
    """The sealing key in `data_dir`, made (readable by the bot's user only) on first use."""
    path = data_dir / KEY_FILE
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        # O_EXCL: two processes starting at once cannot each write a different key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes()
        with os.fdopen(fd, "wb") as file:
            file.write(key)
        return key
    if len(key) != 32:
        raise ValueError(f"teams_app: {path} is not a key this bot wrote (remove it)")
    return key


def minimal(reference: ConversationReference) -> dict[str, Any]:
    """What continuing the conversation needs, and nothing more: no names, no locale, no
    activity id (a proactive message is no reply to an old one)."""
    data = reference.model_dump(mode="json", by_alias=True, exclude_none=True)
    data.pop("activityId", None)
    data.pop("locale", None)
    data.pop("requestId", None)
    for account in ("user", "bot"):
        if isinstance(data.get(account), dict):
            data[account].pop("name", None)
    if isinstance(data.get("conversation"), dict):
        data["conversation"].pop("name", None)
    return data


class References:
    def __init__(self, state: TransportState, key: bytes) -> None:
        self._state = state
        self._box = AESGCM(key)
        self._key = key
        self._known: dict[str, bytes] = {}  # store key -> digest of what it holds

    def digest(self, name: str) -> str:
        """A keyed hash of `name`: the same name, the same digest; no name from it."""
        return hmac.new(self._key, name.encode(), hashlib.sha256).hexdigest()[:40]

    def _slot(self, prefix: str, name: str) -> str:
        return prefix + self.digest(prefix + name)

    async def remember_room(self, room: str, reference: dict[str, Any]) -> None:
        await self._put(self._slot(ROOM, room), reference)

    async def remember_person(self, person: str, reference: dict[str, Any]) -> None:
        await self._put(self._slot(PERSON, person), reference)

    async def room(self, room: str) -> ConversationReference | None:
        return await self._get(self._slot(ROOM, room))

    async def person(self, person: str) -> ConversationReference | None:
        return await self._get(self._slot(PERSON, person))

    async def _put(self, slot: str, reference: dict[str, Any]) -> None:
        plain = json.dumps(reference, sort_keys=True, separators=(",", ":")).encode()
        digest = hashlib.sha256(plain).digest()
        if self._known.get(slot) == digest:
            return  # unchanged: no write for every message of a conversation
        nonce = secrets.token_bytes(12)
        sealed = nonce + self._box.encrypt(nonce, plain, slot.encode())
        await self._state.set_value(slot, base64.b64encode(sealed).decode())
        self._known[slot] = digest

    async def _get(self, slot: str) -> ConversationReference | None:
        stored = await self._state.get_value(slot)
        if stored is None:
            return None
        try:
            sealed = base64.b64decode(stored)
            plain = self._box.decrypt(sealed[:12], sealed[12:], slot.encode())
            return ConversationReference.model_validate_json(plain)
        except (InvalidTag, ValueError):
            # Sealed under another key (the key file was replaced): the conversation's next
            # message stores it again.
            log.warning("teams_app: a stored conversation reference cannot be read")
            return None
