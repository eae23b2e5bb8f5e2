"""The error tree: DecodeError for malformed bytes (document unchanged), builtin errors elsewhere."""

import random

import pytest

import crdtcore
from crdtcore import Array, CrdtcoreError, DecodeError, Doc, Map, Text, errors


def snapshot(doc: Doc) -> tuple[bytes, bytes, str]:
    return doc.get_state(), doc.get_update(), str(doc.get("t", type=Text))


def test_decode_error_is_a_value_error_in_the_tree():
    assert issubclass(DecodeError, ValueError)
    assert issubclass(DecodeError, CrdtcoreError)
    assert errors.DecodeError is crdtcore.DecodeError
    assert "DecodeError" in errors.__doc__


@pytest.mark.parametrize(
    "garbage",
    [b"", b"\x01", b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", b"\x01\x02garbage", b"hello world"],
)
def test_garbage_update_raises_decode_error_and_leaves_doc_unchanged(garbage):
    doc = Doc({"t": Text("keep me")}, client_id=1)
    before = snapshot(doc)
    with pytest.raises(DecodeError):
        doc.apply_update(garbage)
    assert snapshot(doc) == before
    doc["t"] += "!"  # still usable
    assert str(doc["t"]) == "keep me!"


def test_truncated_valid_update_raises_and_changes_nothing():
    source = Doc({"t": Text("some text"), "a": Array([1, 2, 3])}, client_id=7)
    update = source.get_update()
    rejected = 0
    for cut in range(1, len(update)):
        doc = Doc({"t": Text("x")}, client_id=1)
        before = snapshot(doc)
        try:
            doc.apply_update(update[:cut])
        except DecodeError:
            rejected += 1
            assert snapshot(doc) == before
    assert rejected >= len(update) // 2


def test_random_bytes_never_crash():
    rng = random.Random(1234)
    doc = Doc({"t": Text("base")}, client_id=1)
    for _ in range(300):
        blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
        before = snapshot(doc)
        try:
            doc.apply_update(blob)
        except DecodeError:
            assert snapshot(doc) == before


def test_malformed_state_vector_raises_decode_error():
    doc = Doc({"t": Text("x")})
    with pytest.raises(DecodeError):
        doc.get_update(b"\x05\x01")


def test_module_functions_raise_decode_error():
    with pytest.raises(DecodeError):
        crdtcore.merge_updates(b"\x01\x02\x03")
    with pytest.raises(DecodeError):
        crdtcore.get_state(b"\xff")
    with pytest.raises(DecodeError):
        crdtcore.get_update(b"\x00\x00", b"\x09")


def test_decode_error_is_catchable_as_value_error():
    with pytest.raises(ValueError):
        Doc().apply_update(b"\x01\x02garbage")


def test_index_errors():
    doc = Doc({"t": Text("ab"), "a": Array([1])})
    with pytest.raises(IndexError):
        doc["t"].insert(3, "x")
    with pytest.raises(IndexError):
        del doc["t"][5]
    with pytest.raises(IndexError):
        doc["a"][1]
    with pytest.raises(IndexError):
        doc["a"].insert(2, 0)


def test_key_errors():
    doc = Doc({"m": Map()})
    with pytest.raises(KeyError):
        doc["missing"]
    with pytest.raises(KeyError):
        doc["m"]["missing"]


def test_runtime_error_for_prelim_types():
    for prelim in (Text("x"), Array([1]), Map({"k": 1})):
        with pytest.raises(RuntimeError, match="not integrated"):
            len(prelim)
        with pytest.raises(RuntimeError):
            _ = prelim.doc


def test_type_error_for_root_type_mismatch():
    doc = Doc({"t": Text()})
    with pytest.raises(TypeError):
        doc.get("t", type=Map)


def test_deleted_nested_type_raises_on_write():
    doc = Doc({"m": Map({"t": Text("x")})})
    nested = doc["m"]["t"]
    del doc["m"]["t"]
    assert str(nested) == ""
    with pytest.raises(RuntimeError):
        nested.insert(0, "y")
