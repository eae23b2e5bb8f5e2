"""lib0 framing (crdtcore.sync._wire): varUint, varUint8Array, varString."""

from __future__ import annotations

import random

import pytest

from crdtcore.sync import ProtocolError
from crdtcore.sync._wire import (
    MAX_VAR_UINT,
    Reader,
    encode_utf8,
    write_var_bytes,
    write_var_string,
    write_var_uint,
)

# yjs-format.md §1.1 (verified against lib0)
VAR_UINT_VECTORS = [
    (0, [0]),
    (127, [127]),
    (128, [128, 1]),
    (300, [172, 2]),
    (16384, [128, 128, 1]),
    (2**32 - 1, [255, 255, 255, 255, 15]),
    (2**53 - 1, [255, 255, 255, 255, 255, 255, 255, 15]),
]


@pytest.mark.parametrize(("value", "encoded"), VAR_UINT_VECTORS)
def test_var_uint_vectors(value, encoded):
    assert write_var_uint(value) == bytes(encoded)
    reader = Reader(bytes(encoded))
    assert reader.read_var_uint() == value
    assert reader.at_end


def test_var_uint_round_trips_random_values():
    rng = random.Random(1)
    values = [rng.randrange(1 << rng.randrange(1, 54)) for _ in range(2000)]
    data = b"".join(write_var_uint(v) for v in values)
    reader = Reader(data)
    assert [reader.read_var_uint() for _ in values] == values
    assert reader.at_end


def test_var_uint_non_minimal_encoding_is_read_like_lib0():
    assert Reader(bytes([0x80, 0x80, 0x00])).read_var_uint() == 0


@pytest.mark.parametrize("value", [-1, MAX_VAR_UINT + 1, 2**64])
def test_write_var_uint_out_of_range(value):
    with pytest.raises(ValueError, match="2\\*\\*53"):
        write_var_uint(value)


@pytest.mark.parametrize("value", [1.0, "1", True, None])
def test_write_var_uint_wrong_type(value):
    with pytest.raises(TypeError):
        write_var_uint(value)


@pytest.mark.parametrize(
    "data",
    [
        bytes([255] * 7 + [16]),  # 2**53
        bytes([255] * 9 + [1]),
        bytes([128] * 8 + [1]),  # 2**56, non-minimal zeros first
    ],
)
def test_read_var_uint_over_limit(data):
    with pytest.raises(ProtocolError, match="exceeds 2\\*\\*53 - 1"):
        Reader(data).read_var_uint()


@pytest.mark.parametrize("data", [b"", b"\x80", b"\xff\xff", bytes([128] * 5)])
def test_read_var_uint_truncated(data):
    with pytest.raises(ProtocolError, match="truncated message: varUint at offset 0"):
        Reader(data).read_var_uint()


def test_var_bytes_round_trip_and_truncation():
    payload = bytes(range(200))
    data = write_var_bytes(payload)
    assert data[:2] == bytes([200, 1])
    assert Reader(data).read_var_bytes() == payload
    for cut in range(len(data)):
        with pytest.raises(ProtocolError, match="truncated message"):
            Reader(data[:cut]).read_var_bytes()


def test_var_bytes_huge_announced_length():
    with pytest.raises(ProtocolError, match="9007199254740991 bytes announced at offset 8, 0 left"):
        Reader(write_var_uint(MAX_VAR_UINT)).read_var_bytes()


def test_var_string_counts_utf8_bytes():
    assert write_var_string("é😀") == bytes([6, 0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80])
    assert Reader(write_var_string("é😀")).read_var_string() == "é😀"


def test_lone_surrogates_become_replacement_characters():
    # lib0 writes strings with TextEncoder: 'a\uD83Db' -> [5, 97, 239, 191, 189, 98] (§1.3)
    assert write_var_string("a\ud83db") == bytes([5, 97, 239, 191, 189, 98])
    assert encode_utf8("\ud83d\ude00") == "😀".encode()  # a split pair is joined


def test_var_string_rejects_invalid_utf8_and_keeps_bom():
    with pytest.raises(ProtocolError, match="invalid UTF-8 in the string at offset 0"):
        Reader(b"\x02\xc3\x28").read_var_string()
    with pytest.raises(ProtocolError, match="invalid UTF-8"):
        Reader(b"\x03\xed\xa0\x80").read_var_string()  # an encoded surrogate
    assert Reader(b"\x03\xef\xbb\xbf").read_var_string() == "\ufeff"


def test_expect_end():
    reader = Reader(b"\x01\x02")
    reader.read_var_uint()
    with pytest.raises(ProtocolError, match="1 unexpected bytes after the thing at offset 1"):
        reader.expect_end("the thing")
    reader.read_var_uint()
    reader.expect_end("the thing")
