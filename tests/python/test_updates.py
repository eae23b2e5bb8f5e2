"""Update exchange: out-of-order and duplicate delivery, pending data, module-level functions."""

import itertools
import random

import pytest

from crdtcore import Array, Doc, Map, Text, get_state, get_update, merge_updates


def recorded_updates(doc: Doc) -> list[bytes]:
    updates: list[bytes] = []
    doc.observe(lambda e: updates.append(e.update))
    return updates


def make_history() -> tuple[Doc, list[bytes]]:
    """A document edited in five transactions, and the update of each."""
    doc = Doc(client_id=1)
    updates = recorded_updates(doc)
    doc["t"] = Text("hello")
    doc["t"] += " world"
    del doc["t"][0:1]
    doc["a"] = Array([1, Map({"k": Text("v")})])
    doc["a"][1]["k"] += "!"
    assert len(updates) == 5
    return doc, updates


def content(doc: Doc) -> tuple[str, list]:
    return str(doc.get("t", type=Text)), doc.get("a", type=Array).to_py()


def test_updates_in_order_reproduce_the_document():
    source, updates = make_history()
    target = Doc()
    for u in updates:
        target.apply_update(u)
    assert content(target) == content(source) == ("ello world", [1, {"k": "v!"}])
    assert target.get_state() == source.get_state()


@pytest.mark.parametrize("seed", range(8))
def test_updates_in_any_order_with_duplicates_converge(seed):
    source, updates = make_history()
    rng = random.Random(seed)
    delivery = updates + rng.sample(updates, 3)
    rng.shuffle(delivery)
    target = Doc()
    for u in delivery:
        target.apply_update(u)
    assert content(target) == content(source)
    assert not target.has_pending


def test_all_orders_of_three_concurrent_edits():
    base = Doc({"t": Text("base")}, client_id=1)
    peers = []
    for client_id in (2, 3, 4):
        peer = Doc(client_id=client_id)
        peer.apply_update(base.get_update())
        peers.append(peer)
    peers[0]["t"].insert(0, "A")
    peers[1]["t"].insert(4, "B")
    peers[2]["t"] += "C"
    updates = [base.get_update()] + [p.get_update() for p in peers]
    results = set()
    for order in itertools.permutations(updates):
        doc = Doc()
        for u in order:
            doc.apply_update(u)
        results.add(str(doc["t"]))
    assert len(results) == 1
    assert sorted(results.pop()) == sorted("AbaseBC")


def test_missing_dependency_waits_as_pending():
    _, updates = make_history()
    target = Doc()
    target.apply_update(updates[1])  # depends on updates[0]
    assert target.has_pending
    assert target.get_state() == b"\x00"
    assert str(target.get("t", type=Text)) == ""
    target.apply_update(updates[0])
    assert not target.has_pending
    assert str(target["t"]) == "hello world"


def test_pending_content_is_included_in_get_update():
    _, updates = make_history()
    relay = Doc()
    relay.apply_update(updates[1])
    final = Doc()
    final.apply_update(updates[0])
    final.apply_update(relay.get_update())
    assert str(final["t"]) == "hello world"


def test_duplicate_update_changes_nothing():
    source, _ = make_history()
    target = Doc()
    update = source.get_update()
    target.apply_update(update)
    events = recorded_updates(target)
    target.apply_update(update)
    assert events == []
    assert content(target) == content(source)


def test_concurrent_edits_converge_between_two_docs():
    a = Doc(client_id=1)
    b = Doc(client_id=2)
    a["t"] = Text("common")
    b.apply_update(a.get_update())
    a["t"].insert(0, "😀 ")
    b["t"] += " text"
    del a["t"][-1]
    b.get("m", type=Map)["who"] = "b"
    a.get("m", type=Map)["who"] = "a"
    a_update = a.get_update(b.get_state())
    b_update = b.get_update(a.get_state())
    a.apply_update(b_update)
    b.apply_update(a_update)
    assert str(a["t"]) == str(b["t"]) == "😀 commo text"
    assert a["m"].to_py() == b["m"].to_py() == {"who": "b"}  # higher client id wins
    assert a.get_state() == b.get_state()


# -- module-level functions --------------------------------------------------------


def test_merge_updates_equals_applying_each():
    source, updates = make_history()
    merged = merge_updates(*updates)
    target = Doc()
    target.apply_update(merged)
    assert content(target) == content(source)


def test_merge_updates_out_of_order_and_edge_cases():
    source, updates = make_history()
    merged = merge_updates(*reversed(updates))
    target = Doc()
    target.apply_update(merged)
    assert content(target) == content(source)
    assert merge_updates() == b"\x00\x00"
    assert merge_updates(updates[0]) == updates[0]
    assert merge_updates(bytearray(updates[0]), memoryview(updates[1]))


def test_get_state_of_update_equals_doc_state():
    source, updates = make_history()
    assert get_state(source.get_update()) == source.get_state()
    assert get_state(updates[0]) == b"\x01\x01\x05"


def test_get_update_diffs_against_a_state():
    source, updates = make_history()
    partial = Doc()
    partial.apply_update(updates[0])
    missing = get_update(source.get_update(), partial.get_state())
    assert len(missing) < len(source.get_update())
    partial.apply_update(missing)
    assert content(partial) == content(source)
    nothing_new = get_update(source.get_update(), source.get_state())
    assert nothing_new.startswith(b"\x00")  # no structs; Yjs keeps the whole delete set
    assert get_state(nothing_new) == b"\x00"


def test_demo_converges_and_shows_pending(capsys):
    from crdtcore.__main__ import main

    assert main(["demo", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "pending" in out and "duplicate" in out
    assert out.rstrip().endswith("converged: all three documents are identical")
