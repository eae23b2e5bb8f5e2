"""crdtcore.StickyIndex (Yjs RelativePosition): pycrdt's documented behaviours
(tests/test_sticky_index.py in y-crdt/pycrdt), code-point indices, remote edits, deleted
content, GC, and bad input. Real-Yjs interop: tests/interop/test_sticky_interop.py."""

from __future__ import annotations

import doctest
import importlib
import random

import pytest

import crdtcore
from crdtcore import Array, Assoc, DecodeError, Doc, Map, StickyIndex, Text

SEQUENCES = [pytest.param(Text, "abc", id="text"), pytest.param(Array, ["a", "b", "c"], id="array")]
EMPTY = [pytest.param(Text, "", id="text"), pytest.param(Array, [], id="array")]


@pytest.mark.parametrize(("kind", "value"), SEQUENCES)
@pytest.mark.parametrize("assoc", [Assoc.AFTER, Assoc.BEFORE])
@pytest.mark.parametrize("index", [0, 1, 3], ids=["start", "middle", "end"])
def test_resolves_where_it_was_made(kind, value, assoc, index):
    doc = Doc(client_id=1)
    doc["owner"] = seq = kind(value)
    state = doc.get_state()
    s = seq.sticky_index(index, assoc)
    assert s.assoc == assoc
    assert s.resolve(seq) == index
    assert s.get_index() == index
    decoded = StickyIndex.decode(s.encode(), seq)
    assert decoded == s or decoded.encode() == s.encode()
    assert decoded.get_index() == index
    assert StickyIndex.from_json(s.to_json(), seq).get_index() == index
    assert StickyIndex.new(seq, index, assoc) == s
    assert doc.get_state() == state  # making and resolving positions changes nothing


@pytest.mark.parametrize(("kind", "value"), SEQUENCES)
@pytest.mark.parametrize("assoc", [Assoc.AFTER, Assoc.BEFORE])
def test_nested_sequence_on_a_replica(kind, value, assoc):
    source = Doc(client_id=1)
    root = source.get("root", type=Map)
    root["owner"] = owner = kind(value)
    encoded = owner.sticky_index(2, assoc).encode()
    end = owner.sticky_index(len(value)).encode()
    replica = Doc(client_id=2)
    replica.apply_update(source.get_update())
    replica_owner = replica.get("root", type=Map)["owner"]
    assert StickyIndex.decode(encoded, replica_owner).get_index() == 2
    assert StickyIndex.decode(end, replica_owner).get_index() == len(value)
    with replica.transaction() as txn:
        assert StickyIndex.decode(end).get_index(txn) == len(value)


@pytest.mark.parametrize(("kind", "value"), EMPTY)
@pytest.mark.parametrize("assoc", [Assoc.AFTER, Assoc.BEFORE])
def test_empty_sequence(kind, value, assoc):
    doc = Doc(client_id=1)
    doc["owner"] = seq = kind(value)
    s = StickyIndex.from_json(seq.sticky_index(0, assoc).to_json(), seq)
    assert s.get_index() == 0
    seq.insert(0, "x")
    assert s.get_index() == (1 if assoc == Assoc.AFTER else 0)


@pytest.mark.parametrize(("kind", "value"), SEQUENCES)
@pytest.mark.parametrize("how", ["binary", "json"])
def test_sibling_and_other_kind_do_not_own_it(kind, value, how):
    doc = Doc(client_id=1)
    root = doc.get("root", type=Map)
    root["sibling"] = sibling = kind(value)
    root["owner"] = owner = kind(value)
    root["other"] = other = Array(list(value)) if kind is Text else Text("".join(value))
    s = owner.sticky_index(2)
    decoded = (
        StickyIndex.decode(s.encode(), sibling)
        if how == "binary"
        else StickyIndex.from_json(s.to_json(), sibling)
    )
    assert decoded.resolve(sibling) is None
    assert decoded.resolve(other) is None
    assert decoded.resolve(owner) == 2
    with pytest.raises(ValueError, match="Sticky index cannot be resolved"):
        decoded.get_index()


@pytest.mark.parametrize(("kind", "value"), SEQUENCES)
@pytest.mark.parametrize("skip_gc", [False, True])
def test_deleted_owner_does_not_resolve(kind, value, skip_gc):
    doc = Doc(client_id=1, skip_gc=skip_gc)
    root = doc.get("root", type=Map)
    root["owner"] = owner = kind(value)
    middle, end = owner.sticky_index(1), owner.sticky_index(len(value))
    del root["owner"]
    for s in (middle, end):
        assert s.resolve(owner) is None
        with pytest.raises(ValueError, match="Sticky index cannot be resolved"):
            s.get_index()
        with doc.transaction() as txn, pytest.raises(ValueError):
            StickyIndex.decode(s.encode()).get_index(txn)


def test_unknown_item_and_missing_context():
    doc = Doc(client_id=1)
    text = doc.get("text", type=Text)
    s = StickyIndex.from_json({"item": {"client": 999, "clock": 0}, "assoc": 0}, text)
    assert s.resolve(text) is None
    with pytest.raises(ValueError, match="Sticky index cannot be resolved"):
        s.get_index()
    with pytest.raises(RuntimeError, match="No transaction"):
        StickyIndex.from_json({"tname": "text"}).get_index()
    with doc.transaction() as txn:
        assert StickyIndex.from_json({"tname": "text"}).get_index(txn) == 0
        with pytest.raises(ValueError):
            StickyIndex.from_json({"tname": "nope"}).get_index(txn)


def test_follows_its_character_through_local_and_remote_edits():
    a, b = Doc(client_id=1), Doc(client_id=2)
    a["t"] = ta = Text("0123456789")
    b.apply_update(a.get_update())
    tb = b["t"]
    after = ta.sticky_index(5)  # before "5"
    before = ta.sticky_index(5, Assoc.BEFORE)  # after "4"
    ta.insert(5, "AB")  # at the position itself
    assert str(ta)[after.get_index()] == "5"
    assert str(ta)[before.get_index() - 1] == "4"
    assert (after.get_index(), before.get_index()) == (7, 5)
    tb.insert(0, "xyz")
    del tb[7]  # "4"
    a.apply_update(b.get_update(a.get_state()))
    b.apply_update(a.get_update(b.get_state()))
    assert str(ta) == str(tb) == "xyz0123AB56789"
    assert after.get_index() == 9
    assert before.get_index() == 7  # the deleted "4" stays where it was
    assert StickyIndex.decode(after.encode(), tb).get_index() == 9


def test_code_points_with_non_bmp_text():
    doc = Doc(client_id=1)
    doc["t"] = t = Text("a😀b🎉c")
    for i in range(len("a😀b🎉c") + 1):
        for assoc in Assoc:
            assert t.sticky_index(i, assoc).get_index() == i
    s = t.sticky_index(3)  # before "🎉"
    b = t.sticky_index(2, Assoc.BEFORE)  # after "😀"
    assert s.to_json()["item"] == {"client": 1, "clock": 4}  # UTF-16 clocks, as in Yjs
    assert b.to_json()["item"] == {"client": 1, "clock": 2}  # the low surrogate
    t.insert(0, "🙂🙂")
    assert str(t)[s.get_index()] == "🎉"
    assert str(t)[b.get_index() - 1] == "😀"


@pytest.mark.parametrize("skip_gc", [False, True])
def test_deleted_character_resolves_where_it_was(skip_gc):
    doc = Doc(client_id=1, skip_gc=skip_gc)
    doc["t"] = t = Text("hello world")
    s = t.sticky_index(7)  # "o" of world
    del t[5:9]  # "hellold"
    assert s.get_index() == 5
    t.insert(0, ">")
    assert s.get_index() == 6
    other = Doc(client_id=2)
    other.apply_update(doc.get_update())  # the deleted run arrives garbage-collected
    assert StickyIndex.decode(s.encode(), other["t"]).get_index() == 6


def test_garbage_collected_type():
    a = Doc(client_id=1)
    root = a.get("root", type=Map)
    root["t"] = t = Text("abcdef")
    data = t.sticky_index(2).encode()
    del root["t"]
    late = Doc(client_id=3)
    late.apply_update(a.get_update())  # the text's items arrive as GC structs
    with late.transaction() as txn, pytest.raises(ValueError):
        StickyIndex.decode(data).get_index(txn)


def test_random_sessions_keep_the_character():
    rng = random.Random(7)
    for _ in range(30):
        a, b = Doc(client_id=1), Doc(client_id=2)
        a["t"] = ta = Text("".join(rng.choice("ab😀é") for _ in range(20)))
        b.apply_update(a.get_update())
        tb = b["t"]
        index = rng.randrange(len(ta))
        char = str(ta)[index]
        cursor = ta.sticky_index(index)
        anchor_id = cursor.to_json()["item"]
        for _ in range(20):
            for t in (ta, tb):
                if rng.random() < 0.6 or len(t) == 0:
                    t.insert(rng.randint(0, len(t)), rng.choice(["x", "😀", "yz"]))
                else:
                    i = rng.randrange(len(t))
                    if t is ta and i == cursor.get_index():
                        continue  # keep the character alive
                    del t[i]
        a.apply_update(b.get_update(a.get_state()))
        b.apply_update(a.get_update(b.get_state()))
        assert str(ta) == str(tb)
        remote = StickyIndex.from_json(cursor.to_json(), tb)
        if cursor.get_index() < len(ta) and str(ta)[cursor.get_index()] == char:
            assert remote.get_index() == cursor.get_index()
        assert cursor.to_json()["item"] == anchor_id


def test_errors():
    doc = Doc(client_id=1)
    doc["t"] = t = Text("abc")
    doc["m"] = m = Map()
    with pytest.raises(IndexError):
        t.sticky_index(4)
    with pytest.raises(IndexError):
        t.sticky_index(-1)
    with pytest.raises(TypeError):
        StickyIndex.new(m, 0)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError):
        Text("prelim").sticky_index(0)


@pytest.mark.parametrize(
    "data", [b"", b"\xff", b"\x03\x00", b"\x00", b"\x00\x05", b"\x01\x05ab", b"\x01\x01\xff"]
)
def test_bad_bytes_raise_decode_error(data):
    with pytest.raises(DecodeError, match="Cannot decode sticky index"):
        StickyIndex.decode(data)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"item": "invalid", "assoc": 0},
        {"item": {"client": 1}},
        {"item": {"client": -1, "clock": 0}},
        {"item": {"client": 2**70, "clock": 0}},
        {"item": {"client": True, "clock": 0}},
        {"tname": 5},
        {"tname": "t", "assoc": "x"},
        {"type": [1, 2]},
        {1: 2},
        [],
        "text",
        None,
    ],
)
def test_bad_json_raises_decode_error(data):
    with pytest.raises(ValueError, match="Cannot decode sticky index JSON"):
        StickyIndex.from_json(data)


def test_fuzzed_bytes_never_crash():
    rng = random.Random(1)
    doc = Doc(client_id=1)
    doc["t"] = t = Text("hello")
    seeds = [t.sticky_index(i, a).encode() for i in range(6) for a in Assoc]
    for _ in range(2000):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 3)):
            op = rng.randrange(3)
            if op == 0 and data:
                data[rng.randrange(len(data))] = rng.randrange(256)
            elif op == 1:
                data.insert(rng.randint(0, len(data)), rng.randrange(256))
            elif data:
                del data[rng.randrange(len(data))]
        try:
            s = StickyIndex.decode(bytes(data), t)
        except DecodeError:
            continue
        assert s.resolve(t) is None or 0 <= s.resolve(t) <= len(t)


def test_docstring_examples_run():
    names = {name: getattr(crdtcore, name) for name in crdtcore.__all__}
    result = doctest.testmod(importlib.import_module("crdtcore._sticky_index"), extraglobs=names)
    assert result.failed == 0
    assert result.attempted >= 8
