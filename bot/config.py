"""config.yaml with environment overrides; every problem is one line naming its source.

Any key can be set from the environment as MEDBORGARBOT_<SECTION>__<KEY> (or
MEDBORGARBOT_<KEY> for a top-level key), which is how secrets come in. pydantic-settings
reads them (a list as comma-separated words or JSON); a wrong value is named by the
variable that gave it (`MEDBORGARBOT_FEEDBACK__PER_DAY: …`), not by the file.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import re
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.core.address import Address
from bot.text.lang import Lang

ENV_PREFIX = "MEDBORGARBOT_"
STAFF_ROOM_TRANSPORTS = ("matrix", "teams", "teams_app", "console")  # where a staff room can be
# A bare Matrix room id, as configs before addresses wrote it; room version 12 ids have no
# ":server" part. No transport name starts with "!", so this is never ambiguous.
BARE_MATRIX_ROOM = re.compile(r"!\S+")
DEFAULT_CONFIG = Path("config.yaml")


class ConfigError(Exception):
    """Invalid configuration; `problems` holds one readable line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Roles(Section):
    staff: list[str] = []
    admins: list[str] = []
    # A room on any transport: "matrix:!abc:example.org", "teams:<conversation id>",
    # "console:personal"; a bare "!abc:example.org" is a Matrix room (older configs).
    staff_room: Address | None = None

    @field_validator("staff_room", mode="before")
    @classmethod
    def _parse_room(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if BARE_MATRIX_ROOM.fullmatch(value.strip()):
            return Address("matrix", value.strip())
        return Address.parse(value)

    @field_validator("staff_room")
    @classmethod
    def _room(cls, address: Address | None) -> Address | None:
        if address is None:
            return None
        if address.person:
            raise ValueError("must be a room, not a person")
        if address.transport not in STAFF_ROOM_TRANSPORTS:
            raise ValueError(f'"{address.transport}" is not one of '
                             f'{", ".join(STAFF_ROOM_TRANSPORTS)} (write <transport>:<room>)')
        if address.transport == "matrix" and not address.room.startswith("!"):
            raise ValueError("a Matrix room id starts with ! (not a #alias)")
        return address


class FeedbackSettings(Section):
    retention_months: int = Field(default=24, ge=1)
    per_day: int = Field(default=5, ge=1)  # entries one person may give a day
    time_granularity: Literal["date", "week"] = "date"


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


class Config(Section):
    knowledge: Path = Path("knowledge")
    data_dir: Path = Path("data")
    store: str | None = Field(default=None, description="store URL; default SQLite file")
    language: Lang = "sv"
    roles: Roles = Roles()
    feedback: FeedbackSettings = FeedbackSettings()
    http: HttpSettings | None = None
    teams: TeamsSettings | None = None
    teams_app: TeamsAppSettings | None = None
    matrix: MatrixSettings | None = None
    web: WebSettings | None = None
    # Where a conversation comes from -> the municipality of the area (a folder under
    # knowledge/) it is about, until it names another: "web", "teams", "console" for a
    # whole transport, "matrix:!room:server" or "teams_app:19:…@thread.tacv2" for one room.
    municipalities: dict[str, str] = {}
    # `run` starts the terminal chat (as it does with no config file at all) instead of
    # serving; it runs alone, so not with matrix, teams or http.
    console: bool = False

    @property
    def store_url(self) -> str:
        return self.store or f"sqlite:///{self.data_dir / 'medborgarbot.db'}"

    @property
    def chat_transports(self) -> list[str]:
        """The configured transports residents chat on (the terminal chat aside)."""
        names = [name for name in ("matrix", "teams", "teams_app")
                 if getattr(self, name) is not None]
        return [*names, "web"] if self.web_enabled else names

    @property
    def web_enabled(self) -> bool:
        return self.web is not None and self.web.enabled

    @property
    def serves(self) -> bool:
        """`run` has something to serve: a chat transport or the HTTP server."""
        return bool(self.chat_transports) or self.http is not None


Keys = tuple[str, ...]  # where a setting is: ("feedback", "per_day")


def _deeper_problems(config: Config) -> list[tuple[Keys, str]]:
    """What the types cannot say and `run` would otherwise crash on: (keys, problem)."""
    found: list[tuple[Keys, str]] = []
    if config.teams is not None:
        try:
            config.teams.key()
        except ValueError as exc:
            found.append((("teams", "secret"), str(exc)))
    if config.console and config.serves:
        found.append((("console",), "the terminal chat runs alone: remove it, or remove "
                      "matrix, teams and http"))
    return found


def _field_type(model: type[BaseModel], name: str) -> Any:
    info = model.model_fields.get(name)
    if info is None:
        return None
    annotation = info.annotation
    if get_origin(annotation) in (Union, types.UnionType):  # "X | None": the section X
        models = [a for a in get_args(annotation)
                  if isinstance(a, type) and issubclass(a, BaseModel)]
        return models[0] if models else annotation
    return annotation


def _env_paths(env: Mapping[str, str], problems: list[str]) -> dict[Keys, str]:
    """Each MEDBORGARBOT_ variable's setting, to name it in errors; a line for each that
    names no setting (pydantic-settings would skip it silently)."""
    paths: dict[Keys, str] = {}
    for var in sorted(env):
        if not var.upper().startswith(ENV_PREFIX):
            continue
        path = tuple(p.lower() for p in var[len(ENV_PREFIX):].split("__"))
        model: Any = Config
        for depth, key in enumerate(path):
            annotation = _field_type(model, key)
            if annotation is None:
                problems.append(f"{var}: no such setting ({'.'.join(path[:depth + 1])})")
                break
            if depth == len(path) - 1:
                paths[path] = var
            elif not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
                problems.append(f"{var}: {'.'.join(path[:depth + 1])} has no sub-keys")
                break
            model = annotation
    return paths


def _annotation(path: Keys) -> Any:
    model: Any = Config
    for key in path:
        model = _field_type(model, key)
    return model


def _env_values(env: Mapping[str, str], paths: dict[Keys, str]) -> dict[str, Any]:
    """The settings the environment gives, nested, as pydantic-settings reads them."""
    # Imported only when a variable is set: it adds about 0.1 s to every command's start.
    from pydantic_settings import EnvSettingsSource

    values = {k.lower(): v for k, v in env.items()}
    for path, var in paths.items():
        if not env[var].strip() and get_origin(_annotation(path)) is list:
            values[var.lower()] = "[]"  # an empty list, not a list of one empty word

    class Environment(EnvSettingsSource):
        def __init__(self) -> None:
            super().__init__(Config, case_sensitive=False, env_prefix=ENV_PREFIX,
                             env_nested_delimiter="__")
            self.env_vars = values  # `env`, not os.environ: tests pass their own

        def decode_complex_value(self, field_name: str, field: Any, value: Any) -> Any:
            # "a.se, b.se" is a list as the README documents it; anything else that is not
            # JSON goes to validation as it is, to be named there with its variable.
            if field is not None and get_origin(field.annotation) is list \
                    and not value.lstrip().startswith("["):
                return [v.strip() for v in value.split(",") if v.strip()]
            try:
                return super().decode_complex_value(field_name, field, value)
            except ValueError:
                return value

    return Environment()()


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _source(loc: Keys, env_paths: dict[Keys, str], file_data: dict[str, Any],
            file_label: str) -> str:
    """Where the value at `loc` came from: the variable that set it (or the section
    around it), the variables that made a section the file does not have, or the file."""
    for n in range(len(loc), 0, -1):
        if loc[:n] in env_paths:
            return env_paths[loc[:n]]
    if loc and loc[0] not in file_data:
        under = [var for path, var in sorted(env_paths.items()) if path[0] == loc[0]]
        if under:
            return ", ".join(under)
    return file_label


def _describe(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "missing"
    if kind == "string_pattern_mismatch":
        return f'invalid value "{error.get("input")}"'
    if kind == "bool_parsing":
        return f'"{error.get("input")}" is not true or false'
    if kind == "literal_error":
        allowed = error.get("ctx", {}).get("expected", "")
        return f'"{error.get("input")}" is not one of {allowed}'
    return str(error["msg"]).removeprefix("Value error, ")


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read `path` (default config.yaml if it exists), apply the environment, validate."""
    env = os.environ if env is None else env
    file = config_file(path)
    data = _read_file(file) if file is not None else {}
    problems: list[str] = []
    env_paths = _env_paths(env, problems)
    if problems:
        raise ConfigError(problems)
    label = str(file or DEFAULT_CONFIG)

    def line(loc: tuple[Any, ...], problem: str) -> str:
        where = tuple(str(p) for p in loc)
        return f"{_source(where, env_paths, data, label)}: {'.'.join(where) or 'config'}: " \
               f"{problem}"

    merged = _merge(data, _env_values(env, env_paths)) if env_paths else data
    try:
        config = Config.model_validate(merged)
    except ValidationError as exc:
        raise ConfigError([line(e["loc"], _describe(dict(e))) for e in exc.errors()]) from None
    deeper = [line(loc, problem) for loc, problem in _deeper_problems(config)]
    if deeper:
        raise ConfigError(deeper)
    return config


def config_file(path: Path | None = None) -> Path | None:
    """The file `load_config` reads: `path`, else config.yaml when there is one."""
    return path or (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None)


def _read_file(file: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError([f"{file}: cannot read: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError:
        raise ConfigError([f"{file}: not UTF-8 text"]) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise ConfigError([f"{file}:{line}: YAML syntax: {exc.problem}"]) from None
    if loaded is not None and not isinstance(loaded, dict):
        raise ConfigError([f"{file}: must be a mapping of settings"])
    return loaded or {}


__all__ = ["Config", "ConfigError", "Roles", "TeamsAppSettings", "config_file", "load_config",
           "split_listen"]
