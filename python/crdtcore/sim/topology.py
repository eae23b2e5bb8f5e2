"""Who connects to whom: full mesh, star around a relay, and a gossip overlay.

A topology decides the connections when the simulation starts, when a peer joins or
restarts, and when a peer leaves or crashes. It acts through an ``Overlay`` (the
simulation): the live peers, their current neighbours, ``connect`` and the random
generator.

* ``Mesh``: every peer connects to every other; nobody relays (each peer hears every
  author directly, and anti-entropy repairs losses).
* ``Star``: every peer connects to the hub (peer 0 by default), which relays, like a
  y-websocket server. While the hub is down nobody hears anybody.
* ``Gossip``: a partial P2P mesh after Conclave's design. Every peer keeps the list of
  all peers (here: the simulation's list of live peers, as if joins and leaves were
  announced to everyone) and relays what it learns to its neighbours. A peer accepts at
  most ``max(5, ceil(log2 N))`` connections (N = live peers); a connection request to a
  full peer is forwarded to a random neighbour of it (Conclave's network balancing),
  hop by hop, and from a dead end to a random peer not asked yet. A joining peer asks
  for ``min_connections`` connections, starting each request at a random peer of its
  list. When a neighbour leaves or crashes, each of its former neighbours asks for one
  new connection in the same way. If every peer asked is full, the last one makes room:
  it drops its link to a neighbour of highest degree, accepts the requester, and the
  dropped neighbour asks for a new connection (without making room again). So nobody is
  left alone while the cap holds.

Thread safety: none (see scheduler.py).
"""

from __future__ import annotations

import math
import random
from typing import Protocol


class Overlay(Protocol):
    """What a topology may read and change (implemented by ``Simulation``)."""

    @property
    def rng(self) -> random.Random:
        """The run's random generator."""

    def live_peers(self) -> list[int]:
        """The live peers, sorted."""

    def neighbors(self, peer: int) -> list[int]:
        """The peers ``peer`` is connected to, sorted."""

    def connect(self, a: int, b: int) -> None:
        """Opens a connection between two live, unconnected peers."""

    def disconnect(self, a: int, b: int) -> None:
        """Closes the connection between ``a`` and ``b``."""


class Topology:
    """Base class: no connections at all. Subclasses override what they need."""

    name = "none"

    def relays(self, peer: int) -> bool:
        """Whether ``peer`` forwards what it receives to its other neighbours."""
        return True

    def start(self, overlay: Overlay) -> None:
        """Connects the initial peers (all live), in id order."""
        for peer in overlay.live_peers():
            self.joined(overlay, peer)

    def joined(self, overlay: Overlay, peer: int) -> None:
        """``peer`` joined or restarted (it has no connections yet)."""

    def left(self, overlay: Overlay, peer: int, former: list[int]) -> None:
        """``peer`` left or crashed; ``former`` were its neighbours (sorted)."""


class Mesh(Topology):
    """Everyone connected to everyone; no relaying.

    Example:
        >>> Mesh().relays(3)
        False
    """

    name = "mesh"

    def relays(self, peer: int) -> bool:
        return False

    def joined(self, overlay: Overlay, peer: int) -> None:
        linked = set(overlay.neighbors(peer))
        for other in overlay.live_peers():
            if other != peer and other not in linked:
                overlay.connect(peer, other)


class Star(Topology):
    """Everyone connected to one relaying hub.

    Args:
        hub: The hub's peer id.

    Example:
        >>> Star(hub=2).relays(2), Star(hub=2).relays(0)
        (True, False)
    """

    name = "star"

    def __init__(self, hub: int = 0) -> None:
        self.hub = hub

    def relays(self, peer: int) -> bool:
        return peer == self.hub

    def joined(self, overlay: Overlay, peer: int) -> None:
        live = overlay.live_peers()
        if peer == self.hub:
            linked = set(overlay.neighbors(peer))
            for other in live:
                if other != peer and other not in linked:
                    overlay.connect(peer, other)
        elif self.hub in live and self.hub not in overlay.neighbors(peer):
            overlay.connect(peer, self.hub)


class Gossip(Topology):
    """A partial mesh with capped degree and relaying (Conclave).

    Args:
        max_connections: Fixed cap; by default ``max(5, ceil(log2 N))``.
        min_connections: Connections a joining peer asks for.

    Example:
        >>> Gossip().cap(20), Gossip().cap(100), Gossip(max_connections=3).cap(100)
        (5, 7, 3)
    """

    name = "gossip"

    def __init__(self, max_connections: int | None = None, min_connections: int = 2) -> None:
        if max_connections is not None and max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self.max_connections = max_connections
        self.min_connections = min_connections

    def cap(self, peers: int) -> int:
        """The most connections a peer accepts when ``peers`` peers are live."""
        if self.max_connections is not None:
            return self.max_connections
        return max(5, math.ceil(math.log2(max(peers, 2))))

    def joined(self, overlay: Overlay, peer: int) -> None:
        for _ in range(self.min_connections):
            self.request(overlay, peer)

    def left(self, overlay: Overlay, peer: int, former: list[int]) -> None:
        for neighbor in former:
            if neighbor in overlay.live_peers():
                self.request(overlay, neighbor)

    def request(self, overlay: Overlay, peer: int, *, make_room: bool = True) -> int | None:
        """Finds ``peer`` one more neighbour; returns it, or None if there is none to find.

        A random peer of ``peer``'s list is asked first; a full one forwards the request to
        a random neighbour of its own not asked yet, and a dead end passes it to a random
        peer not asked yet. If every peer asked was full and ``make_room``, the last one
        makes room (see the module docstring).
        """
        live = overlay.live_peers()
        cap = self.cap(len(live))
        linked = set(overlay.neighbors(peer))
        if len(linked) >= cap:
            return None
        candidates = [p for p in live if p != peer and p not in linked]
        if not candidates:
            return None
        rng = overlay.rng
        target = rng.choice(candidates)
        seen = {target}
        while len(overlay.neighbors(target)) >= cap:
            onward = [p for p in overlay.neighbors(target) if p not in linked and p not in seen]
            onward = [p for p in onward if p != peer] or [p for p in candidates if p not in seen]
            if not onward:
                return self._make_room(overlay, peer, target) if make_room else None
            target = rng.choice(onward)
            seen.add(target)
        overlay.connect(peer, target)
        return target

    def _make_room(self, overlay: Overlay, peer: int, full: int) -> int | None:
        degrees = {n: len(overlay.neighbors(n)) for n in overlay.neighbors(full)}
        movable = [n for n, degree in degrees.items() if degree > 1]
        if not movable:
            return None
        top = max(degrees[n] for n in movable)
        dropped = overlay.rng.choice([n for n in movable if degrees[n] == top])
        overlay.disconnect(full, dropped)
        overlay.connect(peer, full)
        self.request(overlay, dropped, make_room=False)
        return full


TOPOLOGIES = {"mesh": Mesh, "star": Star, "gossip": Gossip}


def make_topology(topology: str | Topology) -> Topology:
    """A topology object from its name (``mesh``, ``star``, ``gossip``) or itself.

    Raises:
        ValueError: An unknown name.

    Example:
        >>> make_topology("star").name
        'star'
    """
    if isinstance(topology, Topology):
        return topology
    try:
        return TOPOLOGIES[topology]()
    except KeyError:
        raise ValueError(
            f"unknown topology {topology!r}; use one of {sorted(TOPOLOGIES)}"
        ) from None
