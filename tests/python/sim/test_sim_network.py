"""Links: latency, jitter and reordering, loss, duplication, bandwidth, partitions, closing.

These tests move bytes between trivial fake endpoints (no documents): the network only
needs a ``deliver`` callback.
"""

from __future__ import annotations

import itertools

import pytest

from crdtcore.sim import LinkConfig, Network, Scheduler
from crdtcore.sim.network import Connection

Arrival = tuple[float, int, bytes]


def make(link: LinkConfig, seed: int = 1) -> tuple[Scheduler, Network, list[Arrival]]:
    s = Scheduler(seed)
    arrivals: list[Arrival] = []
    net = Network(s, lambda conn, to, frame: arrivals.append((s.now, to, frame)), link)
    return s, net, arrivals


def send_many(s: Scheduler, net: Network, conn: Connection, n: int, gap: float = 1.0) -> None:
    for i in range(n):
        s.at(i * gap, net.send, conn, 0, i.to_bytes(2, "big"))
    s.run()


def test_latency_delays_every_frame_and_keeps_order_without_jitter():
    s, net, arrivals = make(LinkConfig(latency=25))
    send_many(s, net, net.connect(0, 1), 20)
    assert [t for t, _, _ in arrivals] == [25.0 + i for i in range(20)]
    assert [to for _, to, _ in arrivals] == [1] * 20
    assert net.traffic.messages == net.traffic.delivered == 20 and net.in_flight == 0


def test_jitter_reorders_within_its_bounds():
    s, net, arrivals = make(LinkConfig(latency=10, jitter=50))
    send_many(s, net, net.connect(0, 1), 200)
    order = [int.from_bytes(f, "big") for _, _, f in arrivals]
    assert sorted(order) == list(range(200)) and order != sorted(order)
    delays = [t - int.from_bytes(f, "big") for t, _, f in arrivals]
    assert all(10 <= d <= 60 for d in delays)


def test_exponential_jitter_has_the_given_mean():
    s, net, arrivals = make(LinkConfig(latency=10, jitter=40, distribution="exponential"))
    send_many(s, net, net.connect(0, 1), 2000)
    delays = [t - int.from_bytes(f, "big") for t, _, f in arrivals]
    assert min(delays) >= 10 and 45 < sum(delays) / len(delays) < 55 and max(delays) > 150


def test_drop_and_duplicate_rates_and_accounting():
    s, net, arrivals = make(LinkConfig(drop=0.25, duplicate=0.2))
    send_many(s, net, net.connect(0, 1), 4000)
    t = net.traffic
    assert 700 < t.duplicates < 900  # 20 % of 4000
    assert 1050 < t.drops < 1350  # 25 % of the 4800 copies
    assert t.delivered == len(arrivals) == t.messages + t.duplicates - t.drops
    frames = [f for _, _, f in arrivals]
    assert len(set(frames)) < len(frames)  # some frame arrived twice


def test_the_same_seed_gives_the_same_faults():
    runs = []
    for _ in range(2):
        s, net, arrivals = make(LinkConfig(jitter=30, drop=0.3, duplicate=0.3), seed=9)
        send_many(s, net, net.connect(0, 1), 300)
        runs.append(arrivals)
    assert runs[0] == runs[1]
    s, net, other = make(LinkConfig(jitter=30, drop=0.3, duplicate=0.3), seed=10)
    send_many(s, net, net.connect(0, 1), 300)
    assert other != runs[0]


def test_bandwidth_queues_frames_behind_each_other():
    s, net, arrivals = make(LinkConfig(latency=5, bandwidth=100.0))  # 100 bytes per ms
    conn = net.connect(0, 1)
    for _ in range(3):
        net.send(conn, 0, b"x" * 1000)  # 10 ms each on the wire
    s.run()
    assert [t for t, _, _ in arrivals] == [15.0, 25.0, 35.0]


def test_partitions_lose_frames_between_groups_until_healed():
    s, net, arrivals = make(LinkConfig(latency=10))
    inside, across = net.connect(0, 1), net.connect(0, 2)
    net.partition([[0, 1], [2]])
    assert net.partitioned and net.reachable(0, 1) and not net.reachable(0, 2)
    net.send(inside, 0, b"in")
    net.send(across, 0, b"out")
    s.run()
    assert [f for _, _, f in arrivals] == [b"in"] and net.traffic.partition_drops == 1
    net.heal()
    net.send(across, 0, b"healed")
    s.run()
    assert arrivals[-1][1:] == (2, b"healed") and not net.partitioned


def test_unlisted_peers_form_one_group_and_duplicates_are_refused():
    _, net, _ = make(LinkConfig())
    net.partition([[0]])
    assert net.reachable(1, 2) and not net.reachable(0, 1)
    with pytest.raises(ValueError, match="two partition groups"):
        net.partition([[0, 1], [1]])


def test_frames_in_flight_are_lost_when_a_partition_starts_or_the_connection_closes():
    s, net, arrivals = make(LinkConfig(latency=10))
    a, b = net.connect(0, 1), net.connect(0, 2)
    net.send(a, 0, b"a")
    net.send(b, 0, b"b")
    s.at(5.0, net.partition, [[0, 1], [2]])
    s.at(5.0, setattr, a, "open", False)
    s.run()
    assert arrivals == []
    assert net.traffic.partition_drops == 1 and net.traffic.closed_drops == 1


def test_per_link_configuration_overrides_the_default():
    s, net, arrivals = make(LinkConfig(latency=10))
    net.set_link(0, 2, LinkConfig(latency=100))
    net.send(net.connect(0, 1), 0, b"fast")
    net.send(net.connect(0, 2), 0, b"slow")
    s.run()
    assert [(t, f) for t, _, f in arrivals] == [(10.0, b"fast"), (100.0, b"slow")]
    assert net.link_config(2, 0).latency == 100 and net.link_config(1, 0).latency == 10


@pytest.mark.parametrize(
    "bad",
    [
        {"latency": -1},
        {"jitter": -1},
        {"drop": 1.0},
        {"duplicate": 1.5},
        {"distribution": "pareto"},
        {"bandwidth": 0},
    ],
)
def test_link_config_rejects_nonsense(bad):
    with pytest.raises(ValueError):
        LinkConfig(**bad)


class PingPong:
    """A trivial fake protocol: each side answers a number n with n + 1 until a limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.seen: list[tuple[float, int, int]] = []

    def deliver(self, net: Network, conn: Connection, to: int, frame: bytes) -> None:
        n = frame[0]
        self.seen.append((net.scheduler.now, to, n))
        if n < self.limit:
            net.send(conn, to, bytes([n + 1]))


def test_a_fake_protocol_exchanges_over_a_lossy_link_deterministically():
    def play(seed: int) -> list[tuple[float, int, int]]:
        s = Scheduler(seed)
        game = PingPong(limit=50)
        net = Network(s, lambda c, to, f: game.deliver(net, c, to, f), LinkConfig(jitter=5))
        net.send(net.connect(0, 1), 0, b"\x00")
        s.run()
        return game.seen

    seen = play(3)
    assert [n for _, _, n in seen] == list(range(51))
    assert [to for _, to, _ in seen] == [1, 0] * 25 + [1]
    assert all(a[0] < b[0] for a, b in itertools.pairwise(seen))
    assert seen == play(3) and seen != play(4)
