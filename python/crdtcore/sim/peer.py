"""A simulated peer: a document plus one SyncProtocol per connection.

``SimPeer`` is the interface the simulation drives; any implementation can stand behind
it (``CrdtcorePeer`` here; a node process running Yjs can implement the same methods).
The simulation never touches a peer's document directly: it hands frames in
(``receive``), takes frames out (``outbox``), asks for edits as op data (``perform``, the
op model of ``crdtcore.testing``) and reads the state through ``fingerprint`` (cheap,
while running) and ``snapshot`` (the oracle's full view, at the end).

Relaying: every SyncProtocol on a document forwards the transactions the document
commits, except the ones it applied itself, so a peer with several connections relays
what it hears (a y-websocket server, a gossip node). A peer with ``relay=False`` (a member
of a full mesh, where everyone hears the author directly) forwards only its own
transactions (its edits, and the formatting clean-up a remote one may cause): its protocols
(``SyncProtocol(relay=False)``) skip transactions another protocol applied.

``CrdtcorePeer`` runs on a ``crdtcore.sync.Hub``, the very core the asyncio server's rooms
run on: the document, its protocols, and persistence before sending (every committed transaction is
appended to the peer's store inside the commit, before any frame carrying it can leave
through ``outbox``).

Crash and restart: the simulation discards a crashed peer and builds a new one from a
``PeerSpec`` whose ``restore`` holds the updates the old one persisted: every committed
transaction, as appended to its store (by default a ``PeerLog`` in memory, which merges
them now and then with ``merge_updates``, as an update store compacts).

Thread safety: none (see scheduler.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from .. import TransactionEvent, decode_state_vector, merge_updates
from ..model import Op, Snapshot, apply_ops, new_doc, snapshot
from ..sync import Hub, HubStore, SyncProtocol
from .deletes import DeleteTracker

_COMPACT_EVERY = 256  # persisted updates merged into one chunk after this many


@dataclass(frozen=True)
class PeerSpec:
    """How to build one incarnation of a peer.

    Attributes:
        peer_id: The peer's id in the simulation (stable across restarts).
        client_id: The document's client id (a new one for every incarnation).
        relay: Forward updates received on one connection to the others.
        restore: Updates to load before connecting (a restart with persisted data).
        track_deletes: Keep what ``covers`` needs (the trace workload asks for it).
        gc: Garbage-collect deleted content.
    """

    peer_id: int
    client_id: int
    relay: bool = True
    restore: tuple[bytes, ...] = ()
    track_deletes: bool = False
    gc: bool = True


class PeerLog:
    """A peer's persisted updates in memory (a ``HubStore``; the room name is ignored):
    every ``_COMPACT_EVERY`` appended updates are merged into one chunk.

    Example:
        >>> log = PeerLog()
        >>> log.append("peer", b"u1"), log.read("peer")
        (1, [b'u1'])
    """

    def __init__(self) -> None:
        self._log: list[bytes] = []  # updates since the last chunk
        self._chunks: list[bytes] = []  # merged runs of _COMPACT_EVERY updates

    def append(self, room: str, update: bytes) -> int:
        log = self._log
        log.append(update)
        if len(log) >= _COMPACT_EVERY:
            self._chunks.append(merge_updates(*log))
            self._log = []
        return len(self._chunks) + len(self._log)

    def read(self, room: str) -> list[bytes]:
        return [*self._chunks, *self._log]

    def replace(self, room: str, merged: bytes, count: int) -> None:
        records = self.read(room)
        self._chunks, self._log = [merged], records[count:]


class SimPeer(Protocol):
    """What the simulation needs from a peer. Neighbours are peer ids.

    Attributes:
        spec: How this incarnation was built.
        version: Increases whenever the document commits a change.
    """

    spec: PeerSpec
    version: int

    def open(self, neighbor: int) -> None:
        """Starts a connection to ``neighbor``: a new protocol that queues SyncStep1."""

    def close(self, neighbor: int) -> None:
        """Ends the connection to ``neighbor``; unknown neighbours are ignored."""

    def receive(self, neighbor: int, frame: bytes) -> None:
        """Handles a frame from ``neighbor`` (ignored if that connection is closed)."""

    def outbox(self) -> list[tuple[int, bytes]]:
        """Drains the queued frames as ``(neighbor, frame)``, in sending order."""

    def resync(self) -> None:
        """Queues a fresh SyncStep1 on every connection (anti-entropy)."""

    def perform(self, ops: list[Op]) -> None:
        """Makes a local edit: ``ops`` (crdtcore.testing op model) in one transaction."""

    def perform_update(self, update: bytes) -> None:
        """Makes a local edit given as an update (authored with this peer's client id)."""

    def covers(self, state_vector: bytes, delete_set: bytes) -> bool:
        """Whether the document holds everything the state vector and delete set name."""

    def state_vector(self) -> bytes:
        """The document's encoded state vector."""

    def fingerprint(self) -> bytes:
        """Equal for two peers iff they have the same state vector, delete set and pending
        content; its first byte is 0 when nothing is pending."""

    def snapshot(self) -> Snapshot:
        """The oracle's view of the document (``crdtcore.testing`` Snapshot)."""

    def persisted(self) -> list[bytes]:
        """The updates this peer has persisted (restored after a crash)."""

    def stats(self) -> dict[str, int]:
        """Protocol counters summed over all connections this incarnation ever had."""

    def dispose(self) -> None:
        """Releases the peer (closes its protocols); called on crash and leave."""


class CrdtcorePeer:
    """A crdtcore ``Doc`` with one ``SyncProtocol`` per neighbour, held by a ``Hub``.

    Args:
        spec: The peer's id, client id and options.
        store: Where the peer persists its updates (a ``HubStore``, e.g. a
            ``crdtcore.store.MemoryStore``; the room is ``peer-<id>``); default a new
            ``PeerLog``. ``persisted()`` reads it back.

    Example:
        >>> a, b = CrdtcorePeer(PeerSpec(0, 1)), CrdtcorePeer(PeerSpec(1, 2))
        >>> a.perform([{"kind": "text", "action": "insert", "text": "hi"}])
        >>> a.open(1); b.open(0)
        >>> for _ in range(2):
        ...     for _, frame in a.outbox(): b.receive(0, frame)
        ...     for _, frame in b.outbox(): a.receive(1, frame)
        >>> b.snapshot().content["text"]
        'hi'
    """

    def __init__(self, spec: PeerSpec, store: HubStore | None = None) -> None:
        self.spec = spec
        self.version = 0
        self.doc = new_doc(spec.client_id, gc=spec.gc)
        self._stats: dict[str, int] = {}
        self._deletes = DeleteTracker() if spec.track_deletes else None
        self.hub: Hub[int] = Hub(
            self.doc,
            store=store if store is not None else PeerLog(),
            room=f"peer-{spec.peer_id}",
            on_commit=self._on_change,
        )
        if spec.restore:
            self.doc.apply_update(merge_updates(*spec.restore))

    def _on_change(self, event: TransactionEvent) -> None:
        self.version += 1
        if self._deletes is not None:
            self._deletes.add(event.delete_set)

    # -- connections -------------------------------------------------------------------

    def open(self, neighbor: int) -> None:
        self.close(neighbor)
        protocol = SyncProtocol(
            self.doc, name=f"{self.spec.peer_id}->{neighbor}", relay=self.spec.relay
        )
        self.hub.connect(neighbor, protocol)

    def close(self, neighbor: int) -> None:
        protocol = self.hub.disconnect(neighbor)
        if protocol is None:
            return
        stats = self._stats
        for name, value in stats_of(protocol).items():
            stats[name] = stats.get(name, 0) + value

    def receive(self, neighbor: int, frame: bytes) -> None:
        self.hub.receive(neighbor, frame)

    def outbox(self) -> list[tuple[int, bytes]]:
        return [(neighbor, frame) for neighbor, frames in self.hub.drain() for frame in frames]

    def resync(self) -> None:
        self.hub.resync()

    # -- edits ---------------------------------------------------------------------------

    def perform(self, ops: list[Op]) -> None:
        apply_ops(self.doc, ops)

    def perform_update(self, update: bytes) -> None:
        self.doc.apply_update(update)

    # -- state ---------------------------------------------------------------------------

    def covers(self, state_vector: bytes, delete_set: bytes) -> bool:
        mine = decode_state_vector(self.doc.get_state())
        for client, clock in decode_state_vector(state_vector).items():
            if mine.get(client, 0) < clock:
                return False
        if self._deletes is None:
            raise RuntimeError("covers() needs a peer built with track_deletes=True")
        return self._deletes.contains(delete_set)

    def state_vector(self) -> bytes:
        return self.doc.get_state()

    def fingerprint(self) -> bytes:
        doc = self.doc
        state = doc.get_state()
        pending = b"\x01" if doc.has_pending else b"\x00"
        return pending + state + doc.get_update(state)

    def snapshot(self) -> Snapshot:
        return snapshot(self.doc, f"peer {self.spec.peer_id}")

    def persisted(self) -> list[bytes]:
        store = self.hub.store
        assert store is not None
        return store.read(self.hub.room)

    def stats(self) -> dict[str, int]:
        totals = dict(self._stats)
        for protocol in self.hub.connections.values():
            for name, value in stats_of(protocol).items():
                totals[name] = totals.get(name, 0) + value
        return totals

    def dispose(self) -> None:
        for neighbor in list(self.hub.connections):
            self.close(neighbor)
        self.hub.close()

    def __repr__(self) -> str:
        return f"CrdtcorePeer({self.spec.peer_id}, client {self.spec.client_id})"


def stats_of(protocol: SyncProtocol) -> dict[str, int]:
    """A protocol's counters as a dict (``ProtocolStats`` has ``__slots__``)."""
    stats: Any = protocol.stats
    return {name: getattr(stats, name) for name in stats.__slots__}
