"""config.yaml with environment overrides; every problem is one line naming its source.

Any key can be set from the environment as MEDBORGARBOT_<SECTION>__<KEY> (or
MEDBORGARBOT_<KEY> for a top-level key), which is how secrets come in. pydantic-settings
reads them (a list as comma-separated words or JSON); a wrong value is named by the
variable that gave it (`MEDBORGARBOT_FEEDBACK__PER_DAY: …`), not by the file.
"""

from __future__ import annotations

import os
import re
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    ValidationError,
)

from bot.config.section import Section
from bot.config.transports import (
    HttpSettings,
    MatrixSettings,
    SharedStateSettings,
    TeamsAppManifest,
    TeamsAppSettings,
    TeamsSettings,
    WebSettings,
    split_listen,
)
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


__all__ = ["DEFAULT_CONFIG", "ENV_PREFIX", "Config", "ConfigError", "FeedbackSettings",
           "HttpSettings", "LocalRoles", "MatrixSettings", "Roles", "Section",
           "SharedStateSettings", "TeamsAppManifest", "TeamsAppSettings", "TeamsSettings",
           "WebSettings", "config_file", "load_config", "split_listen"]


def _staff_room(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if BARE_MATRIX_ROOM.fullmatch(value.strip()):
        return Address("matrix", value.strip())
    return Address.parse(value)


def _checked_room(address: Address | None) -> Address | None:
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


StaffRoom = Annotated[Address | None, BeforeValidator(_staff_room),
                      AfterValidator(_checked_room)]


class LocalRoles(Section):
    """One municipality's own staff: they see and change only its rows."""

    staff: list[str] = []
    staff_room: StaffRoom = None


class Roles(Section):
    staff: list[str] = []
    admins: list[str] = []
    # A room on any transport: "matrix:!abc:example.org", "teams:<conversation id>",
    # "console:personal"; a bare "!abc:example.org" is a Matrix room (older configs).
    staff_room: StaffRoom = None
    # A police area: staff of one municipality (a folder under knowledge/) alone. The
    # staff above are the whole area's.
    municipalities: dict[str, LocalRoles] = {}


class FeedbackSettings(Section):
    retention_months: int = Field(default=24, ge=1)
    per_day: int = Field(default=5, ge=1)  # entries one person may give a day
    time_granularity: Literal["date", "week"] = "date"


PublicRoom = Annotated[Address, BeforeValidator(_staff_room), AfterValidator(_checked_room)]


class DigestRooms(Section):
    rooms: list[PublicRoom] = []


class DigestSettings(Section):
    """The public digest (/sammanfattning): where a published one is sent, besides the
    chat, where residents read it ("vad har hänt?") whatever is set here.

        digest:
          rooms: ["matrix:!allmant:example.org"]   # every municipality's digest
          municipalities:                          # optional: a municipality's own rooms
            asele: {rooms: ["matrix:!asele-allmant:example.org"]}
          monthly: true   # on the 1st-7th, draft last month's and tell the staff room

    A room is written as roles.staff_room is ("<transport>:<room>"; a bare "!room:server"
    is a Matrix room). A municipality with rooms of its own is sent to those and to the
    area's `rooms`."""

    rooms: list[PublicRoom] = []
    municipalities: dict[str, DigestRooms] = {}
    monthly: bool = True

    def rooms_of(self, municipality: str) -> list[Address]:
        own = self.municipalities.get(municipality)
        return list(dict.fromkeys([*(own.rooms if own else []), *self.rooms]))


class Config(Section):
    knowledge: Path = Path("knowledge")
    data_dir: Path = Path("data")
    store: str | None = Field(default=None, description="store URL; default SQLite file")
    language: Lang = "sv"
    roles: Roles = Roles()
    feedback: FeedbackSettings = FeedbackSettings()
    digest: DigestSettings = DigestSettings()
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
    shared_state: SharedStateSettings = SharedStateSettings()

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
