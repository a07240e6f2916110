"""config.yaml with environment overrides; every problem is one line naming the key.

Any key can be set from the environment as MEDBORGARBOT_<SECTION>__<KEY> (or
MEDBORGARBOT_<KEY> for a top-level key), which is how secrets come in.
"""

from __future__ import annotations

import os
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.text.lang import Lang

ENV_PREFIX = "MEDBORGARBOT_"
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
    staff_room: str | None = Field(default=None, pattern=r"^!\S+$")  # a Matrix room id


class FeedbackSettings(Section):
    retention_months: int = Field(default=24, ge=1)
    per_day: int = Field(default=5, ge=1)  # entries one person may give a day
    time_granularity: Literal["date", "week"] = "date"


class HttpSettings(Section):
    listen: str = Field(default="127.0.0.1:8080", pattern=r"^[^:\s]+:\d{1,5}$")

    @property
    def host(self) -> str:
        return self.listen.rsplit(":", 1)[0]

    @property
    def port(self) -> int:
        return int(self.listen.rsplit(":", 1)[1])


class TeamsSettings(Section):
    path: str = Field(default="/teams", pattern=r"^/[\w/-]*$")
    secret: str = Field(min_length=1)  # the base64 security token Teams shows once
    max_body_bytes: int = Field(default=65_536, ge=1024)
    reply_seconds: float = Field(default=4.5, gt=0, le=5)  # Teams waits 5 s at most


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


class Config(Section):
    knowledge: Path = Path("knowledge")
    data_dir: Path = Path("data")
    store: str | None = Field(default=None, description="store URL; default SQLite file")
    language: Lang = "sv"
    roles: Roles = Roles()
    feedback: FeedbackSettings = FeedbackSettings()
    http: HttpSettings | None = None
    teams: TeamsSettings | None = None
    matrix: MatrixSettings | None = None

    @property
    def store_url(self) -> str:
        return self.store or f"sqlite:///{self.data_dir / 'medborgarbot.db'}"


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


def _env_overrides(data: dict[str, Any], env: Mapping[str, str], problems: list[str]) -> None:
    for var, value in sorted(env.items()):
        if not var.startswith(ENV_PREFIX):
            continue
        path = [p.lower() for p in var[len(ENV_PREFIX):].split("__")]
        model: type[BaseModel] = Config
        target = data
        for depth, key in enumerate(path):
            annotation = _field_type(model, key)
            if annotation is None:
                problems.append(f"{var}: no such setting ({'.'.join(path[:depth + 1])})")
                break
            if depth == len(path) - 1:
                if get_origin(annotation) is list:
                    target[key] = [v.strip() for v in value.split(",") if v.strip()]
                else:
                    target[key] = value
                break
            if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
                problems.append(f"{var}: {'.'.join(path[:depth + 1])} has no sub-keys")
                break
            section = target.get(key)
            if not isinstance(section, dict):
                section = {}
                target[key] = section
            target, model = section, annotation


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
    problems: list[str] = []
    data: dict[str, Any] = {}
    source = str(path or DEFAULT_CONFIG)
    file = path or (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None)
    if file is not None:
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
        data = loaded or {}
    _env_overrides(data, env, problems)
    if problems:
        raise ConfigError(problems)
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError([
            f"{source}: {'.'.join(str(p) for p in e['loc']) or 'config'}: {_describe(dict(e))}"
            for e in exc.errors()
        ]) from None


__all__ = ["Config", "ConfigError", "Roles", "load_config"]
