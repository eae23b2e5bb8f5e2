"""Trace-driven workloads: loading, the reference replay, causal gating, endContent."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

import crdtcore
import crdtcore.sim.traces as traces_module
from crdtcore.sim import LinkConfig, Simulation, TraceWorkload, load_concurrent_trace
from crdtcore.sim.traces import PACKAGED_TRACES, record, traces_dir


def test_load_a_prefix_and_the_whole_trace():
    prefix = load_concurrent_trace("friendsforever", limit=100)
    assert prefix.num_agents == 2 and len(prefix.txns) == 100 and prefix.end_content is None
    assert all(p < i for i, t in enumerate(prefix.txns) for p in t.parents)
    whole = load_concurrent_trace(traces_dir() / "clownschool.json.gz")
    assert whole.num_agents == 3 and len(whole.txns) == 23_136
    assert whole.end_content is not None and len(whole.end_content) == 21_148


def test_a_bad_parent_is_refused(tmp_path):
    path = tmp_path / "bad.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        json.dump({"numAgents": 1, "endContent": "", "txns": [
            {"parents": [0], "agent": 0, "patches": [[0, 0, "a"]]}]}, f)  # fmt: skip
    with pytest.raises(ValueError, match="bad parent"):
        load_concurrent_trace(path)


def test_the_reference_replay_reaches_end_content():
    trace = load_concurrent_trace("friendsforever")
    records, text = record(trace)
    assert text == trace.end_content
    assert len(records) == len(trace.txns) and all(r.update for r in records[:50])


@pytest.mark.parametrize("topology", ["mesh", "gossip"])
def test_a_trace_prefix_converges_over_a_lossy_network(topology):
    workload = TraceWorkload("clownschool", limit=1500, think=5.0)
    sim = Simulation(peers=5, topology=topology, seed=7, workload=workload,
                     link=LinkConfig(latency=20, jitter=80, drop=0.2, duplicate=0.2))  # fmt: skip
    report = sim.run()
    assert report.converged, report.summary()
    assert report.ops == 1500 and report.drops > 0
    for peer in sim.live_peers():
        assert sim.peer(peer).snapshot().content["text"] == workload.replayed_text


def test_agents_wait_for_the_causal_past_before_editing():
    # Huge jitter reorders everything. Each transaction must find its whole causal past
    # in the agent's document: then its update integrates at once (nothing pending) and
    # the document covers everything the reference agent had after it.
    workload = TraceWorkload("friendsforever", limit=400, think=1.0)
    sim = Simulation(peers=2, seed=3, workload=workload,
                     link=LinkConfig(latency=5, jitter=500, drop=0.3))  # fmt: skip
    records = {r.update: r for r in workload.records}
    made: list[bool] = []
    perform_update = sim.perform_update

    def checked(peer: int, update: bytes) -> None:
        perform_update(peer, update)
        record = records[update]
        made.append(sim.peer(peer).covers(record.state_vector, record.delete_set))

    sim.perform_update = checked  # type: ignore[method-assign]
    report = sim.run()
    assert report.converged and len(made) == 400 and all(made)
    assert report.end_time > 400 * 1.0 * 2  # the agents had to wait for each other


def test_the_whole_trace_ends_with_its_end_content():
    workload = TraceWorkload("friendsforever")
    sim = Simulation(peers=3, seed=1, workload=workload,
                     link=LinkConfig(latency=20, jitter=50, drop=0.1, duplicate=0.1))  # fmt: skip
    report = sim.run()
    assert report.converged, report.summary()
    assert workload.expected == {"text": workload.trace.end_content}
    assert sim.peer(2).snapshot().content["text"] == workload.trace.end_content


def test_the_trace_needs_its_agents_alive():
    workload = TraceWorkload("friendsforever", limit=10)
    with pytest.raises(ValueError, match="needs peers"):
        Simulation(peers=1, workload=workload).run()
    with pytest.raises(ValueError, match="limit"):
        TraceWorkload(workload.trace, limit=5)


def test_the_traces_ship_in_the_package_with_their_attribution(monkeypatch):
    monkeypatch.delenv(traces_module.TRACES_ENV, raising=False)
    package = Path(crdtcore.__file__).resolve().parent
    assert traces_dir() == PACKAGED_TRACES == package / "sim" / "concurrent_traces"
    names = sorted(p.name for p in traces_dir().iterdir())
    assert names == ["README.md", "clownschool.json.gz", "friendsforever.json.gz"]
    readme = (traces_dir() / "README.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in readme and "josephg/editing-traces" in readme


def test_missing_packaged_traces_say_what_to_do(tmp_path, monkeypatch):
    monkeypatch.delenv(traces_module.TRACES_ENV, raising=False)
    monkeypatch.setattr(traces_module, "PACKAGED_TRACES", tmp_path / "gone")
    with pytest.raises(FileNotFoundError, match=r"missing .*reinstall crdtcore.*CRDTCORE_TRACES"):
        load_concurrent_trace("friendsforever")


def test_an_unknown_trace_lists_the_shipped_ones(monkeypatch):
    monkeypatch.delenv(traces_module.TRACES_ENV, raising=False)
    with pytest.raises(
        FileNotFoundError, match=r"no trace 'automerge-paper'.*clownschool, friendsforever.*path"
    ):
        load_concurrent_trace("automerge-paper")


def test_crdtcore_traces_overrides_the_directory(tmp_path, monkeypatch):
    (tmp_path / "concurrent").mkdir()
    source = traces_dir() / "friendsforever.json.gz"
    (tmp_path / "concurrent" / "ff.json.gz").write_bytes(source.read_bytes())
    monkeypatch.setenv(traces_module.TRACES_ENV, str(tmp_path))
    assert traces_dir() == tmp_path / "concurrent"
    assert load_concurrent_trace("ff", limit=3).num_agents == 2
    with pytest.raises(FileNotFoundError, match=r"no trace 'friendsforever'.*traces there: ff"):
        load_concurrent_trace("friendsforever")
    monkeypatch.setenv(traces_module.TRACES_ENV, str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match=r"CRDTCORE_TRACES is .*not a directory: unset"):
        traces_dir()
