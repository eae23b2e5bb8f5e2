"""Malformed bytes at the Python surface raise crdtcore.DecodeError and nothing else.

Every input goes to Doc.apply_update (on a fresh Doc and on a Doc holding content),
Doc.get_update(state), merge_updates, get_state and get_update. Only
crdtcore.DecodeError may come out; a rejected update must leave the Doc unchanged
(get_update()/get_state() bytes, root names and to_py() of the roots), and the Doc
must still accept valid updates afterwards. Inputs: hypothesis-generated random
bytes and mutations (truncation, bit flips, insertions, deletions, splices) of the
Yjs-made corpus in tests/cpp/fixtures/corpus, plus hand-crafted hostile inputs
(huge counts and lengths, clocks near 2**53, self references, deep nesting).
The C++ counterpart is tests/cpp/fuzz/decode_robustness_test.cpp.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crdtcore
from crdtcore import Array, Doc, Map, Text

CORPUS_DIR = Path(__file__).resolve().parents[1] / "cpp" / "fixtures" / "corpus"
CORPUS = {p.stem: p.read_bytes() for p in sorted(CORPUS_DIR.glob("*.bin"))}
CORPUS_NAMES = sorted(CORPUS)

MAX = 2**53 - 1
P40 = 2**40

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# ---------------------------------------------------------------- helpers


def var_uint(n: int) -> bytes:
    out = bytearray()
    while n > 127:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    out.append(n)
    return bytes(out)


def var_str(s: str | bytes) -> bytes:
    b = s.encode() if isinstance(s, str) else s
    return var_uint(len(b)) + b


def u(*values: int) -> bytes:
    return b"".join(var_uint(v) for v in values)


def block(structs: int, client: int, clock: int) -> bytes:
    """Struct section header with one client block."""
    return u(1, structs, client, clock)


def root_item(info: int, root: str = "t", client: int = 1, clock: int = 0) -> bytes:
    return block(1, client, clock) + bytes([info]) + u(1) + var_str(root)


def accepted(fn, *args) -> bool:
    """Runs fn(*args): True if it returned, False on DecodeError; anything else escapes."""
    try:
        fn(*args)
    except crdtcore.DecodeError:
        return False
    return True


def content_doc() -> Doc:
    doc = Doc(client_id=4242)
    doc["t"] = Text("héllo 😀 world")
    doc["a"] = Array([1, 2.5, "x", None, True, {"k": [1, 2]}, b"\x00\x01"])
    doc["m"] = Map({"k": "v", "n": 7, "nested": Map({"deep": Text("d")})})
    with doc.transaction():
        doc["t"].format(0, 5, {"bold": True})
        del doc["a"][1]
    return doc


CONTENT_UPDATE = content_doc().get_update()


def snapshot(doc: Doc) -> tuple:
    names = sorted(doc.keys())
    roots = {}
    for name, kind in (("t", Text), ("a", Array), ("m", Map)):
        if name in names:
            roots[name] = doc.get(name, type=kind).to_py()
    return doc.get_update(), doc.get_state(), names, repr(roots)


def fresh_doc_from(*updates: bytes) -> Doc:
    doc = Doc(client_id=4242)
    for up in updates:
        doc.apply_update(up)
    return doc


def check_input(data: bytes, original: bytes) -> bool:
    """Runs every entry point on `data`; returns whether a fresh Doc accepted it."""
    # Fresh Doc.
    fresh = Doc(client_id=99)
    fresh_ok = accepted(fresh.apply_update, data)
    if not fresh_ok:
        assert fresh.get_update() == b"\x00\x00"
        assert fresh.get_state() == b"\x00"
        assert list(fresh.keys()) == []
    else:
        # The Doc's own state must re-apply (to an equal Doc only for honest input:
        # mutations reuse ids for other content, on which no CRDT converges).
        again = fresh_doc_from(fresh.get_update())
        if data == original:
            assert again.get_state() == fresh.get_state()
            assert again.get_update() == fresh.get_update()

    # Doc holding content: unchanged on rejection, still usable afterwards.
    doc = fresh_doc_from(CONTENT_UPDATE)
    events = []
    doc.observe(events.append)
    before = snapshot(doc)
    if not accepted(doc.apply_update, data):
        assert snapshot(doc) == before
        assert events == []
        doc.apply_update(original)
        reference = fresh_doc_from(CONTENT_UPDATE, original)
        assert doc.get_update() == reference.get_update()
        doc["t"].insert(0, "still works ")
        assert str(doc["t"]).startswith("still works ")
    else:
        accepted(doc.apply_update, original)

    # Module-level update functions and Doc.get_update(state).
    if accepted(crdtcore.merge_updates, data, original):
        crdtcore.get_state(crdtcore.merge_updates(data, original))
    accepted(crdtcore.get_state, data)
    accepted(crdtcore.get_update, data, b"\x00")
    accepted(crdtcore.get_update, data, crdtcore.get_state(original))
    accepted(crdtcore.get_update, original, data)
    accepted(fresh_doc_from(original).get_update, data)
    return fresh_ok


# ---------------------------------------------------------------- mutations


@st.composite
def mutated(draw) -> tuple[bytes, bytes]:
    name = draw(st.sampled_from(CORPUS_NAMES))
    original = CORPUS[name]
    data = bytearray(original)
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "splice", "set"]))
    pos = draw(st.integers(0, len(data)))
    if kind == "truncate":
        del data[pos:]
    elif kind == "flip" and data:
        for _ in range(draw(st.integers(1, 6))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] ^= 1 << draw(st.integers(0, 7))
    elif kind == "insert":
        data[pos:pos] = draw(st.binary(min_size=1, max_size=6))
    elif kind == "delete":
        del data[pos : pos + draw(st.integers(1, 8))]
    elif kind == "splice":
        other = CORPUS[draw(st.sampled_from(CORPUS_NAMES))]
        data = data[:pos] + other[draw(st.integers(0, len(other))) :]
    elif kind == "set" and pos < len(data):
        big = var_uint(draw(st.sampled_from([P40, MAX, MAX - 1, 2**32, 0, 127, 128])))
        data[pos : pos + 1] = big
    return bytes(data), original


def test_corpus_is_present_and_valid():
    assert len(CORPUS) >= 30, "run tests/interop/gen_fuzz_corpus.mjs"
    for name, update in CORPUS.items():
        assert check_input(update, update), name


@FUZZ
@given(mutated())
def test_mutated_corpus_updates(case):
    data, original = case
    check_input(data, original)


@FUZZ
@given(st.binary(max_size=80))
def test_random_bytes(data):
    check_input(data, CORPUS["text_plain"])


@FUZZ
@given(st.lists(st.integers(0, 12), max_size=40).map(bytes))
def test_random_small_values(data):
    # Small byte values keep counts plausible, so decoding gets further.
    check_input(data, CORPUS["text_plain"])


# ---------------------------------------------------------------- hostile inputs

HOSTILE = {
    # name: (bytes, must a fresh Doc reject it?)
    "num_clients_2^40": (u(P40), True),
    "num_clients_2^53-1": (u(MAX), True),
    "num_structs_2^40": (block(P40, 1, 0) + b"\x04\x01" + var_str("t") + var_str("a") + u(0), True),
    "string_len_2^40": (root_item(4) + u(P40) + b"abc\x00", True),
    "root_name_len_2^40": (block(1, 1, 0) + b"\x04\x01" + u(P40) + b"t", True),
    "any_count_2^40": (root_item(8) + u(P40) + b"\x7d\x01\x00", True),
    "any_array_len_2^40": (root_item(8) + u(1) + b"\x75" + u(P40) + b"\x7e\x00", True),
    "any_object_len_2^40": (root_item(8) + u(1) + b"\x76" + u(P40) + b"\x00", True),
    "binary_len_2^40": (root_item(3) + u(P40) + b"\x01\x00", True),
    "ds_ranges_2^40": (u(0, 1, 1, P40, 0, 1), True),
    "sv_entries_2^40": (u(P40, 1, 1), True),
    "var_uint_over_2^64": (b"\xff" * 10 + b"\x7f", True),
    "var_uint_2^53": (u(2**53, 0), True),
    "unknown_content_ref": (root_item(11) + b"\x00\x00", True),
    "unknown_type_ref": (root_item(7) + u(7, 0), True),
    "empty": (b"", True),
    "deleted_len_2^53-1": (root_item(1) + u(MAX, 0), False),
    "gc_len_2^53-1": (block(1, 1, 0) + b"\x00" + u(MAX) + u(1, 1, 1, 0, MAX), False),
    "skip_len_2^53-1": (block(1, 1, 0) + b"\x0a" + u(MAX, 0), False),
    "clock_near_max": (root_item(4, clock=MAX - 1) + var_str("a") + u(0), False),
    "clock_past_max": (root_item(4, clock=MAX - 1) + var_str("ab") + u(0), False),
    "ds_near_max": (u(0, 1, 1, 1, MAX - 1, 1), False),
    "ds_past_max": (u(0, 1, 1, 1, MAX - 1, 5), False),
    "ds_everything": (u(0, 1, 4242, 1, 0, MAX), False),
    "origin_own_client_later": (block(1, 5, 0) + b"\x84" + u(5, 3) + var_str("x") + u(0), False),
    "right_origin_own_id": (block(1, 5, 0) + b"\x44" + u(5, 0) + var_str("x") + u(0), False),
    "parent_own_client_later": (
        block(1, 5, 0) + b"\x04\x00" + u(5, 7) + var_str("x") + u(0),
        False,
    ),
    "parent_is_string_item": (
        block(1, 50, 0) + b"\x04\x00" + u(4242, 0) + var_str("x") + u(0),
        False,
    ),
    "deep_any_array_10000": (root_item(8) + u(1) + b"\x75\x01" * 10000 + b"\x7e\x00", False),
    "deep_json_10000": (root_item(2) + u(1) + var_str("[" * 10000 + "]" * 10000) + u(0), False),
    "deep_format_json": (root_item(6) + var_str("b") + var_str("[" * 10000) + u(0), False),
    "invalid_utf8": (
        root_item(4) + var_str(b"\xff\xfe\xc0\x80\xed\xa0\x80\xf4\x90\x80\x80") + u(0),
        False,
    ),
    "format_bad_json": (root_item(6) + var_str("bold") + var_str("{") + u(0), False),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input(name):
    data, must_reject = HOSTILE[name]
    fresh_ok = check_input(data, CORPUS["text_plain"])
    if must_reject:
        assert not fresh_ok, f"{name} was accepted"


def deep_type_nesting(depth: int) -> bytes:
    """Root array "a" holding an array holding an array ... `depth` levels."""
    parts = [block(depth, 1, 0), b"\x07\x01", var_str("a"), u(0)]
    parts += [b"\x07\x00" + u(1, i - 1, 0) for i in range(1, depth)]
    parts.append(u(0))
    return b"".join(parts)


def test_deep_type_nesting():
    check_input(deep_type_nesting(5000), CORPUS["nested_three_deep"])


DEEP_SCRIPT = """
import sys
import crdtcore
data = sys.stdin.buffer.read()
doc = crdtcore.Doc()
try:
    doc.apply_update(data)
except crdtcore.DecodeError:
    sys.exit(0)
doc.get_update()
try:
    doc.get("a", type=crdtcore.Array).to_py()
except Exception as exc:  # a clean error for too deep data is fine, a crash is not
    print(type(exc).__name__, exc)
"""


def test_very_deep_type_nesting_does_not_crash():
    # 100000 nested arrays (a 680 KB update). The update may be rejected and
    # reading it back may raise, but the process must survive; it runs in a child
    # so that a crash fails this test instead of killing pytest.
    proc = subprocess.run(
        [sys.executable, "-c", DEEP_SCRIPT],
        input=deep_type_nesting(100_000),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr.decode()[-2000:]}"


def test_decode_error_is_value_error():
    assert issubclass(crdtcore.DecodeError, ValueError)
    with pytest.raises(crdtcore.DecodeError):
        Doc().apply_update(b"\x01")
