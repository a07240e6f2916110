"""A command's output file (`report --out`, `export --out`): written whole or not at all;
and standard output that fails (a full disk), told in one line. CSV for a spreadsheet:
`spreadsheet` (a UTF-8 BOM; with `--excel` the Swedish Excel's ";" and decimal comma).

A regular file is written beside itself under a temporary name and renamed over the old
one only when complete, so that a full disk or a crash never leaves half a report, nor
destroys the report that was there. Anything else that can be written (a device such as
/dev/stdout, a named pipe) is written directly: it cannot be renamed over.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import re
import stat
import sys
import tempfile
from pathlib import Path

# What a write to standard output fails with when it is a full or broken file.
_WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


BOM = "\ufeff"
_DECIMAL = re.compile(r"^-?\d+\.\d+$")


def spreadsheet(text: str, *, excel: bool = False, decimal_comma: bool = False) -> str:
    """CSV `text` as a spreadsheet opens it cleanly: a UTF-8 byte order mark first (Excel
    then reads å, ä, ö right). `excel`: ";" between the cells, as Excel expects where the
    comma is the decimal sign (Sweden), and a cell with a ";" in quotes; `decimal_comma`
    also writes a cell that is a decimal number ("3.5") with a comma ("3,5") so that it is
    read as a number. CSV shown in chat is never passed here: it stays without a BOM."""
    text = text.removeprefix(BOM)
    if excel:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        for row in csv.reader(io.StringIO(text)):
            writer.writerow([cell.replace(".", ",") if decimal_comma and _DECIMAL.match(cell)
                             else cell for cell in row])
        text = out.getvalue()
    return BOM + text


def write_stdout(text: str) -> None:
    """`text` on standard output as UTF-8, whatever the terminal's encoding (a BOM or
    "å" must reach a file it is piped to as the same bytes as with --out)."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()


class OutputError(Exception):
    """The file could not be written; the message is one line naming it."""


def write_output(path: Path, text: str | bytes) -> None:
    """Write `text` (UTF-8; bytes as they are) to `path`; raise OutputError with one
    readable line."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(_line(path, exc)) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(f"cannot write {path}: it is a folder; name a file in it")
    if mode is not None and not stat.S_ISREG(mode):
        _write_directly(path, data)
        return
    target = path.resolve()  # a symlink's target is replaced, not the link
    if not target.parent.is_dir():
        raise OutputError(f"cannot write {path}: the folder {target.parent} does not exist")
    # The permissions a plain open() would give: the old file's, or the umask's.
    _write_atomically(path, target, data, stat.S_IMODE(mode) if mode else _default_mode())


def _write_directly(path: Path, data: bytes) -> None:
    try:
        with path.open("wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise OutputError(_line(path, exc)) from None


def _default_mode() -> int:
    umask = os.umask(0o22)
    os.umask(umask)
    return 0o666 & ~umask


def _write_atomically(path: Path, target: Path, data: bytes, mode: int) -> None:
    temporary: str | None = None
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                         dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
        temporary = None
    except OSError as exc:
        raise OutputError(_line(path, exc)) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _line(path: Path, exc: OSError) -> str:
    return f"cannot write {path}: {exc.strerror or type(exc).__name__}"


def os_problem(exc: OSError) -> str:
    """One line for an OSError that ended a command; if standard output is what failed,
    what it still buffers is dropped, so that exit does not fail on it again."""
    try:
        sys.stdout.flush()
        failed = exc.filename is None and exc.errno in _WRITE_ERRORS
    except OSError:
        failed = True
    if failed:
        silence_stdout()
        return f"cannot write the output: {exc.strerror or exc}"
    if exc.filename:
        return f"{exc.filename}: {exc.strerror or type(exc).__name__}"
    return " ".join(str(exc).split()) or type(exc).__name__


def silence_stdout() -> None:
    """Point standard output at /dev/null (after a broken pipe or a full disk)."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
