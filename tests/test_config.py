from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(None, env={})
    assert config.language == "sv"
    assert config.knowledge == Path("knowledge")
    assert config.store_url == "sqlite:///data/medborgarbot.db"
    assert config.roles.staff == []


def test_the_example_config_is_valid() -> None:
    example = Path(__file__).resolve().parents[1] / "config.example.yaml"
    assert load_config(example, env={}).language == "sv"


def test_file_values_and_environment_overrides(tmp_path: Path) -> None:
    path = _write(tmp_path, "language: en\ndata_dir: /srv/bot\nroles: {staff: ['@a:x']}\n")
    config = load_config(path, env={
        "MEDBORGARBOT_ROLES__ADMINS": "@boss:x, @chief:x",
        "MEDBORGARBOT_LANGUAGE": "sv",
        "OTHER": "ignored",
    })
    assert config.language == "sv"
    assert config.roles.staff == ["@a:x"]
    assert config.roles.admins == ["@boss:x", "@chief:x"]
    assert config.store_url == "sqlite:////srv/bot/medborgarbot.db"


@pytest.mark.parametrize(("text", "env", "expected"), [
    ("langauge: sv\n", {}, "config.yaml: langauge: unknown key"),
    ("language: de\n", {}, "config.yaml: language: \"de\" is not one of 'sv' or 'en'"),
    ("roles: {staff: 5}\n", {}, "config.yaml: roles.staff: Input should be a valid list"),
    ("", {"MEDBORGARBOT_ROLES__BOSSES": "x"},
     "MEDBORGARBOT_ROLES__BOSSES: no such setting (roles.bosses)"),
    ("", {"MEDBORGARBOT_LANGUAGE__X": "x"},
     "MEDBORGARBOT_LANGUAGE__X: language has no sub-keys"),
    ("- a list\n", {}, "must be a mapping"),
    ("language: [unclosed\n", {}, "YAML syntax"),
])
def test_one_clear_line_per_problem(tmp_path: Path, text: str, env: dict[str, str],
                                    expected: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, env=env)
    assert len(caught.value.problems) == 1
    assert expected in caught.value.problems[0]


MATRIX = ("matrix:\n  homeserver: http://127.0.0.1:8008\n  user_id: '@bot:localhost'\n")


def test_matrix_section_with_secrets_from_the_environment(tmp_path: Path) -> None:
    path = _write(tmp_path, MATRIX)
    config = load_config(path, env={"MEDBORGARBOT_MATRIX__PASSWORD": "hemligt",
                                    "MEDBORGARBOT_MATRIX__PICKLE_KEY": "nyckel",
                                    "MEDBORGARBOT_MATRIX__ENCRYPTION": "true",
                                    "MEDBORGARBOT_MATRIX__ALLOWED_SERVERS": "a.se, b.se"})
    assert config.matrix is not None
    assert config.matrix.password == "hemligt" and config.matrix.pickle_key == "nyckel"
    assert config.matrix.allowed_servers == ["a.se", "b.se"]
    assert config.matrix.device_id == "MEDBORGARBOT"  # kept across restarts


@pytest.mark.parametrize(("extra", "env", "expected"), [
    ("", {"MEDBORGARBOT_MATRIX__PICKLE_KEY": "k"},
     "config.yaml: matrix: needs password or access_token"),
    ("", {"MEDBORGARBOT_MATRIX__PASSWORD": "hemligt"}, "matrix: needs pickle_key"),
    ("  homeserverr: x\n", {}, "matrix.homeserverr: unknown key"),
    ("  timeline_limit: 5\n", {"MEDBORGARBOT_MATRIX__PASSWORD": "p",
                                "MEDBORGARBOT_MATRIX__PICKLE_KEY": "k"},
     "matrix.timeline_limit"),
])
def test_matrix_problems_are_one_line_without_secrets(
        tmp_path: Path, extra: str, env: dict[str, str], expected: str) -> None:
    path = _write(tmp_path, MATRIX + extra)
    with pytest.raises(ConfigError) as caught:
        load_config(path, env=env)
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems
    assert "hemligt" not in str(caught.value)


def test_a_wrong_homeserver_url_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, MATRIX.replace("http://127.0.0.1:8008", "matrix.example.org"))
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={"MEDBORGARBOT_MATRIX__PASSWORD": "p",
                               "MEDBORGARBOT_MATRIX__PICKLE_KEY": "k"})
    assert 'matrix.homeserver: invalid value "matrix.example.org"' in str(caught.value)


# ------------------------------------------------- the environment, through pydantic-settings

@pytest.mark.parametrize(("text", "env", "expected"), [
    ("", {"MEDBORGARBOT_FEEDBACK__PER_DAY": "0"},
     "MEDBORGARBOT_FEEDBACK__PER_DAY: feedback.per_day: Input should be greater than or "
     "equal to 1"),
    ("feedback: {per_day: 3}\n", {"MEDBORGARBOT_FEEDBACK__PER_DAY": "many"},
     "MEDBORGARBOT_FEEDBACK__PER_DAY: feedback.per_day: Input should be a valid integer"),
    ("feedback: {per_day: 0}\n", {"MEDBORGARBOT_LANGUAGE": "en"},
     "config.yaml: feedback.per_day: Input should be greater than or equal to 1"),
    ("", {"MEDBORGARBOT_ROLES": "{not json"},
     "MEDBORGARBOT_ROLES: roles: Input should be a valid dictionary"),
    ("", {"MEDBORGARBOT_MATRIX__PASSWORD": "hemligt"},
     "MEDBORGARBOT_MATRIX__PASSWORD: matrix.homeserver: missing"),
    ("", {"MEDBORGARBOT_HTTP__LISTEN": "0.0.0.0"},
     'MEDBORGARBOT_HTTP__LISTEN: http.listen: "0.0.0.0" needs host:port'),
])
def test_a_problem_names_its_real_source(tmp_path: Path, text: str, env: dict[str, str],
                                         expected: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, env=env)
    assert caught.value.problems[0].startswith(expected.replace("config.yaml", str(path)))
    assert "hemligt" not in str(caught.value)


def test_lists_sections_and_rooms_from_the_environment(tmp_path: Path) -> None:
    path = _write(tmp_path, "roles: {staff: ['@a:x'], admins: ['@boss:x']}\n")
    config = load_config(path, env={
        "MEDBORGARBOT_ROLES__STAFF": "",  # empty: no one, as before
        "MEDBORGARBOT_ROLES__ADMINS": '["@chief:x"]',  # JSON works too
        "MEDBORGARBOT_ROLES__STAFF_ROOM": "!staff:x",
        "MEDBORGARBOT_HTTP": '{"listen": "[::1]:8081"}',
        "medborgarbot_language": "en",  # names are not case-sensitive
    })
    assert config.roles.staff == [] and config.roles.admins == ["@chief:x"]
    assert config.roles.staff_room is not None and config.roles.staff_room.room == "!staff:x"
    assert config.http is not None and (config.http.host, config.http.port) == ("::1", 8081)
    assert config.language == "en"


@pytest.mark.parametrize(("listen", "problem"), [
    ("0.0.0.0", '"0.0.0.0" needs host:port, e.g. 127.0.0.1:8080'),
    (":8080", '":8080" needs host:port, e.g. 127.0.0.1:8080'),
    ("127.0.0.1:http", '"127.0.0.1:http" needs host:port, e.g. 127.0.0.1:8080'),
    ("127.0.0.1:0", '"127.0.0.1:0": the port must be 1 to 65535'),
    ("127.0.0.1:99999", '"127.0.0.1:99999": the port must be 1 to 65535'),
])
def test_http_listen_needs_a_host_and_a_real_port(tmp_path: Path, listen: str,
                                                  problem: str) -> None:
    path = _write(tmp_path, f'http: {{listen: "{listen}"}}\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    assert caught.value.problems == [f"{path}: http.listen: {problem}"]


def test_a_teams_secret_that_is_not_base64_is_one_line_without_it(tmp_path: Path) -> None:
    path = _write(tmp_path, "teams: {path: /teams}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={"MEDBORGARBOT_TEAMS__SECRET": "hemligt ord!"})
    assert caught.value.problems == [
        "MEDBORGARBOT_TEAMS__SECRET: teams.secret: not a base64 security token (copy it as "
        "Teams showed it)"]
    assert load_config(path, env={"MEDBORGARBOT_TEAMS__SECRET": "c2VjcmV0"}).teams is not None


def test_the_terminal_chat_runs_alone(tmp_path: Path) -> None:
    path = _write(tmp_path, "console: true\n")
    assert load_config(path, env={}).console
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={"MEDBORGARBOT_HTTP__LISTEN": "0.0.0.0:8080"})
    assert caught.value.problems == [
        f"{path}: console: the terminal chat runs alone: remove it, or remove matrix, teams "
        "and http"]


def test_without_a_variable_pydantic_settings_is_not_loaded(tmp_path: Path) -> None:
    # Every command reads the config; the environment reader costs about 0.1 s to import.
    import subprocess
    import sys

    code = ("import sys; from bot.config import load_config; load_config(None, env={}); "
            "print('pydantic_settings' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, env={"PYTHONPATH": str(Path(__file__).parents[1])},
                         timeout=60)
    assert out.stdout.strip() == "False", out.stderr
