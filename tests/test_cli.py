"""The command line, run as a newcomer would: `python -m bot …` in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURE, ROOT


def run(*args: str, stdin: str | None = None, cwd: Path = ROOT,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MEDBORGARBOT_")}
    full_env.update(env or {})
    full_env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, text=True,
                          capture_output=True, cwd=cwd, env=full_env, timeout=60)


def test_help_describes_every_command() -> None:
    out = run("--help")
    assert out.returncode == 0
    for command in ("run", "chat", "ask", "check"):
        assert command in out.stdout
    for command in ("run", "chat", "ask", "check"):
        sub = run(command, "--help")
        assert sub.returncode == 0 and "--knowledge" in sub.stdout


def test_ask_prints_the_answer() -> None:
    out = run("ask", "när går avtalet ut", "--today", "2026-11-28")
    assert out.returncode == 0, out.stderr
    assert "2022" in out.stdout and "tills vidare" in out.stdout
    assert out.stderr == ""


def test_ask_in_english_and_forced_language() -> None:
    assert "police" in run("ask", "what is a citizen promise").stdout
    forced = run("ask", "knark", "--lang", "en").stdout
    assert "narcotic" in forced.lower() or "drug" in forced.lower()


def test_ask_today_changes_the_answer() -> None:
    during = run("ask", "vad har polisen lovat", "--today", "2022-06-01").stdout
    later = run("ask", "vad har polisen lovat", "--today", "2024-06-01").stdout
    after = run("ask", "vad har polisen lovat", "--today", "2028-06-01").stdout
    assert "Medborgarlöfte 2021–2022 (gäller nu" in during and "senaste" not in during
    assert "Medborgarlöfte 2023–2024 (gäller nu" in later and "2021–2022 (avslutad" in later
    assert "senaste medborgarlöftet, 2025–2027" in after and "gäller nu" not in after


def test_chat_with_piped_input_gives_one_block_per_line() -> None:
    out = run("chat", stdin="knark\nnär går avtalet ut\n\nvad kostar hundskatten\n")
    assert out.returncode == 0, out.stderr
    blocks = out.stdout.split("\n---\n")
    assert blocks[-1] == ""
    blocks = blocks[:-1]
    assert len(blocks) == 4
    assert "narkotika" in blocks[0]
    assert "tills vidare" in blocks[1]
    assert "Skriv din fråga" in blocks[2]
    assert "tyvärr inte" in blocks[3]  # the honest "I don't know"


def test_run_without_config_is_the_terminal_chat(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "knowledge", tmp_path / "knowledge")
    out = run(stdin="hej\n", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Åsele" in out.stdout and out.stdout.endswith("---\n")


def test_check_passes_on_the_shipped_base() -> None:
    out = run("check")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "ok" in out.stdout


def test_check_reports_problems_one_per_line(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    shutil.copytree(FIXTURE, folder)
    base = folder / "base.yaml"
    base.write_text(base.read_text(encoding="utf-8").replace(
        "end: 2022-12-31\n    promises", "end: 2022-13-01\n    promises"), encoding="utf-8")
    out = run("check", "--knowledge", str(folder))
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].endswith('periods[1].end: not a date: "2022-13-01"')
    assert "Traceback" not in out.stderr


def test_check_reports_self_test_collisions(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    shutil.copytree(FIXTURE, folder)
    topics = folder / "topics.yaml"
    # An example that belongs to another topic: the self-test must say so.
    topics.write_text(topics.read_text(encoding="utf-8").replace(
        "examples: [folk kör för fort, fortkörning i centrum]",
        "examples: [folk kör för fort, fortkörning i centrum, när går avtalet ut]"),
        encoding="utf-8")
    out = run("check", "--knowledge", str(folder))
    assert out.returncode == 1
    assert 'lands on topic "avtal"' in out.stderr and "hastighet" in out.stderr


def test_bad_config_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("langauge: sv\n", encoding="utf-8")
    out = run("ask", "hej", "--config", str(config))
    assert out.returncode == 1
    assert out.stderr.strip() == f"{config}: langauge: unknown key"


def test_bad_environment_override_is_one_line() -> None:
    out = run("ask", "hej", env={"MEDBORGARBOT_LANGUAGE": "de"})
    assert out.returncode == 1
    assert "language" in out.stderr and len(out.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("text", ["x" * 10_000, "\x01binary\x02\x7f", "<b>hej</b>"])
def test_ask_never_shows_a_traceback(text: str) -> None:
    out = run("ask", text)
    assert out.returncode == 0
    assert "Traceback" not in out.stderr and out.stdout.strip()


def test_export_and_purge_feedback(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\nknowledge: {ROOT / 'knowledge'}\n"
                      "feedback: {retention_months: 1}\n", encoding="utf-8")
    chat = run("chat", "--config", str(config), "--as", "@anna:x", "--today", "2026-09-01",
               stdin="/tyck\n1\n2\nMörkt vid Storgatan 3, ring 070-123 45 67\n4\nja\n")
    assert "sparad" in chat.stdout, chat.stdout + chat.stderr
    out = run("export", "feedback", "--config", str(config))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    # A UTF-8 BOM first: a spreadsheet then reads å, ä, ö right (bot.outfile.spreadsheet).
    assert lines[0] == "\ufeffcategory,area,text,rating,day,granularity,lang,municipality"
    assert lines[1].startswith("trafik,fredrika,") and "[telefonnummer]" in lines[1]
    assert lines[1].endswith(",asele")  # the terminal chat is about the area's default
    other = run("export", "feedback", "--config", str(config), "--kommun", "dorotea")
    assert other.stdout.strip().splitlines() == [lines[0]]
    assert "070-123" not in out.stdout and "@anna" not in out.stdout
    filtered = run("export", "feedback", "--config", str(config), "--from", "2026-09-02")
    assert filtered.stdout.strip().splitlines() == [lines[0]]
    kept = run("purge", "--config", str(config), "--today", "2026-09-30")
    assert kept.returncode == 0 and "removed 0" in kept.stdout
    purged = run("purge", "--config", str(config), "--today", "2026-10-02")
    assert "removed 1" in purged.stdout
    assert run("export", "feedback", "--config", str(config)).stdout.count("\n") == 1


def test_report_in_every_format(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\nknowledge: {ROOT / 'knowledge'}\n"
                      "roles: {staff: [local]}\n", encoding="utf-8")
    logged = run("chat", "--config", str(config), "--today", "2026-11-28",
                 stdin="/logga trafikkontroll Lomsjö igår 23 fordon\n"
                       "/logga skolbesök fredrika 2026-10-03 40 elever\n")
    assert logged.stdout.count("Loggat som") == 2, logged.stdout
    md = run("report", "--config", str(config), "--from", "2026-01-01", "--to", "2026-12-31")
    assert md.returncode == 0, md.stderr
    assert "Uppföljning av medborgarlöftet" in md.stdout
    # The school visit serves a promise of 2025–2027; no promise of it is about traffic.
    other = md.stdout.split("## Övrigt arbete\n", 1)[1].split("\n## ", 1)[0]
    assert "23 fordon" in other and "40 elever" not in other
    assert "40 elever" in md.stdout
    out = tmp_path / "rapport.html"
    html = run("report", "--config", str(config), "--from", "2026-01-01", "--to",
               "2026-12-31", "--format", "html", "--out", str(out))
    assert html.returncode == 0 and "<svg" in out.read_text(encoding="utf-8")
    csv = run("report", "--config", str(config), "--format", "csv", "--from", "2026-01-01",
              "--to", "2026-12-31")
    # The shipped police area: one table, the municipality first in every row.
    assert csv.stdout.splitlines()[0].startswith("\ufeffmunicipality,section,promise")
    assert {row.split(",", 1)[0] for row in csv.stdout.splitlines()[1:]} == {
        "asele", "dorotea", "lycksele", "sorsele", "storuman", "vilhelmina"}
    one = run("report", "--config", str(config), "--format", "csv", "--kommun", "asele",
              "--from", "2026-01-01", "--to", "2026-12-31")
    assert one.stdout.splitlines()[0].startswith("\ufeffsection,promise")
    unknown = run("report", "--config", str(config), "--kommun", "umea")
    assert unknown.returncode == 1 and "--kommun umea" in unknown.stderr
    bad = run("report", "--config", str(config), "--from", "2026-12-31", "--to", "2026-01-01")
    assert bad.returncode == 1 and "is after" in bad.stderr


def test_env_problem_names_the_variable() -> None:
    out = run("ask", "hej", env={"MEDBORGARBOT_FEEDBACK__PER_DAY": "0"})
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.strip() == ("MEDBORGARBOT_FEEDBACK__PER_DAY: feedback.per_day: Input "
                                  "should be greater than or equal to 1")


@pytest.mark.parametrize(("text", "env", "expected"), [
    ("teams: {path: /teams}\n", {"MEDBORGARBOT_TEAMS__SECRET": "inte base64!"},
     "MEDBORGARBOT_TEAMS__SECRET: teams.secret: not a base64 security token (copy it as "
     "Teams showed it)"),
    ('http: {listen: "0.0.0.0"}\n', {},
     '{config}: http.listen: "0.0.0.0" needs host:port, e.g. 127.0.0.1:8080'),
    ('http: {listen: "nohost.invalid:8080"}\n', {},
     'http.listen: nohost.invalid:8080: unknown host "nohost.invalid"'),
    ('http: {listen: "192.0.2.1:8080"}\n', {},  # an address this machine does not have
     "http.listen: cannot listen on 192.0.2.1:8080: this machine has no such address"),
    ("store: mysql://bot@db/bot\n", {},
     "unsupported store URL scheme 'mysql'; use sqlite:///path/to/file.db or "
     "postgresql://user:password@host/database"),
    ("data_dir: {config}\n", {}, "data_dir: {config} is not a folder"),
])
def test_check_names_what_run_would_stop_on(tmp_path: Path, text: str, env: dict[str, str],
                                            expected: str) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(text.replace("{config}", str(config)), encoding="utf-8")
    out = run("check", "--config", str(config), "--knowledge", str(FIXTURE), env=env)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines() == [expected.replace("{config}", str(config))]


def test_console_true_is_the_terminal_chat_with_a_config(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"console: true\ndata_dir: {tmp_path / 'data'}\n"
                      f"knowledge: {ROOT / 'knowledge'}\n", encoding="utf-8")
    out = run("run", "--config", str(config), stdin="hej\n", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Åsele" in out.stdout and out.stdout.endswith("---\n")
