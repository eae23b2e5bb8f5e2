"""y-protocols messages (crdtcore.sync._messages): exact bytes, decoding, rejection."""

from __future__ import annotations

import json

import pytest

from crdtcore import DecodeError, Doc, Text
from crdtcore.sync import (
    Auth,
    AwarenessEntry,
    AwarenessMessage,
    ProtocolError,
    QueryAwareness,
    SyncStep1,
    SyncStep2,
    Update,
    YMessageType,
    YSyncMessageType,
    decode_awareness_update,
    decode_message,
    decode_messages,
    encode_awareness_update,
)

AB_UPDATE = bytes([1, 1, 3, 0, 4, 1, 1, 116, 2, 97, 98, 0])  # client 3: "ab" in root "t"


def ab_doc() -> Doc:
    doc = Doc(client_id=3)
    doc["t"] = Text("ab")
    return doc


def test_message_type_numbers():
    assert [int(t) for t in YMessageType] == [0, 1, 2, 3]
    assert [t.name for t in YSyncMessageType] == ["SYNC_STEP1", "SYNC_STEP2", "SYNC_UPDATE"]


def test_verified_sync_vectors():
    # yjs-format.md §11.2 / Appendix A (verified against y-protocols 1.0.7)
    doc = ab_doc()
    assert SyncStep1(doc.get_state()).encode() == bytes([0, 0, 3, 1, 3, 2])
    step2 = SyncStep2(doc.get_update(b"\x00")).encode()
    assert step2 == bytes([0, 1, 12]) + AB_UPDATE
    assert Update(b"\x00\x00").encode() == bytes([0, 2, 2, 0, 0])


def test_verified_awareness_vectors():
    state = {"user": {"name": "A"}}
    text = json.dumps(state, separators=(",", ":")).encode()
    assert len(text) == 21
    assert encode_awareness_update([(5, 1, state)]) == bytes([1, 5, 1, 21]) + text
    assert encode_awareness_update([(5, 2, None)]) == bytes([1, 5, 2, 4, 110, 117, 108, 108])


def test_auth_and_query_bytes():
    assert Auth("no").encode() == bytes([2, 0, 2, 110, 111])
    assert Auth("é").encode() == bytes([2, 0, 2, 0xC3, 0xA9])  # UTF-8 length prefix
    assert Auth(None).encode() == bytes([2, 1])
    assert QueryAwareness().encode() == bytes([3])
    assert AwarenessMessage(b"\x00").encode() == bytes([1, 1, 0])


def test_long_payload_uses_multi_byte_length():
    update = ab_doc().get_update()
    doc = Doc(client_id=9)
    doc["t"] = Text("x" * 300)
    big = doc.get_update()
    assert Update(big).encode()[:4] == bytes([0, 2, len(big) & 0x7F | 0x80, len(big) >> 7])
    assert decode_message(Update(big).encode()) == Update(big)
    assert decode_message(Update(update).encode()) == Update(update)


SAMPLES = [
    SyncStep1(b"\x00"),
    SyncStep1(bytes([2, 3, 2, 1, 9])),
    SyncStep2(AB_UPDATE),
    Update(b"\x00\x00"),
    AwarenessMessage(encode_awareness_update([(1, 0, {}), (2, 7, None)])),
    AwarenessMessage(b"\x00"),
    QueryAwareness(),
    Auth("read-only document"),
    Auth(None),
]


@pytest.mark.parametrize("message", SAMPLES, ids=lambda m: type(m).__name__)
def test_round_trip(message):
    data = message.encode()
    assert decode_message(data) == message
    assert decode_messages(data) == [message]


def test_frame_of_concatenated_messages():
    frame = b"".join(m.encode() for m in SAMPLES)
    assert decode_messages(frame) == SAMPLES
    with pytest.raises(ProtocolError, match="unexpected bytes after the message"):
        decode_message(frame)


@pytest.mark.parametrize("message", SAMPLES, ids=lambda m: type(m).__name__)
def test_every_truncation_is_rejected(message):
    data = message.encode()
    for cut in range(len(data)):
        with pytest.raises(ProtocolError):
            decode_messages(data[:cut])


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", "empty frame"),
        (b"\x04", "unknown message type 4 at offset 0"),
        (b"\x80\x01", "unknown message type 128"),
        (b"\x00\x03\x00", "unknown sync message type 3 at offset 0"),
        (b"\x02\x02", "unknown auth message type 2"),
        (b"\x00\x00\x01\x05", "malformed state vector: count larger than the remaining input"),
        (b"\x00\x00\x03\x01\x03", "truncated message: 3 bytes announced"),
        (b"\x00\x00\x03\x01\x03\x80", "malformed state vector: unexpected end of data"),
        (b"\x01\x02\x09\x00", "awareness update announces 9 entries in 2 bytes"),
        (b"\x01\x05\x01\x01\x01\x01x", "invalid JSON in awareness state"),
        (b"\x01\x07\x01\x01\x01\x03NaN", "NaN is not JSON"),
        (b"\x01\x07\x01\x01\x01\x02{}\x00", "1 unexpected bytes after the awareness update"),
        (b"\x01\x05\x01\x01\x01\x01\xff", "invalid UTF-8"),
        (b"\x01\x04\x01\x01\x01\x00", "invalid JSON"),  # "" is not JSON either
    ],
)
def test_malformed_messages(data, error):
    with pytest.raises(ProtocolError, match=error):
        decode_messages(data)


def test_state_vector_bytes_after_the_last_entry_are_ignored_as_in_yjs():
    (message,) = decode_messages(b"\x00\x00\x04\x01\x03\x02\x07")
    assert isinstance(message, SyncStep1)
    assert message.state == b"\x01\x03\x02\x07"


def test_malformed_update_inside_message():
    bad = Update(b"\x01\x05").encode()
    with pytest.raises(ProtocolError, match="malformed update") as info:
        decode_messages(bad)
    assert isinstance(info.value.__cause__, DecodeError)
    assert decode_messages(bad, check_updates=False) == [Update(b"\x01\x05")]
    assert isinstance(info.value, DecodeError) and isinstance(info.value, ValueError)


def test_deeply_nested_awareness_json_is_rejected_cleanly():
    text = ("[" * 100_000 + "]" * 100_000).encode()
    update = bytes([1, 1, 1]) + bytes(_var(len(text))) + text
    with pytest.raises(ProtocolError, match="nested too deeply"):
        decode_awareness_update(update)


def test_awareness_entries_accept_any_json():
    text = b'[1,"x",{"a":null},2.5e3,true]'
    update = bytes([2, 7, 3, len(text)]) + text + bytes([8, 0, 4]) + b"null"
    assert decode_awareness_update(update) == [
        AwarenessEntry(7, 3, [1, "x", {"a": None}, 2500.0, True]),
        AwarenessEntry(8, 0, None),
    ]


def _var(n: int) -> list[int]:
    out = []
    while n > 127:
        out.append(0x80 | n & 0x7F)
        n >>= 7
    return [*out, n]
