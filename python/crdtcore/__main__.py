"""Command line: ``python -m crdtcore demo [--seed N]``."""

from __future__ import annotations

import argparse
import sys

from . import _demo


def main(argv: list[str] | None = None) -> int:
    """Parses ``argv`` and runs the chosen command; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m crdtcore", description="crdtcore tools")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="three peers edit concurrently and converge")
    demo.add_argument("--seed", type=int, default=7, help="shuffling seed of the last step")
    args = parser.parse_args(argv)
    if args.command == "demo":
        return _demo.run(sys.stdout, seed=args.seed)
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
