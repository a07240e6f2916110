"""`make test`'s system packages: installed without recommended extras as root, and for
anyone else one line saying what to install. apt-get and id are stand-ins on PATH here:
nothing is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def system_packages(tmp_path: Path, uid: int, *missing: str) -> tuple[int, str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "apt-get.calls"
    (bin_dir / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (bin_dir / "apt-get").write_text(f'#!/bin/sh\necho "$*" >> {calls}\n')
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    probes = [f"HAVE_{name.upper()}=false" for name in missing]
    done = subprocess.run(["make", "-s", "--no-print-directory", "system-packages", *probes],
                          cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env=os.environ | {"PATH": f"{bin_dir}:{os.environ['PATH']}"})
    return done.returncode, done.stderr, calls.read_text() if calls.exists() else ""


def test_not_root_and_missing_is_one_line_naming_the_packages(tmp_path: Path) -> None:
    code, stderr, apt = system_packages(tmp_path, 1000, "chromium", "postgresql")
    assert code != 0 and apt == ""
    lines = [line for line in stderr.splitlines() if not line.startswith(("make: ", "make["))]
    assert lines == ["make test needs Debian packages: postgresql chromium; install them "
                     "with: sudo apt-get install --no-install-recommends postgresql chromium"]


def test_root_installs_only_what_is_missing_without_recommends(tmp_path: Path) -> None:
    code, stderr, apt = system_packages(tmp_path, 0, "chromium")
    assert code == 0, stderr
    assert apt.splitlines() == ["update -qq",
                                "install -y -qq --no-install-recommends chromium"]


def test_nothing_missing_touches_nothing(tmp_path: Path) -> None:
    code, _, apt = system_packages(tmp_path, 1000)
    assert (code, apt) == (0, "")
