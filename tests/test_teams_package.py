"""The Teams app package: teams/ zipped by `python -m bot teams-package`.

What Teams checks on upload is checked here with plain asserts (manifest schema 1.30's
required fields and limits), so the suite needs no network and no npm: the zip holds
exactly manifest.json, color.png and outline.png at its root, every placeholder is filled
from the configuration, and a package Teams would refuse is never written.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from bot import __version__
from bot.config import load_config
from bot.teams_package import (
    GUID,
    TEMPLATE,
    build,
    fill,
    manifest_problems,
    png_size,
)
from tests.conftest import ROOT


def _script():  # teams/ is a folder of files, not a package
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_icons", ROOT / "teams" / "make_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_icons = _script()

APP_ID = "3f2b8c1e-5a6d-4e7f-9b0a-1c2d3e4f5a6b"
DEVELOPER = {"developer_name": "Åsele kommun", "website_url": "https://www.asele.se",
             "privacy_url": "https://www.asele.se/personuppgifter",
             "terms_url": "https://www.asele.se/villkor"}


def config_file(tmp_path: Path, *, app_id: str | None = APP_ID, manifest: dict | None = None,
                public_url: str | None = "https://trygg.asele.se") -> Path:
    teams_app: dict = {"manifest": DEVELOPER if manifest is None else manifest}
    if app_id is None:  # the Agents Playground's mode: nothing to put in a package
        teams_app.update(anonymous=True, development=True)
    elif app_id:
        teams_app.update(app_id=app_id, tenant_id="00000000-0000-0000-0000-00000000cafe",
                         client_secret="not-needed-for-the-package")
    data: dict = {"teams_app": teams_app}
    if public_url:
        data["web"] = {"public_url": public_url}
    path = tmp_path / "config.yaml"
    path.write_text(json.dumps(data), "utf-8")  # JSON is YAML
    return path


def unzip(data: bytes) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def package(tmp_path: Path, **kwargs) -> tuple[dict, dict[str, bytes]]:
    data, problems = build(load_config(config_file(tmp_path, **kwargs), env={}))
    assert problems == [] and data is not None
    files = unzip(data)
    return json.loads(files["manifest.json"]), files


def test_the_zip_holds_the_three_files_at_its_root_with_every_placeholder_filled(
        tmp_path: Path) -> None:
    manifest, files = package(tmp_path)
    assert sorted(files) == ["color.png", "manifest.json", "outline.png"]
    assert "{{" not in files["manifest.json"].decode("utf-8")
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID
    assert manifest["version"] == __version__
    assert manifest["developer"] == {
        "name": "Åsele kommun", "websiteUrl": "https://www.asele.se",
        "privacyUrl": "https://www.asele.se/personuppgifter",
        "termsOfUseUrl": "https://www.asele.se/villkor"}
    assert manifest["validDomains"] == ["trygg.asele.se"]  # the host of web.public_url
    assert files["color.png"] == (TEMPLATE / "color.png").read_bytes()
    assert files["outline.png"] == (TEMPLATE / "outline.png").read_bytes()


def test_the_manifest_meets_schema_1_30_required_fields_and_limits(tmp_path: Path) -> None:
    manifest, files = package(tmp_path)
    for key in ("manifestVersion", "version", "id", "developer", "name", "description",
                "icons", "accentColor"):
        assert key in manifest, key
    assert manifest["manifestVersion"] == "1.30"
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])
    assert GUID.match(manifest["id"])
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", manifest["accentColor"])
    assert set(manifest["developer"]) == {"name", "websiteUrl", "privacyUrl", "termsOfUseUrl"}
    assert 0 < len(manifest["developer"]["name"]) <= 32
    assert manifest["name"]["short"] == "Medborgarbot" and len(manifest["name"]["full"]) <= 100
    assert 0 < len(manifest["description"]["short"]) <= 80
    assert 0 < len(manifest["description"]["full"]) <= 4000
    assert len(manifest["bots"]) == 1
    assert manifest["bots"][0]["scopes"] == ["personal", "team", "groupChat"]
    for commands in manifest["bots"][0]["commandLists"]:  # at most 3 lists of 12 commands
        assert len(commands["commands"]) <= 12 and commands["scopes"]
    assert png_size(files[manifest["icons"]["color"]]) == (192, 192, 6)
    assert png_size(files[manifest["icons"]["outline"]]) == (32, 32, 6)
    assert manifest_problems(manifest, files) == []


def test_the_outline_icon_is_white_on_transparent_and_both_icons_are_the_script_s() -> None:
    data = (TEMPLATE / "outline.png").read_bytes()
    assert data == make_icons.outline_icon()  # the committed file is what the script draws
    idat = data[data.index(b"IDAT") + 4:data.index(b"IEND") - 8]  # one IDAT, then its CRC
    raw = zlib.decompress(idat)
    rows = [raw[y * 129:(y + 1) * 129] for y in range(32)]
    assert all(row[0] == 0 for row in rows)  # filter 0: the bytes are the pixels
    pixels = [row[1 + i:5 + i] for row in rows for i in range(0, 128, 4)]
    assert all(p[:3] == b"\xff\xff\xff" for p in pixels)  # white, Teams tints it
    assert {p[3] for p in pixels} >= {0, 255}  # transparent around a solid line
    assert png_size((TEMPLATE / "color.png").read_bytes())[:2] == (192, 192)


def test_nothing_is_written_while_a_value_is_missing(tmp_path: Path) -> None:
    data, problems = build(load_config(config_file(tmp_path, app_id=None,
                                                   manifest={"developer_name": "Åsele"}),
                                       env={}))
    assert data is None
    assert problems[0].startswith("teams_app.app_id: missing")
    assert [p.split(":")[0] for p in problems[1:]] == [
        "teams_app.manifest.website_url", "teams_app.manifest.privacy_url",
        "teams_app.manifest.terms_url"]
    data, problems = build(load_config(None, env={}))  # no teams_app section at all
    assert data is None and problems == [
        "teams_app: not configured (the package needs teams_app.app_id)"]


def test_what_teams_would_refuse_is_named(tmp_path: Path) -> None:
    template = tmp_path / "teams"
    shutil.copytree(TEMPLATE, template)
    manifest = json.loads((template / "manifest.json").read_text("utf-8"))
    manifest["name"]["short"] = "Medborgarbot för Åsele kommun och polisen"
    manifest["accentColor"] = "blue"
    manifest["icons"]["outline"] = "color.png"  # 192x192 where 32x32 belongs
    (template / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    config = load_config(config_file(tmp_path, app_id="not-a-guid"), env={})
    data, problems = build(config, template)
    assert data is None
    assert problems == [
        "manifest.json: id: must be a GUID",
        "manifest.json: accentColor: must be #RRGGBB",
        "manifest.json: name.short: 41 characters, at most 30",
        "manifest.json: bots[0].botId: must be a GUID",
        "manifest.json: icons.outline: color.png is 192x192, must be 32x32"]
    (template / "outline.png").unlink()
    manifest["icons"]["outline"] = "outline.png"
    (template / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    problems = build(load_config(config_file(tmp_path), env={}), template)[1]
    assert "manifest.json: icons.outline: 'outline.png': no PNG of that name in the " \
           "package" in problems


def test_a_missing_template_is_one_line(tmp_path: Path) -> None:
    data, problems = build(load_config(config_file(tmp_path), env={}), tmp_path / "nowhere")
    assert data is None and len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'nowhere' / 'manifest.json'}: cannot read")
    assert "--template DIR" in problems[0]


def test_a_value_cannot_break_out_of_its_json_string() -> None:
    filled = fill({"developer": {"name": "{{DEVELOPER_NAME}}"}, "validDomains": ["{{HOST}}"]},
                  {"DEVELOPER_NAME": 'x", "id": "evil', "HOST": None})
    assert filled == {"developer": {"name": 'x", "id": "evil'}, "validDomains": []}


def test_without_a_public_host_valid_domains_is_empty_and_the_version_is_configurable(
        tmp_path: Path) -> None:
    manifest, _ = package(tmp_path, public_url=None,
                          manifest={**DEVELOPER, "version": "2.3.4"})
    assert manifest["validDomains"] == [] and manifest["version"] == "2.3.4"


def test_the_same_configuration_gives_the_same_zip(tmp_path: Path) -> None:
    config = load_config(config_file(tmp_path), env={})
    assert build(config)[0] == build(config)[0]


def cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MEDBORGARBOT_")}
    full_env.update(env, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "bot", "teams-package", *args], text=True,
                          capture_output=True, cwd=cwd, env=full_env, timeout=60)


def test_the_command_writes_the_zip_with_the_app_id_from_the_environment(
        tmp_path: Path) -> None:
    config = config_file(tmp_path, app_id=None)
    out = tmp_path / "medborgarbot-teams.zip"
    failed = cli("--config", str(config), "--out", str(out), env={}, cwd=tmp_path)
    assert failed.returncode == 1 and not out.exists()
    assert failed.stderr.startswith("teams_app.app_id: missing")
    config = config_file(tmp_path, app_id="")  # the app id from the environment
    # No secret anywhere: the package holds none, and is made where there is none.
    done = cli("--config", str(config), "--out", str(out), cwd=tmp_path,
               env={"MEDBORGARBOT_TEAMS_APP__APP_ID": APP_ID,
                    "MEDBORGARBOT_TEAMS_APP__TENANT_ID": APP_ID})
    assert done.returncode == 0, done.stderr
    packed = unzip(out.read_bytes())
    manifest = json.loads(packed["manifest.json"])
    assert manifest["bots"][0]["botId"] == APP_ID
    assert not [name for name, data in packed.items() if b"not-used-by" in data]


@pytest.mark.parametrize("name", ["color.png", "outline.png", "manifest.json"])
def test_the_template_is_shipped(name: str) -> None:
    assert (ROOT / "teams" / name).is_file()
