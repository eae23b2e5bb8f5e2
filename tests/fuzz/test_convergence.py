"""Convergence under every topology and fault mix, for crdtcore alone and mixed with Yjs.

* seeded scenarios (``random_scenario``): topologies x fault mixes, fixed seeds; failures are
  shrunk by delta debugging and saved with their replay command (conftest.py);
* hypothesis: message-level schedules (any delivery order, duplicates, drops) and simulated
  scenarios, shrunk by hypothesis;
* mixed populations: some peers are real Yjs (a node process behind the same peer interface);
* regressions/*.json replayed, the known-bad ones as strict xfails.

``--long`` / ``CRDTCORE_FUZZ_LONG`` turns every test into a time-boxed random search. The
20 peers x 10,000 ops speed figure comes from bench/sim/perf.py (a benchmark, not a test).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from fuzz_util import FAILURES, FuzzMode, replay_command, save_schedule_failure
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crdtcore.sim.yjs_peer import mixed_factory
from crdtcore.testing import (
    FAULT_MIXES,
    ConvergenceError,
    Scenario,
    apply_ops,
    assert_converges,
    failure_of,
    load_scenario,
    new_doc,
    random_scenario,
    run_schedule,
    scenarios,
    schedules,
    transactions,
)

REGRESSIONS = Path(__file__).resolve().parent / "regressions"
TOPOLOGIES = ("mesh", "star", "gossip")
SEEDS = list(range(8))

# Share of the long-mode budget per test (the tests run one after the other; the rest of the
# budget covers overshoot: a running hypothesis round or scenario is never cut short).
SHARE = {
    "scenarios": 0.4 / (len(TOPOLOGIES) * len(FAULT_MIXES)),
    "schedules": 0.2 / 2,
    "sim_strategy": 0.15,
    "yjs_mixed": 0.1 / 4,
    "yjs_ops": 0.05,
}


def _hypothesis_settings(mode: FuzzMode, examples: int) -> settings:
    return settings(
        max_examples=examples,  # per round; long mode repeats rounds
        derandomize=not mode.long,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    )


# -- seeded scenarios ------------------------------------------------------------------------


@pytest.mark.parametrize("mix", sorted(FAULT_MIXES))
@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_scenarios_converge(topology: str, mix: str, fuzz_mode: FuzzMode, scenario_checker):
    for seed in fuzz_mode.seeds(SEEDS, SHARE["scenarios"]):
        scenario = random_scenario(seed, topology=topology, mix=mix, ops=80)
        scenario_checker(scenario, seed)


# -- hypothesis ------------------------------------------------------------------------------


@pytest.mark.parametrize("gc", [True, False], ids=["gc", "nogc"])
def test_schedules_converge(gc: bool, fuzz_mode: FuzzMode, request: pytest.FixtureRequest):
    """Any delivery order, duplicates and drops of single updates converge after repair."""
    label = request.node.name

    @_hypothesis_settings(fuzz_mode, 200)
    @given(schedules(peers=(2, 4), max_steps=30))
    def check(schedule: dict[str, Any]) -> None:
        schedule = {**schedule, "gc": gc}
        try:
            assert_converges(*run_schedule(schedule))
        except ConvergenceError as exc:
            raise ConvergenceError(
                f"{exc}\n{save_schedule_failure(label, schedule, exc)}"
            ) from None

    _run_rounds(check, fuzz_mode, SHARE["schedules"])


def test_sim_scenarios_converge(fuzz_mode: FuzzMode, request: pytest.FixtureRequest):
    """Hypothesis-drawn simulated runs (faulty links, healing partitions, restarts)."""

    @_hypothesis_settings(fuzz_mode, 80)
    @given(scenarios(peers=(2, 5), max_actions=14, topologies=("mesh", "star")))
    def check(scenario: Scenario) -> None:
        failure = failure_of(scenario)
        if failure is not None:
            path = FAILURES / f"{request.node.name}.json"
            FAILURES.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"scenario": json.loads(scenario.to_json())}, indent=1))
            raise AssertionError(f"{failure}\nreplay: {replay_command(path)}")

    _run_rounds(check, fuzz_mode, SHARE["sim_strategy"])


def _run_rounds(check: Any, mode: FuzzMode, share: float) -> None:
    """One hypothesis round (fixed seed); in long mode, fresh rounds until the share is used."""
    deadline = time.monotonic() + mode.budget_s * share
    check()
    while mode.long and time.monotonic() < deadline:
        check()


# -- mixed crdtcore / Yjs populations ---------------------------------------------------------

MIXED = [
    ("mesh", "chaos", "half"),
    ("star", "chaos", "half"),
    ("gossip", "partition", "half"),
    ("mesh", "lossy", "all"),
]


@pytest.mark.parametrize(("topology", "mix", "who"), MIXED, ids=["-".join(m) for m in MIXED])
def test_mixed_yjs_populations_converge(
    topology: str, mix: str, who: str, yjs_host: Any, fuzz_mode: FuzzMode, scenario_checker
):
    """Real Yjs peers (odd ids, or all) and crdtcore peers converge: Yjs's own reading of
    its document (toJSON, toDelta) equals crdtcore's, with equal state vectors and delete
    sets, and the fingerprints (state diff bytes) that end the run are byte-identical."""
    for seed in fuzz_mode.seeds([0, 1, 2], SHARE["yjs_mixed"]):
        base = random_scenario(seed, topology=topology, mix=mix, ops=60)
        ids = range(base.peers + 2) if who == "all" else range(1, base.peers + 2, 2)
        scenario = Scenario(**{**base.__dict__, "yjs_peers": list(ids)})
        scenario_checker(scenario, seed, peer_factory=mixed_factory(yjs_host, scenario.yjs_peers))


def test_yjs_reduces_ops_like_crdtcore(yjs_host: Any, fuzz_mode: FuzzMode) -> None:
    """The op model's JavaScript mirror (sim_yjs_peer.mjs) edits exactly as _ops.py does:
    the same ops on empty documents give byte-identical states, round after round."""
    from crdtcore.sim import PeerSpec
    from crdtcore.sim.yjs_peer import YjsPeer

    @_hypothesis_settings(fuzz_mode, 60)
    @given(st.lists(transactions(max_ops=4), min_size=1, max_size=4))
    def check(txns: list[list[dict[str, Any]]]) -> None:
        doc, peer = new_doc(7), YjsPeer(PeerSpec(0, 7), yjs_host)
        try:
            for ops in txns:
                apply_ops(doc, ops)
                peer.perform(ops)
                assert peer.snapshot().update == doc.get_update(), ops
        finally:
            peer.dispose()

    _run_rounds(check, fuzz_mode, SHARE["yjs_ops"])


# -- regressions -----------------------------------------------------------------------------


def _regression_params() -> list[Any]:
    params = []
    for path in sorted(REGRESSIONS.glob("*.json")):
        reason = json.loads(path.read_text()).get("xfail")
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(path, id=path.stem, marks=marks))
    return params


@pytest.mark.parametrize("path", _regression_params())
def test_regression(path: Path, request: pytest.FixtureRequest):
    """Every committed repro still converges (or, marked xfail, still fails as recorded)."""
    data = json.loads(path.read_text())
    replay = replay_command(path)
    if "schedule" in data:
        try:
            assert_converges(*run_schedule(data["schedule"]))
        except ConvergenceError as exc:
            raise AssertionError(f"{exc}\nreplay: {replay}") from None
        return
    scenario, _ = load_scenario(path)
    options = {}
    if scenario.yjs_peers:
        options["peer_factory"] = mixed_factory(
            request.getfixturevalue("yjs_host"), scenario.yjs_peers
        )
    failure = failure_of(scenario, **options)
    assert failure is None, f"{failure}\nreplay: {replay}{' --yjs' if scenario.yjs_peers else ''}"
