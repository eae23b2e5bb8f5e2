"""CrdtcorePeer: handshake, persistence and restore (before sending: the peer runs on the
server's Hub), covers, fingerprints, stats; and the docstring examples of every crdtcore.sim
module."""

from __future__ import annotations

import doctest
import importlib

import pytest

from crdtcore import Doc, Text
from crdtcore.sim import CrdtcorePeer, LinkConfig, PeerSpec, RandomWorkload, Simulation
from crdtcore.store import MemoryStore
from crdtcore.sync import Update, decode_messages


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


class RecordingStore:
    """A HubStore noting, at every append, how many updates each protocol had queued."""

    def __init__(self) -> None:
        self.records: list[bytes] = []
        self.queued_at_append: list[dict[int, int]] = []
        self.peer: CrdtcorePeer | None = None

    def append(self, room: str, update: bytes) -> int:
        # peer is None while the peer is being built (restoring: no connection yet)
        self.queued_at_append.append({} if self.peer is None else queued_updates(self.peer))
        self.records.append(update)
        return len(self.records)

    def read(self, room: str) -> list[bytes]:
        return list(self.records)

    def replace(self, room: str, merged: bytes, count: int) -> None:
        self.records[:count] = [merged]


def queued_updates(peer: CrdtcorePeer) -> dict[int, int]:
    return {n: p.stats.updates_out for n, p in peer.hub.connections.items()}


def sent_updates(frames: list[tuple[int, bytes]]) -> list[tuple[int, bytes]]:
    return [
        (neighbor, message.update)
        for neighbor, frame in frames
        for message in decode_messages(frame)
        if isinstance(message, Update)
    ]


def recording_peer(spec: PeerSpec) -> tuple[CrdtcorePeer, RecordingStore]:
    store = RecordingStore()
    peer = CrdtcorePeer(spec, store=store)
    store.peer = peer
    return peer, store


def test_a_local_edit_is_persisted_before_any_protocol_queues_it():
    a, store = recording_peer(PeerSpec(0, 1, relay=False))
    for neighbor in (1, 2):
        a.open(neighbor)
    a.outbox()
    before = queued_updates(a)
    a.perform(insert("x"))
    assert store.queued_at_append == [before]  # appended while nothing was queued yet
    assert queued_updates(a) == {n: count + 1 for n, count in before.items()}
    assert sent_updates(a.outbox()) == [(1, store.records[0]), (2, store.records[0])]


def test_a_relayed_update_is_persisted_before_it_is_forwarded():
    author = Doc({"text": Text()}, client_id=7)
    updates: list[bytes] = []
    author.observe(lambda event: updates.append(event.update))
    author["text"] += "hi"
    relay, store = recording_peer(PeerSpec(0, 1, relay=True))
    for neighbor in (1, 2):
        relay.open(neighbor)
    relay.outbox()
    before = queued_updates(relay)
    relay.receive(1, Update(updates[0]).encode())
    assert store.queued_at_append == [before] and store.records == updates
    assert sent_updates(relay.outbox()) == [(2, updates[0])]  # not echoed to its author


def test_a_clean_up_transaction_reaches_every_neighbour_at_once():
    # Formatting clean-up after a remote transaction is a transaction of its own, with no
    # origin: even a mesh member (relay=False) forwards it to every neighbour, in the same
    # outbox as the frame that caused it, not at its next edit or resync.
    a, b = Doc({"text": Text()}, client_id=1), Doc({"text": Text()}, client_id=3)
    updates: list[bytes] = []
    for doc in (a, b):
        doc.observe(lambda event: updates.append(event.update))
    a["text"].insert(0, "🇫🇷ß")
    a["text"].format(1, 3, {"color": "#ff0000"})
    b["text"].insert(0, "😀😀🇫🇷", {"color": "#ff0000"})
    del b["text"][1:2]
    del b["text"][0:2]
    peer = CrdtcorePeer(PeerSpec(5, 9, relay=False))
    peer.open(0)
    peer.open(1)
    peer.outbox()
    forwarded = []
    for update in updates:
        peer.receive(0, Update(update).encode())
        forwarded += [frame for neighbor, frame in peer.outbox() if neighbor == 1]
    assert len(forwarded) == 1


def test_a_peer_can_persist_to_an_update_store():
    store = MemoryStore()
    a = CrdtcorePeer(PeerSpec(3, 1), store=store)
    a.perform(insert("hello"))
    a.perform(insert("> "))
    assert store.rooms() == ["peer-3"] and a.persisted() == store.read("peer-3")
    b = CrdtcorePeer(PeerSpec(3, 9, restore=tuple(a.persisted())))
    assert b.snapshot().content == a.snapshot().content


def test_a_simulation_sends_only_persisted_updates():
    # Every Update frame any peer sends carries a transaction its store already holds.
    checked = 0

    class Checked(CrdtcorePeer):
        def __init__(self, spec: PeerSpec) -> None:
            self.store = RecordingStore()
            super().__init__(spec, store=self.store)
            self.store.peer = self

        def outbox(self) -> list[tuple[int, bytes]]:
            nonlocal checked
            frames = super().outbox()
            for _, update in sent_updates(frames):
                assert update in self.store.records
                checked += 1
            return frames

    sim = Simulation(peers=6, topology="star", link=LinkConfig(drop=0.1, jitter=20), seed=5,
                     workload=RandomWorkload(60, 2000), peer_factory=Checked)  # fmt: skip
    sim.crash(3, at=500, restart_at=900)
    assert sim.run().converged and checked > 100


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
