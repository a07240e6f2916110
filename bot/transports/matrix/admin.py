"""Operator commands for the bot's Matrix identity, outside the running bot:
`python -m bot check` reads the published cross-signing chain (changes nothing), and
`python -m bot matrix reset-identity` replaces it deliberately.

Both use the session the running bot keeps (or the configured access_token), so that no
new device is created by them."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp

from bot.config import MatrixSettings
from bot.core.ports import TransportState
from bot.transports.matrix.cross_signing import CrossSigning, Homeserver, Result, State
from bot.transports.matrix.keys import KeyFileError
from bot.transports.matrix.link import NETWORK_ERRORS
from bot.transports.matrix.session import CREDENTIALS

NO_SESSION = ("matrix: the bot has no session yet; start it once (it logs in and keeps its "
              "device), then try again")


async def session(settings: MatrixSettings, state: TransportState | None
                  ) -> tuple[str, str] | None:
    """(access token, device id) of the bot's kept session, else of the configured token."""
    saved = await state.get_value(CREDENTIALS) if state is not None else None
    if saved:
        creds = json.loads(saved)
        if (creds.get("user_id"), creds.get("homeserver")) == (settings.user_id,
                                                               settings.homeserver):
            return str(creds["access_token"]), str(creds["device_id"])
    if settings.access_token:
        return settings.access_token, await _device_of(settings, settings.access_token)
    return None


async def _device_of(settings: MatrixSettings, token: str) -> str:
    url = settings.homeserver.rstrip("/") + "/_matrix/client/v3/account/whoami"
    async with aiohttp.ClientSession() as http, http.get(
            url, headers={"Authorization": f"Bearer {token}"}) as response:
        data = await response.json(content_type=None)
    return str(data.get("device_id") or settings.device_id)


async def identity(settings: MatrixSettings, data_dir: Path, state: TransportState | None,
                   *, reset: bool = False) -> Result:
    """What `check` says about the published chain, or the outcome of a reset."""
    if not settings.encryption or not settings.cross_signing:
        return Result(State.OK, "matrix: cross-signing is turned off in the configuration")
    try:
        found = await session(settings, state)
        if found is None:
            return Result(State.PENDING, NO_SESSION)
        token, device = found
        async with aiohttp.ClientSession() as http:
            signing = CrossSigning(Homeserver(http, settings.homeserver, token),
                                   data_dir / "matrix", settings.user_id, device,
                                   settings.pickle_key or "", settings.password)
            return await (signing.reset() if reset else signing.ensure(dry_run=True))
    except KeyFileError as exc:
        return Result(State.BROKEN, str(exc))
    except NETWORK_ERRORS as exc:
        return Result(State.PENDING, f"matrix: the homeserver did not answer "
                      f"({type(exc).__name__}); cross-signing not checked")
