"""One pool of HTTP connections to the Bot Connector for every turn and every message the
bot starts, and which Connector hosts the bot talks to at all.

The SDK's client factory gives each turn a connector client with its own aiohttp session,
so each reply opened (and closed) a new TCP and TLS connection to the Connector: measured
in bench/teams_app_load.py, that made the Teams app a third as fast as the outgoing
webhook. Here each client still gets its own session (its headers carry its own token),
but all sessions share one connector: connections are kept alive and reused. The token is
fetched exactly as the SDK's factory does; anything but a plain Connector client (an
agentic request, a Copilot Studio connector) is left to the SDK.

The host validator (the SDK's own) refuses an activity whose serviceUrl is not one of
Microsoft's hosts over https, or whose host differs from the token's `serviceurl` claim:
the bot never sends its token to an address an activity names. It is off only in
development (the Agents Playground and the tests' stand-in listen on 127.0.0.1 over http).
"""

from __future__ import annotations

import functools
from typing import Any

import aiohttp
from microsoft_agents.activity import RoleTypes
from microsoft_agents.hosting.core import (
    AnonymousTokenProvider,
    ClaimsIdentity,
    RestChannelServiceClientFactory,
    TurnContext,
)
from microsoft_agents.hosting.core.connector import ConnectorClientBase
from microsoft_agents.hosting.core.connector.client import connector_client, user_token_client
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient
from microsoft_agents.hosting.core.security import OutboundHostValidator

__all__ = ["PooledClientFactory", "host_validator"]

KEEP_ALIVE_SECONDS = 60.0  # an idle connection to the Connector is closed after this


def _product_info_once() -> None:
    """The SDK's clients build their User-Agent with importlib.metadata.version() of a
    distribution that is not installed ("microsoft-agents-connector"): a scan of every
    installed package, two for each turn, 8 % of a turn's time (py-spy on
    bench/teams_app_load.py). Its answer cannot change while the process runs: the
    clients' modules get it computed once."""
    for module in (connector_client, user_token_client):
        original = module.get_product_info  # AttributeError: the SDK changed (pinned)
        if not isinstance(original, functools._lru_cache_wrapper):
            module.get_product_info = functools.cache(original)  # type: ignore[attr-defined]


_product_info_once()


def host_validator(development: bool) -> OutboundHostValidator:
    """Microsoft's Connector hosts only, over https; every host in development."""
    return OutboundHostValidator(enabled=not development)


class PooledClientFactory(RestChannelServiceClientFactory):
    """The SDK's factory, with the connections of all its clients in one pool."""

    def __init__(self, connections: Any) -> None:
        super().__init__(connections)
        self._connections = connections
        self._pool: aiohttp.TCPConnector | None = None  # made in the running loop

    async def create_connector_client(
            self, context: TurnContext | None, claims_identity: ClaimsIdentity,
            service_url: str, audience: str, scopes: list[str] | None = None,
            use_anonymous: bool = False) -> ConnectorClientBase:
        activity = context.activity if context is not None else None
        if not service_url or not audience or (activity is not None and (
                activity.is_agentic_request() or (activity.recipient is not None and
                                                  activity.recipient.role ==
                                                  RoleTypes.connector_user))):
            return await super().create_connector_client(
                context, claims_identity, service_url, audience, scopes, use_anonymous)
        provider = (AnonymousTokenProvider() if use_anonymous
                    else self._connections.get_token_provider(claims_identity, service_url))
        token = await provider.get_access_token(
            audience, scopes or claims_identity.get_token_scope())
        endpoint = service_url if service_url.endswith("/") else service_url + "/"
        # The client closes its session after the turn; the pool stays (not its owner).
        session = aiohttp.ClientSession(base_url=endpoint, connector=self.pool(),
                                        connector_owner=False)
        return TeamsConnectorClient(endpoint=endpoint, token=token, session=session)

    def pool(self) -> aiohttp.TCPConnector:
        if self._pool is None or self._pool.closed:
            self._pool = aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS)
        return self._pool

    async def close(self) -> None:
        """Close the kept connections (the bot is stopping)."""
        if self._pool is not None:
            await self._pool.close()
