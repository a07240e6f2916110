"""The settings of the HTTP server and each transport (Teams, the Teams app, Matrix, the web
chat), and of conversations' state shared by several processes."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re

from pydantic import Field, field_validator, model_validator

from bot.config.section import Section


def split_listen(listen: str) -> tuple[str, int]:
    """`host:port` or `[v6 address]:port` as (host, port); ValueError says what is wrong."""
    host, colon, port = listen.strip().rpartition(":")
    if not colon or not port.isdigit():
        raise ValueError(f'"{listen}" needs host:port, e.g. 127.0.0.1:8080')
    if not 1 <= int(port) <= 65535:
        raise ValueError(f'"{listen}": the port must be 1 to 65535')
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host or any(c.isspace() or c in "[]/" for c in host):
        raise ValueError(f'"{listen}" needs host:port, e.g. 127.0.0.1:8080')
    return host, int(port)


class HttpSettings(Section):
    listen: str = "127.0.0.1:8080"

    @field_validator("listen")
    @classmethod
    def _host_and_port(cls, listen: str) -> str:
        split_listen(listen)
        return listen

    @property
    def host(self) -> str:
        return split_listen(self.listen)[0]

    @property
    def port(self) -> int:
        return split_listen(self.listen)[1]


class TeamsSettings(Section):
    path: str = Field(default="/teams", pattern=r"^/[\w/-]*$")
    secret: str = Field(min_length=1)  # the base64 security token Teams shows once
    max_body_bytes: int = Field(default=65_536, ge=1024)
    reply_seconds: float = Field(default=4.5, gt=0, le=5)  # Teams waits 5 s at most

    def key(self) -> bytes:
        """The HMAC key; ValueError (without the secret) when the token is not one."""
        try:
            key = base64.b64decode(self.secret, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("not a base64 security token (copy it as Teams showed it)"
                             ) from None
        if not key:
            raise ValueError("empty after base64 decoding")
        return key


class TeamsAppManifest(Section):
    """`teams_app.manifest`: what `python -m bot teams-package` writes into the app package
    (teams/manifest.json) about the municipality; `run` does not read it. Missing values are
    named by the command, which refuses to build a package with a placeholder left."""

    developer_name: str | None = Field(default=None, min_length=1, max_length=32)
    website_url: str | None = Field(default=None, pattern=r"^https://\S+$", max_length=2048)
    privacy_url: str | None = Field(default=None, pattern=r"^https://\S+$", max_length=2048)
    terms_url: str | None = Field(default=None, pattern=r"^https://\S+$", max_length=2048)
    # Teams takes an upload only with a higher version than the installed one.
    version: str | None = Field(default=None, pattern=r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
    host: str | None = Field(default=None, pattern=r"^[\w.-]+$")  # default: web.public_url's


class TeamsAppSettings(Section):
    """The Teams app on the Microsoft 365 Agents SDK (bot/transports/teams_app), on the
    bot's own HTTP server; the staff channel is roles.staff_room = "teams_app:<id>"."""

    app_id: str | None = None  # the Entra app (client) id of the Azure Bot registration
    tenant_id: str | None = None  # the Entra tenant the app is registered in
    client_secret: str | None = None  # set MEDBORGARBOT_TEAMS_APP__CLIENT_SECRET
    path: str = Field(default="/api/messages", pattern=r"^/[\w/-]*$")
    # No token checked on what arrives, none sent with replies: tests and Microsoft's
    # Agents Playground only. `check` refuses it unless `development` is true as well.
    anonymous: bool = False
    # Also lifts the limit on serviceUrl (Microsoft's hosts over https only): the
    # Playground and a local Connector stand-in listen on http://127.0.0.1.
    development: bool = False
    send_attempts: int = Field(default=8, ge=1)  # tries of one message to the connector
    retry_max_seconds: float = Field(default=60.0, gt=0)  # cap of the backoff between them
    send_seconds: float = Field(default=30.0, gt=0)  # one POST to the connector at most
    manifest: TeamsAppManifest = TeamsAppManifest()  # for the app package only

    @model_validator(mode="after")
    def _complete(self) -> TeamsAppSettings:
        if self.anonymous:
            if self.app_id:
                raise ValueError("anonymous mode takes no app_id (remove one of them)")
            return self
        if not self.app_id:
            raise ValueError("needs app_id (or anonymous: true, for development only)")
        if not self.client_secret:
            raise ValueError("needs client_secret with app_id "
                             "(set MEDBORGARBOT_TEAMS_APP__CLIENT_SECRET)")
        if not self.tenant_id:
            raise ValueError("needs tenant_id with app_id (the Entra tenant of the app)")
        return self


class MatrixSettings(Section):
    homeserver: str = Field(pattern=r"^https?://")
    user_id: str = Field(pattern=r"^@[^:]+:.+$")
    password: str | None = None
    access_token: str | None = None
    device_id: str = "MEDBORGARBOT"
    display_name: str | None = "Medborgarbot"
    encryption: bool = True
    # Publish cross-signing keys and sign the bot's device: Element shares room keys only
    # with cross-signed devices (MSC4153). Off only to show what happens without.
    cross_signing: bool = True
    pickle_key: str | None = None
    allowed_servers: list[str] = []  # empty: accept invites from any homeserver
    catch_up_minutes: int = Field(default=60, ge=0)  # answer what arrived while down
    timeline_limit: int = Field(default=50, ge=11, le=1000)
    typing_after_ms: int = Field(default=800, ge=0)
    retry_max_seconds: float = Field(default=60.0, gt=0)  # cap of the reconnect backoff

    @model_validator(mode="after")
    def _complete(self) -> MatrixSettings:
        if not self.password and not self.access_token:
            raise ValueError("needs password or access_token")
        if self.encryption and not self.pickle_key:
            raise ValueError("needs pickle_key when encryption is on "
                             "(set MEDBORGARBOT_MATRIX__PICKLE_KEY)")
        return self


_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?|https?://\[[0-9A-Fa-f:.]+\](?::\d{1,5})?")


def _origin(value: str) -> str:
    """"https://www.asele.se" (a trailing "/" is dropped); ValueError for anything else."""
    origin = value.strip().removesuffix("/")
    if not _ORIGIN.fullmatch(origin):
        raise ValueError(f'"{value}" is not an origin like https://www.asele.se '
                         "(scheme and host, no path)")
    return origin.lower()


class WebSettings(Section):
    """The web chat on http.listen (/chat); see bot/transports/webchat."""

    enabled: bool = True
    public_url: str | None = None  # the bot's own origin as residents reach it
    allowed_origins: list[str] = []  # pages that may embed the widget
    new_conversations_per_hour: int = Field(default=20, ge=1)  # per address (keyed hash)
    messages_per_minute: int = Field(default=20, ge=1)  # per conversation
    idle_minutes: int = Field(default=120, ge=1)  # a conversation is forgotten after this
    max_conversations: int = Field(default=5000, ge=1)
    max_text: int = Field(default=2000, ge=1, le=4000)  # the core reads 4000 at most
    trusted_proxies: list[str] = []  # X-Forwarded-For honoured only from these
    retry_ms: int = Field(default=2000, ge=100)  # how soon a page reconnects
    ping_seconds: float = Field(default=15.0, gt=0)  # keeps quiet streams open
    # Where a resident reports an accessibility problem (the statement links it).
    accessibility_contact: str | None = Field(default=None, pattern=r"^(https?://|mailto:)\S+$")

    @field_validator("public_url")
    @classmethod
    def _public(cls, value: str | None) -> str | None:
        return None if value is None else _origin(value)

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, values: list[str]) -> list[str]:
        return [_origin(v) for v in values]

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                ipaddress.ip_network(value.strip(), strict=False)
            except ValueError:
                raise ValueError(f'"{value}" is not an IP address or network') from None
        return [v.strip() for v in values]


class SharedStateSettings(Section):
    """Conversations' state in the store, for several `run` processes on one PostgreSQL
    serving the Teams webhook and, with "web" in `transports`, the web chat (any request
    of a page to any process: see the README)."""

    enabled: bool = False
    # base64 of 32 bytes or more; MEDBORGARBOT_SHARED_STATE__KEY. Without it, a key file in
    # data_dir is made on first use: processes on one machine sharing data_dir agree.
    key: str | None = None
    lock_seconds: float = Field(default=10.0, gt=0)  # the longest wait for a conversation
    # Whose conversations keep their state in the store: those whose messages may reach
    # any process. Add "web" for the web chat without sticky routing: its pages'
    # conversations (entries, seqs) then live in the store too; without it they stay with
    # the process that made them (route a page to one process, by its address).
    transports: list[str] = ["teams", "teams_app"]

    @field_validator("key")
    @classmethod
    def _key(cls, value: str | None) -> str | None:
        if not value:
            return None
        try:
            secret = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("not base64 (make one: openssl rand -base64 32)") from None
        if len(secret) < 32:
            raise ValueError("fewer than 32 bytes (make one: openssl rand -base64 32)")
        return value
