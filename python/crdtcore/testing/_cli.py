"""The command line: ``python -m crdtcore.testing replay FILE [--shrink OUT] [--yjs]``.

Replays a saved schedule (``run_schedule``) or scenario (``run_scenario``); with
``--shrink OUT`` a failing scenario is shrunk to a minimal one and saved.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..model import ConvergenceError, assert_converges
from ._exchange import run_schedule
from ._scenario import load_scenario, run_scenario, save_scenario
from ._shrink import shrink_scenario


def _replay_schedule(data: dict[str, Any]) -> int:
    try:
        assert_converges(*run_schedule(data["schedule"]))
    except ConvergenceError as exc:
        print(f"FAILED: {exc}")
        return 1
    print("converged")
    return 0


def _replay_scenario(path: Path, args: argparse.Namespace) -> int:
    scenario, meta = load_scenario(path)
    options: dict[str, Any] = {}
    host = None
    if scenario.yjs_peers:
        if not args.yjs:
            print("this scenario has Yjs peers: add --yjs (needs node and npm ci in tests/interop)")
            return 2
        from ..sim.yjs_peer import YjsHost, mixed_factory

        host = YjsHost().start()
        options["peer_factory"] = mixed_factory(host, scenario.yjs_peers)
    try:
        if meta.get("description"):
            print(meta["description"])
        report = run_scenario(scenario, **options)
        print(report.summary())
        if args.shrink and not report.converged:
            small = shrink_scenario(scenario, **options)
            out = save_scenario(small, args.shrink, **meta)
            print(f"minimal failing scenario ({len(small.actions)} actions, {small.ops} ops, "
                  f"{small.peers} peers): {out}")  # fmt: skip
        return 0 if report.converged else 1
    finally:
        if host is not None:
            host.close()


def main(argv: list[str] | None = None) -> int:
    """``python -m crdtcore.testing replay FILE [--shrink OUT] [--yjs]``; returns the status.

    Exit status 0 when the replay converged, 1 when it did not, 2 on usage errors.
    """
    parser = argparse.ArgumentParser(prog="python -m crdtcore.testing")
    commands = parser.add_subparsers(dest="command", required=True)
    replay = commands.add_parser("replay", help="run a saved scenario or schedule file")
    replay.add_argument("file", type=Path)
    replay.add_argument("--shrink", type=Path, metavar="OUT", help="write a minimal failing copy")
    replay.add_argument("--yjs", action="store_true", help="allow Yjs peers (starts node)")
    args = parser.parse_args(argv)
    data = json.loads(args.file.read_text())
    if "schedule" in data:
        return _replay_schedule(data)
    return _replay_scenario(args.file, args)
