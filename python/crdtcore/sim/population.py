"""The live peers of a simulation, their connections and the frames between them.

``Population`` builds peers from a ``PeerSpec`` (a new client id for every incarnation),
opens and closes connections (the ``Overlay`` a topology acts on), moves each peer's
queued frames onto the network after everything that may queue some, hands arriving
frames to the receiving peer, and runs every peer's anti-entropy timer: a ``resync``
(fresh SyncStep1 to each neighbour) every ``resync_interval`` ms from a random phase.
``Simulation`` (simulation.py) adds the workload, scheduled faults and the convergence
check on top.

Thread safety: none (see scheduler.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from .network import Connection, LinkConfig, Network
from .peer import CrdtcorePeer, PeerSpec, SimPeer
from .scheduler import Scheduler
from .topology import Topology, make_topology

PeerFactory = Callable[[PeerSpec], SimPeer]


class Population:
    """Peers, connections and frame delivery over a simulated network.

    Args:
        scheduler: The run's scheduler.
        topology: ``"mesh"``, ``"star"``, ``"gossip"`` or a ``Topology`` object.
        link: Default link configuration.
        peer_factory: Builds a peer from a ``PeerSpec`` (default ``CrdtcorePeer``).
        resync_interval: Anti-entropy period of every peer (virtual ms).
        gc: Garbage-collect deleted content in the peers' documents.
        track_deletes: Build peers that answer ``covers`` (trace workloads need it).

    Attributes:
        last_change: When a document or the set of live peers last changed.
        last_edit: When a peer last made a local edit.
        resyncing: Whether the anti-entropy timers run (they stop when this is False).

    Example:
        >>> pop = Population(Scheduler(seed=1), "mesh", resync_interval=1000)
        >>> for peer in range(3):
        ...     pop.add_peer(peer)
        >>> pop.topology.start(pop)
        >>> pop.neighbors(0)
        [1, 2]
    """

    def __init__(
        self,
        scheduler: Scheduler,
        topology: str | Topology,
        link: LinkConfig | None = None,
        *,
        peer_factory: PeerFactory = CrdtcorePeer,
        resync_interval: float = 1000.0,
        gc: bool = True,
        track_deletes: bool = False,
    ) -> None:
        if resync_interval <= 0:
            raise ValueError("resync_interval must be positive")
        self.scheduler = scheduler
        self.network = Network(scheduler, self._deliver, link)
        self.topology = make_topology(topology)
        self.peer_factory = peer_factory
        self.resync_interval = resync_interval
        self.gc = gc
        self.track_deletes = track_deletes
        self.last_change = 0.0
        self.last_edit = 0.0
        self.resyncing = False
        self._peers: dict[int, SimPeer] = {}
        self._incarnation: dict[int, int] = {}
        self._conns: dict[tuple[int, int], Connection] = {}
        self._adjacent: dict[int, set[int]] = {}
        self._next_client = 1
        self._listeners: list[Callable[[int], None]] = []
        self._retired_stats: Counter[str] = Counter()

    # -- reading -----------------------------------------------------------------------

    @property
    def rng(self) -> Any:
        """The run's random generator (``scheduler.rng``)."""
        return self.scheduler.rng

    @property
    def now(self) -> float:
        """The virtual time in ms."""
        return self.scheduler.now

    def live_peers(self) -> list[int]:
        """The ids of the live peers, sorted."""
        return sorted(self._peers)

    def peer(self, peer: int) -> SimPeer:
        """The current incarnation of a live peer.

        Raises:
            KeyError: ``peer`` is not live.
        """
        return self._peers[peer]

    def incarnation(self, peer: int) -> int:
        """How many times ``peer`` has been started (1 before any restart; 0 if never)."""
        return self._incarnation.get(peer, 0)

    def neighbors(self, peer: int) -> list[int]:
        """The peers ``peer`` is connected to, sorted."""
        return sorted(self._adjacent.get(peer, ()))

    def protocol_stats(self) -> dict[str, int]:
        """Sync protocol counters summed over every peer and connection there ever was."""
        totals = Counter(self._retired_stats)
        for peer in self.live_peers():
            totals.update(self._peers[peer].stats())
        return dict(sorted(totals.items()))

    # -- connections and edits -----------------------------------------------------------

    def connect(self, a: int, b: int) -> None:
        """Opens a connection between live peers ``a`` and ``b`` (both start the handshake)."""
        key = (a, b) if a < b else (b, a)
        if a == b or key in self._conns:
            return
        self._conns[key] = self.network.connect(*key)
        self._adjacent[a].add(b)
        self._adjacent[b].add(a)
        self._peers[a].open(b)
        self._peers[b].open(a)
        self._flush(a)
        self._flush(b)

    def disconnect(self, a: int, b: int) -> None:
        """Closes the connection between ``a`` and ``b``; frames on it are lost."""
        conn = self._conns.pop((a, b) if a < b else (b, a), None)
        if conn is None:
            return
        conn.open = False
        for side, other in ((a, b), (b, a)):
            self._adjacent.get(side, set()).discard(other)
            if side in self._peers:
                self._peers[side].close(other)

    def set_link(self, a: int, b: int, config: LinkConfig) -> None:
        """Gives the links between ``a`` and ``b`` (both ways) their own configuration."""
        self.network.set_link(a, b, config)

    def perform(self, peer: int, ops: list[dict[str, Any]]) -> None:
        """Peer ``peer`` makes a local edit (ops of ``crdtcore.model``, one transaction)."""
        self._peers[peer].perform(ops)
        self.last_change = self.last_edit = self.scheduler.now
        self._flush(peer)

    def perform_update(self, peer: int, update: bytes) -> None:
        """Peer ``peer`` makes a local edit given as an update authored with its client id."""
        self._peers[peer].perform_update(update)
        self.last_change = self.last_edit = self.scheduler.now
        self._flush(peer)

    def on_change(self, callback: Callable[[int], None]) -> None:
        """Calls ``callback(peer)`` whenever a received frame changed ``peer``'s document."""
        self._listeners.append(callback)

    # -- membership ----------------------------------------------------------------------

    def add_peer(self, peer: int, restore: tuple[bytes, ...] = ()) -> None:
        """Builds a new incarnation of ``peer`` (unconnected) with a new client id."""
        spec = PeerSpec(
            peer_id=peer,
            client_id=self._next_client,
            relay=self.topology.relays(peer),
            restore=restore,
            track_deletes=self.track_deletes,
            gc=self.gc,
        )
        self._next_client += 1
        self._peers[peer] = self.peer_factory(spec)
        self._adjacent[peer] = set()
        self._incarnation[peer] = self._incarnation.get(peer, 0) + 1
        self.last_change = self.scheduler.now
        if self.resyncing:
            self.start_resync(peer)

    def remove_peer(self, peer: int) -> list[int]:
        """Closes ``peer``'s connections and discards it; returns its former neighbours."""
        former = self.neighbors(peer)
        for other in former:
            self.disconnect(peer, other)
        removed = self._peers.pop(peer)
        self._retired_stats.update(removed.stats())
        removed.dispose()
        del self._adjacent[peer]
        self.last_change = self.scheduler.now
        return former

    # -- frames and anti-entropy ---------------------------------------------------------

    def start_resync(self, peer: int) -> None:
        """Starts ``peer``'s anti-entropy timer at a random phase."""
        phase = self.scheduler.rng.random() * self.resync_interval
        self.scheduler.after(phase, self._resync, peer, self._incarnation[peer])

    def _resync(self, peer: int, incarnation: int) -> None:
        if not self.resyncing or self._incarnation.get(peer) != incarnation:
            return
        if peer not in self._peers:
            return
        if self._adjacent[peer]:
            self._peers[peer].resync()
            self._flush(peer)
        self.scheduler.after(self.resync_interval, self._resync, peer, incarnation)

    def _flush(self, peer: int) -> None:
        frames = self._peers[peer].outbox()
        if not frames:
            return
        conns, send = self._conns, self.network.send
        for neighbor, frame in frames:
            conn = conns.get((peer, neighbor) if peer < neighbor else (neighbor, peer))
            if conn is not None:
                send(conn, peer, frame)

    def _deliver(self, conn: Connection, dst: int, frame: bytes) -> None:
        peer = self._peers[dst]
        version = peer.version
        peer.receive(conn.other(dst), frame)
        self._flush(dst)
        if peer.version != version:
            self.last_change = self.scheduler.now
            for listener in self._listeners:
                listener(dst)
