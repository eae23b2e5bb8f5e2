"""Real editing traces replayed through the Python API must reach their endContent.

Sequential traces: one Doc, one transaction per patch; the final text and the
text decoded from ``doc.get_update()`` must equal the recorded final document.
Concurrent traces: one Doc per agent (client id ``agent + 1``), each txn run on
its agent's doc after that doc received the txn's causal past; after a full
sync every replica must hold the recorded final document.

A failing sequential trace reports the first patch on which crdtcore and a
plain ``str`` model disagree; ``python tests/traces/_traces.py repro <name>``
prints the same and saves the reproducing prefix.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _traces

SEQUENTIAL = _traces.trace_names("sequential")
CONCURRENT = _traces.trace_names("concurrent")


def test_the_traces_are_found() -> None:
    # Guards against every parametrised test below silently collecting nothing.
    assert "automerge-paper" in SEQUENTIAL, f"no traces under {_traces.traces_dir('sequential')}"
    assert len(SEQUENTIAL) >= 8
    assert {"friendsforever", "clownschool"} <= set(CONCURRENT)


def test_str_model_reaches_end_content() -> None:
    # The oracle the divergence finder relies on.
    trace = _traces.load_trace("sequential", "sveltecomponent")
    patches = _traces.patches_of(trace)
    assert _traces.apply_to_str(trace["startContent"], patches) == trace["endContent"]


@functools.cache
def _replayed(name: str) -> tuple[Any, Any]:
    return _traces.replay_sequential(_traces.patches_of(_traces.load_trace("sequential", name)))


def _explain(name: str) -> str:
    found = _traces.first_divergence(_traces.patches_of(_traces.load_trace("sequential", name)))
    return found.describe() if found is not None else "(no divergence on a second replay)"


@pytest.mark.parametrize("name", SEQUENTIAL)
def test_sequential_trace_reaches_end_content(name: str) -> None:
    expected = _traces.load_trace("sequential", name)["endContent"]
    _, text = _replayed(name)
    actual = str(text)
    if actual != expected:
        pytest.fail(f"{name}: final text differs\n{_explain(name)}")
    assert len(text) == len(expected)


@pytest.mark.parametrize("name", SEQUENTIAL)
def test_sequential_trace_update_loads_into_fresh_doc(name: str) -> None:
    expected = _traces.load_trace("sequential", name)["endContent"]
    doc, _ = _replayed(name)
    update = doc.get_update()
    assert _traces.text_of_update(update) == expected
    # Applying the same update twice is a no-op.
    fresh, text = _traces.new_text_doc(client_id=7)
    fresh.apply_update(update)
    fresh.apply_update(update)
    assert str(text) == expected
    assert fresh.get_state() == doc.get_state()


@pytest.mark.parametrize("capture", ["observe", "state_diff"])
@pytest.mark.parametrize("name", CONCURRENT)
def test_concurrent_trace_converges_to_end_content(name: str, capture: str) -> None:
    trace = _traces.load_trace("concurrent", name)
    replicas, updates = _traces.replay_concurrent(trace, capture=capture)
    _traces.sync_all(replicas)
    for agent, replica in enumerate(replicas):
        actual = str(replica.text)
        assert actual == trace["endContent"], f"{name}: agent {agent} differs after sync"
    # The captured per-txn updates alone, in index order, rebuild the document.
    doc, text = _traces.new_text_doc(client_id=999)
    for update in updates:
        if update is not None:
            doc.apply_update(update)
    assert str(text) == trace["endContent"]


@pytest.mark.parametrize("name", CONCURRENT)
def test_concurrent_updates_in_reverse_order_integrate(name: str) -> None:
    # Delivery against causal order: every update but the first waits as pending.
    prefix = dict(_traces.load_trace("concurrent", name))
    prefix["txns"] = prefix["txns"][:300]
    _, updates = _traces.replay_concurrent(prefix)
    in_order, text_in_order = _traces.new_text_doc(client_id=998)
    reversed_doc, text_reversed = _traces.new_text_doc(client_id=999)
    present = [u for u in updates if u is not None]
    assert len(present) > 250
    for update in present:
        in_order.apply_update(update)
    for update in reversed(present):
        reversed_doc.apply_update(update)
    assert len(str(text_in_order)) > 0
    assert str(text_reversed) == str(text_in_order)
    assert reversed_doc.get_state() == in_order.get_state()


def test_replay_bench_runs_correctly_on_small_trace() -> None:
    # Smoke test of bench/python/replay.py: correctness only, never speed.
    path = _traces.REPO_ROOT / "bench" / "python" / "replay.py"
    spec = importlib.util.spec_from_file_location("crdtcore_bench_replay", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through it
    spec.loader.exec_module(module)
    result = module.run(str(_traces.traces_dir("sequential") / "sveltecomponent.json.gz"), runs=1)
    assert result.ok
    assert result.patches == 19749
    assert result.final_chars == 18451
    assert result.update_bytes > 0
