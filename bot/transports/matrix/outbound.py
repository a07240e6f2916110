"""Send the bot's replies: idempotent transaction ids, Retry-After, retry through outages."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from nio import AsyncClient, ErrorResponse, LocalProtocolError, RoomSendResponse, SendRetryError

from bot.transports.matrix.link import NETWORK_ERRORS, Link

log = logging.getLogger("bot.matrix")


def txn_id(event_id: str) -> str:
    """The same question always gives the same transaction id, so that a reply sent again
    after a crash is dropped by the homeserver instead of arriving twice."""
    return "mb-" + hashlib.sha256(event_id.encode()).hexdigest()[:32]


def retry_after(response: ErrorResponse) -> float:
    """Seconds to wait after a 429: the Retry-After header, else retry_after_ms."""
    transport = getattr(response, "transport_response", None)
    header = transport.headers.get("Retry-After") if transport is not None else None
    if header:
        try:
            return max(0.0, float(header))
        except ValueError:
            pass  # an HTTP date: fall back to the body
    ms = getattr(response, "retry_after_ms", None)
    return ms / 1000 if ms else 5.0


def _status(response: ErrorResponse) -> int:
    transport = getattr(response, "transport_response", None)
    return int(getattr(transport, "status", 0) or 0)


async def persist(link: Link, call: Callable[[], Awaitable[Any]], ok: type,
                  what: str) -> Any | None:
    """Make a request until the homeserver takes it: through outages (backoff), 429s
    (as long as the server says) and 5xx. The response, or None when the transport is
    stopping or the homeserver refuses for good (no permission, room gone)."""
    while True:
        try:
            response = await call()
        except NETWORK_ERRORS as exc:
            link.failed(type(exc).__name__)
            if not await link.wait():
                return None
            continue
        except (SendRetryError, LocalProtocolError) as exc:
            # Members or keys not synced yet: transient, the next try usually works.
            log.info("matrix: %s not ready (%s); retrying", what, type(exc).__name__)
            if not await link.wait(1.0):
                return None
            continue
        if isinstance(response, ok):
            link.ok()
            return response
        status = _status(response)
        if response.status_code == "M_LIMIT_EXCEEDED" or status == 429:
            wait = retry_after(response)
            log.info("matrix: rate limited; %s again in %.1f s as the server asks", what, wait)
            if not await link.wait(wait):
                return None
        elif status >= 500 or status == 0:
            link.failed(f"HTTP {status}")
            if not await link.wait():
                return None
        else:
            log.warning("matrix: %s refused by the homeserver (%s)", what,
                        response.status_code)
            return None


async def send(client: AsyncClient, link: Link, room_id: str, content: dict[str, Any],
               txn: str) -> str | None:
    """Send a reply; its event id, or None (see `persist`)."""
    response = await persist(
        link, lambda: client.room_send(room_id, "m.room.message", content, tx_id=txn,
                                       ignore_unverified_devices=True),
        RoomSendResponse, "reply")
    return response.event_id if response is not None else None
