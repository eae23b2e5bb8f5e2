"""Convergence testing for crdtcore and for applications built on it.

Everything a test needs to check that replicas of a document converge, however their
updates travel:

* **The op model** and **the oracle**, re-exported from ``crdtcore.model`` (which
  ``crdtcore.sim`` builds on too; this package sits on both).
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
(``--shrink OUT`` writes a minimal failing version; ``--yjs`` allows Yjs peers; ``main``
in _cli.py).

Modules: _exchange.py (schedules), _scenario.py (scenarios as data, run on
``crdtcore.sim.Simulation``), _generate.py (random scenarios), _shrink.py (delta
debugging), _strategies.py (hypothesis), _cli.py (the command line).

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

from typing import Any

from ..model import ROOTS as ROOTS
from ..model import ConvergenceError as ConvergenceError
from ..model import Op as Op
from ..model import Snapshot as Snapshot
from ..model import apply_op as apply_op
from ..model import apply_ops as apply_ops
from ..model import assert_converges as assert_converges
from ..model import compare_snapshots as compare_snapshots
from ..model import first_difference as first_difference
from ..model import new_doc as new_doc
from ..model import snapshot as snapshot
from ..model import tag as tag
from ..model import untag as untag
from ..model import walk as walk
from ._cli import main as main
from ._exchange import Exchange as Exchange
from ._exchange import run_schedule as run_schedule
from ._generate import FAULT_MIXES as FAULT_MIXES
from ._generate import random_scenario as random_scenario
from ._scenario import Scenario as Scenario
from ._scenario import load_scenario as load_scenario
from ._scenario import run_scenario as run_scenario
from ._scenario import save_scenario as save_scenario
from ._shrink import ddmin as ddmin
from ._shrink import failure_of as failure_of
from ._shrink import shrink_scenario as shrink_scenario

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
        from . import _strategies
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
