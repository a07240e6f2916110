"""The command line given what nobody should type: `python -m bot …` in a subprocess.
Every case ends in a correct result or one line on stderr with exit status 1, and nothing
already stored is lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

import pytest

from tests.conftest import ROOT
from tests.test_cli import run

Done = subprocess.CompletedProcess[Any]


def one_line(out: Done) -> str:
    assert out.returncode == 1, (out.returncode, out.stderr)
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    return str(lines[0])


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDBORGARBOT_")}
    return env | {"PYTHONPATH": str(ROOT)} | extra


def run_to(stdout: IO[str], *args: str) -> Done:
    return subprocess.run([sys.executable, "-m", "bot", *args], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, cwd=ROOT, env=environment(),
                          timeout=120)


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bot with one feedback entry (2026-09-01) and one activity (2026-11-27)."""
    folder = tmp_path_factory.mktemp("cli")
    path = folder / "config.yaml"
    path.write_text(f"data_dir: {folder / 'data'}\nknowledge: {ROOT / 'knowledge'}\n"
                    "roles: {staff: [local]}\n", encoding="utf-8")
    chat = run("chat", "--config", str(path), "--today", "2026-09-01",
               stdin="/tyck\n1\n2\nMörkt vid busshållplatsen\n4\nja\n")
    assert "sparad" in chat.stdout, chat.stdout + chat.stderr
    logged = run("chat", "--config", str(path), "--today", "2026-11-28",
                 stdin="/logga trafikkontroll Lomsjö igår 23 fordon\n")
    assert "Loggat" in logged.stdout, logged.stdout + logged.stderr
    return path


def stored(config: Path) -> str:
    out = run("export", "feedback", "--config", str(config))
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.parametrize(("command", "day"), [
    ("ask", "0000-01-01"), ("ask", "0001-01-01"), ("ask", "9999-12-31"),
    ("ask", "2200-01-01"), ("ask", "99999-01-01"), ("chat", "9999-12-31"),
    ("chat", "0001-01-01"), ("chat", "1899-12-31")])
def test_today_out_of_range_is_one_line(command: str, day: str) -> None:
    args = [command, "vad har polisen lovat"] if command == "ask" else [command]
    line = one_line(run(*args, "--today", day, stdin="hej\n"))
    assert "--today" in line and day in line


@pytest.mark.parametrize("day", ["1900-01-01", "2199-12-31"])
def test_today_at_the_edges_of_the_range_answers(day: str) -> None:
    out = run("chat", "--today", day,
              stdin="vad har polisen lovat\n/tyck\navbryt\nnär går avtalet ut\n")
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    assert out.stdout.count("\n---\n") == 4 and "gick fel" not in out.stdout


def test_purge_with_an_odd_or_later_day_deletes_nothing(config: Path) -> None:
    before = stored(config)
    assert before.count("\n") == 2
    for day in ("0001-01-01", "9999-12-31", "2199-12-31", "2099-01-01"):
        line = one_line(run("purge", "--config", str(config), "--today", day))
        assert day in line
    kept = run("purge", "--config", str(config), "--today", "1900-01-01")
    assert kept.returncode == 0 and "removed 0" in kept.stdout, kept.stderr
    assert stored(config) == before


@pytest.mark.parametrize(("start", "end", "expect"), [
    ("0001-01-01", "9999-12-31", "at most 30 years"),
    ("1990-01-01", "2026-12-31", "at most 30 years"),
    ("9999-12-31", None, "is after"),
    ("0000-01-01", "2026-12-31", "not a date"),
])
def test_report_periods_that_make_no_report(config: Path, start: str, end: str | None,
                                            expect: str) -> None:
    args = ["report", "--config", str(config), "--from", start]
    assert expect in one_line(run(*args, *(["--to", end] if end else [])))


@pytest.mark.parametrize("period", [["--to", "0001-01-01"],
                                    ["--from", "1997-01-01", "--to", "2026-12-31"]])
def test_report_periods_at_the_edges_are_reports(config: Path, period: list[str]) -> None:
    out = run("report", "--config", str(config), "--format", "csv", *period)
    # The shipped police area's report: the municipality first in every row.
    assert out.returncode == 0 and out.stdout.startswith("\ufeffmunicipality,section,"), (
        out.stderr)
    assert ("23" in out.stdout) == (period[0] == "--from")


def test_export_over_all_of_time_is_everything(config: Path) -> None:
    out = run("export", "feedback", "--config", str(config), "--from", "0001-01-01",
              "--to", "9999-12-31")
    assert out.returncode == 0 and out.stdout == stored(config)
    assert "is after" in one_line(run("export", "feedback", "--config", str(config),
                                      "--from", "9999-12-31", "--to", "0001-01-01"))


@pytest.mark.parametrize(("command", "where"), [
    ("report", "missing/folder/out.md"), ("report", "."), ("report", "/dev/full"),
    ("export", "/dev/full"), ("export", "missing/out.csv")])
def test_out_that_cannot_be_written_is_one_line(config: Path, tmp_path: Path, command: str,
                                                where: str) -> None:
    target = where if where.startswith("/") else str(tmp_path / where)
    args = ["report"] if command == "report" else ["export", "feedback"]
    line = one_line(run(*args, "--config", str(config), "--out", target))
    assert line.startswith(f"cannot write {target}")


@pytest.mark.parametrize("args", [["report"], ["export", "feedback"], ["ask", "hej"]])
def test_standard_output_on_a_full_disk_is_one_line(config: Path, args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        out = run_to(full, *args, "--config", str(config))
    assert "cannot write the output" in one_line(out)


def test_a_report_out_replaces_the_old_file_whole(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "rapport.md"
    out.write_text("förra rapporten\n", encoding="utf-8")
    made = run("report", "--config", str(config), "--out", str(out))
    assert made.returncode == 0 and "Uppföljning" in out.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.md"]  # no temporary file left


@pytest.mark.parametrize("args", [["report", "--frm", "2020-01-01"], ["nonsense"],
                                  ["chat", "--as", "\udcff\udcfe"], ["ask", "hej", "--as", ""]])
def test_usage_errors_are_one_line(args: list[str]) -> None:
    assert "--help" in one_line(run(*args, stdin=""))


# ------------------------------------------------------------------------------- chat

def chat_bytes(stdin: bytes, encoding: str = "utf-8") -> tuple[int, str, str]:
    """`chat` under a UTF-8 locale; PYTHONIOENCODING=utf-8 makes stdin strict, as under
    any UTF-8 locale but C.UTF-8."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat"], input=stdin, capture_output=True, cwd=ROOT,
        env=environment(LC_ALL="C.UTF-8", PYTHONIOENCODING=encoding), timeout=120)
    return (done.returncode, done.stdout.decode("utf-8", "replace"),
            done.stderr.decode("utf-8", "replace"))


@pytest.mark.parametrize("encoding", ["utf-8", ""])
def test_chat_reads_invalid_utf8_and_goes_on(encoding: str) -> None:
    lines = [b"hej \xff\xfe d\xe5", b"\xff\xfe\xfd\xfc\x80", b"n\xc3r g\xe5r avtalet ut",
             b"\xc3\xa4\xc3", "när går avtalet ut".encode()]
    code, out, err = chat_bytes(b"\n".join(lines) + b"\n", encoding)
    assert code == 0 and "Traceback" not in err, err
    blocks = out.split("\n---\n")[:-1]
    assert len(blocks) == len(lines) and all(b.strip() for b in blocks), blocks
    assert "tills vidare" in blocks[-1]


def test_chat_answers_huge_binary_control_and_markup_lines() -> None:
    lines = [b"x" * 3_000_000, bytes(range(1, 10)) + b"\x0b\x0c\x0e\x1b[2J\x7f",
             b"\x00\x00\x00", b"<script>alert(1)</script> **fet** [l](javascript:x)",
             b"\xe2\x80\xae\xe2\x80\x8b", "när går avtalet ut".encode()]
    code, out, err = chat_bytes(b"\n".join(lines) + b"\n")
    assert code == 0 and "Traceback" not in err, err
    blocks = out.split("\n---\n")[:-1]
    assert len(blocks) == len(lines) and all(b.strip() for b in blocks), blocks
    assert "för långt" in blocks[0] and len(out) < 20_000
    assert "tills vidare" in blocks[-1]


@pytest.mark.parametrize("args", [["ask", "hej"], ["chat"]])
def test_a_reader_that_left_is_no_error(args: list[str]) -> None:
    """`python -m bot ask … | head -c1`: the pipe is closed before the answer comes."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run([sys.executable, "-m", "bot", *args], input=b"hej\n",
                              stdout=write, stderr=subprocess.PIPE, cwd=ROOT,
                              env=environment(), timeout=120)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr.decode()) == (0, "")
