"""Command line: ``python -m crdtcore demo [--seed N]``, ``python -m crdtcore simulate ...``
(see ``crdtcore.sim.cli`` for the simulator's options) and ``python -m crdtcore serve ...``
(the sync server, see ``crdtcore.asyncio._cli``; needs the ``net`` extra), and the
inspection commands ``inspect``, ``dump``, ``compact`` and ``migrate`` (``crdtcore.cli``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__, _demo, cli
from .asyncio import _cli as serve_cli
from .sim import cli as sim_cli


def program_name(argv0: str) -> str:
    """How the user started us, for usage lines: ``crdtcore`` when run as the console script
    (``argv0`` is its path), else ``python -m crdtcore``."""
    return "crdtcore" if Path(argv0).stem == "crdtcore" else "python -m crdtcore"


def main(argv: list[str] | None = None) -> int:
    """Parses ``argv`` and runs the chosen command; returns the exit status."""
    parser = argparse.ArgumentParser(prog=program_name(sys.argv[0]), description="crdtcore tools")
    parser.add_argument("--version", action="version", version=f"crdtcore {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="three peers edit concurrently and converge")
    demo.add_argument("--seed", type=int, default=7, help="shuffling seed of the last step")
    sim_cli.add_parser(commands)
    serve_cli.add_parser(commands)
    cli.add_parsers(commands)
    args = parser.parse_args(argv)
    if args.command == "demo":
        return _demo.run(sys.stdout, seed=args.seed)
    if args.command == "simulate":
        return sim_cli.run(args)
    if args.command == "serve":
        return serve_cli.run(args)
    if args.command in cli.COMMANDS:
        return cli.run(args)
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
