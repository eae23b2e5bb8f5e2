"""Awareness (crdtcore.sync._awareness): clock rules, removal, heartbeats and timeouts."""

from __future__ import annotations

import pytest

from crdtcore import Doc
from crdtcore.sync import Awareness, AwarenessChanges, ProtocolError, encode_awareness_update


def make(client_id: int = 1, now: float = 0) -> tuple[Awareness, list]:
    awareness = Awareness(Doc(client_id=client_id), now=now)
    seen: list = []
    awareness.observe(lambda topic, event: seen.append((topic, event[0], event[1])))
    return awareness, seen


def remote(client_id: int, clock: int, state) -> bytes:
    return encode_awareness_update([(client_id, clock, state)])


def test_constructor_sets_an_empty_local_state_at_clock_0():
    awareness, seen = make(now=123)
    assert awareness.client_id == 1
    assert awareness.get_local_state() == {}
    assert dict(awareness.meta) == {1: {"clock": 0, "lastUpdated": 123}}
    assert awareness.check_interval == 3000 and awareness.outdated_timeout == 30_000
    assert seen == []


def test_set_local_state_bumps_the_clock_and_emits():
    awareness, seen = make()
    awareness.set_local_state({"a": 1}, now=10)
    awareness.set_local_state({"a": 1}, now=20)  # same state: "update" only
    awareness.set_local_state(None, now=30)
    assert awareness.meta[1] == {"clock": 3, "lastUpdated": 30}
    assert awareness.get_local_state() is None and 1 not in awareness.states
    assert seen == [
        ("change", {"added": [], "updated": [1], "removed": []}, "local"),
        ("update", {"added": [], "updated": [1], "removed": []}, "local"),
        ("update", {"added": [], "updated": [1], "removed": []}, "local"),
        ("change", {"added": [], "updated": [], "removed": [1]}, "local"),
        ("update", {"added": [], "updated": [], "removed": [1]}, "local"),
    ]
    awareness.set_local_state({"back": True})
    assert seen[-1] == ("update", {"added": [1], "updated": [], "removed": []}, "local")


def test_set_local_state_rejects_non_json_and_keeps_the_state():
    awareness, seen = make()
    with pytest.raises(TypeError):
        awareness.set_local_state({"bytes": b"x"})
    assert awareness.get_local_state() == {} and awareness.meta[1]["clock"] == 0
    assert seen == []


def test_set_local_state_field():
    awareness, _ = make()
    awareness.set_local_state_field("name", "Ada")
    awareness.set_local_state_field("x", 1)
    assert awareness.get_local_state() == {"name": "Ada", "x": 1}
    awareness.set_local_state(None)
    awareness.set_local_state_field("name", "Bob")
    assert awareness.get_local_state() is None


def test_remote_clock_rules():
    awareness, seen = make()
    assert awareness.apply_awareness_update(remote(5, 2, {"v": 1}), "net", now=1) == (
        AwarenessChanges(added=(5,))
    )
    assert awareness.apply_awareness_update(remote(5, 2, {"v": 2}), "net").updated == ()  # same
    assert awareness.apply_awareness_update(remote(5, 1, {"v": 3}), "net").updated == ()  # older
    assert awareness.states[5] == {"v": 1}
    changes = awareness.apply_awareness_update(remote(5, 3, {"v": 1}), "net", now=2)
    assert changes == AwarenessChanges(updated=(5,))  # heartbeat: no real change
    changes = awareness.apply_awareness_update(remote(5, 4, {"v": True}), "net")
    assert changes == AwarenessChanges(updated=(5,), filtered_updated=(5,))
    assert awareness.meta[5] == {"clock": 4, "lastUpdated": 2}
    topics = [(topic, event) for topic, event, origin in seen if origin == "net"]
    assert topics == [
        ("change", {"added": [5], "updated": [], "removed": []}),
        ("update", {"added": [5], "updated": [], "removed": []}),
        ("update", {"added": [], "updated": [5], "removed": []}),
        ("change", {"added": [], "updated": [5], "removed": []}),
        ("update", {"added": [], "updated": [5], "removed": []}),
    ]


def test_null_with_the_same_clock_removes():
    awareness, _ = make()
    awareness.apply_awareness_update(remote(5, 2, {"v": 1}), "net")
    assert awareness.apply_awareness_update(remote(5, 2, None), "net").removed == (5,)
    assert 5 not in awareness.states and awareness.meta[5]["clock"] == 2
    # a second null with that clock: nothing left to remove
    assert awareness.apply_awareness_update(remote(5, 2, None), "net") == AwarenessChanges()


def test_null_for_an_unknown_client_records_only_its_clock():
    awareness, seen = make()
    assert awareness.apply_awareness_update(remote(8, 0, None), "net") == AwarenessChanges()
    assert 8 not in awareness.meta
    assert awareness.apply_awareness_update(remote(8, 3, None), "net") == AwarenessChanges()
    assert awareness.meta[8]["clock"] == 3 and 8 not in awareness.states
    assert seen == []
    assert awareness.apply_awareness_update(remote(8, 3, {"late": 1}), "net") == AwarenessChanges()


def test_a_peer_cannot_remove_the_local_state():
    awareness, _ = make()
    awareness.set_local_state({"me": 1})  # clock 1
    changes = awareness.apply_awareness_update(remote(1, 1, None), "net")
    assert changes.removed == (1,)  # reported like y-protocols, but the state is kept
    assert awareness.get_local_state() == {"me": 1}
    assert awareness.meta[1]["clock"] == 2  # so our next broadcast wins
    assert awareness.encode_awareness_update([1]) == remote(1, 2, {"me": 1})


def test_remove_awareness_states():
    awareness, seen = make()
    awareness.apply_awareness_update(remote(5, 7, {}), "net")
    changes = awareness.remove_awareness_states([5, 1, 42], "bye", now=9)
    assert changes.removed == (5, 1)
    assert awareness.meta[5]["clock"] == 7  # remote clocks are not ours to bump
    assert awareness.meta[1] == {"clock": 1, "lastUpdated": 9}
    assert seen[-1] == ("update", {"added": [], "updated": [], "removed": [5, 1]}, "bye")
    assert awareness.encode_awareness_update([5, 1]) == encode_awareness_update(
        [(5, 7, None), (1, 1, None)]
    )
    assert awareness.remove_awareness_states([5], "again") == AwarenessChanges()


def test_heartbeat_and_outdated_timeout_with_an_injected_clock():
    awareness, seen = make(now=0)
    awareness.apply_awareness_update(remote(5, 1, {"x": 1}), "net", now=1000)
    awareness.apply_awareness_update(remote(6, 1, {"y": 1}), "net", now=20_000)
    assert awareness.tick(14_999) == AwarenessChanges()
    assert awareness.tick(15_000) == AwarenessChanges(updated=(1,))
    assert awareness.meta[1] == {"clock": 1, "lastUpdated": 15_000}
    assert awareness.tick(30_999).removed == ()
    assert awareness.tick(31_000).removed == (5,)
    assert seen[-1] == ("update", {"added": [], "updated": [], "removed": [5]}, "timeout")
    assert awareness.tick(50_000) == AwarenessChanges(updated=(1,), removed=(6,))
    assert sorted(awareness.states) == [1]
    assert awareness.now == 50_000


def test_no_heartbeat_while_offline():
    awareness, _ = make()
    awareness.set_local_state(None, now=0)
    assert awareness.tick(100_000) == AwarenessChanges()
    assert awareness.meta[1]["clock"] == 1


def test_custom_timeout_and_default_now():
    awareness = Awareness(Doc(client_id=1), now=500, outdated_timeout=1000)
    awareness.apply_awareness_update(remote(2, 1, {}), "net")  # stamped with now=500
    assert awareness.meta[2]["lastUpdated"] == 500
    assert awareness.tick(1499).removed == ()
    assert awareness.tick(1500).removed == (2,)


def test_malformed_update_changes_nothing():
    awareness, seen = make()
    good = remote(5, 1, {"ok": 1})
    bad = bytes([2]) + good[1:] + bytes([6, 1, 2]) + b"{x"
    with pytest.raises(ProtocolError, match="invalid JSON"):
        awareness.apply_awareness_update(bad, "net")
    with pytest.raises(ProtocolError, match="truncated"):
        awareness.apply_awareness_update(good[:-1], "net")
    assert sorted(awareness.states) == [1] and sorted(awareness.meta) == [1]
    assert seen == []


def test_encode_unknown_client_and_read_only_views():
    awareness, _ = make()
    with pytest.raises(KeyError):
        awareness.encode_awareness_update([99])
    with pytest.raises(TypeError):
        awareness.states[5] = {}  # type: ignore[index]
    assert "client_id=1" in repr(awareness)


def test_observer_errors_are_raised_after_all_observers_ran():
    awareness, seen = make()

    def boom(topic, event):
        raise RuntimeError("observer failed")

    sub = awareness.observe(boom)
    awareness.observe(lambda topic, event: seen.append("after"))
    with pytest.raises(RuntimeError, match="observer failed"):
        awareness.set_local_state({"a": 1})
    assert awareness.get_local_state() == {"a": 1}
    assert seen.count("after") == 2  # change + update
    awareness.unobserve(sub)
    awareness.set_local_state({"a": 2})
    with pytest.raises(KeyError):
        awareness.unobserve(sub)
