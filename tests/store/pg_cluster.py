"""A throwaway PostgreSQL cluster for one test run, from Debian's server binaries.

initdb refuses to run as root, and the tests run as root on CI: then the cluster belongs
to the `postgres` system user (`runuser`) in a temporary folder that user owns. It listens
on 127.0.0.1 on a free port and on a Unix socket in that folder, with trust auth (only
this machine can reach it, and it lives for one test run).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ENV_URL = "MEDBORGARBOT_TEST_POSTGRES_URL"
MISSING = (
    "PostgreSQL's server binaries (/usr/lib/postgresql/<version>/bin/initdb) are missing: "
    "`make test` installs Debian's postgresql package "
    f"(or set {ENV_URL} to a server the tests may create databases on)"
)
START_TIMEOUT = 60  # seconds pg_ctl polls for "ready" before it gives up


def newest_bindir(root: Path = Path("/usr/lib/postgresql")) -> Path | None:
    """The bin folder of the newest PostgreSQL version installed, None when there is none."""
    found = [p.parent for p in root.glob("*/bin/initdb")]
    # By number: "9.6" < "15" < "16" (a text sort would put 9.6 last).
    def version(bindir: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", bindir.parent.name))
    return max(found, key=version) if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    bindir: Path
    folder: Path
    port: int
    as_user: list[str]  # the runuser prefix when we are root, else empty

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def url(self) -> str:
        """The maintenance database, over TCP, as the superuser."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, *args: str) -> None:
        """One server tool as the cluster's owner; its output goes to the folder's log."""
        with (self.folder / "tools.log").open("ab") as log:
            subprocess.run([*self.as_user, str(self.bindir / args[0]), *args[1:]],
                           stdin=subprocess.DEVNULL, stdout=log, stderr=log, check=True,
                           timeout=START_TIMEOUT + 30)

    def log_tail(self) -> str:
        lines: list[str] = []
        for name in ("tools.log", "server.log"):
            with contextlib.suppress(OSError):
                lines += (self.folder / name).read_text(errors="replace").splitlines()[-15:]
        return "\n".join(lines)

    def stop(self) -> None:
        """Stop the server (if it runs) and remove the folder."""
        try:
            if (self.data / "postmaster.pid").exists():
                # Immediate: nothing in there is worth the shutdown checkpoint (~1 s).
                # -w: return only once every server process is gone.
                self.run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster() -> Cluster:
    """initdb and start a cluster; pytest.fail (not skip) when that is impossible."""
    bindir = newest_bindir()
    if bindir is None:
        pytest.fail(MISSING, pytrace=False)
    # /tmp rather than $TMPDIR: the postgres user must reach the folder, and the socket
    # path must stay short (about 100 bytes at most).
    folder = Path(tempfile.mkdtemp(prefix="mbot-pg-", dir="/tmp" if Path("/tmp").is_dir()
                                   else None))
    as_user: list[str] = []
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    cluster = Cluster(bindir, folder, free_port(), as_user)
    try:
        # --no-sync: initdb's own fsyncs only matter for a cluster that outlives a crash.
        cluster.run("initdb", "-D", str(cluster.data), "-A", "trust", "-U", "postgres",
                    "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
        options = (f"-k {folder} -c listen_addresses=127.0.0.1 -p {cluster.port}"
                   " -c fsync=on")
        # -w: pg_ctl polls until the server accepts connections, -t is its deadline.
        cluster.run("pg_ctl", "start", "-D", str(cluster.data), "-l",
                    str(folder / "server.log"), "-o", options, "-w", "-t", str(START_TIMEOUT))
    except (subprocess.SubprocessError, OSError) as exc:
        tail = cluster.log_tail()
        cluster.stop()
        pytest.fail(f"could not start a test PostgreSQL in {folder}: {exc}\n{tail}",
                    pytrace=False)
    return cluster
