"""The Matrix transport's handling of Element's trust events, without a homeserver:
withheld room keys (logged by code, the event given up at once), verification requests
(declined), and a sync that waits no longer than the grace of an event missing its key."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from nio import UnknownToDeviceEvent

from bot.config import MatrixSettings
from bot.core.clock import FixedClock
from bot.transports.matrix.transport import DECRYPT_GRACE, MatrixTransport
from bot.transports.matrix.trust import Trust

SETTINGS = MatrixSettings(homeserver="http://127.0.0.1:1", user_id="@bot:localhost",
                          password="pw", pickle_key="k")


def to_device(kind: str, content: dict[str, Any]) -> UnknownToDeviceEvent:
    source = {"type": kind, "sender": "@anna:localhost", "content": content}
    return UnknownToDeviceEvent(source, "@anna:localhost", kind)


class FakeClient:
    def __init__(self) -> None:
        self.sent: list[Any] = []
        self.callbacks: list[Any] = []

    def add_to_device_callback(self, callback: Any, kinds: Any) -> None:
        self.callbacks.append(callback)

    async def to_device(self, message: Any) -> None:
        self.sent.append(message)


async def test_a_withheld_key_is_logged_by_code_only(tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    trust = Trust(SETTINGS, tmp_path)
    client = FakeClient()
    trust.bind(client)  # type: ignore[arg-type]
    with caplog.at_level(logging.INFO):
        await client.callbacks[0](to_device("m.room_key.withheld", {
            "code": "m.unverified", "session_id": "SESSION", "room_id": "!room:localhost",
            "sender_key": "KEY", "reason": "Device not verified"}))
    assert trust.withheld == {"SESSION": "m.unverified"}
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "withheld a room key from the bot (m.unverified)" in logged
    for private in ("SESSION", "!room", "KEY", "@anna"):
        assert private not in logged


async def test_a_device_verification_request_is_cancelled(tmp_path: Path) -> None:
    trust = Trust(SETTINGS, tmp_path)
    client = FakeClient()
    trust.bind(client)  # type: ignore[arg-type]
    await client.callbacks[0](to_device("m.key.verification.request", {
        "from_device": "ANNAPHONE", "transaction_id": "t1", "methods": ["m.sas.v1"],
        "timestamp": 1}))
    [cancel] = client.sent
    assert (cancel.type, cancel.recipient, cancel.recipient_device) == (
        "m.key.verification.cancel", "@anna:localhost", "ANNAPHONE")
    assert cancel.content["transaction_id"] == "t1" and cancel.content["code"] == "m.user"
    assert Trust.is_request({"msgtype": "m.key.verification.request",
                             "to": "@bot:localhost"}, "@bot:localhost")
    assert not Trust.is_request({"msgtype": "m.key.verification.request",
                                 "to": "@someone:localhost"}, "@bot:localhost")


def test_the_sync_waits_no_longer_than_the_grace_of_a_missing_key(tmp_path: Path) -> None:
    clock = FixedClock(dt.datetime(2026, 11, 30, 12, 0))
    transport = MatrixTransport(SETTINGS, tmp_path, handle=None, state=None,  # type: ignore
                                clock=clock)
    assert transport._poll_ms() == 30_000
    seen = clock.now() - dt.timedelta(seconds=4)
    transport._undecrypted["$e"] = (SimpleNamespace(), SimpleNamespace(), seen)  # type: ignore
    assert transport._poll_ms() == (DECRYPT_GRACE.total_seconds() - 4) * 1000
    transport._undecrypted["$old"] = (SimpleNamespace(), SimpleNamespace(),  # type: ignore
                                      seen - dt.timedelta(minutes=5))
    assert transport._poll_ms() == 1000  # overdue: the next batch gives up on it
