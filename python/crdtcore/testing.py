"""Convergence testing for crdtcore and for applications built on it.

Everything a test needs to check that replicas of a document converge, however their
updates travel:

* **The op model**: edits as JSON data (``apply_op``, ``apply_ops``, ``new_doc``) whose
  indices are reduced against the document when applied, so every op fits every replica
  and a Yjs peer performs the same op (tests/interop/sim_yjs_peer.mjs).
* **The oracle**: ``assert_converges(*docs)`` compares content, text deltas, state
  vectors, delete sets and pending updates, and rebuilds documents from the updates
  (Yjs ``testHelper.compare``); ``check_bytes=True`` also demands identical structs.
* **Message-level schedules**: ``run_schedule`` delivers, duplicates, drops and reorders
  single update messages as a schedule says (Yjs ``TestConnector``).
* **Scenarios**: whole simulated runs on ``crdtcore.sim`` (topology, faulty links,
  partitions, crashes, joins, leaves, optionally real Yjs peers) as JSON data:
  ``random_scenario``, ``run_scenario``, ``shrink_scenario`` (delta debugging),
  ``save_scenario``/``load_scenario``.
* **Hypothesis strategies** (``texts``, ``values``, ``operations``, ``transactions``,
  ``schedules``, ``scenarios``), loaded on first use: hypothesis is only needed for them
  (``pip install hypothesis``, or crdtcore's ``test`` extra).

Replay a saved scenario or schedule: ``python -m crdtcore.testing replay FILE``
(``--shrink OUT`` writes a minimal failing version; ``--yjs`` allows Yjs peers).

Example:
    >>> from hypothesis import given, settings
    >>> from crdtcore.testing import assert_converges, run_schedule, schedules
    >>> @settings(max_examples=5, database=None)
    ... @given(schedules())
    ... def test_converges(schedule):
    ...     assert_converges(*run_schedule(schedule))
    >>> test_converges()
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ._testing._exchange import Exchange as Exchange
from ._testing._exchange import run_schedule as run_schedule
from ._testing._generate import FAULT_MIXES as FAULT_MIXES
from ._testing._generate import random_scenario as random_scenario
from ._testing._scenario import Scenario as Scenario
from ._testing._scenario import load_scenario as load_scenario
from ._testing._scenario import run_scenario as run_scenario
from ._testing._scenario import save_scenario as save_scenario
from ._testing._shrink import ddmin as ddmin
from ._testing._shrink import failure_of as failure_of
from ._testing._shrink import shrink_scenario as shrink_scenario
from .model import ROOTS as ROOTS
from .model import ConvergenceError as ConvergenceError
from .model import Op as Op
from .model import Snapshot as Snapshot
from .model import apply_op as apply_op
from .model import apply_ops as apply_ops
from .model import assert_converges as assert_converges
from .model import compare_snapshots as compare_snapshots
from .model import first_difference as first_difference
from .model import new_doc as new_doc
from .model import snapshot as snapshot
from .model import tag as tag
from .model import untag as untag
from .model import walk as walk

_STRATEGIES = ("operations", "scenarios", "schedules", "texts", "transactions", "values")

__all__ = [
    "FAULT_MIXES",
    "ROOTS",
    "ConvergenceError",
    "Exchange",
    "Op",
    "Scenario",
    "Snapshot",
    "apply_op",
    "apply_ops",
    "assert_converges",
    "compare_snapshots",
    "ddmin",
    "failure_of",
    "first_difference",
    "load_scenario",
    "new_doc",
    "random_scenario",
    "run_scenario",
    "run_schedule",
    "save_scenario",
    "shrink_scenario",
    "snapshot",
    "tag",
    "untag",
    "walk",
    *_STRATEGIES,
]


def __getattr__(name: str) -> Any:
    """Loads the hypothesis strategies on first use (PEP 562).

    Raises:
        ImportError: hypothesis is not installed (the message says how to get it).
        AttributeError: ``name`` is not part of this module.
    """
    if name not in _STRATEGIES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        from ._testing import _strategies
    except ModuleNotFoundError as exc:
        if exc.name != "hypothesis" and not (exc.name or "").startswith("hypothesis."):
            raise
        raise ImportError(
            f"crdtcore.testing.{name} is a hypothesis strategy, and hypothesis is not "
            "installed: pip install hypothesis (or pip install 'crdtcore[test]')"
        ) from exc
    return getattr(_strategies, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_STRATEGIES))


# -- command line ------------------------------------------------------------------------------


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
        from .sim.yjs_peer import YjsHost, mixed_factory

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


if __name__ == "__main__":
    sys.exit(main())
