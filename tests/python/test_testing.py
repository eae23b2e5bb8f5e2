"""Tests of crdtcore.testing itself: op model, oracle, schedules, shrinker, scenarios, CLI.

The convergence fuzzing that uses it lives in tests/fuzz/.
"""

from __future__ import annotations

import dataclasses
import doctest
import importlib
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crdtcore.testing as testing
from crdtcore import Array, Doc, Map, Text
from crdtcore.testing import (
    ConvergenceError,
    Exchange,
    Scenario,
    apply_op,
    apply_ops,
    assert_converges,
    ddmin,
    failure_of,
    first_difference,
    load_scenario,
    new_doc,
    random_scenario,
    run_scenario,
    run_schedule,
    save_scenario,
    shrink_scenario,
    snapshot,
    tag,
    untag,
)
from crdtcore.testing._generate import LOSS_GUARD

MODULES = [
    "crdtcore.model",
    "crdtcore.model._ops",
    "crdtcore.model._oracle",
    "crdtcore.testing",
    "crdtcore.testing._exchange",
    "crdtcore.testing._shrink",
    "crdtcore.testing._scenario",
    "crdtcore.testing._generate",
    "crdtcore.testing._strategies",
]
FAST = settings(max_examples=40, derandomize=True, database=None, deadline=None)


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


# -- op model ----------------------------------------------------------------------------------


def text_op(action: str, **args: object) -> dict:
    return {"kind": "text", "action": action, **args}


def test_indices_are_reduced_against_the_document() -> None:
    doc = new_doc(1)
    apply_op(doc, text_op("insert", index=7, text="ab"))  # empty text: 7 % 1 = 0
    apply_op(doc, text_op("insert", index=5, text="😀"))  # 5 % 3 = 2, in code points
    assert str(doc["text"]) == "ab😀"
    apply_op(doc, text_op("delete", index=4, length=9))  # start 4 % 3 = 1, clamped to the end
    assert str(doc["text"]) == "a"
    apply_op(doc, text_op("format", index=0, length=1, attrs={"bold": True}))
    assert doc["text"].to_delta() == [{"insert": "a", "attributes": {"bold": True}}]


def test_ops_on_empty_types_and_absent_keys_do_nothing() -> None:
    doc = new_doc(1)
    before = doc.get_update()
    apply_ops(doc, [text_op("delete", index=3, length=2),
                    text_op("format", index=0, length=1, attrs={"b": True}),
                    {"kind": "array", "action": "delete", "index": 1, "length": 1},
                    {"kind": "map", "action": "delete", "key": "nope"}])  # fmt: skip
    assert doc.get_update() == before


def test_target_picks_among_types_of_the_kind_in_pre_order() -> None:
    doc = new_doc(1)
    doc["array"].append(Map({"t": Text("x")}))
    doc["map"]["z"] = Text("z")
    doc["map"]["a"] = Array([Text("y")])
    paths = [path for path, node in testing.walk(doc) if isinstance(node, Text)]
    assert paths == [["text"], ["array", 0, "t"], ["map", "a", 0], ["map", "z"]]
    apply_op(doc, text_op("insert", target=2 + 4 * 10, index=0, text="!"))  # 42 % 4 = 2
    assert doc["map"]["a"][0].to_py() == "!y"


def test_unknown_ops_raise() -> None:
    doc = new_doc(1)
    with pytest.raises(ValueError, match="kind"):
        apply_op(doc, {"kind": "xml", "action": "insert"})
    with pytest.raises(ValueError, match="map action 'move'"):
        apply_op(doc, {"kind": "map", "action": "move", "key": "k"})
    with pytest.raises(ValueError, match="array action 'format'"):
        apply_op(doc, {"kind": "array", "action": "format", "attrs": {}})  # even when empty


@FAST
@given(testing.transactions(max_ops=6))
def test_any_drawn_transaction_applies(ops: list[dict]) -> None:
    doc = new_doc(3)
    for _ in range(2):  # also on a document the first round filled
        apply_ops(doc, ops)
    replica = Doc(client_id=4)
    replica.apply_update(doc.get_update())
    assert first_difference(snapshot(doc).content, snapshot(replica).content) is None


@FAST
@given(testing.values(non_finite=True))
def test_values_are_storable_and_tags_round_trip(value: object) -> None:
    assert first_difference(tag(untag(tag(value))), tag(value)) is None
    doc = Doc({"array": Array([value])})
    assert first_difference(tag(doc["array"][0]), tag(value)) is None


@FAST
@given(testing.values(json_only=True))
def test_json_only_values_have_no_bytes(value: object) -> None:
    assert "$bytes" not in json.dumps(tag(value)) and "$number" not in json.dumps(tag(value))


def test_operations_rejects_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="kinds"):
        testing.operations(kinds=("xml",))


# -- oracle ------------------------------------------------------------------------------------


def synced_pair() -> tuple[Doc, Doc]:
    a, b = new_doc(1), new_doc(2)
    apply_ops(a, [text_op("insert", text="hello")])
    apply_ops(b, [{"kind": "map", "action": "set", "key": "k", "value": {"$bytes": "AQI="}}])
    a.apply_update(b.get_update())
    b.apply_update(a.get_update())
    return a, b


def test_assert_converges_accepts_synced_replicas() -> None:
    a, b = synced_pair()
    snap = assert_converges(a, b, names=["a", "b"])
    assert snap.content["text"] == "hello" and snap.state_vector == {1: 5, 2: 1}


def test_assert_converges_reports_content_formatting_state_and_pending() -> None:
    a, b = synced_pair()
    with pytest.raises(ConvergenceError, match=r"b vs a: content /text"):
        b["text"].insert(0, "x")
        assert_converges(a, b, names=["a", "b"])
    a, b = synced_pair()
    b["text"].format(0, 1, {"bold": True})
    with pytest.raises(ConvergenceError, match="delta of text") as info:
        assert_converges(a, b)
    assert "content" not in str(info.value)  # the plain text is the same
    c = new_doc(3)
    c.apply_update(a.get_update())
    apply_ops(c, [text_op("insert", text="q"), text_op("delete", index=0, length=1)])
    with pytest.raises(ConvergenceError, match="state vector"):
        assert_converges(a, c)  # same content, one more client
    source, updates = new_doc(9), []
    source.observe(lambda e: updates.append(e.update))
    apply_ops(source, [text_op("insert", text="a")])
    apply_ops(source, [text_op("insert", text="b")])
    waiting = new_doc(8)
    waiting.apply_update(updates[1])
    with pytest.raises(ConvergenceError, match="pending"):
        assert_converges(new_doc(7), waiting)


def test_delete_sets_and_optionally_bytes_are_compared() -> None:
    a, b = synced_pair()
    del b["text"][0]  # a deletion does not move the state vector
    snap = snapshot(a, "a")
    only_deletes = dataclasses.replace(snap, name="b", update=b.get_update())
    with pytest.raises(ConvergenceError, match="b vs a: delete set differs"):
        assert_converges(snap, only_deletes, check_encoding=False)
    assert_converges(snap, only_deletes, check_encoding=False, check_deletes=False)
    only_bytes = dataclasses.replace(snap, name="c", update=snap.update + b"\0")
    assert_converges(snap, only_bytes, check_encoding=False, check_deletes=False)
    with pytest.raises(ConvergenceError, match="state as update differs"):
        assert_converges(snap, only_bytes, check_encoding=False, check_deletes=False,
                         check_bytes=True)  # fmt: skip


def test_numbers_compare_by_value_but_booleans_do_not() -> None:
    assert first_difference([1, 2.0, float("nan")], [1.0, 2, float("nan")]) is not None  # nan
    assert first_difference(tag([1, 2.0, float("nan")]), tag([1.0, 2, float("nan")])) is None
    assert first_difference([True], [1]) == "[0]: True != 1"
    with pytest.raises(ValueError):
        assert_converges()


def test_decode_state_vector() -> None:
    a, _ = synced_pair()
    assert testing.snapshot(a).state_vector == {1: 5, 2: 1}
    from crdtcore import DecodeError, decode_state_vector

    with pytest.raises(DecodeError):  # a ValueError, as the Python decoder raised
        decode_state_vector(b"\x02\x01")


# -- message-level schedules -----------------------------------------------------------------


def test_exchange_delivers_duplicates_and_drops_single_messages() -> None:
    ex = Exchange(2, client_ids=[5, 6])
    ex.step(["edit", 0, [text_op("insert", text="a")]])
    ex.step(["edit", 0, [text_op("insert", index=1, text="b")]])
    assert len(ex.queues[0][1]) == 2
    ex.step(["duplicate", 0, 1, 1])  # the second update, out of order: pending
    assert ex.docs[1].has_pending and len(ex.queues[0][1]) == 2
    ex.step(["drop", 0, 1, 0])
    ex.step(["deliver", 0, 1, 0])
    assert ex.docs[1].has_pending and not ex.queues[0][1]
    ex.step(["sync", 1, 0])
    assert str(ex.docs[1]["text"]) == "ab" and not ex.docs[1].has_pending
    with pytest.raises(ValueError, match="step"):
        ex.step(["teleport", 0, 1])
    with pytest.raises(ValueError, match="client_ids"):
        Exchange(2, client_ids=[1, 1])


def test_run_schedule_repairs_losses() -> None:
    edit = ["edit", 1, [{"kind": "array", "action": "insert", "values": [1]}]]
    docs = run_schedule({"peers": 3, "steps": [edit, ["drop", 1, 0, 0], ["drop", 1, 2, 0]]})
    assert [d["array"].to_py() for d in docs] == [[1], [1], [1]]


# -- shrinking ---------------------------------------------------------------------------------


@FAST
@given(st.lists(st.integers(0, 40), unique=True, max_size=40), st.data())
def test_ddmin_finds_exactly_the_needed_items(items: list[int], data: st.DataObject) -> None:
    needed = set(data.draw(st.lists(st.sampled_from(items), max_size=4))) if items else set()
    assert set(ddmin(items, lambda xs: needed <= set(xs))) == needed


def test_ddmin_keeps_order_and_respects_its_budget() -> None:
    calls = []
    result = ddmin(list(range(100)), lambda xs: calls.append(1) or {7, 3} <= set(xs), max_tests=5)
    assert len(calls) <= 5 and {3, 7} <= set(result) and result == sorted(result)


# -- scenarios ---------------------------------------------------------------------------------


def test_scenario_json_round_trip_and_unknown_keys(tmp_path: Path) -> None:
    s = random_scenario(3, mix="chaos", ops=20)
    assert Scenario.from_json(s.to_json()) == s
    with pytest.raises(ValueError, match="unknown scenario keys"):
        Scenario.from_dict({"peers": 2, "topolgy": "mesh"})
    path = save_scenario(s, tmp_path / "s.json", description="why")
    assert load_scenario(path) == (s, {"description": "why"})
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(ValueError, match="not a scenario"):
        load_scenario(tmp_path / "bad.json")


def test_random_scenarios_are_seeded_and_guard_against_data_loss() -> None:
    assert random_scenario(4) == random_scenario(4) != random_scenario(5)
    for seed in range(30):
        s = random_scenario(seed, mix="churn")
        gone = {a["peer"]: a["at"] for a in s.actions if a["do"] == "leave"}
        for a in s.actions:
            if a["do"] == "edit" and a["peer"] in gone:
                assert a["at"] <= gone[a["peer"]] - LOSS_GUARD
    with pytest.raises(ValueError, match="mix"):
        random_scenario(1, mix="gentle")


def test_runs_are_deterministic() -> None:
    s = random_scenario(7, mix="chaos", ops=40)
    first, second = run_scenario(s), run_scenario(s)
    assert first == second and first.converged


def partitioned_forever() -> Scenario:
    s = random_scenario(2, topology="mesh", mix="lossy", ops=30, peers=4)
    edits = [{"at": 4000.0, "do": "edit", "peer": p, "ops": [text_op("insert", text=str(p))]}
             for p in (0, 3)]  # fmt: skip
    cut = {"at": 3000.0, "do": "partition", "groups": [[0, 1], [2, 3]]}
    actions = sorted([*s.actions, cut, *edits], key=lambda a: a["at"])
    return Scenario(**{**s.__dict__, "actions": actions})


def test_failures_are_detected_and_shrunk() -> None:
    s = partitioned_forever()
    assert failure_of(s).startswith("diverged (")
    small = shrink_scenario(s, max_tests=150)
    assert failure_of(small) is not None
    kinds = sorted(a["do"] for a in small.actions)
    assert kinds in (["edit", "partition"], ["edit", "edit", "partition"]), small.actions
    assert small.peers <= 4 and small.ops <= 2 and not small.link.get("drop")


def test_yjs_scenarios_need_a_peer_factory() -> None:
    with pytest.raises(ValueError, match="peer_factory"):
        run_scenario(Scenario(peers=2, yjs_peers=[1]))
    with pytest.raises(ValueError, match="unknown scenario action"):
        run_scenario(Scenario(peers=2, actions=[{"at": 0, "do": "explode"}]))


# -- command line ------------------------------------------------------------------------------


def test_replay_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"schedule": {"peers": 2, "steps": []}}))
    assert testing.main(["replay", str(good)]) == 0
    bad = save_scenario(partitioned_forever(), tmp_path / "bad.json", description="split")
    small = tmp_path / "small.json"
    assert testing.main(["replay", str(bad), "--shrink", str(small)]) == 1
    assert load_scenario(small)[1] == {"description": "split"}
    out = capsys.readouterr().out
    assert "converged: NO" in out and "minimal failing scenario" in out
    yjs = save_scenario(Scenario(peers=2, yjs_peers=[0]), tmp_path / "yjs.json")
    assert testing.main(["replay", str(yjs)]) == 2


def test_replay_runs_as_a_module(tmp_path: Path) -> None:
    import subprocess

    good = save_scenario(Scenario(peers=2), tmp_path / "good.json")
    done = subprocess.run(
        [sys.executable, "-m", "crdtcore.testing", "replay", str(good)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "converged" in done.stdout


# -- lazy hypothesis ---------------------------------------------------------------------------


def test_strategies_fail_clearly_without_hypothesis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hypothesis", None)  # import hypothesis -> ImportError
    monkeypatch.delitem(sys.modules, "crdtcore.testing._strategies")
    monkeypatch.delattr(importlib.import_module("crdtcore.testing"), "_strategies")
    fresh = importlib.reload(testing)  # importing crdtcore.testing needs no hypothesis
    assert callable(fresh.assert_converges)
    with pytest.raises(ImportError, match="pip install hypothesis"):
        fresh.values  # noqa: B018
    with pytest.raises(ImportError, match="pip install hypothesis"):
        from crdtcore.testing import schedules  # noqa: F401
    with pytest.raises(AttributeError):
        fresh.no_such_name  # noqa: B018
    assert "scenarios" in dir(fresh)
