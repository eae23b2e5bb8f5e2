"""SyncProtocol with a shared Awareness: handshake, queries, forwarding, revival, close."""

from __future__ import annotations

import pytest

from crdtcore import Doc
from crdtcore.sync import (
    Awareness,
    AwarenessMessage,
    AwarenessReceived,
    QueryAwareness,
    SyncProtocol,
    decode_awareness_update,
    decode_message,
    encode_awareness_update,
)


def peer(client_id: int, state=None) -> tuple[Doc, Awareness]:
    doc = Doc(client_id=client_id)
    awareness = Awareness(doc, now=0)
    if state is not None:
        awareness.set_local_state(state, now=0)
    return doc, awareness


def awareness_entries(frames: list[bytes]) -> list[tuple[int, int, object]]:
    entries = []
    for frame in frames:
        message = decode_message(frame)
        if isinstance(message, AwarenessMessage):
            entries += [
                (e.client_id, e.clock, e.state) for e in decode_awareness_update(message.update)
            ]
    return entries


def test_start_sends_the_local_awareness_state():
    doc, awareness = peer(1, {"name": "a"})
    protocol = SyncProtocol(doc, awareness=awareness)
    protocol.start()
    assert awareness_entries(protocol.data_to_send()) == [(1, 1, {"name": "a"})]
    awareness.set_local_state(None)
    protocol.data_to_send()
    protocol.start()
    assert awareness_entries(protocol.data_to_send()) == []  # offline: nothing to announce


def test_handshake_exchanges_awareness(pump):
    (da, aa), (db, ab) = peer(1, {"name": "a"}), peer(2, {"name": "b"})
    pa, pb = SyncProtocol(da, awareness=aa), SyncProtocol(db, awareness=ab)
    pa.start()
    pb.start()
    pump((pa, pb))
    assert dict(aa.states) == dict(ab.states) == {1: {"name": "a"}, 2: {"name": "b"}}
    received = [e for e in pb.events_received() if isinstance(e, AwarenessReceived)]
    assert [(e.added, e.updated, e.removed) for e in received] == [((1,), (), ())]
    assert pb.controlled_clients == {1}


def test_local_changes_are_forwarded_but_not_echoed(pump):
    (da, aa), (db, ab) = peer(1), peer(2)
    pa, pb = SyncProtocol(da, awareness=aa), SyncProtocol(db, awareness=ab)
    aa.set_local_state({"cursor": 5}, now=10)
    frames = pa.data_to_send()
    assert awareness_entries(frames) == [(1, 1, {"cursor": 5})]
    for frame in frames:
        pb.receive_data(frame, now=11)
    assert ab.states[1] == {"cursor": 5} and ab.meta[1]["lastUpdated"] == 11
    assert pb.data_to_send() == []


def test_query_awareness_is_answered_with_every_state():
    (da, aa), _ = peer(1, {"me": 1}), None
    aa.apply_awareness_update(encode_awareness_update([(7, 3, {"x": 0})]), "elsewhere")
    pa = SyncProtocol(da, awareness=aa)
    pa.receive_data(QueryAwareness().encode())
    assert awareness_entries(pa.data_to_send()) == [(1, 1, {"me": 1}), (7, 3, {"x": 0})]
    pa.send_awareness([7])
    assert awareness_entries(pa.data_to_send()) == [(7, 3, {"x": 0})]


def test_awareness_is_relayed_through_a_middle_peer(pump):
    (da, aa), (db, ab), (dc, ac) = peer(1, {"n": "a"}), peer(2), peer(3, {"n": "c"})
    ab_, ba = SyncProtocol(da, awareness=aa), SyncProtocol(db, awareness=ab)
    bc, cb = SyncProtocol(db, awareness=ab), SyncProtocol(dc, awareness=ac)
    for p in (ab_, ba, bc, cb):
        p.start()
    pump((ab_, ba), (bc, cb))
    # b's state is the constructor's {} at clock 0, which y-protocols never accepts from a peer
    assert sorted(aa.states) == sorted(ac.states) == [1, 3]
    aa.set_local_state({"n": "a2"})
    pump((ab_, ba), (bc, cb))
    assert ac.states[1] == {"n": "a2"}
    ac.set_local_state(None)  # c goes offline: everyone drops it
    pump((ab_, ba), (bc, cb))
    assert 3 not in aa.states and 3 not in ab.states


def test_heartbeats_and_timeouts_are_forwarded(pump):
    (da, aa), (db, ab), (dc, ac) = peer(1), peer(2), peer(3)
    ab_, ba = SyncProtocol(da, awareness=aa), SyncProtocol(db, awareness=ab)
    bc, cb = SyncProtocol(db, awareness=ab), SyncProtocol(dc, awareness=ac)
    pump((ab_, ba), (bc, cb))
    aa.tick(15_000)  # heartbeat: clock 1
    pump((ab_, ba), (bc, cb))
    assert ac.meta[1]["clock"] == 1
    ab.apply_awareness_update(encode_awareness_update([(9, 1, {"ghost": 1})]), "setup", now=0)
    pump((ab_, ba), (bc, cb))
    assert 9 in aa.states and 9 in ac.states
    ab.tick(30_000)  # b drops 9 (origin "timeout") and tells its peers
    pump((ab_, ba), (bc, cb))
    assert 9 not in aa.states and 9 not in ac.states


def test_peer_declaring_us_offline_gets_our_state_back():
    (da, aa), _ = peer(1, {"alive": True}), None
    pa = SyncProtocol(da, awareness=aa)
    pa.receive_data(AwarenessMessage(encode_awareness_update([(1, 1, None)])).encode())
    assert aa.get_local_state() == {"alive": True}
    assert awareness_entries(pa.data_to_send()) == [(1, 2, {"alive": True})]


def test_close_can_remove_the_clients_of_the_connection(pump):
    (ds, server_aw), (dc, client_aw), (do, other_aw) = peer(1), peer(2, {"c": 1}), peer(3)
    to_client, client = SyncProtocol(ds, awareness=server_aw), SyncProtocol(dc, awareness=client_aw)
    to_other, other = SyncProtocol(ds, awareness=server_aw), SyncProtocol(do, awareness=other_aw)
    client.start()
    pump((to_client, client), (to_other, other))
    assert 2 in other_aw.states and to_client.controlled_clients == {2}
    to_client.close(remove_awareness=True)
    assert 2 not in server_aw.states
    pump((to_other, other))
    assert 2 not in other_aw.states
    assert to_client.controlled_clients == frozenset()


def test_close_keeps_states_by_default():
    (ds, aw), (dc, client_aw) = peer(1), peer(2, {"c": 1})
    protocol = SyncProtocol(ds, awareness=aw)
    client = SyncProtocol(dc, awareness=client_aw)
    client.start()
    for frame in client.data_to_send():
        protocol.receive_data(frame)
    protocol.data_to_send()
    protocol.close()
    assert 2 in aw.states
    aw.set_local_state({"after": "close"})
    assert protocol.data_to_send() == []  # no longer observing


def test_awareness_of_another_doc_is_refused():
    with pytest.raises(ValueError, match="another document"):
        SyncProtocol(Doc(), awareness=Awareness(Doc()))
