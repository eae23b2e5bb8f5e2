"""The Simulation end to end: determinism, convergence under faults in every topology,
partitions, crashes and restarts, joins and leaves, pluggable peers, and a checker that
does catch divergence."""

from __future__ import annotations

import pytest

from crdtcore.sim import CrdtcorePeer, LinkConfig, PeerSpec, RandomWorkload, Simulation

LOSSY = LinkConfig(latency=20, jitter=60, drop=0.2, duplicate=0.2)


def text_op(text: str) -> list[dict]:
    return [{"kind": "text", "action": "insert", "target": 0, "index": 0, "text": text}]


def busy_sim(seed: int, topology: str = "gossip") -> Simulation:
    sim = Simulation(
        peers=8,
        topology=topology,
        link=LOSSY,
        seed=seed,
        workload=RandomWorkload(ops=300, duration=3000),
    )
    sim.partition([[0, 1, 2], [3, 4, 5]], at=500, until=1500)
    sim.crash(2, at=800, restart_at=2000)
    sim.join(at=1000)
    sim.leave(6, at=2500)
    return sim


def test_same_seed_same_report_and_same_document_bytes():
    first, second = busy_sim(seed=11), busy_sim(seed=11)
    a, b = first.run(), second.run()
    assert a.converged and a == b
    assert first.live_peers() == second.live_peers()
    for peer in first.live_peers():
        doc_a = first.peer(peer).doc  # type: ignore[attr-defined]
        doc_b = second.peer(peer).doc  # type: ignore[attr-defined]
        assert doc_a.get_update() == doc_b.get_update()
    c = busy_sim(seed=12).run()
    assert c.converged and c != a and c.messages != a.messages


@pytest.mark.parametrize("topology", ["mesh", "star", "gossip"])
def test_every_topology_converges_with_loss_duplication_and_reordering(topology):
    sim = Simulation(
        peers=8, topology=topology, link=LOSSY, seed=3, workload=RandomWorkload(300, 3000)
    )
    report = sim.run()
    assert report.converged, report.summary()
    assert report.differences == [] and report.ops == 300 and report.peers == 8
    assert report.drops > 0 and report.duplicates > 0
    assert report.convergence_time is not None and report.convergence_time >= 0
    assert report.samples[-1].states == 1 and report.samples[-1].agreeing == 1.0
    assert max(s.states for s in report.samples) > 1  # the peers did disagree on the way
    snap = sim.peer(0).snapshot()
    assert snap.content["text"] and snap.content["array"] is not None


def test_a_partition_heals_and_the_halves_merge():
    sim = Simulation(
        peers=6, link=LinkConfig(jitter=20), seed=5, workload=RandomWorkload(200, 2000)
    )
    sim.partition([[0, 1, 2], [3, 4, 5]], at=200, until=3000)
    report = sim.run()
    assert report.converged and report.partition_drops > 0
    assert report.convergence_time is not None and report.convergence_time > 3000
    assert [label for _, label in report.actions] == ["partition", "heal"]
    during = [s for s in report.samples if 2100 < s.time < 3000]  # edits over, still split
    assert during and all(s.states >= 2 for s in during)


def test_a_partition_that_never_heals_is_reported_with_the_differing_peers():
    sim = Simulation(peers=4, seed=5, workload=RandomWorkload(60, 1000), settle=3000)
    sim.partition([[0, 1], [2, 3]], at=0)
    report = sim.run()
    assert not report.converged and report.convergence_time is None
    assert report.end_time < 1000 + 3000 + 1000
    assert {d.peer for d in report.differences} >= {2, 3}
    assert any("content" in d.problem for d in report.differences)
    assert "NO" in report.summary() and "peer 2 vs peer 0" in report.summary()


@pytest.mark.parametrize("restore", [True, False])
def test_crash_and_restart_with_and_without_persisted_updates(restore):
    # Peer 1 edits while cut off, crashes, and comes back before the partition heals:
    # its edit survives only if it restarts from what it persisted.
    sim = Simulation(peers=3, link=LinkConfig(latency=10), seed=1)
    sim.at(50, sim.perform, 0, text_op("together "))
    sim.partition([[0, 2], [1]], at=100, until=400)
    sim.at(150, sim.perform, 1, text_op("lonely "))
    sim.crash(1, at=200, restart_at=300, restore=restore)
    report = sim.run()
    assert report.converged, report.summary()
    text = sim.peer(0).snapshot().content["text"]
    assert ("lonely" in text) is restore and "together" in text
    assert sim.peer(1).spec.client_id == 4  # a restart gets a new client id
    assert sim.incarnation(1) == 2
    assert [label for _, label in report.actions] == ["partition", "crash 1", "restart 1", "heal"]


def test_crashes_under_load_lose_frames_on_closed_connections_but_converge():
    sim = Simulation(
        peers=6, topology="star", link=LOSSY, seed=8, workload=RandomWorkload(300, 3000)
    )
    sim.crash(0, at=1000, restart_at=1600)  # the hub
    sim.crash(4, at=1200, restart_at=2500, restore=False)
    report = sim.run()
    assert report.converged, report.summary()
    assert report.closed_drops > 0
    assert report.protocol["updates_in"] > 0 and report.protocol["messages_out"] > 0


def test_join_and_leave():
    sim = Simulation(peers=4, link=LOSSY, seed=2, workload=RandomWorkload(200, 2000))
    joined = sim.join(at=500)
    sim.leave(1, at=700)
    sim.leave(joined, at=1800)
    late = sim.join(at=2500)
    report = sim.run()
    assert report.converged and joined == 4 and late == 5
    assert sim.live_peers() == [0, 2, 3, 5] and report.peers == 4
    assert sim.peer(late).snapshot().content == sim.peer(0).snapshot().content
    assert sim.peer(late).snapshot().content["text"]


def test_the_checker_catches_an_edit_that_never_left_its_peer():
    sim = Simulation(peers=3, seed=4, workload=RandomWorkload(50, 500))
    assert sim.run().converged and sim.check() == []
    sim.peer(1).doc["text"].insert(0, "rogue")  # type: ignore[attr-defined]
    differences = sim.check()
    problems = {(d.peer, d.reference) for d in differences}
    assert (1, 0) in problems and (2, 0) not in problems
    assert any("content /text" in d.problem for d in differences)
    assert any("state vector" in d.problem for d in differences)


def test_the_checker_catches_pending_content_and_a_wrong_expected_value():
    from crdtcore import Doc, Text

    sim = Simulation(peers=2, seed=4)
    sim.run()
    author, updates = Doc({"text": Text("a")}, client_id=99), []
    author.observe(lambda event: updates.append(event.update))
    author["text"] += "b"
    sim.peer(1).doc.apply_update(updates[0])  # type: ignore[attr-defined]
    assert any(d.peer == 1 and "pending" in d.problem for d in sim.check())
    sim.workload.expected = {"text": "zzz"}  # type: ignore[misc]
    assert any(d.reference == -1 for d in sim.check())


def test_a_custom_peer_factory_is_used_for_every_incarnation():
    built: list[PeerSpec] = []

    class Recording(CrdtcorePeer):
        def __init__(self, spec: PeerSpec) -> None:
            built.append(spec)
            super().__init__(spec)

    def factory(spec: PeerSpec) -> CrdtcorePeer:
        return Recording(spec) if spec.peer_id % 2 == 0 else CrdtcorePeer(spec)

    sim = Simulation(peers=4, topology="star", seed=1, peer_factory=factory,
                     workload=RandomWorkload(40, 400))  # fmt: skip
    sim.crash(2, at=200, restart_at=300)
    assert sim.run().converged
    assert [(s.peer_id, s.client_id, s.relay, bool(s.restore)) for s in built] == [
        (0, 1, True, False),
        (2, 3, False, False),
        (2, 5, False, True),
    ]


def test_run_only_once_and_validate_arguments():
    sim = Simulation(peers=1)
    assert sim.run().converged
    with pytest.raises(RuntimeError):
        sim.run()
    with pytest.raises(ValueError):
        Simulation(peers=2, resync_interval=0)
    with pytest.raises(ValueError):
        RandomWorkload(ops=-1)


def test_max_time_stops_the_run():
    sim = Simulation(peers=3, seed=1, workload=RandomWorkload(1000, 100_000), max_time=2000)
    report = sim.run()
    assert not report.converged and report.end_time == 2000 and report.ops < 1000


@pytest.mark.parametrize(
    ("topology", "peers", "hops"),
    [("mesh", 5, 1), ("star", 5, 2), ("gossip", 12, 2)],
)
def test_updates_travel_by_relaying_not_by_anti_entropy(topology, peers, hops):
    # With resync far away, an edit can only spread by being forwarded (star, gossip)
    # or by going straight to every peer (mesh).
    sim = Simulation(peers=peers, topology=topology, link=LinkConfig(latency=10), seed=1,
                     resync_interval=1e9)  # fmt: skip
    sim.at(1000, sim.perform, 1, text_op("hello"))
    report = sim.run()
    assert report.converged and report.convergence_time is not None
    assert 1000 + 10 * hops <= report.convergence_time <= 1000 + 10 * (peers - 1)


def test_mesh_peers_do_not_forward_what_they_receive():
    sim = Simulation(peers=4, link=LinkConfig(latency=10), seed=1, resync_interval=1e9)
    sim.at(1000, sim.perform, 0, text_op("x"))
    report = sim.run()
    handshake = 4 * 3 * 2  # SyncStep1 and SyncStep2 on both ends of 6 connections
    assert report.messages == handshake + 3  # the author's update, once per neighbour
