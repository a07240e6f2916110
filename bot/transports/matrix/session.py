"""Log in once and keep the device: credentials live in the transport state, so that a
restart restores the same device (and its encryption keys) instead of making a new one."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from nio import AsyncClient, AsyncClientConfig, LoginError, WhoamiError

from bot.config import MatrixSettings
from bot.core.ports import TransportSetupError, TransportState
from bot.transports.matrix.link import NETWORK_ERRORS, Link

log = logging.getLogger("bot.matrix")
CREDENTIALS = "matrix:credentials"


def make_client(settings: MatrixSettings, data_dir: Path) -> AsyncClient:
    store = data_dir / "matrix"
    store.mkdir(parents=True, exist_ok=True, mode=0o700)
    config = AsyncClientConfig(
        # Retries, 429s and outages are handled by the transport, with one log line per
        # state change and Retry-After honoured; nio would sleep on its own terms.
        max_limit_exceeded=0,
        max_timeouts=0,
        # The sync token is saved only after a batch is handled (exactly once).
        store_sync_tokens=False,
        encryption_enabled=settings.encryption,
        pickle_key=settings.pickle_key or "",
        request_timeout=90,
    )
    return AsyncClient(settings.homeserver, settings.user_id, device_id=settings.device_id,
                       store_path=str(store), config=config)


async def log_in(client: AsyncClient, settings: MatrixSettings, state: TransportState,
                 link: Link) -> bool:
    """Restore the saved session, or log in with the password and save it. Retries while
    the homeserver is unreachable; False if stopped meanwhile."""
    while True:
        try:
            return await _log_in_once(client, settings, state)
        except NETWORK_ERRORS as exc:
            link.failed(type(exc).__name__)
            if not await link.wait():
                return False


async def _log_in_once(client: AsyncClient, settings: MatrixSettings,
                       state: TransportState) -> bool:
    saved = await state.get_value(CREDENTIALS)
    if saved:
        creds = json.loads(saved)
        if (creds.get("user_id"), creds.get("homeserver")) == (settings.user_id,
                                                               settings.homeserver):
            client.restore_login(creds["user_id"], creds["device_id"], creds["access_token"])
            who = await client.whoami()
            if not isinstance(who, WhoamiError):
                log.info("matrix: session restored")
                return True
            if who.status_code not in ("M_UNKNOWN_TOKEN", "M_MISSING_TOKEN"):
                raise OSError(f"whoami: {who.status_code}")
            log.warning("matrix: saved session no longer valid; logging in again")
            await state.delete_value(CREDENTIALS)
    if settings.access_token:
        client.restore_login(settings.user_id, settings.device_id, settings.access_token)
        # A token belongs to one device: use that one, whatever device_id says.
        who = await client.whoami()
        if isinstance(who, WhoamiError):
            if who.status_code in ("M_UNKNOWN_TOKEN", "M_MISSING_TOKEN"):
                raise TransportSetupError("matrix: the homeserver does not accept the "
                                       "configured access_token")
            raise OSError(f"whoami: {who.status_code}")
        if who.device_id and who.device_id != client.device_id:
            client.restore_login(settings.user_id, who.device_id, settings.access_token)
        return True
    response = await client.login(settings.password or "", device_name="medborgarbot")
    if isinstance(response, LoginError):
        if str(response.status_code).startswith("5"):
            raise OSError(f"login: {response.status_code}")
        raise TransportSetupError(f"matrix: login as {settings.user_id} failed: "
                               f"{response.message}")
    await state.set_value(CREDENTIALS, json.dumps({
        "homeserver": settings.homeserver, "user_id": response.user_id,
        "device_id": response.device_id, "access_token": response.access_token,
    }))
    log.info("matrix: logged in, device kept for later starts")
    return True
