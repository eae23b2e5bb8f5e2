"""Simulated links between peers: latency with jitter, loss, duplication, bandwidth, partitions.

A ``Connection`` joins two peers, like one WebSocket or WebRTC channel. A frame sent on
it is handed to the receiving peer after the link's latency plus a random jitter, so
frames sent close together can arrive in another order (reordering comes only from
jitter). Each frame is lost with probability ``drop`` and delivered a second time, with
its own delay, with probability ``duplicate``. With ``bandwidth`` set, frames queue on
the directed link behind the ones sent before them.

A partition splits the peers into groups; a frame between two groups is lost, both when
it is sent and when it would arrive (so frames in flight when the partition starts are
lost too). Connections stay open across a partition, as a TCP connection does during a
short outage; the peers' periodic re-synchronisation repairs what was lost. Closing a
connection (crash, leave) loses the frames still travelling on it.

Every random decision uses the scheduler's generator, in the order frames are sent.

Thread safety: none (see scheduler.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from .scheduler import Scheduler

DISTRIBUTIONS = ("uniform", "exponential")


@dataclass(frozen=True)
class LinkConfig:
    """How one directed link behaves; times in virtual milliseconds.

    Attributes:
        latency: Fixed part of the one-way delay.
        jitter: Random part of the delay: uniform in ``[0, jitter]``, or exponential with
            mean ``jitter`` (``distribution="exponential"``, a long tail).
        distribution: ``"uniform"`` or ``"exponential"``.
        drop: Probability that a frame is lost.
        duplicate: Probability that a frame is delivered twice.
        bandwidth: Bytes per millisecond (= kB/s), or None for unlimited.

    Example:
        >>> LinkConfig(latency=10, jitter=50, drop=0.1).drop
        0.1
    """

    latency: float = 20.0
    jitter: float = 0.0
    distribution: str = "uniform"
    drop: float = 0.0
    duplicate: float = 0.0
    bandwidth: float | None = None

    def __post_init__(self) -> None:
        if self.latency < 0 or self.jitter < 0:
            raise ValueError("latency and jitter must not be negative")
        if not (0 <= self.drop < 1 and 0 <= self.duplicate <= 1):
            raise ValueError("drop must be in [0, 1) and duplicate in [0, 1]")
        if self.distribution not in DISTRIBUTIONS:
            raise ValueError(f"distribution must be one of {DISTRIBUTIONS}")
        if self.bandwidth is not None and self.bandwidth <= 0:
            raise ValueError("bandwidth must be positive")

    def with_changes(self, **changes: object) -> LinkConfig:
        """A copy with some fields changed (``dataclasses.replace``)."""
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass
class Traffic:
    """Counters of everything the network carried (all sizes in bytes)."""

    messages: int = 0  # frames handed to the network by peers
    bytes: int = 0
    delivered: int = 0  # frames handed to peers, duplicates included
    delivered_bytes: int = 0
    duplicates: int = 0  # extra copies created by duplication
    drops: int = 0  # copies lost to random loss
    partition_drops: int = 0  # copies lost because a partition separated the peers
    closed_drops: int = 0  # copies lost because their connection closed


@dataclass
class Connection:
    """An open or closed channel between peers ``a`` and ``b``."""

    id: int
    a: int
    b: int
    open: bool = True

    def other(self, peer: int) -> int:
        """The peer at the other end from ``peer``."""
        return self.b if peer == self.a else self.a


Deliver = Callable[[Connection, int, bytes], None]  # (connection, receiving peer, frame)


class Network:
    """Carries frames between peers over connections, with faults.

    Args:
        scheduler: The simulation's scheduler (time and randomness).
        deliver: Called as ``deliver(connection, receiver, frame)`` when a frame arrives on
            an open connection between peers that are not partitioned.
        link: The default link configuration (``set_link`` overrides single links).

    Attributes:
        traffic: The counters.
        in_flight: Frames (copies) scheduled for delivery and not yet arrived.

    Example:
        >>> s = Scheduler(seed=1)
        >>> got = []
        >>> net = Network(s, lambda c, to, f: got.append((s.now, to, f)), LinkConfig(latency=5))
        >>> conn = net.connect(0, 1)
        >>> net.send(conn, 0, b"hi")
        >>> s.run()
        >>> got
        [(5.0, 1, b'hi')]
    """

    def __init__(self, scheduler: Scheduler, deliver: Deliver, link: LinkConfig | None = None):
        self.scheduler = scheduler
        self.deliver = deliver
        self.link = link or LinkConfig()
        self.traffic = Traffic()
        self.in_flight = 0
        self._links: dict[tuple[int, int], LinkConfig] = {}
        self._busy_until: dict[tuple[int, int], float] = {}
        self._group: dict[int, int] = {}
        self._next_id = 0

    # -- configuration -----------------------------------------------------------

    def set_link(self, a: int, b: int, config: LinkConfig, *, both_ways: bool = True) -> None:
        """Overrides the configuration of the link ``a -> b`` (and ``b -> a``)."""
        self._links[(a, b)] = config
        if both_ways:
            self._links[(b, a)] = config

    def link_config(self, src: int, dst: int) -> LinkConfig:
        """The configuration of the directed link ``src -> dst``."""
        return self._links.get((src, dst), self.link)

    def partition(self, groups: Iterable[Iterable[int]]) -> None:
        """Splits the peers into ``groups``; peers in no group form one more group.

        Replaces any previous partition.

        Raises:
            ValueError: A peer is listed in two groups.
        """
        group: dict[int, int] = {}
        for index, members in enumerate(groups):
            for peer in members:
                if peer in group:
                    raise ValueError(f"peer {peer} is in two partition groups")
                group[peer] = index
        self._group = group

    def heal(self) -> None:
        """Removes the partition: every peer can reach every other again."""
        self._group = {}

    def reachable(self, a: int, b: int) -> bool:
        """Whether no partition separates ``a`` and ``b``."""
        group = self._group
        return not group or group.get(a, -1) == group.get(b, -1)

    @property
    def partitioned(self) -> bool:
        """Whether a partition is in force."""
        return bool(self._group)

    # -- connections and frames ----------------------------------------------------

    def connect(self, a: int, b: int) -> Connection:
        """Opens a new connection between ``a`` and ``b``."""
        conn = Connection(self._next_id, a, b)
        self._next_id += 1
        return conn

    def send(self, conn: Connection, src: int, frame: bytes) -> None:
        """Sends ``frame`` from ``src`` to the other end of ``conn``, with the link's faults."""
        traffic = self.traffic
        traffic.messages += 1
        traffic.bytes += len(frame)
        dst = conn.other(src)
        if not self.reachable(src, dst):
            traffic.partition_drops += 1
            return
        config = self._links.get((src, dst), self.link)
        rng = self.scheduler.rng
        copies = 1
        if config.duplicate and rng.random() < config.duplicate:
            copies = 2
            traffic.duplicates += 1
        for _ in range(copies):
            if config.drop and rng.random() < config.drop:
                traffic.drops += 1
                continue
            self._schedule(conn, src, dst, frame, config)

    def _schedule(
        self, conn: Connection, src: int, dst: int, frame: bytes, config: LinkConfig
    ) -> None:
        scheduler = self.scheduler
        now = scheduler.now
        if config.bandwidth is not None:
            start = max(now, self._busy_until.get((src, dst), now))
            now = start + len(frame) / config.bandwidth
            self._busy_until[(src, dst)] = now
        delay = config.latency
        if config.jitter:
            if config.distribution == "uniform":
                delay += scheduler.rng.random() * config.jitter
            else:
                delay += scheduler.rng.expovariate(1.0 / config.jitter)
        self.in_flight += 1
        scheduler.at(now + delay, self._arrive, conn, src, dst, frame)

    def _arrive(self, conn: Connection, src: int, dst: int, frame: bytes) -> None:
        self.in_flight -= 1
        traffic = self.traffic
        if not conn.open:
            traffic.closed_drops += 1
        elif not self.reachable(src, dst):
            traffic.partition_drops += 1
        else:
            traffic.delivered += 1
            traffic.delivered_bytes += len(frame)
            self.deliver(conn, dst, frame)
