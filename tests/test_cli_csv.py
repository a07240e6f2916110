"""CSV from the command line opens cleanly in a Swedish spreadsheet: a UTF-8 BOM first, and
with `--excel` ";" between the cells (a cell with ";" quoted) and a decimal comma."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from bot.outfile import BOM, spreadsheet
from tests.test_cli import ROOT, run

UTF8_BOM = b"\xef\xbb\xbf"


def test_spreadsheet_reads_back_the_same_cells() -> None:
    rows = [["a", "b;c", 'say "hi"', "3.5", "-2", "2026-01-01", "åäö", "line\nbreak"]]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    plain = spreadsheet(out.getvalue())
    assert plain.startswith(BOM) and plain.count(BOM) == 1
    assert spreadsheet(plain) == plain  # a BOM once, also when given one
    excel = spreadsheet(out.getvalue(), excel=True)
    back = list(csv.reader(io.StringIO(excel.removeprefix(BOM)), delimiter=";"))
    assert back == rows
    assert '"b;c"' in excel  # the field with ";" is quoted
    comma = spreadsheet(out.getvalue(), excel=True, decimal_comma=True)
    cells = next(csv.reader(io.StringIO(comma.removeprefix(BOM)), delimiter=";"))
    assert cells[3] == "3,5" and cells[4] == "-2" and cells[5] == "2026-01-01"


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bot with three feedback entries rated 4, 5, 5 (one with a ";" in its text) and
    one activity."""
    folder = tmp_path_factory.mktemp("csv")
    path = folder / "config.yaml"
    path.write_text(f"data_dir: {folder / 'data'}\nknowledge: {ROOT / 'knowledge'}\n"
                    "roles: {staff: [local]}\n", encoding="utf-8")
    chat = run("chat", "--config", str(path), "--today", "2026-09-01",
               stdin="/tyck\n1\n2\nMörkt; ingen belysning vid skolan\n4\nja\n"
                     "/tyck\n1\n2\nMörkt vid skolan\n5\nja\n"
                     "/tyck\n1\n2\nMörkt vid skolan\n5\nja\n"
                     "/logga trafikkontroll Lomsjö igår 23 fordon\n")
    assert chat.stdout.count("sparad") == 3, chat.stdout + chat.stderr
    assert "Loggat" in chat.stdout, chat.stdout + chat.stderr
    return path


def raw(*args: str) -> bytes:
    """Standard output's bytes, as a file it is piped to gets them (a C locale too)."""
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LANG": "C", "LC_ALL": "C"}
    out = subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, env=env,
                         cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


PERIOD = ("--from", "2026-01-01", "--to", "2026-12-31", "--kommun", "asele")


def test_every_csv_starts_with_a_bom(config: Path, tmp_path: Path) -> None:
    report = raw("report", "--config", str(config), "--format", "csv", *PERIOD)
    export = raw("export", "feedback", "--config", str(config))
    assert report.startswith(UTF8_BOM + b"section,promise,")
    assert export.startswith(UTF8_BOM + b"category,area,text")
    assert "Mörkt; ingen belysning".encode() in export
    out = tmp_path / "rapport.csv"
    run("report", "--config", str(config), "--format", "csv", *PERIOD, "--out", str(out))
    assert out.read_bytes() == report
    out = tmp_path / "synpunkter.csv"
    run("export", "feedback", "--config", str(config), "--out", str(out))
    assert out.read_bytes() == export
    # Markdown and HTML are no CSV: no BOM.
    assert raw("report", "--config", str(config), *PERIOD).startswith(b"# ")


def test_excel_uses_semicolons_and_reads_back(config: Path) -> None:
    plain = raw("report", "--config", str(config), "--format", "csv", *PERIOD)
    excel = raw("report", "--config", str(config), "--format", "csv", "--excel", *PERIOD)
    assert excel.startswith(UTF8_BOM)
    rows = list(csv.reader(io.StringIO(excel.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["section", "promise", "period"]
    assert all(len(row) == len(rows[0]) for row in rows)
    lines = excel.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:2] == ["section", "promise"]
    assert any(line.startswith("activities;") for line in lines)
    # The same cells as the plain CSV, but for the averages' decimal comma.
    same = list(csv.reader(io.StringIO(plain.decode("utf-8-sig"))))
    assert len(same) == len(rows)
    changed = [(a, b) for a, b in zip(same, rows, strict=True) if a != b]
    assert changed and all(
        [x.replace(".", ",") for x in a] == b for a, b in changed)
    mean = [r for r in rows if r[0] == "rating" and r[6] == "all" and r[9] == "mean"]
    assert mean and mean[0][10] == "4,7"  # (4 + 5 + 5) / 3
    feedback = raw("export", "feedback", "--config", str(config), "--excel")
    cells = list(csv.reader(io.StringIO(feedback.decode("utf-8-sig")), delimiter=";"))
    assert cells[0][0] == "category" and len(cells) == 4
    assert any(row[2].startswith("Mörkt; ingen belysning") for row in cells)  # one cell
    assert b'"M\xc3\xb6rkt; ingen belysning' in feedback  # quoted
