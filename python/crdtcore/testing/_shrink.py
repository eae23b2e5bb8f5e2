"""Delta debugging: the smallest sub-list of actions that still makes a test fail.

``ddmin`` is Zeller and Hildebrandt's algorithm ("Simplifying and Isolating Failure-Inducing
Input", 2002): split the list into n chunks, keep one chunk or drop one chunk whenever the
rest still fails, and double n when neither helps. The result is 1-minimal: removing any
single remaining item makes the failure go away. Scenarios tolerate any deletion because
their ops are reduced against the document when they run (see crdtcore.model).

``shrink_scenario`` applies it to a failing scenario: the action list, then the ops inside
each edit; then it tries removing link faults and peers. A candidate counts only when it
fails in the same way (``failure_of``): the same exception class, or the same kind of
difference (content, delta, state vector, pending, delete set, bytes).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from ._scenario import Scenario, run_scenario

T = TypeVar("T")


def ddmin(
    items: Sequence[T],
    fails: Callable[[list[T]], bool],
    *,
    max_tests: int = 2000,
    deadline_s: float | None = None,
) -> list[T]:
    """A 1-minimal sub-list of ``items`` for which ``fails`` still returns True.

    Args:
        items: The failing input, e.g. a scenario's actions (order is kept).
        fails: Runs the test on a candidate; True when it still fails the same way.
        max_tests: Give up (returning the smallest failing list so far) after this many runs.
        deadline_s: Also give up after this many seconds of wall time.

    Returns:
        The smallest failing sub-list found (``items`` itself when nothing can go).

    Example:
        >>> ddmin(list(range(20)), lambda xs: 3 in xs and 17 in xs)
        [3, 17]
    """
    current = list(items)
    n = 2
    tests = 0
    start = time.monotonic()

    def budget_left() -> bool:
        if tests >= max_tests:
            return False
        return deadline_s is None or time.monotonic() - start < deadline_s

    while len(current) >= 2 and budget_left():
        chunk = -(-len(current) // n)  # ceil
        parts = [current[i : i + chunk] for i in range(0, len(current), chunk)]
        reduced = False
        for i in range(len(parts)):
            for candidate in (parts[i], [x for j, p in enumerate(parts) if j != i for x in p]):
                if not candidate or len(candidate) == len(current) or not budget_left():
                    continue
                tests += 1
                if fails(candidate):
                    current = candidate
                    n = 2 if candidate is parts[i] else max(n - 1, 2)
                    reduced = True
                    break
            if reduced:
                break
        if not reduced:
            if n >= len(current):
                break
            n = min(n * 2, len(current))
    if len(current) == 1 and budget_left() and fails([]):
        return []
    return current


def failure_of(scenario: Scenario, **run_options: Any) -> str | None:
    """How a scenario fails: None when it converges, else a one-line description.

    The description starts with its *kind*, which ``shrink_scenario`` keeps equal: the
    exception's class name, or ``diverged (<what>)`` where ``<what>`` is the first
    difference's kind (content, delta, state vector, pending, delete set, bytes).

    Args:
        scenario: The scenario.
        **run_options: Passed to ``run_scenario``.

    Returns:
        None, or the description.

    Example:
        >>> edit = {"at": 100, "do": "edit", "peer": 1, "ops": [{"kind": "map", "action": "set",
        ...                                                       "key": "k", "value": 1}]}
        >>> split = {"at": 0, "do": "partition", "groups": [[0], [1]]}  # never heals
        >>> failure_of(Scenario(peers=2, actions=[split, edit]))
        'diverged (content): peer 1 vs peer 0: content /map/k: only in second'
    """
    try:
        report = run_scenario(scenario, **run_options)
    except Exception as exc:  # a crash is a failure to shrink, too
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    if report.converged:
        return None
    if not report.differences:
        return "diverged (unfinished): the run stopped before quiescence"
    first = str(report.differences[0])
    return f"diverged ({_difference_kind(report.differences[0].problem)}): {first}"


def _difference_kind(problem: str) -> str:
    for prefix, kind in (
        ("content", "content"),
        ("delta", "delta"),
        ("state vector", "state"),
        ("has pending", "pending"),
        ("delete set", "deletes"),
        ("state as update", "bytes"),
    ):
        if problem.startswith(prefix):
            return kind
    return "other"


def shrink_scenario(
    scenario: Scenario,
    *,
    max_tests: int = 400,
    deadline_s: float | None = 120.0,
    **run_options: Any,
) -> Scenario:
    """A smaller scenario that fails the same way (``failure_of`` kind kept).

    Shrinks, in order: the action list (ddmin), the ops inside each edit (ddmin), the link
    faults (each set to 0 if still failing), and the number of peers.

    Args:
        scenario: A failing scenario.
        max_tests: Run budget per ddmin pass.
        deadline_s: Wall-time budget per ddmin pass.
        **run_options: Passed to ``run_scenario``.

    Returns:
        The smallest failing scenario found (``scenario`` if it does not fail).

    Example:
        >>> from crdtcore.testing import random_scenario
        >>> noisy = random_scenario(1, topology="mesh", mix="lossy", ops=20, peers=3)
        >>> split = {"at": 0, "do": "partition", "groups": [[0], [1, 2]]}  # never heals
        >>> small = shrink_scenario(Scenario(**{**noisy.__dict__,
        ...                                     "actions": [split, *noisy.actions]}))
        >>> [a["do"] for a in small.actions], small.peers, small.ops
        (['partition', 'edit'], 2, 1)
    """
    original = failure_of(scenario, **run_options)
    if original is None:
        return scenario
    kind = original.split(":", 1)[0]

    def fails(candidate: Scenario) -> bool:
        found = failure_of(candidate, **run_options)
        return found is not None and found.split(":", 1)[0] == kind

    def shrink(items: list[Any], still_fails: Callable[[list[Any]], bool]) -> list[Any]:
        return ddmin(items, still_fails, max_tests=max_tests, deadline_s=deadline_s)

    actions = shrink(scenario.actions, lambda xs: fails(replace(scenario, actions=xs)))
    best = replace(scenario, actions=actions)
    for i, action in enumerate(best.actions):
        if action["do"] != "edit" or len(action["ops"]) < 2:
            continue

        def with_ops(ops: list[Any], i: int = i, base: Scenario = best) -> Scenario:
            changed = [dict(a) for a in base.actions]
            changed[i]["ops"] = ops
            return replace(base, actions=changed)

        best = with_ops(shrink(action["ops"], lambda ops: fails(with_ops(ops))))
    for key in ("drop", "duplicate", "jitter"):
        if best.link.get(key):
            candidate = replace(best, link={**best.link, key: 0.0})
            if fails(candidate):
                best = candidate
    while best.peers > 1 and fails(replace(best, peers=best.peers - 1)):
        best = replace(best, peers=best.peers - 1)
    return best
