"""Topologies: who connects to whom, the gossip degree cap and reconnection after a leave.

Most tests drive the topologies through a bare graph (``Graph``, the ``Overlay`` a
simulation provides), without documents.
"""

from __future__ import annotations

import random

import pytest

from crdtcore.sim import Gossip, Mesh, Simulation, Star
from crdtcore.sim.topology import Topology, make_topology


class Graph:
    """An ``Overlay`` without documents: live peers and undirected links."""

    def __init__(self, peers: int, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.links: dict[int, set[int]] = {p: set() for p in range(peers)}

    def live_peers(self) -> list[int]:
        return sorted(self.links)

    def neighbors(self, peer: int) -> list[int]:
        return sorted(self.links[peer])

    def connect(self, a: int, b: int) -> None:
        assert a != b and b not in self.links[a]
        self.links[a].add(b)
        self.links[b].add(a)

    def disconnect(self, a: int, b: int) -> None:
        self.links[a].remove(b)
        self.links[b].remove(a)

    def remove(self, topology: Topology, peer: int) -> list[int]:
        former = self.neighbors(peer)
        for other in former:
            self.links[other].discard(peer)
        del self.links[peer]
        topology.left(self, peer, former)
        return former

    def add(self, topology: Topology, peer: int) -> None:
        self.links[peer] = set()
        topology.joined(self, peer)

    def connected(self) -> bool:
        start = self.live_peers()[0]
        seen, stack = {start}, [start]
        while stack:
            for other in self.links[stack.pop()]:
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        return len(seen) == len(self.links)


def test_mesh_connects_everyone_and_never_relays():
    g = Graph(6)
    Mesh().start(g)
    assert all(len(g.links[p]) == 5 for p in g.links)
    g.add(Mesh(), 6)
    assert all(len(g.links[p]) == 6 for p in g.links)
    assert not Mesh().relays(0)


def test_star_connects_everyone_to_the_relaying_hub():
    g = Graph(5)
    star = Star(hub=2)
    star.start(g)
    assert g.neighbors(2) == [0, 1, 3, 4] and all(g.neighbors(p) == [2] for p in (0, 1, 3, 4))
    assert star.relays(2) and not star.relays(0)
    g.remove(star, 2)
    assert all(not g.links[p] for p in g.links)  # nobody hears anybody without the hub
    g.add(star, 2)
    assert g.neighbors(2) == [0, 1, 3, 4]


@pytest.mark.parametrize("peers", [8, 40, 100])
def test_gossip_never_exceeds_its_cap_and_stays_connected(peers):
    g = Graph(peers, seed=peers)
    gossip = Gossip()
    gossip.start(g)
    cap = gossip.cap(peers)
    degrees = [len(g.links[p]) for p in g.links]
    assert max(degrees) <= cap and min(degrees) >= 1
    assert sum(degrees) / peers >= 2 * (gossip.min_connections - 0.5)  # most got 2 links
    assert g.connected()
    assert gossip.relays(0)


def test_gossip_cap_is_max_5_log2_n_or_the_fixed_value():
    assert [Gossip().cap(n) for n in (2, 20, 32, 33, 1000)] == [5, 5, 5, 6, 10]
    g = Graph(30)
    capped = Gossip(max_connections=3)
    capped.start(g)
    assert max(len(links) for links in g.links.values()) <= 3
    with pytest.raises(ValueError):
        Gossip(max_connections=0)


def test_full_peers_forward_connection_requests():
    g = Graph(7)
    gossip = Gossip(max_connections=2, min_connections=0)
    for a, b in ((0, 1), (0, 2), (1, 3), (2, 3)):
        g.connect(a, b)  # 0-3 are full (2 links each), 4-6 are free
    for _ in range(20):
        if gossip.request(g, 4) is not None:
            break
    assert len(g.links[4]) >= 1 and all(len(g.links[p]) <= 2 for p in g.links)


@pytest.mark.parametrize("seed", range(5))
def test_a_full_clique_makes_room_for_a_newcomer(seed):
    # 6 peers linked to each other are all at the cap of 5: the newcomer's requests are
    # refused everywhere, so the last peer asked drops one link to let it in, and the
    # peer it dropped reconnects to the newcomer (tests/fuzz gossip_restart_isolated).
    g = Graph(6, seed=seed)
    for a in range(6):
        for b in range(a + 1, 6):
            g.connect(a, b)
    gossip = Gossip()
    g.add(gossip, 6)
    assert 2 <= len(g.links[6]) <= 5
    assert all(len(links) <= 5 for links in g.links.values()) and g.connected()


def test_making_room_is_skipped_when_it_would_isolate_someone():
    g = Graph(3)
    g.connect(0, 1)  # cap 1: 0 and 1 are full, and each has only the other
    assert Gossip(max_connections=1, min_connections=1).request(g, 2) is None
    assert g.links[2] == set() and g.neighbors(0) == [1]


def test_gossip_neighbors_reconnect_elsewhere_when_a_peer_leaves():
    g = Graph(30, seed=5)
    gossip = Gossip()
    gossip.start(g)
    victim = max(g.links, key=lambda p: len(g.links[p]))
    before = {p: len(g.links[p]) for p in g.links}
    former = g.remove(gossip, victim)
    assert len(former) >= 2
    for p in former:
        assert len(g.links[p]) == before[p]  # lost the victim, gained a replacement
        assert victim not in g.links[p]
    assert g.connected()
    assert max(len(links) for links in g.links.values()) <= gossip.cap(29)


def test_simulation_keeps_the_gossip_cap_through_joins_and_leaves():
    sim = Simulation(peers=24, topology="gossip", seed=2)
    for t in range(5):
        sim.join(at=100.0 * t)
    for peer in (3, 7, 11):
        sim.leave(peer, at=1000.0 + peer)
    report = sim.run()
    assert report.converged and report.peers == 26
    cap = sim.topology.cap(26)  # type: ignore[attr-defined]
    degrees = {p: len(sim.neighbors(p)) for p in sim.live_peers()}
    assert max(degrees.values()) <= cap and min(degrees.values()) >= 1
    assert not ({3, 7, 11} & set(sim.live_peers()))


def test_make_topology_by_name_or_object():
    assert make_topology("gossip").name == "gossip"
    star = Star()
    assert make_topology(star) is star
    with pytest.raises(ValueError, match="unknown topology"):
        make_topology("ring")
