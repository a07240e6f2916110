"""A real Synapse homeserver on 127.0.0.1 for integration tests and benchmarks.

Plain Python (no pytest) so bench/ scripts can use it too. Synapse runs as a child
process of the current interpreter, in its own process group, and is stopped by its PID.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

SERVER_NAME = "localhost"

# Every client-side rate limit Synapse 1.163 reads (synapse/config/ratelimiting.py), opened
# wide so that a burst of test messages, logins or rooms is never answered with a 429.
_OPEN = {"per_second": 10000, "burst_count": 100000}
RATE_LIMITS: dict[str, Any] = {
    "rc_message": _OPEN,
    "rc_registration": _OPEN,
    "rc_registration_token_validity": _OPEN,
    "rc_login": {"address": _OPEN, "account": _OPEN, "failed_attempts": _OPEN},
    "rc_admin_redaction": _OPEN,
    "rc_joins": {"local": _OPEN, "remote": _OPEN},
    "rc_joins_per_room": _OPEN,
    "rc_key_requests": _OPEN,
    "rc_3pid_validation": _OPEN,
    "rc_invites": {"per_room": _OPEN, "per_user": _OPEN, "per_issuer": _OPEN},
    "rc_third_party_invite": _OPEN,
    "rc_media_create": _OPEN,
    "rc_presence": {"per_user": _OPEN},
    "rc_delayed_event_mgmt": _OPEN,
    "rc_room_creation": _OPEN,  # default burst is 10 rooms: a test suite creates more
    "rc_reports": _OPEN,
    "rc_user_directory": _OPEN,
    "rc_profile": _OPEN,
}

# Quiet logging: warnings and errors only, to a file, so a test run's output stays clean.
_LOG_CONFIG = """\
version: 1
formatters:
  precise:
    format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s'
handlers:
  file:
    class: logging.FileHandler
    formatter: precise
    filename: {path}
    encoding: utf8
root:
  level: WARNING
  handlers: [file]
disable_existing_loggers: false
"""


class SynapseError(RuntimeError):
    """Synapse did not start, stop or answer as expected."""


def free_port() -> int:
    """A port that is free on 127.0.0.1 now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SynapseServer:
    """One Synapse process with its config, sqlite database and logs under `workdir`."""

    def __init__(self, workdir: Path, port: int | None = None) -> None:
        self.workdir = Path(workdir).resolve()
        self.port = port or free_port()
        self.shared_secret = secrets.token_urlsafe(32)
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def config_path(self) -> Path:
        return self.workdir / "homeserver.yaml"

    @property
    def overrides_path(self) -> Path:
        return self.workdir / "overrides.yaml"

    @property
    def log_path(self) -> Path:
        """Synapse's own (WARNING and up) log."""
        return self.workdir / "homeserver.log"

    @property
    def console_path(self) -> Path:
        """stdout and stderr of the process (tracebacks before logging is set up)."""
        return self.workdir / "console.log"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self, timeout: float = 60.0) -> None:
        """Generate the config on first start, launch Synapse and wait until it answers."""
        if self.running:
            return
        self.workdir.mkdir(parents=True, exist_ok=True)
        if not self.config_path.exists():
            self._generate_config()
        self._write_overrides()
        with self.console_path.open("ab") as console:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "synapse.app.homeserver",
                 "-c", str(self.config_path), "-c", str(self.overrides_path)],
                cwd=self.workdir, stdin=subprocess.DEVNULL, stdout=console,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group: stop() ends Synapse and children
            )
        self._wait_ready(timeout)

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM the process group, SIGKILL it after `timeout`. Safe to call twice."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            self._signal_group(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(proc.pid, signal.SIGKILL)
                proc.wait(10)

    def restart(self, timeout: float = 60.0) -> None:
        """Stop and start again with the same config, port and database."""
        self.stop()
        self.start(timeout)

    def __enter__(self) -> SynapseServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- admin API -------------------------------------------------------------------------

    def register(self, localpart: str, password: str, admin: bool = False) -> str:
        """Register a user with the shared-secret admin API; returns `@localpart:localhost`."""
        path = "/_synapse/admin/v1/register"
        nonce = self._request("GET", path)["nonce"]
        mac = hmac.new(self.shared_secret.encode(), digestmod=hashlib.sha1)
        for part in (nonce, localpart, password):
            mac.update(part.encode())
            mac.update(b"\x00")
        mac.update(b"admin" if admin else b"notadmin")
        body = {"nonce": nonce, "username": localpart, "password": password,
                "admin": admin, "mac": mac.hexdigest()}
        return str(self._request("POST", path, body)["user_id"])

    def new_account(self, prefix: str = "user", admin: bool = False) -> tuple[str, str]:
        """Register a user with a unique localpart and a random password: (user_id, password).

        Unique across runs too, so a reused workdir (bench/) never hits M_USER_IN_USE.
        """
        password = secrets.token_urlsafe(12)
        return self.register(f"{prefix}_{secrets.token_hex(4)}", password, admin), password

    # -- internals -------------------------------------------------------------------------

    def _generate_config(self) -> None:
        # --data-directory keeps the signing key, database and media in workdir whatever
        # the current directory of the caller is.
        result = subprocess.run(
            [sys.executable, "-m", "synapse.app.homeserver", "--server-name", SERVER_NAME,
             "--config-path", str(self.config_path), "--data-directory", str(self.workdir),
             "--generate-config", "--report-stats=no"],
            cwd=self.workdir, capture_output=True, text=True, timeout=120, check=False,
        )
        if result.returncode != 0 or not self.config_path.exists():
            raise SynapseError(
                f"synapse --generate-config failed ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}"
            )

    def _write_overrides(self) -> None:
        log_config = self.workdir / "log.yaml"
        log_config.write_text(_LOG_CONFIG.format(path=json.dumps(str(self.log_path))))
        overrides: dict[str, Any] = {
            "listeners": [{
                "port": self.port,
                "bind_addresses": ["127.0.0.1"],
                "type": "http",
                "tls": False,
                "x_forwarded": False,
                "resources": [{"names": ["client"], "compress": False}],
            }],
            "database": {"name": "sqlite3",
                         "args": {"database": str(self.workdir / "homeserver.db")}},
            "media_store_path": str(self.workdir / "media_store"),
            "pid_file": str(self.workdir / "homeserver.pid"),
            "log_config": str(log_config),
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "presence": {"enabled": False},
            "enable_registration": False,
            "registration_shared_secret": self.shared_secret,
            "report_stats": False,
            # The default (12) costs ~200 ms per registration and login; tests need no strength.
            "bcrypt_rounds": 4,
            **RATE_LIMITS,
        }
        # JSON is valid YAML: no YAML writer needed.
        self.overrides_path.write_text(json.dumps(overrides, indent=2))

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self._proc is not None
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self._proc = None
                raise SynapseError(f"Synapse exited with {code} while starting:\n{self._tail()}")
            try:
                self._request("GET", "/_matrix/client/versions", timeout=1.0)
                return
            except (OSError, SynapseError):
                time.sleep(0.05)  # polling a condition with a deadline, not a test timeout
        self.stop()
        raise SynapseError(f"Synapse did not answer on {self.url} in {timeout} s:\n{self._tail()}")

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None,
                 timeout: float = 10.0) -> dict[str, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return dict(json.loads(response.read()))
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            raise SynapseError(f"{method} {path}: HTTP {error.code}: {detail}") from None

    def _tail(self, lines: int = 30) -> str:
        text = ""
        for path in (self.console_path, self.log_path):
            if path.exists():
                text += f"--- {path.name}\n" + "\n".join(
                    path.read_text(errors="replace").splitlines()[-lines:]) + "\n"
        return text

    @staticmethod
    def _signal_group(pid: int, sig: signal.Signals) -> None:
        # The group id is the leader's PID (start_new_session); it may already be gone.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, sig)
