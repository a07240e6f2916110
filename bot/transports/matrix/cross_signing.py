"""The bot's cross-signing identity on the homeserver: master -> self-signing -> this
device, so that Element (which from 2026 shares room keys only with devices their owner
cross-signed, MSC4153) can talk to the bot.

On every start `ensure` compares the published chain with the key file: the first start
creates and publishes the keys, a new device id is signed again, and a master key on the
server that is not the bot's own is left alone (one log line, /healthz says so) until an
operator runs `python -m bot matrix reset-identity`, which is `reset` here."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import aiohttp

from bot.transports.matrix import keys
from bot.transports.matrix.keys import Identity

log = logging.getLogger("bot.matrix")
PASSWORD = "m.login.password"
RESET_HINT = "python -m bot matrix reset-identity"


class State(StrEnum):
    OK = "ok"  # the chain master -> self-signing -> this device is published and ours
    PENDING = "pending"  # this device's keys are not on the server yet: try again later
    UNPUBLISHED = "unpublished"  # `check`: the next start publishes the keys
    FOREIGN = "foreign"  # the server's master key is not the bot's: left alone
    NEEDS_PASSWORD = "needs_password"  # the upload asks for a password the bot lacks
    NEEDS_APPROVAL = "needs_approval"  # the upload asks for a sign-in the bot cannot do
    BROKEN = "broken"  # the key file cannot be read, or the check failed


@dataclass(frozen=True)
class Result:
    state: State
    line: str  # what the operator reads: no resident, room or event id in it

    @property
    def problem(self) -> str | None:
        return None if self.state in (State.OK, State.PENDING, State.UNPUBLISHED) else self.line


class Homeserver:
    """The three key endpoints the cross-signing needs, with the bot's access token."""

    def __init__(self, session: aiohttp.ClientSession, base: str, token: str) -> None:
        self.session = session
        self.base = base.rstrip("/") + "/_matrix/client/v3"
        self.headers = {"Authorization": f"Bearer {token}"}

    async def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        async with self.session.post(self.base + path, json=body,
                                     headers=self.headers) as response:
            try:
                data = await response.json(content_type=None)
            except ValueError:
                data = {}
            if response.status >= 500:  # the homeserver is restarting: tried again later
                raise OSError(f"{path}: HTTP {response.status}")
            return response.status, data if isinstance(data, dict) else {}

    async def published(self, user_id: str) -> dict[str, Any]:
        status, data = await self.post("/keys/query", {"device_keys": {user_id: []}})
        if status != 200:
            raise OSError(f"keys/query: HTTP {status}")
        return data


def _key_of(published: dict[str, Any], kind: str, user_id: str) -> str | None:
    key = published.get(kind, {}).get(user_id)
    if not isinstance(key, dict):
        return None
    values = [v for k, v in key.get("keys", {}).items() if k.startswith("ed25519:")]
    return str(values[0]) if values else None


class CrossSigning:
    """What the bot holds (`folder`) against what the homeserver publishes."""

    def __init__(self, server: Homeserver, folder: Path, user_id: str, device_id: str,
                 pickle_key: str, password: str | None) -> None:
        self.server = server
        self.folder = folder
        self.user_id = user_id
        self.device_id = device_id
        self.pickle_key = pickle_key
        self.password = password

    async def ensure(self, dry_run: bool = False) -> Result:
        """Make the published chain whole; with `dry_run`, only say what that would do."""
        held = keys.load(self.folder, self.user_id, self.pickle_key)
        published = await self.server.published(self.user_id)
        device = published.get("device_keys", {}).get(self.user_id, {}).get(self.device_id)
        if not isinstance(device, dict):
            return Result(State.PENDING, "matrix: this device's keys are not published yet")
        master = _key_of(published, "master_keys", self.user_id)
        if master is None and dry_run:
            return Result(State.UNPUBLISHED, "matrix: no cross-signing keys published yet; "
                          "the bot publishes them when it starts")
        if master is None:
            created = held is None
            if held is None:  # kept before it is published: never a key only the server has
                held = Identity.generate(self.user_id)
                keys.save(self.folder, held, self.pickle_key)
            refused = await self._publish(held)
            if refused is not None:
                return refused
            await self._sign_device(held, device)
            if created:
                return Result(State.OK, "matrix: cross-signing keys created and published "
                              f"(master key {held.master.public}); back up "
                              f"{self.folder / keys.FILE_NAME} with the pickle_key")
            return Result(State.OK, "matrix: cross-signing keys published again "
                          f"(master key {held.master.public})")
        if held is None or master != held.master.public:
            needs = "" if self.password else (" with matrix.password set (the homeserver asks "
                                              "for it to replace keys)")
            return Result(State.FOREIGN, "matrix: the homeserver holds a cross-signing "
                          f"master key ({master}) that is not this bot's; Element users who "
                          "exclude insecure devices cannot talk to it until an operator "
                          f"runs `{RESET_HINT}`{needs}")
        if dry_run:
            signed = keys.verify(device, self.user_id, held.self_signing.public)
            return Result(State.OK if signed else State.UNPUBLISHED,
                          f"matrix: cross-signing ok (master key {master})" if signed else
                          "matrix: this device is not signed yet; the bot signs it when "
                          "it starts")
        if _key_of(published, "self_signing_keys", self.user_id) != held.self_signing.public:
            refused = await self._publish(held)
            if refused is not None:
                return refused
        if keys.verify(device, self.user_id, held.self_signing.public):
            return Result(State.OK, "matrix: cross-signing identity checked: this device is "
                          "signed by the bot's self-signing key")
        await self._sign_device(held, device)
        return Result(State.OK, "matrix: this device signed with the bot's self-signing key")

    async def reset(self) -> Result:
        """Replace whatever the server holds with a new identity (an operator's choice)."""
        published = await self.server.published(self.user_id)
        device = published.get("device_keys", {}).get(self.user_id, {}).get(self.device_id)
        if not isinstance(device, dict):
            return Result(State.PENDING, "matrix: this device's keys are not published yet; "
                          "start the bot once, then reset the identity")
        fresh = Identity.generate(self.user_id)
        staged = keys.save(self.folder, fresh, self.pickle_key, keys.FILE_NAME + ".new")
        refused = await self._publish(fresh)
        if refused is not None:
            staged.unlink(missing_ok=True)
            return refused
        staged.replace(self.folder / keys.FILE_NAME)
        await self._sign_device(fresh, device)
        return Result(State.OK, "matrix: new cross-signing keys published "
                      f"(master key {fresh.master.public}); back up "
                      f"{self.folder / keys.FILE_NAME} with the pickle_key")

    async def _publish(self, identity: Identity) -> Result | None:
        """Upload the three public keys; None when the server took them."""
        body = identity.upload_body()
        status, data = await self.server.post("/keys/device_signing/upload", body)
        if status == 401 and "flows" in data:
            stages = {s for flow in data.get("flows", []) for s in flow.get("stages", [])}
            if PASSWORD not in stages:
                return Result(State.NEEDS_APPROVAL, "matrix: the homeserver asks for a "
                              f"sign-in the bot cannot do ({', '.join(sorted(stages))}) to "
                              "publish its cross-signing keys: approve the reset of the "
                              "bot account's cross-signing in the homeserver's account "
                              "page, then restart the bot")
            if not self.password:
                return Result(State.NEEDS_PASSWORD, "matrix: the homeserver asks for the "
                              "account's password to publish the bot's cross-signing keys "
                              "and only an access_token is configured: set matrix.password "
                              "(MEDBORGARBOT_MATRIX__PASSWORD)")
            body["auth"] = {"type": PASSWORD, "session": data.get("session"),
                            "identifier": {"type": "m.id.user", "user": self.user_id},
                            "password": self.password}
            status, data = await self.server.post("/keys/device_signing/upload", body)
        if status == 200:
            return None
        if status in (401, 403):
            return Result(State.NEEDS_PASSWORD, "matrix: the homeserver refused the "
                          f"password for publishing the cross-signing keys ({status})")
        raise OSError(f"device_signing/upload: HTTP {status} {data.get('errcode', '')}")

    async def _sign_device(self, identity: Identity, device: dict[str, Any]) -> None:
        signed = identity.self_signing.sign(device, self.user_id)
        signed.pop("unsigned", None)
        status, data = await self.server.post(
            "/keys/signatures/upload", {self.user_id: {self.device_id: signed}})
        if status != 200 or data.get("failures"):
            raise OSError(f"signatures/upload: HTTP {status}, "
                          f"{len(data.get('failures') or {})} failure(s)")
