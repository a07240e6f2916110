"""What Element needs to trust the bot, and what the bot does with Element's trust
events: the cross-signing check at start (see cross_signing), room keys withheld by the
sender (logged by code; the event is given up at once), and verification requests
(declined politely: the bot's device is cross-signed, there is nobody to compare emojis).
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

import aiohttp
from nio import AsyncClient, KeyVerificationStart, ToDeviceEvent, UnknownToDeviceEvent
from nio.event_builders import ToDeviceMessage

from bot.config import MatrixSettings
from bot.core.texts import t
from bot.transports.matrix.cross_signing import CrossSigning, Homeserver, Result, State
from bot.transports.matrix.keys import KeyFileError
from bot.transports.matrix.link import NETWORK_ERRORS

log = logging.getLogger("bot.matrix")
WITHHELD = "m.room_key.withheld"
REQUEST = "m.key.verification.request"
CANCEL = "m.key.verification.cancel"
MAX_WITHHELD = 5000  # session ids remembered, oldest forgotten first


def _cancel_reason() -> str:
    """The reason in a verification cancel: read by client software, in English."""
    return t("matrix_cancel_reason", "en")


def cross_signing(session: aiohttp.ClientSession, client: AsyncClient,
                  settings: MatrixSettings, folder: Path) -> CrossSigning:
    return CrossSigning(Homeserver(session, settings.homeserver, client.access_token),
                        folder, client.user_id, client.device_id, settings.pickle_key or "",
                        settings.password)


class Trust:
    def __init__(self, settings: MatrixSettings, folder: Path) -> None:
        self.settings = settings
        self.folder = folder
        self.result: Result | None = None
        self.withheld: dict[str, str] = {}  # megolm session id -> the sender's code
        self._due = settings.encryption and settings.cross_signing
        self._client: AsyncClient | None = None

    @property
    def problem(self) -> str | None:
        return self.result.problem if self.result is not None else None

    async def check(self, client: AsyncClient) -> None:
        """Once per start (again after a network failure or while this device's keys are
        not published): make sure the chain master -> self-signing -> device holds."""
        if not self._due:
            return
        try:
            async with aiohttp.ClientSession() as session:
                result = await cross_signing(session, client, self.settings,
                                             self.folder).ensure()
        except NETWORK_ERRORS as exc:
            log.info("matrix: cross-signing check postponed (%s)", type(exc).__name__)
            return
        except KeyFileError as exc:
            result = Result(State.BROKEN, str(exc))
        except Exception as exc:  # an odd answer must not stop the transport
            result = Result(State.BROKEN, "matrix: the cross-signing check failed "
                            f"({type(exc).__name__}); it runs again at the next start")
        self._due = result.state is State.PENDING
        if result != self.result:
            level = logging.ERROR if result.problem else logging.INFO
            log.log(level, "%s", result.line)
        self.result = result

    def bind(self, client: AsyncClient) -> None:
        self._client = client
        client.add_to_device_callback(self._to_device, (UnknownToDeviceEvent,
                                                        KeyVerificationStart))

    async def _to_device(self, event: ToDeviceEvent) -> None:
        client = self._client
        if isinstance(event, KeyVerificationStart):  # the old flow, without a request
            log.info("matrix: declined a device verification (not supported)")
            if client is not None:
                await client.cancel_key_verification(event.transaction_id, reject=True)
            return
        kind = getattr(event, "type", "")
        content = event.source.get("content", {})
        if kind == WITHHELD:
            code = str(content.get("code", "?"))[:40]
            log.warning("matrix: a sender withheld a room key from the bot (%s)", code)
            session = content.get("session_id")
            if isinstance(session, str):
                self.withheld[session] = code
                while len(self.withheld) > MAX_WITHHELD:
                    self.withheld.pop(next(iter(self.withheld)))
        elif kind == REQUEST and client is not None:
            log.info("matrix: declined a device verification request (not supported)")
            device = content.get("from_device")
            transaction = content.get("transaction_id")
            if isinstance(device, str) and isinstance(transaction, str):
                message = ToDeviceMessage(CANCEL, event.sender, device, {
                    "transaction_id": transaction, "code": "m.user",
                    "reason": _cancel_reason()})
                with contextlib.suppress(*NETWORK_ERRORS):  # the other side times out
                    await client.to_device(message)

    @staticmethod
    def is_request(content: dict[str, Any], bot: str) -> bool:
        """An in-room verification request to the bot (Element's "Verify" in a DM)."""
        return content.get("msgtype") == REQUEST and content.get("to") == bot

    @staticmethod
    def cancel_content(request_event_id: str) -> dict[str, Any]:
        return {"code": "m.user", "reason": _cancel_reason(),
                "m.relates_to": {"rel_type": "m.reference", "event_id": request_event_id}}
