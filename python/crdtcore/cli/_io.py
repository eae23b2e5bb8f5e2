"""What every command shares: its error type, reading input, writing output, JSON.

A command's ``run(args)`` returns an exit status and never lets an expected failure
escape as a traceback: it raises ``CliError`` (or lets a ``DecodeError``/``StoreError``
through) inside ``guarded()``, which prints ``crdtcore COMMAND: error: MESSAGE`` on stderr
and returns ``EXIT_FAILURE``.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import sys
import tempfile
from collections.abc import Callable
from typing import Any, BinaryIO

from ..errors import CrdtcoreError

#: The command ran and did what was asked.
EXIT_OK = 0
#: The input was unreadable or missing, or the store refused (message on stderr).
EXIT_FAILURE = 1
#: Bad command line (argparse's own status).
EXIT_USAGE = 2


class CliError(Exception):
    """An expected failure of a command, with the message the user sees."""


def guarded(command: str, body: Callable[[], int]) -> int:
    """Runs ``body``; reports a CliError, a crdtcore error (DecodeError, StoreError, ...)
    or an OSError as one line on stderr and returns EXIT_FAILURE instead of raising.

    Example:
        >>> def fails() -> int:
        ...     raise CliError("no such file: x.bin")
        >>> import contextlib, io
        >>> err = io.StringIO()
        >>> with contextlib.redirect_stderr(err):
        ...     status = guarded("inspect", fails)
        >>> status, err.getvalue()
        (1, 'crdtcore inspect: error: no such file: x.bin\\n')
    """
    try:
        return body()
    except (CliError, CrdtcoreError, OSError) as exc:
        message = str(exc) if isinstance(exc, CliError) else f"{type(exc).__name__}: {exc}"
        print(f"crdtcore {command}: error: {message}", file=sys.stderr)
        return EXIT_FAILURE


def warn(command: str, message: str) -> None:
    """Prints ``crdtcore COMMAND: warning: MESSAGE`` on stderr."""
    print(f"crdtcore {command}: warning: {message}", file=sys.stderr)


def read_input(path: str, stdin: BinaryIO | None = None) -> bytes:
    """The bytes of the file ``path``, or of standard input for ``-``.

    Raises:
        CliError: The file does not exist, is a directory, or cannot be read.
    """
    if path == "-":
        return (stdin or sys.stdin.buffer).read()
    if os.path.isdir(path):
        raise CliError(f"{path} is a directory, not a file")
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise CliError(f"no such file: {path}") from None
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None


def write_bytes(data: bytes, path: str | None) -> None:
    """Writes ``data`` to the file ``path`` (atomically: a temporary file renamed over it)
    or, for None or ``-``, to standard output, which must not be a terminal.

    Raises:
        CliError: Standard output is a terminal, or the file cannot be written.
    """
    if path is None or path == "-":
        out = sys.stdout.buffer
        if out.isatty():
            raise CliError("refusing to write binary update bytes to a terminal; use -o FILE")
        out.write(data)
        out.flush()
        return
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".crdtcore-", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from None


def write_text(text: str, path: str | None) -> None:
    """Writes ``text`` (plus a final newline) to the file ``path`` or to standard output.

    Raises:
        CliError: The file cannot be written.
    """
    if path is None or path == "-":
        sys.stdout.write(text + "\n")
        return
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from None


def json_value(value: Any) -> Any:
    """``value`` made representable as strict JSON, as Yjs's ``toJSON`` + ``JSON.stringify``
    would show it: binary content becomes ``{"$bytes": BASE64}``, non-finite numbers
    ``null``, and anything else unknown its ``repr``.

    Example:
        >>> json_value({"b": b"\\x00\\x01", "n": [1, float("nan")], "s": "x"})
        {'b': {'$bytes': 'AAE='}, 'n': [1, None], 's': 'x'}
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return repr(value)


def dump_json(value: Any) -> str:
    """Pretty strict JSON (two-space indent, non-ASCII kept)."""
    return json.dumps(json_value(value), indent=2, ensure_ascii=False)


def command_parser(
    subparsers: Any, name: str, help: str, description: str, epilog: str
) -> argparse.ArgumentParser:
    """Adds command ``name`` to ``subparsers`` (an ``add_subparsers()`` result), its
    description and epilog printed as written (plain text, examples kept on their lines)."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help=help,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser
