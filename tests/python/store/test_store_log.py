"""The FileStore record format (``crdtcore.store._log``), exhaustively over small logs."""

from __future__ import annotations

import random

import pytest

from crdtcore.store import _log

RECORDS = [b"alpha", b"", b"\x00\x00\x00", random.Random(5).randbytes(40), b"omega"]


def build(records=RECORDS):
    header = _log.encode_header("room")
    return header + b"".join(map(_log.encode_record, records)), len(header)


def record_ends(start, records=RECORDS):
    ends, pos = [], start
    for record in records:
        pos += _log.RECORD_HEADER_SIZE + len(record)
        ends.append(pos)
    return ends


def test_header_round_trip_and_checks():
    header = _log.encode_header("ü/room")
    assert _log.decode_header(header) == ("ü/room", len(header))
    for bad, message in [
        (b"XRDTLOG1" + header[8:], "bad magic"),
        (header[:9], "truncated"),
        (header[:-1], "truncated"),
        (header[:-1] + bytes([header[-1] ^ 1]), "checksum"),
    ]:
        with pytest.raises(_log.LogFormatError, match=message):
            _log.decode_header(bad)


def test_every_truncation_point_yields_the_complete_records():
    data, start = build()
    ends = record_ends(start)
    for size in range(start, len(data) + 1):
        found = _log.scan(data[:size], start)
        complete = [r for r, end in zip(RECORDS, ends, strict=True) if end <= size]
        assert found.records == complete, size
        assert found.end == ([start, *ends][len(complete)])
        assert not found.corrupt
        assert bool(found.torn) == (found.end < size), size


def test_every_single_byte_flip_is_detected_and_never_yields_a_wrong_record():
    data, start = build()
    ends = record_ends(start)
    for offset in range(start, len(data)):
        damaged = bytearray(data)
        damaged[offset] ^= 0x01
        found = _log.scan(bytes(damaged), start)
        index = next(i for i, end in enumerate(ends) if offset < end)
        assert found.records == RECORDS[:index], offset
        in_payload = offset >= ends[index] - len(RECORDS[index])
        if index == len(RECORDS) - 1 and in_payload:
            assert found.torn and not found.corrupt  # indistinguishable from a torn write
        else:
            assert found.corrupt and not found.torn, offset


def test_garbage_after_the_records_is_corruption_but_zeros_are_a_torn_tail():
    data, start = build()
    assert _log.scan(data + bytes(100), start).torn == f"100 zero bytes at offset {len(data)}"
    garbage = _log.scan(data + b"\x01" * 100, start)
    assert garbage.records == RECORDS and "length checksum" in garbage.corrupt
    short = _log.scan(data + b"\x01" * 11, start)
    assert short.records == RECORDS and "partial record header" in short.torn


def test_records_over_four_gib_are_refused():
    class Huge(bytes):
        def __len__(self):
            return _log.MAX_RECORD_SIZE + 1

    with pytest.raises(ValueError, match="at most"):
        _log.encode_record(Huge())
