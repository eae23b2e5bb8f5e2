"""Malformed frames: ProtocolError, and nothing of the frame applied, queued or reported.

Real frames from a session are truncated, bit-flipped and glued to valid ones (seeded).
"""

from __future__ import annotations

import random

import pytest

from crdtcore import DecodeError, Doc, Map, Text
from crdtcore.sync import (
    Auth,
    Awareness,
    AwarenessMessage,
    ProtocolError,
    QueryAwareness,
    SyncProtocol,
    SyncStep1,
    SyncStep2,
    Update,
)


def real_frames() -> list[bytes]:
    """Frames a real session produces: handshake, updates of every kind, awareness."""
    doc = Doc(client_id=11)
    awareness = Awareness(doc, now=0)
    protocol = SyncProtocol(doc, awareness=awareness)
    awareness.set_local_state({"user": {"name": "Zoë", "color": "#ff0"}, "cursor": 3})
    protocol.start()
    doc["t"] = Text("héllo 😀 world")
    doc["t"].format(0, 5, {"bold": True})
    doc["m"] = Map({"k": [1, 2.5, None, {"x": "y"}], "n": Text("nested")})
    del doc["t"][2:4]
    doc["m"]["k"] = "replaced"
    frames = protocol.data_to_send()
    frames.append(SyncStep2(doc.get_update()).encode())
    frames.append(SyncStep1(doc.get_state()).encode())
    frames.append(QueryAwareness().encode())
    frames.append(Auth("denied: read-only").encode())
    frames.append(b"".join(frames[:3]))
    return frames


FRAMES = real_frames()


def target() -> tuple[Doc, Awareness, SyncProtocol]:
    doc = Doc(client_id=22)
    doc["t"] = Text("target")
    awareness = Awareness(doc, now=0)
    awareness.apply_awareness_update(
        AwarenessMessage(Awareness(Doc(client_id=5)).encode_awareness_update([5])).update,
        "setup",
    )
    return doc, awareness, SyncProtocol(doc, awareness=awareness)


def snapshot(doc: Doc, awareness: Awareness, protocol: SyncProtocol) -> tuple:
    return (
        doc.get_update(),
        doc.get_state(),
        dict(awareness.states),
        {k: dict(v) for k, v in awareness.meta.items()},
        list(protocol.data_to_send()),
        list(protocol.events_received()),
        repr(protocol.stats),
        protocol.synced,
    )


def mutate(rng: random.Random, frame: bytes) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:  # truncation
        return frame[: rng.randrange(len(frame))]
    data = bytearray(frame)
    for _ in range(rng.randint(1, 3)):  # bit flips
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    if kind == 1:
        return bytes(data)
    valid = rng.choice(FRAMES)
    return valid + bytes(data) if kind == 2 else bytes(data) + valid


@pytest.mark.parametrize("seed", range(8))
def test_mutated_frames_are_rejected_atomically_or_accepted(seed):
    rng = random.Random(seed)
    rejected = 0
    for _ in range(60):
        frame = mutate(rng, rng.choice(FRAMES))
        doc, awareness, protocol = target()
        protocol.data_to_send()
        before = snapshot(doc, awareness, protocol)
        try:
            protocol.receive_data(frame)
        except ProtocolError:
            rejected += 1
            assert snapshot(doc, awareness, protocol) == before, frame
        protocol.close()
    assert rejected >= 20  # most mutations must be caught, not silently "valid"


@pytest.mark.parametrize("index", range(len(FRAMES)))
def test_every_truncation_of_real_frames_is_rejected(index):
    frame = FRAMES[index]
    parts = FRAMES[:3] if index == len(FRAMES) - 1 else [frame]  # the last one is glued
    boundaries = {sum(len(p) for p in parts[:i]) for i in range(1, len(parts))}
    doc, awareness, protocol = target()
    protocol.data_to_send()
    before = snapshot(doc, awareness, protocol)
    for cut in sorted(set(range(len(frame))) - boundaries):
        with pytest.raises(ProtocolError):
            protocol.receive_data(frame[:cut])
        assert snapshot(doc, awareness, protocol) == before


def test_valid_update_followed_by_malformed_one_applies_nothing():
    source = Doc({"t": Text("source")}, client_id=1)
    doc, awareness, protocol = target()
    before = snapshot(doc, awareness, protocol)
    frame = Update(source.get_update()).encode() + Update(b"\x01\x01\x01").encode()
    with pytest.raises(ProtocolError, match="malformed update") as info:
        protocol.receive_data(frame)
    assert isinstance(info.value.__cause__, DecodeError)
    assert snapshot(doc, awareness, protocol) == before
    protocol.receive_data(frame[: len(Update(source.get_update()).encode())])
    assert str(doc["t"]) in ("sourcetarget", "targetsource")


def test_awareness_then_malformed_update_changes_no_awareness():
    doc, awareness, protocol = target()
    other = Awareness(Doc(client_id=9))
    frame = (
        AwarenessMessage(other.encode_awareness_update([9])).encode()
        + SyncStep1(b"\x00").encode()
        + SyncStep2(b"\x00\x05").encode()
    )
    before = snapshot(doc, awareness, protocol)
    with pytest.raises(ProtocolError):
        protocol.receive_data(frame)
    assert snapshot(doc, awareness, protocol) == before
    assert 9 not in awareness.states


def test_single_malformed_update_leaves_the_doc_byte_identical():
    doc, awareness, protocol = target()
    before = snapshot(doc, awareness, protocol)
    with pytest.raises(ProtocolError, match="malformed update"):
        protocol.receive_data(Update(b"\x01\x01\x07\x00\x04").encode())
    assert snapshot(doc, awareness, protocol) == before


def test_read_only_peer_malformed_update_is_still_an_error():
    doc = Doc(client_id=3)
    protocol = SyncProtocol(doc, read_only=True)
    with pytest.raises(ProtocolError, match="malformed update"):
        protocol.receive_data(Update(b"\x03").encode())
    assert protocol.stats.writes_dropped == 0


def test_random_bytes_never_crash():
    rng = random.Random(1234)
    doc, awareness, protocol = target()
    protocol.data_to_send()
    for _ in range(300):
        frame = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 24)))
        before = snapshot(doc, awareness, protocol)
        try:
            protocol.receive_data(frame)
        except ProtocolError:
            assert snapshot(doc, awareness, protocol) == before
        protocol.data_to_send()
        protocol.events_received()
