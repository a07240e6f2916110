"""The bot's cross-signing identity as the homeserver publishes it, read and verified here
with vodozemac (Matrix's own Rust crypto), not with the code that signed it; and what
happens when someone else replaces the identity: left alone, reported, reset on purpose."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import vodozemac

from bot.service import health
from bot.transports.matrix import keys
from bot.transports.matrix.session import CREDENTIALS
from tests.matrix.botrun import ROOT, InProcessBot
from tests.matrix.synapse import SynapseServer


def query(synapse: SynapseServer, token: str, user_id: str) -> dict[str, Any]:
    request = urllib.request.Request(
        synapse.url + "/_matrix/client/v3/keys/query", method="POST",
        data=json.dumps({"device_keys": {user_id: []}}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(json.loads(response.read()))


def only_key(obj: dict[str, Any]) -> str:
    [(key_id, value)] = obj["keys"].items()
    assert key_id == f"ed25519:{value}"
    return str(value)


def signed_by(obj: dict[str, Any], user_id: str, public: str, key_id: str | None = None) -> bool:
    """Verify one signature the way the spec says, with code of its own."""
    signature = obj.get("signatures", {}).get(user_id, {}).get(key_id or f"ed25519:{public}")
    if signature is None:
        return False
    unsigned = {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}
    message = json.dumps(unsigned, ensure_ascii=False, separators=(",", ":"),
                         sort_keys=True).encode()
    try:
        vodozemac.Ed25519PublicKey.from_base64(public).verify_signature(
            message, vodozemac.Ed25519Signature.from_base64(signature))
    except Exception:
        return False
    return True


def bot_token(bot: InProcessBot) -> str:
    assert bot.transport is not None and bot.transport.client is not None
    return str(bot.transport.client.access_token)


async def test_the_published_chain_verifies_master_to_self_signing_to_device(
        synapse: SynapseServer, tmp_path: Path) -> None:
    bot = InProcessBot(synapse, tmp_path)
    await bot.start()
    try:
        await bot.wait_connected()
        user = bot.user_id
        published = await asyncio.to_thread(query, synapse, bot_token(bot), user)
    finally:
        await bot.stop()
    master = published["master_keys"][user]
    self_signing = published["self_signing_keys"][user]
    user_signing = published["user_signing_keys"][user]  # shown to the owner only
    assert (master["usage"], self_signing["usage"], user_signing["usage"]) == (
        ["master"], ["self_signing"], ["user_signing"])
    master_key, ssk = only_key(master), only_key(self_signing)
    assert signed_by(self_signing, user, master_key)
    assert signed_by(user_signing, user, master_key)
    device = published["device_keys"][user]["MEDBORGARBOT"]
    assert signed_by(device, user, ssk)
    assert signed_by(device, user, device["keys"]["ed25519:MEDBORGARBOT"],
                     "ed25519:MEDBORGARBOT")  # and still by the device itself
    tampered = dict(device, algorithms=[*device["algorithms"], "x"])
    assert not signed_by(tampered, user, ssk)  # the verifier can say no
    assert keys.public_master(tmp_path / "matrix") == master_key

    # The private halves are sealed with the pickle_key in a file only the bot can read.
    path = tmp_path / "matrix" / keys.FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    held = keys.load(tmp_path / "matrix", user, "test-pickle-key")
    assert held is not None and held.self_signing.public == ssk
    text = path.read_text()
    for pair in (held.master, held.self_signing, held.user_signing):
        assert keys.unpadded(pair.seed()) not in text
    with pytest.raises(keys.KeyFileError, match="another one"):
        keys.load(tmp_path / "matrix", user, "a-wrong-pickle-key")


def cli(tmp_path: Path, bot: InProcessBot, *args: str, **matrix: Any
        ) -> subprocess.CompletedProcess[str]:
    """`python -m bot …` on the in-process bot's data folder and store (bot stopped)."""
    config = tmp_path / "config.json"
    settings = {"homeserver": bot.settings.homeserver, "user_id": bot.user_id,
                "device_id": bot.settings.device_id, **matrix}
    config.write_text(json.dumps({
        "data_dir": str(tmp_path), "store": f"sqlite:///{tmp_path / 'bot.db'}",
        "knowledge": str(ROOT / "knowledge"), "matrix": settings}))
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDBORGARBOT_")}
    env["MEDBORGARBOT_MATRIX__PICKLE_KEY"] = "test-pickle-key"
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "bot", *args, "--config", str(config)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


async def test_an_identity_replaced_by_someone_else_is_left_alone_until_reset(
        synapse: SynapseServer, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    bot = InProcessBot(synapse, tmp_path)
    await bot.start()
    await bot.wait_connected()
    ours = keys.public_master(tmp_path / "matrix")
    token = bot_token(bot)
    await bot.stop()

    # Someone with the account's password resets its cross-signing (as Element can).
    from bot.transports.matrix.admin import identity
    stranger = bot.settings.model_copy(update={"device_id": "MEDBORGARBOT"})
    other = tmp_path / "elsewhere"
    result = await identity(stranger, other, None, reset=False)  # no session kept there
    assert result.problem is None and "no session" in result.line
    theirs = await _reset_from(tmp_path / "elsewhere", bot, token)
    assert theirs != ours

    await bot.start()
    await bot.wait_connected()
    assert bot.transport is not None and bot.store is not None
    problem = bot.transport.problem
    assert problem is not None and "not this bot's" in problem and "reset-identity" in problem
    ok, reason = await health(bot.store, [bot.transport])
    assert not ok and "not this bot's" in reason
    published = await asyncio.to_thread(query, synapse, token, bot.user_id)
    assert only_key(published["master_keys"][bot.user_id]) == theirs  # not overwritten
    await bot.stop()
    lines = [r for r in caplog.records if "not this bot's" in r.getMessage()]
    assert len(lines) == 1  # one clear line per start

    checked = await asyncio.to_thread(cli, tmp_path, bot, "check", password=bot.password)
    assert checked.returncode == 1 and "not this bot's" in checked.stderr
    reset = await asyncio.to_thread(cli, tmp_path, bot, "matrix", "reset-identity",
                                    password=bot.password)
    assert reset.returncode == 0, reset.stderr
    assert "new cross-signing keys published" in reset.stdout
    new = keys.public_master(tmp_path / "matrix")
    assert new not in (ours, theirs)

    await bot.start()
    await bot.wait_connected()
    assert bot.transport is not None and bot.transport.problem is None
    published = await asyncio.to_thread(query, synapse, token, bot.user_id)
    await bot.stop()
    assert only_key(published["master_keys"][bot.user_id]) == new
    ssk = only_key(published["self_signing_keys"][bot.user_id])
    assert signed_by(published["device_keys"][bot.user_id]["MEDBORGARBOT"], bot.user_id, ssk)
    checked = await asyncio.to_thread(cli, tmp_path, bot, "check", password=bot.password)
    assert checked.returncode == 0, checked.stderr
    assert f"cross-signing ok (master key {new})" in checked.stdout


async def _reset_from(folder: Path, bot: InProcessBot, token: str) -> str:
    import aiohttp

    from bot.transports.matrix.cross_signing import CrossSigning, Homeserver

    async with aiohttp.ClientSession() as http:
        result = await CrossSigning(Homeserver(http, bot.settings.homeserver, token), folder,
                                    bot.user_id, "MEDBORGARBOT", "their-key",
                                    bot.password).reset()
    assert result.problem is None, result.line
    master = keys.public_master(folder)
    assert master is not None
    return master


async def test_with_only_an_access_token_the_reset_says_the_password_is_needed(
        synapse: SynapseServer, tmp_path: Path) -> None:
    bot = InProcessBot(synapse, tmp_path)
    await bot.start()
    await bot.wait_connected()
    token = bot_token(bot)
    await bot.stop()
    async with bot.open_store() as store:  # an operator who configures the token instead
        await store.delete_value(CREDENTIALS)
    reset = await asyncio.to_thread(cli, tmp_path, bot, "matrix", "reset-identity",
                                    access_token=token)
    assert reset.returncode == 1
    [line] = reset.stderr.strip().splitlines()
    assert "asks for the account's password" in line
    assert "only an access_token is configured" in line and "matrix.password" in line
    assert token not in reset.stderr + reset.stdout
