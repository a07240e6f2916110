"""The cross-signing rules against a homeserver stand-in on 127.0.0.1 that asks for what
real servers may ask: a password for every upload, or a sign-in the bot cannot do
(a server with its authentication delegated, MSC3861). And the key file's edges."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.transports.matrix import keys
from bot.transports.matrix.cross_signing import CrossSigning, Homeserver, State

USER = "@bot:example.org"
DEVICE = {"user_id": USER, "device_id": "DEV", "algorithms": ["m.megolm.v1.aes-sha2"],
          "keys": {"ed25519:DEV": "x", "curve25519:DEV": "y"}, "signatures": {}}


class StandIn:
    """keys/query, device_signing/upload (behind a configurable UIA) and signatures."""

    def __init__(self, stages: list[str]) -> None:
        self.stages = stages
        self.uploads: list[dict[str, Any]] = []
        self.signatures: list[dict[str, Any]] = []
        self.published: dict[str, Any] = {"device_keys": {USER: {"DEV": DEVICE}}}

    def app(self) -> web.Application:
        app = web.Application()
        base = "/_matrix/client/v3"
        app.router.add_post(base + "/keys/query", self.query)
        app.router.add_post(base + "/keys/device_signing/upload", self.upload)
        app.router.add_post(base + "/keys/signatures/upload", self.sign)
        return app

    async def query(self, request: web.Request) -> web.Response:
        return web.json_response(self.published)

    async def upload(self, request: web.Request) -> web.Response:
        body = await request.json()
        auth = body.pop("auth", None)
        if self.stages and (auth is None or auth.get("type") not in self.stages
                            or auth.get("password") != "secret"):
            return web.json_response({"flows": [{"stages": self.stages}], "params": {},
                                      "session": "s1"}, status=401)
        self.uploads.append(body)
        for kind in ("master", "self_signing", "user_signing"):
            self.published.setdefault(f"{kind}_keys", {})[USER] = body[f"{kind}_key"]
        return web.json_response({})

    async def sign(self, request: web.Request) -> web.Response:
        self.signatures.append(await request.json())
        return web.json_response({"failures": {}})


@pytest.fixture
async def stand_in(request: pytest.FixtureRequest) -> AsyncIterator[tuple[StandIn, str]]:
    server = StandIn(request.param)
    test_server = TestServer(server.app(), host="127.0.0.1")
    await test_server.start_server()
    yield server, str(test_server.make_url("/"))
    await test_server.close()


async def ensure(url: str, folder: Path, password: str | None) -> Any:
    async with aiohttp.ClientSession() as http:
        return await CrossSigning(Homeserver(http, url, "token"), folder, USER, "DEV",
                                  "pickle", password).ensure()


@pytest.mark.parametrize("stand_in", [["m.login.password"]], indirect=True)
async def test_a_server_that_asks_for_the_password_gets_it_or_one_clear_line(
        stand_in: tuple[StandIn, str], tmp_path: Path) -> None:
    server, url = stand_in
    refused = await ensure(url, tmp_path, None)
    assert refused.state is State.NEEDS_PASSWORD
    assert refused.line.count("\n") == 0
    assert "only an access_token is configured" in refused.line
    assert "MEDBORGARBOT_MATRIX__PASSWORD" in refused.line
    assert not server.uploads and not server.signatures
    kept = keys.public_master(tmp_path)  # kept before publishing: reused next time
    assert kept is not None

    done = await ensure(url, tmp_path, "secret")
    assert done.state is State.OK and done.problem is None
    [upload] = server.uploads
    assert upload["master_key"]["keys"] == {f"ed25519:{kept}": kept}
    [signed] = server.signatures
    held = keys.load(tmp_path, USER, "pickle")
    assert held is not None
    assert keys.verify(signed[USER]["DEV"], USER, held.self_signing.public)
    assert keys.verify(upload["self_signing_key"], USER, held.master.public)
    assert keys.verify(upload["user_signing_key"], USER, held.master.public)


@pytest.mark.parametrize("stand_in", [["org.matrix.cross_signing_reset"]], indirect=True)
async def test_a_server_that_wants_approval_in_its_account_page_is_named(
        stand_in: tuple[StandIn, str], tmp_path: Path) -> None:
    server, url = stand_in
    result = await ensure(url, tmp_path, "secret")
    assert result.state is State.NEEDS_APPROVAL
    assert "org.matrix.cross_signing_reset" in result.line and "account page" in result.line
    assert not server.uploads


@pytest.mark.parametrize("stand_in", [[]], indirect=True)
async def test_a_new_device_is_signed_and_nothing_else_changes(
        stand_in: tuple[StandIn, str], tmp_path: Path) -> None:
    server, url = stand_in
    assert (await ensure(url, tmp_path, None)).state is State.OK
    device = server.signatures[0][USER]["DEV"]
    server.published["device_keys"][USER]["DEV"] = device  # the server now shows it
    again = await ensure(url, tmp_path, None)
    assert again.state is State.OK and "checked" in again.line
    assert len(server.uploads) == 1 and len(server.signatures) == 1
    server.published["device_keys"][USER]["DEV"] = DEVICE  # a new device, unsigned
    assert (await ensure(url, tmp_path, None)).line.endswith("self-signing key")
    assert len(server.uploads) == 1 and len(server.signatures) == 2


def test_signed_json_is_canonical_and_a_changed_byte_breaks_it() -> None:
    pair = keys.KeyPair.generate()
    obj = {"b": "Åsele", "a": [1, {"z": None}], "unsigned": {"x": 1}}
    assert keys.signable(obj) == '{"a":[1,{"z":null}],"b":"Åsele"}'.encode()
    signed = pair.sign(obj, USER)
    assert keys.verify(signed, USER, pair.public)
    assert keys.verify(dict(signed, unsigned={"y": 2}), USER, pair.public)
    assert not keys.verify(dict(signed, b="Asele"), USER, pair.public)
    assert not keys.verify(signed, "@other:example.org", pair.public)
    assert "=" not in signed["signatures"][USER][f"ed25519:{pair.public}"]
    assert keys.unpadded(pair.seed()) not in repr(pair) + str(pair)  # never in a log line


def test_the_key_file_of_another_account_is_not_taken_or_overwritten(tmp_path: Path) -> None:
    keys.save(tmp_path, keys.Identity.generate("@someone:example.org"), "pickle")
    with pytest.raises(keys.KeyFileError, match="another account"):
        keys.load(tmp_path, USER, "pickle")
    (tmp_path / keys.FILE_NAME).write_text(json.dumps({"user_id": USER, "salt": "!"}))
    with pytest.raises(keys.KeyFileError, match="damaged"):
        keys.load(tmp_path, USER, "pickle")
