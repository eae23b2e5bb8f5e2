"""Update exchange: out-of-order and duplicate delivery, pending data, module-level functions."""

import itertools
import random

import pytest

from crdtcore import (
    Array,
    DecodeError,
    Doc,
    Map,
    Text,
    decode_delete_set,
    decode_state_vector,
    get_state,
    get_update,
    merge_updates,
    validate_update,
)


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


# -- decoders (the core's, bound) ----------------------------------------------------------


def _var_uint(n: int) -> bytes:
    out = bytearray()
    while n > 0x7F:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    out.append(n)
    return bytes(out)


def _read_var_uint(data: bytes, pos: int) -> tuple[int, int]:
    n = shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated")
        byte = data[pos]
        pos += 1
        n |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return n, pos


def reference_state_vector(data: bytes) -> dict[int, int]:
    """The Python decoder crdtcore.testing used before the core's was bound."""
    count, pos = _read_var_uint(data, 0)
    out = {}
    for _ in range(count):
        client, pos = _read_var_uint(data, pos)
        out[client], pos = _read_var_uint(data, pos)
    if pos != len(data):
        raise ValueError("trailing bytes")
    return out


def reference_delete_set(data: bytes) -> dict[int, list[tuple[int, int]]]:
    """The Python decoder crdtcore.sim.deletes used before the core's was bound."""
    count, pos = _read_var_uint(data, 0)
    out: dict[int, list[tuple[int, int]]] = {}
    for _ in range(count):
        client, pos = _read_var_uint(data, pos)
        runs = out.setdefault(client, [])
        n, pos = _read_var_uint(data, pos)
        for _ in range(n):
            clock, pos = _read_var_uint(data, pos)
            length, pos = _read_var_uint(data, pos)
            runs.append((clock, length))
    return out


def encode_delete_set(ranges: dict[int, list[tuple[int, int]]]) -> bytes:
    out = [_var_uint(len(ranges))]
    for client, runs in ranges.items():
        out += [_var_uint(client), _var_uint(len(runs))]
        out += [_var_uint(clock) + _var_uint(length) for clock, length in runs]
    return b"".join(out)


def test_decode_state_vector_known_bytes():
    assert decode_state_vector(b"\x00") == {}
    assert decode_state_vector(b"\x01\x05\x02") == {5: 2}
    assert decode_state_vector(b"\x01\xac\x02\x01") == {300: 1}
    # Yjs writes clients descending; the dict keeps that order, any wire order is accepted.
    assert list(decode_state_vector(b"\x02\x07\x01\x03\x04")) == [7, 3]
    assert list(decode_state_vector(b"\x02\x03\x04\x07\x01")) == [7, 3]
    assert decode_state_vector(b"\x02\x03\x04\x03\x09") == {3: 9}  # the last duplicate wins
    big = 2**53 - 1
    assert decode_state_vector(b"\x01" + _var_uint(big) + _var_uint(big)) == {big: big}
    assert decode_state_vector(bytearray(b"\x01\x05\x02")) == {5: 2}
    assert decode_state_vector(memoryview(b"\x01\x05\x02")) == {5: 2}


def test_decode_delete_set_known_bytes():
    assert decode_delete_set(b"\x00") == {}
    assert decode_delete_set(b"\x01\x05\x01\x01\x02") == {5: [(1, 2)]}
    # Ranges as written (unsorted, unmerged), clients descending; length-0 ranges and
    # clients left without ranges are dropped.
    data = encode_delete_set({3: [(9, 1), (0, 4), (2, 3)], 8: [(1, 0)], 5: [], 12: [(0, 1)]})
    assert decode_delete_set(data) == {12: [(0, 1)], 3: [(9, 1), (0, 4), (2, 3)]}
    assert list(decode_delete_set(data)) == [12, 3]
    # A client written twice: its ranges are concatenated.
    twice = b"\x02\x05\x01\x00\x01\x05\x01\x04\x02"
    assert decode_delete_set(twice) == {5: [(0, 1), (4, 2)]}


def test_decoders_match_what_documents_report():
    doc = Doc({"t": Text("abcdef")}, client_id=300)
    other = Doc(client_id=7)
    other.apply_update(doc.get_update())
    other["t"] += "!"
    doc.apply_update(other.get_update())
    assert decode_state_vector(doc.get_state()) == {300: 6, 7: 1}
    events: list = []
    doc.observe(events.append)
    with doc.transaction():
        del doc["t"][4:6]
        del doc["t"][0:2]
    assert decode_delete_set(events[0].delete_set) == {300: [(0, 2), (4, 2)]}


@pytest.mark.parametrize("seed", range(20))
def test_decoders_agree_with_the_python_decoders_they_replace(seed):
    rng = random.Random(seed)
    sv = {rng.randrange(2 ** rng.randrange(1, 53)): rng.randrange(2**20) for _ in range(8)}
    data = _var_uint(len(sv)) + b"".join(_var_uint(c) + _var_uint(k) for c, k in sv.items())
    assert decode_state_vector(data) == reference_state_vector(data) == sv
    ranges = {
        rng.randrange(2**32): [(rng.randrange(2**30), rng.randrange(1, 99)) for _ in range(3)]
        for _ in range(rng.randrange(5))
    }
    data = encode_delete_set(ranges)
    assert decode_delete_set(data) == reference_delete_set(data) == ranges
    # Real documents: the states and delete sets of random edits.
    source, _ = make_history()
    for _ in range(5):
        text = source["t"]
        if len(text) > 1:
            start = rng.randrange(len(text) - 1)
            del text[start : start + rng.randrange(1, 3)]
        text.insert(rng.randrange(len(text) + 1), "xy")
    state = source.get_state()
    assert decode_state_vector(state) == reference_state_vector(state)
    tail = get_update(source.get_update(), state)[1:]  # no structs: the delete set alone
    assert decode_delete_set(tail) == reference_delete_set(tail)


BAD_STATE_VECTORS = [b"", b"\x01", b"\x02\x01", b"\x01\x05", b"\x01\x80", b"\x01" + b"\xff" * 11]
BAD_DELETE_SETS = [b"", b"\x01", b"\x01\x05", b"\x01\x05\x01\x00", b"\x05\x01\x01\x00\x01"]
BAD_UPDATES = [b"", b"\x00", b"\x01", b"\x01\x01\x05\x00\x99\x99", b"\x01\x01\x07\x00\x04"]


@pytest.mark.parametrize("data", BAD_STATE_VECTORS)
def test_decode_state_vector_rejects_malformed_bytes(data):
    with pytest.raises(DecodeError, match=r"^malformed state vector: "):
        decode_state_vector(data)


@pytest.mark.parametrize("data", BAD_DELETE_SETS)
def test_decode_delete_set_rejects_malformed_bytes(data):
    with pytest.raises(DecodeError, match=r"^malformed delete set: "):
        decode_delete_set(data)


@pytest.mark.parametrize("data", BAD_UPDATES)
def test_validate_update_rejects_what_apply_update_rejects(data):
    with pytest.raises(DecodeError, match=r"^malformed update: "):
        validate_update(data)
    doc = Doc({"t": Text("x")}, client_id=1)
    before = doc.get_update()
    with pytest.raises(DecodeError):
        doc.apply_update(data)
    assert doc.get_update() == before


def test_validate_update_accepts_what_apply_update_accepts():
    source, updates = make_history()
    for update in [*updates, source.get_update(), merge_updates(*updates), b"\x00\x00"]:
        assert validate_update(update) is None
        assert validate_update(bytearray(update)) is None
    rng = random.Random(3)
    whole = source.get_update()
    for _ in range(200):  # mutated bytes: valid for validate_update iff for apply_update
        data = bytearray(whole)
        data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            validate_update(bytes(data))
            valid = True
        except DecodeError:
            valid = False
        try:
            Doc().apply_update(bytes(data))
            applied = True
        except DecodeError:
            applied = False
        except (TypeError, RuntimeError):
            applied = True  # decoded, then refused while integrating
        assert valid == applied, bytes(data)


def test_decoders_refuse_non_bytes():
    for decode in (decode_state_vector, decode_delete_set, validate_update):
        with pytest.raises(TypeError):
            decode("\x00")  # type: ignore[arg-type]
