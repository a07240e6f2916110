"""With an app id, the SDK's own JWT check on the route decides, against a local signing
key instead of Microsoft's (the validator's key lookup is the one thing replaced; offline,
it would fetch login.botframework.com): a token signed by another key, for another app or
expired is refused with 401 and never reaches the core; a valid one does, and the reply
goes out with the bot's own token (MSAL's token fetch replaced, as it needs Entra)."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from microsoft_agents.authentication.msal import MsalAuth
from microsoft_agents.hosting.core.authorization.jwt import jwt_token_validator

from bot.core.clock import FixedClock
from bot.knowledge.holder import KnowledgeHolder
from tests import traces
from tests.transports.teams_app.activities import APP_ID, TENANT, Person, personal_message
from tests.transports.teams_app.conftest import TeamsBot, teams_config
from tests.transports.teams_app.connector import Connector

TRUSTED = rsa.generate_private_key(public_exponent=65537, key_size=2048)
STRANGER = rsa.generate_private_key(public_exponent=65537, key_size=2048)
BOT_TOKEN = "local-test-token"  # what the bot's replies carry instead of an Entra token


class LocalKeys:
    """The validator's signing-key lookup, answering with the trusted local key."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def get_signing_key(self, jwks_uri: str, header: dict[str, Any]) -> jwt.PyJWK:
        self.asked.append(jwks_uri)
        public = jwt.algorithms.RSAAlgorithm.to_jwk(TRUSTED.public_key(), as_dict=True)
        return jwt.PyJWK(public | {"kid": "local", "alg": "RS256"})


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> LocalKeys:
    local = LocalKeys()
    monkeypatch.setattr(jwt_token_validator.JwtTokenValidator, "_jwk_client_manager", local)

    async def token(self: MsalAuth, resource_url: str, scopes: list[str],
                    force_refresh: bool = False) -> str:
        return BOT_TOKEN

    monkeypatch.setattr(MsalAuth, "get_access_token", token)
    return local


@pytest.fixture
def production_logs() -> Iterator[io.StringIO]:
    with traces.production_logs(logging.DEBUG) as captured:
        yield captured


def token(connector: Connector, *, key: Any = TRUSTED, audience: str = APP_ID,
          expires_in: float = 3600) -> str:
    now = int(time.time())
    claims = {"iss": "https://api.botframework.com", "aud": audience,
              "nbf": now - 60, "iat": now - 60, "exp": now + int(expires_in),
              "serviceurl": connector.url}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "local"})


@pytest.mark.parametrize("case", ["valid", "another key", "another app", "expired",
                                  "not a Microsoft host"])
async def test_only_a_valid_token_for_this_app_reaches_the_core(
        case: str, keys: LocalKeys, tmp_path: Path, connector: Connector, anna: Person,
        shipped_holder: KnowledgeHolder, clock: FixedClock,
        production_logs: io.StringIO) -> None:
    bearer = {"valid": lambda: token(connector),
              "another key": lambda: token(connector, key=STRANGER),
              "another app": lambda: token(connector, audience="11111111-2222-4333-8444-"
                                                                "555555555555"),
              "expired": lambda: token(connector, expires_in=-3600),
              "not a Microsoft host": lambda: token(connector)}[case]()
    # The stand-in listens on http://127.0.0.1, which only development accepts as a
    # serviceUrl; outside it, a valid token naming that host is refused all the same, and
    # the bot's own token is never sent there.
    config = teams_config(tmp_path, anonymous=False, app_id=APP_ID, tenant_id=TENANT,
                          client_secret="not-a-real-secret",
                          development=case != "not a Microsoft host")
    bot = TeamsBot(config, shipped_holder, clock)
    await bot.start()
    try:
        activity = personal_message(anna, "vad har polisen lovat?", connector.url,
                                    clock.now())
        status, body = await bot.post(activity, {"Authorization": f"Bearer {bearer}"})
    finally:
        await bot.stop()
    assert keys.asked, "the token was never checked against a signing key"
    if case == "valid":
        assert status in (200, 202), (status, body)
        [reply] = connector.posted
        assert reply.reply_to == activity["id"] and "2021–2022" in reply.shown()
        assert connector.authorizations == [f"Bearer {BOT_TOKEN}"]
        assert "handled transport=teams_app" in production_logs.getvalue()
    else:
        assert status == 401, (status, body)
        assert connector.posted == [] and connector.authorizations == []
        assert "handled transport=" not in production_logs.getvalue()
