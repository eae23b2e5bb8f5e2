"""The simulation: peers, a faulty network, a workload and scheduled faults, in virtual time.

A ``Simulation`` is a ``Population`` (population.py: the peers, their connections, frame
delivery and the anti-entropy timers) with a workload, scheduled actions and a finish
line. ``run()`` connects the initial peers, starts the workload and processes events
until the run is quiescent: the workload is done, no action is scheduled and every live
peer has the same state vector, delete set and nothing pending (frames still in flight
cannot change that). Then it compares the peers with the oracle (checker.py) and returns
a ``Report``.

Anti-entropy: every peer re-runs the handshake (``resync``: a fresh SyncStep1 to each
neighbour, answered with what it lacks) every ``resync_interval`` ms, starting at a
random phase, so frames lost to drops, partitions or crashes are repaired. If nothing
changes for ``settle`` ms while no action is scheduled, the run stops and reports what
differs (a partition that never heals, a peer that lost its data).

Faults and membership are actions at virtual times: ``partition``/``heal``, ``crash``
(the document is discarded; ``restart`` builds a new one with a new client id, loading
the updates the old one had persisted, or nothing), ``join`` and ``leave``. Peers come
from ``peer_factory(PeerSpec)``, so another implementation (a Yjs process) can stand
behind the same interface.

Determinism: one ``random.Random(seed)``; peers, neighbours and groups are iterated in
id order; no wall clock. The same seed and configuration give the same report and the
same document bytes.

Thread safety: none (see scheduler.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from .checker import Difference, compare_peers
from .network import LinkConfig
from .peer import CrdtcorePeer
from .population import PeerFactory, Population
from .report import Report, Sample
from .scheduler import Scheduler
from .topology import Topology
from .workload import RandomWorkload, Workload

Progress = Callable[[float, float], None]  # (workload fraction done, virtual time in ms)


class Simulation(Population):
    """A deterministic network simulation of peers editing shared documents.

    The peers, connections and frames are managed by ``Population`` (population.py);
    ``live_peers``, ``peer``, ``neighbors``, ``connect``, ``perform``, ``on_change``... come
    from there.

    Args:
        peers: Number of peers at the start (ids ``0..peers-1``, client ids ``1..peers``).
        topology: ``"mesh"``, ``"star"``, ``"gossip"`` or a ``Topology`` object.
        link: Default link configuration (``set_link`` changes single links).
        seed: Seed of the run's only random generator.
        workload: What the users do (default: nothing).
        resync_interval: Anti-entropy period of every peer (virtual ms).
        sample_interval: Period of the samples in the report (virtual ms).
        settle: Stop after this long without any change once no action is scheduled.
        max_time: Stop at this virtual time in any case.
        peer_factory: Builds a peer from a ``PeerSpec`` (default ``CrdtcorePeer``).
        gc: Garbage-collect deleted content in the peers' documents.
        strict: Also require byte-identical documents (identical struct stores).

    Example:
        >>> sim = Simulation(peers=4, topology="star", link=LinkConfig(drop=0.2), seed=3,
        ...                  workload=RandomWorkload(ops=40, duration=2000))
        >>> sim.partition([[0, 1], [2, 3]], at=500, until=1500)
        >>> report = sim.run()
        >>> report.converged, report.peers
        (True, 4)
    """

    def __init__(
        self,
        peers: int = 5,
        topology: str | Topology = "mesh",
        link: LinkConfig | None = None,
        seed: int = 0,
        workload: Workload | None = None,
        *,
        resync_interval: float = 1000.0,
        sample_interval: float = 500.0,
        settle: float = 60_000.0,
        max_time: float | None = None,
        peer_factory: PeerFactory = CrdtcorePeer,
        gc: bool = True,
        strict: bool = False,
    ) -> None:
        if peers < 0 or sample_interval <= 0 or settle <= 0:
            raise ValueError("peers must be >= 0 and the intervals positive")
        self.workload: Workload = workload if workload is not None else RandomWorkload(ops=0)
        super().__init__(
            Scheduler(seed),
            topology,
            link,
            peer_factory=peer_factory,
            resync_interval=resync_interval,
            gc=gc,
            track_deletes=self.workload.tracks_deletes,
        )
        self.seed = seed
        self.sample_interval = sample_interval
        self.settle = settle
        self.max_time = max_time
        self.strict = strict
        self._persisted: dict[int, list[bytes]] = {}
        self._next_peer = peers
        self._pending_actions = 0
        self._last_action = 0.0
        self._samples: list[Sample] = []
        self._actions: list[tuple[float, str]] = []
        self._progress: Progress | None = None
        self._started = False
        self._finished = False
        for peer in range(peers):
            self.add_peer(peer)

    def check(self) -> list[Difference]:
        """Compares the live peers now (see checker.py); empty when they agree."""
        snapshots = {p: self._peers[p].snapshot() for p in self.live_peers()}
        return compare_peers(snapshots, self.workload.expected, check_bytes=self.strict)

    # -- scheduled actions -------------------------------------------------------------------

    def at(self, time: float, action: Callable[..., Any], *args: Any, label: str = "") -> None:
        """Runs ``action(*args)`` at virtual time ``time`` as a scheduled action.

        Args:
            time: Virtual ms.
            action: Any callable, e.g. ``sim.perform`` with a peer and ops.
            *args: Its arguments.
            label: Names the action in ``Report.actions`` (and the plot); unlabelled
                actions are not listed.
        """
        self._pending_actions += 1
        self.scheduler.at(time, self._run_action, action, args, label)

    def partition(
        self, groups: Iterable[Iterable[int]], *, at: float, until: float | None = None
    ) -> None:
        """Splits the peers into ``groups`` at ``at`` (unlisted peers form one more group)
        and heals at ``until`` (never if None)."""
        frozen = [sorted(group) for group in groups]
        self.at(at, self.network.partition, frozen, label="partition")
        if until is not None:
            self.heal(at=until)

    def heal(self, *, at: float) -> None:
        """Ends any partition at ``at``."""
        self.at(at, self.network.heal, label="heal")

    def crash(
        self, peer: int, *, at: float, restart_at: float | None = None, restore: bool = True
    ) -> None:
        """Crashes ``peer`` at ``at`` (its document is lost, its persisted updates kept);
        restarts it at ``restart_at`` if given (see ``restart``)."""
        self.at(at, self._crash, peer, label=f"crash {peer}")
        if restart_at is not None:
            self.restart(peer, at=restart_at, restore=restore)

    def restart(self, peer: int, *, at: float, restore: bool = True) -> None:
        """Restarts a crashed ``peer`` at ``at`` with a new client id, loading the updates it
        had persisted if ``restore``, then reconnecting as the topology says."""
        self.at(at, self._restart, peer, restore, label=f"restart {peer}")

    def join(self, *, at: float) -> int:
        """Adds a new peer at ``at``; returns its id (reserved now)."""
        peer = self._next_peer
        self._next_peer += 1
        self.at(at, self._join, peer, label=f"join {peer}")
        return peer

    def leave(self, peer: int, *, at: float) -> None:
        """``peer`` leaves for good at ``at``: its connections close, its document is gone."""
        self.at(at, self._leave, peer, label=f"leave {peer}")

    def _run_action(self, action: Callable[..., Any], args: tuple[Any, ...], label: str) -> None:
        self._pending_actions -= 1
        self._last_action = self.scheduler.now
        if label:
            self._actions.append((self.scheduler.now, label))
        action(*args)
        self._try_finish()

    def _crash(self, peer: int) -> None:
        if peer in self._peers:
            self._persisted[peer] = self._peers[peer].persisted()
            self._leave(peer)

    def _restart(self, peer: int, restore: bool) -> None:
        saved = self._persisted.pop(peer, [])
        if peer not in self._peers:
            self.add_peer(peer, tuple(saved) if restore else ())
            self.topology.joined(self, peer)

    def _join(self, peer: int) -> None:
        self.add_peer(peer)
        self.topology.joined(self, peer)

    def _leave(self, peer: int) -> None:
        if peer in self._peers:
            self.topology.left(self, peer, self.remove_peer(peer))

    def _deliver(self, conn: Any, dst: int, frame: bytes) -> None:
        version = self._peers[dst].version
        super()._deliver(conn, dst, frame)
        if dst in self._peers and self._peers[dst].version != version:
            self._try_finish()

    # -- running -----------------------------------------------------------------------------

    def run(self, progress: Progress | None = None) -> Report:
        """Runs to quiescence (or ``settle``/``max_time``) and reports.

        Args:
            progress: Called as ``progress(fraction_of_workload_done, virtual_ms)`` at every
                sample.

        Raises:
            RuntimeError: The simulation already ran.
        """
        if self._started:
            raise RuntimeError("a Simulation runs once; build a new one")
        self._started = True
        self._progress = progress
        self.topology.start(self)
        self.resyncing = True
        for peer in self.live_peers():
            self.start_resync(peer)
        self.workload.start(self)
        self.scheduler.after(0.0, self._sample)
        self.scheduler.run(until=self.max_time)
        self._finished = True
        self.resyncing = False
        return self._report()

    def _quiescent(self) -> bool:
        # Frames still in flight need not be awaited: a frame from a live peer carries part
        # of that peer's state, which every peer already holds once all states are equal,
        # and frames from crashed or departed peers travel on closed connections.
        if self._pending_actions or not self.workload.done:
            return False
        peers = [self._peers[p] for p in self.live_peers()]
        if len({peer.state_vector() for peer in peers}) > 1:
            return False
        fingerprints = {peer.fingerprint() for peer in peers}
        return len(fingerprints) <= 1 and all(f[0] == 0 for f in fingerprints)

    def _try_finish(self) -> None:
        if not self._finished and self._started and self._quiescent():
            self._finish()

    def _finish(self, *, sample: bool = True) -> None:
        self._finished = True
        self.resyncing = False
        if sample:
            self._take_sample()
        self.scheduler.stop()

    def _sample(self) -> None:
        if self._finished:
            return
        self._take_sample()
        if self._progress is not None:
            self._progress(self.workload.progress, self.scheduler.now)
        quiet = self.scheduler.now - max(self.last_change, self.last_edit, self._last_action)
        if self._quiescent() or (not self._pending_actions and quiet > self.settle):
            self._finish(sample=False)
            return
        self.scheduler.after(self.sample_interval, self._sample)

    def _take_sample(self) -> None:
        counts = Counter(self._peers[p].fingerprint() for p in self.live_peers())
        live = len(self._peers)
        traffic = self.network.traffic
        self._samples.append(
            Sample(
                time=self.scheduler.now,
                peers=live,
                states=len(counts),
                agreeing=max(counts.values()) / live if live else 1.0,
                messages=traffic.messages,
                bytes=traffic.bytes,
                ops=self.workload.ops_done,
            )
        )

    def _report(self) -> Report:
        differences = self.check()
        converged = not differences and self.workload.done and not self._pending_actions
        convergence = self.last_change if converged else None
        last_action = max(self._last_action, self.last_edit)
        traffic = self.network.traffic
        return Report(
            converged=converged,
            convergence_time=convergence,
            settle_time=None if convergence is None else max(0.0, convergence - last_action),
            end_time=self.scheduler.now,
            last_action_time=last_action,
            seed=self.seed,
            peers=len(self._peers),
            ops=self.workload.ops_done,
            messages=traffic.messages,
            bytes=traffic.bytes,
            delivered=traffic.delivered,
            duplicates=traffic.duplicates,
            drops=traffic.drops,
            partition_drops=traffic.partition_drops,
            closed_drops=traffic.closed_drops,
            protocol=self.protocol_stats(),
            samples=list(self._samples),
            actions=list(self._actions),
            differences=differences,
        )
