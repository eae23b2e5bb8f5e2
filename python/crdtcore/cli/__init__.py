"""The inspection and maintenance commands of ``crdtcore`` (and ``python -m crdtcore``).

One module per command, each with ``add_parser(subparsers)`` and ``run(args) -> int``:

* ``inspect``: decode a Yjs update or state vector and show what it holds;
* ``dump``: a stored room's document as JSON or as one update;
* ``compact``: rewrite stored rooms' logs as one update each;
* ``migrate``: copy a pycrdt-store database (pycrdt-websocket) into a crdtcore store.

Exit status: 0 on success, 1 when the input or the store is unusable (one line on stderr,
``crdtcore COMMAND: error: ...``, never a traceback), 2 for a bad command line. See
docs/cli.md.
"""

from __future__ import annotations

import argparse
from types import ModuleType
from typing import Any

from . import compact, dump, inspect, migrate

#: The commands by name.
COMMANDS: dict[str, ModuleType] = {
    "inspect": inspect,
    "dump": dump,
    "compact": compact,
    "migrate": migrate,
}


def add_parsers(subparsers: Any) -> None:
    """Adds every command of ``COMMANDS`` to ``subparsers`` (an ``add_subparsers()`` result)."""
    for module in COMMANDS.values():
        module.add_parser(subparsers)


def run(args: argparse.Namespace) -> int:
    """Runs the command ``args.command`` names; returns its exit status."""
    return int(COMMANDS[args.command].run(args))
