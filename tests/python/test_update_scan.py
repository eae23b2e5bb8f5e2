"""The struct walk behind ``inspect_update`` (``crdtcore._update_scan``): content kinds,
missing dependencies and inferred root types, checked against the core on Yjs's corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from crdtcore import (
    Array,
    DecodeError,
    Doc,
    Map,
    Text,
    decode_state_vector,
    get_update,
    inspect_update,
    merge_updates,
)

CORPUS = sorted((Path(__file__).resolve().parents[1] / "cpp" / "fixtures" / "corpus").glob("*.bin"))
KIND_NAMES = {0: "array", 1: "map", 2: "text"}  # TypeKind values


def test_kinds_of_every_content():
    doc = Doc(client_id=1)
    doc["t"] = text = Text("ab")
    text.insert_embed(1, {"img": 1})
    text.format(0, 1, {"bold": True})
    doc["a"] = Array([1, b"\x00", Map({"k": "v"}), Text("x"), Array()])
    del doc["a"][0]
    s = inspect_update(doc.get_update())
    assert s.kinds == {
        "any": 1,  # the map's "v" (the deleted 1 became "deleted" content)
        "binary": 1,
        "deleted": 1,
        "embed": 1,
        "format": 2,
        "string": 3,
        "type:array": 1,
        "type:map": 1,
        "type:text": 1,
    }


def test_no_missing_dependencies_in_a_whole_document():
    doc = Doc({"t": Text("hello"), "m": Map({"x": 1})}, client_id=3)
    assert inspect_update(doc.get_update()).missing == {}


def test_missing_own_clocks_and_origins_of_other_clients():
    a = Doc({"t": Text("ab")}, client_id=1)
    b = Doc(client_id=2)
    b.apply_update(a.get_update())
    before = b.get_state()
    b["t"].insert(1, "X")
    b["t"].insert(3, "Y")
    diff = get_update(b.get_update(), before)
    assert inspect_update(diff).missing == {1: [(0, 2)]}  # the origins of X and Y
    later = get_update(b.get_update(), merge_state(before, {2: 1}))
    assert inspect_update(later).missing == {2: [(0, 1)], 1: [(0, 2)]}


def merge_state(state: bytes, extra: dict[int, int]) -> bytes:
    from crdtcore.sync import write_var_uint

    clocks = {**decode_state_vector(state), **extra}
    out = write_var_uint(len(clocks))
    for client, clock in sorted(clocks.items(), reverse=True):
        out += write_var_uint(client) + write_var_uint(clock)
    return out


def test_missing_gap_between_skips():
    doc, updates = Doc(client_id=4), []
    doc.observe(lambda event: updates.append(event.update))
    doc["t"] = Text("a")
    for ch in "bcd":
        doc["t"] += ch
    s = inspect_update(merge_updates(updates[0], updates[3]))
    assert s.skips == 1
    assert s.clock_ranges == {4: [(0, 1), (3, 4)]}
    assert s.missing == {4: [(1, 3)]}


@pytest.mark.parametrize(
    ("roots", "expected"),
    [
        ({"t": Text("x")}, "text"),
        ({"m": Map({"k": 1})}, "map"),
        ({"a": Array([1, "s"])}, "array"),
        ({"a": Array([Text("inner")])}, "array"),  # nested content is not the root's
        ({"m": Map({"k": "string value"})}, "map"),  # map values are keyed
    ],
)
def test_root_types_are_inferred_from_content(roots, expected):
    name = next(iter(roots))
    s = inspect_update(Doc(roots).get_update())
    assert s.roots == {name: expected}


def test_a_text_with_attributes_is_still_a_text():
    # Texts hold formatting attributes as keyed entries: sequence content decides.
    doc = Doc({"t": Text("hello")})
    doc["t"].format(0, 5, {"bold": True})
    assert inspect_update(doc.get_update()).roots == {"t": "text"}


def test_roots_of_items_found_through_their_origins():
    doc, updates = Doc(client_id=1), []
    doc.observe(lambda event: updates.append(event.update))
    doc["t"] = Text("a")
    doc["t"] += "b"  # its item names no parent, only its origin
    s = inspect_update(merge_updates(*updates))
    assert s.roots == {"t": "text"}
    assert inspect_update(updates[1]).roots == {}  # the origin is not in the update


def test_a_circle_of_origins_is_rejected_by_the_decoder():
    circle = bytes([1, 2, 1, 0, 0x84, 1, 1, 1, ord("a"), 0x84, 1, 0, 1, ord("b"), 0])
    with pytest.raises(DecodeError):
        inspect_update(circle)


def test_trailing_bytes_are_counted():
    update = Doc({"t": Text("x")}).get_update()
    assert inspect_update(update).trailing_bytes == 0
    assert inspect_update(update + b"\x07\x08").trailing_bytes == 2


def test_agrees_with_the_core_on_the_yjs_corpus():
    assert len(CORPUS) >= 20
    for path in CORPUS:
        update = path.read_bytes()
        s = inspect_update(update)
        doc = Doc()
        doc.apply_update(update)
        have = decode_state_vector(doc.get_state())
        # No missing clock exactly when a fresh document integrates every struct.
        complete = all(have.get(c, 0) == runs[-1][1] for c, runs in s.clock_ranges.items())
        assert (s.missing == {}) == complete, path.name
        # Where the core guesses an untyped root's type, the walk agrees.
        for name in doc:
            guess = int(doc._native.root(name)._guess_kind())
            if guess in KIND_NAMES:
                assert s.roots.get(name) == KIND_NAMES[guess], (path.name, name)
