"""CrdtcorePeer: handshake, persistence and restore, covers, fingerprints, stats; and the
docstring examples of every crdtcore.sim module."""

from __future__ import annotations

import doctest
import importlib

import pytest

from crdtcore.sim import CrdtcorePeer, PeerSpec


def insert(text: str, index: int = 0) -> list[dict]:
    return [{"kind": "text", "action": "insert", "target": 0, "index": index, "text": text}]


def pump(a: CrdtcorePeer, b: CrdtcorePeer, a_id: int = 0, b_id: int = 1) -> int:
    moved = 0
    for _ in range(10):
        frames = [(b, a_id, f) for _, f in a.outbox()] + [(a, b_id, f) for _, f in b.outbox()]
        for peer, sender, frame in frames:
            peer.receive(sender, frame)
        moved += len(frames)
        if not frames:
            return moved
    raise AssertionError("still busy")


def test_two_peers_sync_and_then_forward_edits():
    a, b = CrdtcorePeer(PeerSpec(0, 1)), CrdtcorePeer(PeerSpec(1, 2))
    a.perform(insert("hello"))
    a.open(1)
    b.open(0)
    assert pump(a, b) == 4  # SyncStep1 and SyncStep2 both ways
    b.perform(insert("> "))
    assert pump(a, b) == 1
    assert a.snapshot().content["text"] == b.snapshot().content["text"] == "> hello"
    assert a.fingerprint() == b.fingerprint() and a.fingerprint()[0] == 0
    assert a.state_vector() == b.state_vector()
    assert a.stats()["updates_in"] == 2 and b.stats()["messages_out"] == 3


def test_frames_for_closed_or_unknown_connections_are_ignored():
    a = CrdtcorePeer(PeerSpec(0, 1))
    a.receive(7, b"\x00\x00\x00")  # nobody is connected
    a.open(1)
    a.close(1)
    a.close(1)
    assert a.outbox() == [] and a.stats()["messages_out"] == 1


def test_persisted_updates_restore_the_document_with_compaction():
    a = CrdtcorePeer(PeerSpec(0, 1))
    for i in range(600):
        a.perform(insert(str(i % 10), index=i))
    saved = a.persisted()
    assert len(saved) < 100  # merged in chunks
    b = CrdtcorePeer(PeerSpec(0, 9, restore=tuple(saved)))
    assert b.snapshot().content == a.snapshot().content
    assert b.state_vector() == a.state_vector() and b.version == 1


def test_covers_tracks_insertions_and_deletions():
    a = CrdtcorePeer(PeerSpec(0, 1, track_deletes=True))
    b = CrdtcorePeer(PeerSpec(1, 2, track_deletes=True))
    events = []
    a.doc.observe(events.append)
    a.perform(insert("abc"))
    a.perform([{"kind": "text", "action": "delete", "target": 0, "index": 1, "length": 1}])
    first, second = events
    assert not b.covers(first.after_state, first.delete_set)
    b.perform_update(first.update)
    assert b.covers(first.after_state, first.delete_set)
    assert not b.covers(second.after_state, second.delete_set)  # the deletion is missing
    b.perform_update(second.update)
    assert b.covers(second.after_state, second.delete_set)
    with pytest.raises(RuntimeError, match="track_deletes"):
        CrdtcorePeer(PeerSpec(2, 3)).covers(b"\x00", b"\x00")


def test_fingerprints_see_deletions_and_pending_content():
    a, b = CrdtcorePeer(PeerSpec(0, 1)), CrdtcorePeer(PeerSpec(1, 2))
    events = []
    a.doc.observe(events.append)
    a.perform(insert("xy"))
    a.perform([{"kind": "text", "action": "delete", "target": 0, "index": 0, "length": 1}])
    a.perform(insert("z"))
    b.perform_update(events[0].update)
    b.perform_update(events[2].update)
    assert b.state_vector() == a.state_vector() and b.fingerprint() != a.fingerprint()
    c = CrdtcorePeer(PeerSpec(2, 3))
    c.perform_update(events[2].update)
    assert c.fingerprint()[0] == 1  # pending


def test_dispose_closes_every_connection():
    a = CrdtcorePeer(PeerSpec(0, 1))
    for n in (1, 2, 3):
        a.open(n)
    a.dispose()
    assert a.outbox() == [] and a.stats()["messages_out"] == 3


@pytest.mark.parametrize(
    "module",
    [
        "crdtcore.sim",
        "crdtcore.sim.scheduler",
        "crdtcore.sim.network",
        "crdtcore.sim.peer",
        "crdtcore.sim.topology",
        "crdtcore.sim.workload",
        "crdtcore.sim.traces",
        "crdtcore.sim.deletes",
        "crdtcore.sim.checker",
        "crdtcore.sim.report",
        "crdtcore.sim.simulation",
        "crdtcore.sim.population",
        "crdtcore.sim.cli",
    ],
)
def test_docstring_examples_run(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0 and result.attempted > 0
