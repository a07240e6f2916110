"""`python -m bot teams-package`: the Teams app package (manifest.json, color.png,
outline.png at the root of a zip) to upload in Teams or the Teams admin center.

teams/ in the repository holds the template: the manifest with {{PLACEHOLDERS}} and the
icons. The command fills the placeholders from the configuration (`teams_app.app_id`,
`teams_app.manifest.*`, the host of `web.public_url`), checks the result against the rules
of manifest schema 1.30 that Teams enforces on upload (required fields, lengths, GUIDs,
colours, icon sizes), and writes the zip only when nothing is wrong: an upload that Teams
refuses says less than one line here.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot import __version__
from bot.config import Config, TeamsAppManifest, load_config
from bot.outfile import write_output

TEMPLATE = Path(__file__).resolve().parents[1] / "teams"
MANIFEST = "manifest.json"
MANIFEST_VERSION = "1.30"
ICON_SIZES = {"color": 192, "outline": 32}
SCOPES = {"personal", "team", "groupChat", "copilot"}
PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
HOST = re.compile(r"^(\*\.)?[\w-]+(\.[\w-]+)*$")  # a domain, no scheme, port or path
# Where Teams cuts a text off or refuses the manifest (schema 1.30 maxLength).
LIMITS = {("developer", "name"): 32, ("name", "short"): 30, ("name", "full"): 100,
          ("description", "short"): 80, ("description", "full"): 4000}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed: the same inputs give the same zip, byte for byte


def placeholder_values(config: Config) -> tuple[dict[str, str | None], list[str]]:
    """Each placeholder's value (None: leave its entry out) and a line per missing one."""
    teams_app = config.teams_app
    manifest = teams_app.manifest if teams_app is not None else TeamsAppManifest()
    problems: list[str] = []
    app_id = teams_app.app_id if teams_app is not None else None
    if teams_app is None:
        problems.append("teams_app: not configured (the package needs teams_app.app_id)")
    elif not app_id:
        problems.append("teams_app.app_id: missing: the Microsoft App ID (a GUID) of the "
                        "bot's Azure Bot resource or Entra app registration")
    values: dict[str, str | None] = {"APP_ID": app_id}
    for key, name in (("developer_name", "DEVELOPER_NAME"), ("website_url", "WEBSITE_URL"),
                      ("privacy_url", "PRIVACY_URL"), ("terms_url", "TERMS_URL")):
        values[name] = getattr(manifest, key)
        if values[name] is None and teams_app is not None:
            problems.append(f"teams_app.manifest.{key}: missing (in the config file, or "
                            f"MEDBORGARBOT_TEAMS_APP__MANIFEST__{key.upper()})")
    values["VERSION"] = manifest.version or __version__
    public = config.web.public_url if config.web is not None else None
    # Teams needs no domain to talk to the bot (that is the Azure Bot's endpoint); the
    # bot's own host is listed so that links to its pages open inside Teams.
    values["HOST"] = manifest.host or (urlsplit(public).hostname if public else None)
    return values, problems


def fill(node: Any, values: dict[str, str | None]) -> Any:
    """The template with every {{NAME}} in its strings replaced; a list item that is just a
    placeholder without a value is left out. Replaced in the parsed JSON, never in its
    text, so that no value can break out of its string."""
    if isinstance(node, dict):
        return {key: fill(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [fill(item, values) for item in node
                if not (isinstance(item, str) and (m := PLACEHOLDER.fullmatch(item))
                        and m.group(1) in values and values[m.group(1)] is None)]
    if isinstance(node, str):
        return PLACEHOLDER.sub(lambda m: _value(m, values), node)
    return node


def _value(match: re.Match[str], values: dict[str, str | None]) -> str:
    value = values.get(match.group(1))
    return match.group(0) if value is None else value


def png_size(data: bytes) -> tuple[int, int, int] | None:
    """(width, height, colour type) from a PNG's header, or None if it is not a PNG."""
    if len(data) < 26 or not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    return (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big"), data[25])


def _at(manifest: dict[str, Any], *keys: str) -> Any:
    node: Any = manifest
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def manifest_problems(manifest: dict[str, Any], files: dict[str, bytes]) -> list[str]:
    """What Teams would refuse in the package, one line each (empty: it is fine)."""
    problems = [f"{MANIFEST}: placeholder {{{{{name}}}}} has no value"
                for name in sorted(set(PLACEHOLDER.findall(json.dumps(manifest))))]

    def need(ok: bool, where: str, what: str) -> None:
        if not ok:
            problems.append(f"{MANIFEST}: {where}: {what}")

    need(manifest.get("manifestVersion") == MANIFEST_VERSION, "manifestVersion",
         f"must be {MANIFEST_VERSION}")
    need(bool(SEMVER.match(str(manifest.get("version", "")))), "version",
         "must be MAJOR.MINOR.PATCH, e.g. 1.0.0")
    need(bool(GUID.match(str(manifest.get("id", "")))), "id", "must be a GUID")
    need(bool(HEX_COLOR.match(str(manifest.get("accentColor", "")))), "accentColor",
         "must be #RRGGBB")
    for keys, limit in LIMITS.items():
        value = _at(manifest, *keys)
        where = ".".join(keys)
        if keys in (("name", "full"), ("description", "full")) and value is None:
            continue
        need(isinstance(value, str) and value.strip() != "", where, "missing")
        if isinstance(value, str):
            need(len(value) <= limit, where, f"{len(value)} characters, at most {limit}")
    for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        url = _at(manifest, "developer", key)
        need(isinstance(url, str) and url.startswith("https://") and len(url) <= 2048,
             f"developer.{key}", "must be an https:// address")
    bots = manifest.get("bots") or []
    need(isinstance(bots, list) and len(bots) <= 1, "bots", "at most one bot")
    for bot in bots[:1]:
        need(bool(GUID.match(str(bot.get("botId", "")))), "bots[0].botId", "must be a GUID")
        scopes = bot.get("scopes") or []
        need(bool(scopes) and set(scopes) <= SCOPES, "bots[0].scopes",
             f"one or more of {', '.join(sorted(SCOPES))}")
    for domain in manifest.get("validDomains") or []:
        need(bool(HOST.match(str(domain))), "validDomains", f"{domain!r} is not a domain "
             "(no https://, port or path)")
    for kind, size in ICON_SIZES.items():
        name = _at(manifest, "icons", kind)
        header = png_size(files.get(name, b"")) if isinstance(name, str) else None
        if header is None:
            need(False, f"icons.{kind}", f"{name!r}: no PNG of that name in the package")
            continue
        width, height, colour = header
        need((width, height) == (size, size), f"icons.{kind}",
             f"{name} is {width}x{height}, must be {size}x{size}")
        if kind == "outline":  # white on a transparent background: it needs alpha
            need(colour in (4, 6), f"icons.{kind}", f"{name} has no alpha channel")
    return problems


def build(config: Config, template: Path = TEMPLATE) -> tuple[bytes | None, list[str]]:
    """The zip's bytes, or None and what is wrong."""
    values, problems = placeholder_values(config)
    try:
        manifest = json.loads((template / MANIFEST).read_text("utf-8"))
    except OSError as exc:  # e.g. in the Docker image, which holds no teams/ folder
        return None, [f"{template / MANIFEST}: cannot read ({exc.strerror or exc}): run "
                      "this in a checkout of the repository, or give --template DIR"]
    except ValueError as exc:
        return None, [f"{template / MANIFEST}: not JSON: {exc}"]
    manifest = fill(manifest, values)
    files: dict[str, bytes] = {}
    for kind in ICON_SIZES:
        name = _at(manifest, "icons", kind)
        if isinstance(name, str) and "/" not in name and (template / name).is_file():
            files[name] = (template / name).read_bytes()
    if problems:  # placeholders left for a missing value would only repeat them
        return None, problems
    problems = manifest_problems(manifest, files)
    if problems:
        return None, problems
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        for name, data in [(MANIFEST, text.encode("utf-8")), *sorted(files.items())]:
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue(), []


SECRET = "MEDBORGARBOT_TEAMS_APP__CLIENT_SECRET"


def package(args: argparse.Namespace) -> int:
    # The package holds no secret: it is made where the secret is not (an admin's laptop),
    # so a placeholder stands in for a missing one, only to load the configuration.
    config = load_config(args.config, {SECRET: "not-used-by-the-package", **os.environ})
    data, problems = build(config, args.template or TEMPLATE)
    if data is None:
        for line in problems:
            print(line, file=sys.stderr)
        return 1
    write_output(args.out, data)
    print(f"{args.out}: Teams app package (manifest {MANIFEST_VERSION}); upload it in "
          "Teams (Apps > Manage your apps > Upload an app) or the Teams admin center",
          file=sys.stderr)
    return 0
