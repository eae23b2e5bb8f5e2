"""SyncProtocol driven by hand (no event loop): handshake, forwarding, relays, read-only peers."""

from __future__ import annotations

import pytest

from crdtcore import Array, Doc, Map, Text
from crdtcore.sync import (
    Auth,
    AwarenessReceived,
    PermissionDenied,
    ProtocolClosedError,
    ProtocolStats,
    QueryAwareness,
    Synced,
    SyncProtocol,
    SyncStep1,
    SyncStep2,
    Update,
    UpdateReceived,
    WriteDropped,
    YSyncMessageType,
    create_update_message,
    decode_message,
)


def content(doc: Doc) -> dict:
    return {name: doc[name].to_py() for name in sorted(doc.keys())}


def make_pair(**kwargs):
    a = Doc({"t": Text("hello")}, client_id=1)
    b = Doc({"m": Map({"k": [1, 2]})}, client_id=2)
    return a, b, SyncProtocol(a, name="a->b"), SyncProtocol(b, name="b->a", **kwargs)


def test_start_queues_sync_step1_with_the_state_vector():
    a, _, pa, _ = make_pair()
    pa.start()
    assert pa.data_to_send() == [SyncStep1(a.get_state()).encode()]
    assert pa.data_to_send() == []  # drained
    assert not pa.synced


def test_handshake_converges_both_docs(pump):
    a, b, pa, pb = make_pair()
    pa.start()
    pb.start()
    pump((pa, pb))
    assert content(a) == content(b) == {"m": {"k": [1, 2]}, "t": "hello"}
    assert a.get_state() == b.get_state()
    assert pa.synced and pb.synced
    for protocol in (pa, pb):
        events = protocol.events_received()
        assert [type(e) for e in events] == [UpdateReceived, Synced]
        assert events[0].step2
        assert protocol.events_received() == []


def test_one_sided_start_is_answered(pump):
    # y-websocket: the server answers a client's SyncStep1 and sends its own.
    a, b, pa, pb = make_pair()
    pb.start()
    for frame in pb.data_to_send():
        pa.receive_data(frame)
    replies = [decode_message(f) for f in pa.data_to_send()]
    assert replies == [SyncStep2(a.get_update(b.get_state()))]
    assert content(b) == {"m": {"k": [1, 2]}}  # nothing applied to b yet


def test_local_updates_are_forwarded_without_echo(pump):
    a, b, pa, pb = make_pair()
    pa.start()
    pb.start()
    pump((pa, pb))
    pa.events_received(), pb.events_received()
    updates = []
    a.observe(lambda event: updates.append(event.update))
    a["t"].insert(5, " world")
    frames = pa.data_to_send()
    assert frames == [Update(updates[0]).encode()]
    pb.receive_data(frames[0])
    assert str(b["t"]) == "hello world"
    assert pb.data_to_send() == []  # no echo back to a
    assert pb.events_received() == [UpdateReceived(updates[0], step2=False)]


def test_updates_are_forwarded_before_the_handshake_too():
    a, _, pa, _ = make_pair()
    a["t"] += "!"
    assert [type(decode_message(f)) for f in pa.data_to_send()] == [Update]


def test_transaction_groups_one_update_message():
    a, _, pa, _ = make_pair()
    with a.transaction():
        a["t"] += "1"
        a["t"] += "2"
    assert len(pa.data_to_send()) == 1


def test_relay_through_a_middle_doc(pump):
    a, b, c = Doc(client_id=1), Doc(client_id=2), Doc(client_id=3)
    ab, ba = SyncProtocol(a), SyncProtocol(b)
    bc, cb = SyncProtocol(b), SyncProtocol(c)
    for p in (ab, ba, bc, cb):
        p.start()
    pump((ab, ba), (bc, cb))
    a.get("t", type=Text).insert(0, "from a")
    pump((ab, ba), (bc, cb))
    assert str(c.get("t", type=Text)) == "from a"
    c.get("t", type=Text).insert(6, " and c")
    pump((ab, ba), (bc, cb))
    assert str(a.get("t", type=Text)) == str(b["t"]) == "from a and c"
    assert a.get_state() == b.get_state() == c.get_state()


def test_relay_does_not_send_back_to_the_sender():
    a, b = Doc(client_id=1), Doc(client_id=2)
    ab, ba, b_other = SyncProtocol(a), SyncProtocol(b), SyncProtocol(b)
    a.get("x", type=Array).append(1)
    for frame in ab.data_to_send():
        ba.receive_data(frame)
    assert ba.data_to_send() == []
    assert [type(decode_message(f)) for f in b_other.data_to_send()] == [Update]


def test_relay_false_forwards_only_transactions_no_protocol_applied():
    a, b = Doc(client_id=1), Doc(client_id=2)
    ab, ba = SyncProtocol(a), SyncProtocol(b, relay=False)
    b_other = SyncProtocol(b, relay=False)
    a.get("x", type=Array).append(1)
    for frame in ab.data_to_send():
        ba.receive_data(frame)
    assert b_other.data_to_send() == []  # received from a: not relayed
    b.get("x", type=Array).append(2)  # b's own edit still goes to every connection
    assert [type(decode_message(f)) for f in b_other.data_to_send()] == [Update]
    assert [type(decode_message(f)) for f in ba.data_to_send()] == [Update]


def test_update_that_unlocks_pending_content_goes_back_to_its_sender():
    source, updates = Doc(client_id=7), []
    source.observe(lambda event: updates.append(event.update))
    text = source.get("t", type=Text)
    text.insert(0, "a")
    text.insert(1, "b")  # depends on the first update
    server = Doc(client_id=1)
    from_a, from_b = SyncProtocol(server), SyncProtocol(server)
    from_b.receive_data(create_update_message(updates[1]))  # pending: "a" is missing
    assert server.has_pending and from_a.data_to_send() == []
    from_a.receive_data(create_update_message(updates[0]))  # unlocks "b", which a lacks
    echoed = [decode_message(f) for f in from_a.data_to_send()]
    assert [type(m) for m in echoed] == [Update]
    replica = Doc()
    replica.apply_update(updates[0])
    replica.apply_update(echoed[0].update)
    assert str(replica.get("t", type=Text)) == "ab"
    from_a.receive_data(create_update_message(updates[0]))  # nothing pending: no echo
    assert from_a.data_to_send() == []


def test_gossip_mesh_converges(pump):
    docs = [Doc(client_id=i + 1) for i in range(4)]
    links = []
    for i in range(4):
        for j in range(i + 1, 4):
            links.append((SyncProtocol(docs[i]), SyncProtocol(docs[j])))
    for i, doc in enumerate(docs):
        doc.get("a", type=Array).append(i)
    for left, right in links:
        left.start()
        right.start()
    pump(*links)
    values = [sorted(doc["a"].to_py()) for doc in docs]
    assert values == [[0, 1, 2, 3]] * 4
    assert len({doc.get_update() for doc in docs}) == 1


def test_read_only_peer_writes_are_dropped_and_counted(pump):
    a, b, pa, pb = make_pair(read_only=True)  # b treats a as read-only
    before = b.get_update()
    pa.start()
    pb.start()
    pump((pa, pb))
    a["t"] += "!"
    pump((pa, pb))
    assert b.get_update() == before  # nothing of a's arrived
    assert content(a) == {"m": {"k": [1, 2]}, "t": "hello!"}  # a still gets everything of b
    assert pb.stats.writes_dropped == 2
    assert pb.stats.updates_in == 0
    events = pb.events_received()
    assert events == [
        WriteDropped(YSyncMessageType.SYNC_STEP2),
        Synced(),
        WriteDropped(YSyncMessageType.SYNC_UPDATE),
    ]
    b["m"]["z"] = 0
    pump((pa, pb))
    assert a["m"].to_py() == {"k": [1, 2], "z": 0}


def test_stats_count_messages_and_bytes(pump):
    a, _b, pa, pb = make_pair()
    pa.start()
    pb.start()
    pump((pa, pb))
    a["t"] += "!"
    sent = pa.data_to_send()
    for frame in sent:
        pb.receive_data(frame)
    assert pa.stats.messages_out == 3  # step1, step2, update
    assert pa.stats.updates_out == 2
    assert pb.stats.messages_in == 3
    assert pb.stats.updates_in == 2
    assert pa.stats.bytes_out == pb.stats.bytes_in > 0
    assert pb.stats.writes_dropped == 0
    assert isinstance(pa.stats, ProtocolStats)


def test_frame_with_several_messages():
    a, b, _pa, pb = make_pair()
    pb.start()
    a["t"] += "?"
    frame = b"".join(
        [
            SyncStep1(b"\x00").encode(),
            Update(a.get_update()).encode(),
            QueryAwareness().encode(),
            Auth("go away").encode(),
            Auth(None).encode(),
        ]
    )
    pb.data_to_send()
    answer = SyncStep2(b.get_update(b"\x00"))  # messages are handled in order
    pb.receive_data(frame)
    assert str(b["t"]) == "hello?"
    assert [decode_message(f) for f in pb.data_to_send()] == [answer]
    assert pb.events_received() == [
        UpdateReceived(a.get_update(), step2=False),
        PermissionDenied("go away"),
    ]
    assert pb.stats.messages_in == 5


def test_awareness_message_without_awareness_is_reported_empty():
    _, _, _, pb = make_pair()
    pb.receive_data(bytes([1, 6, 1, 5, 1, 2]) + b"{}")
    assert pb.events_received() == [AwarenessReceived(bytes([1, 5, 1, 2]) + b"{}", (), (), ())]


def test_resync_queues_a_fresh_step1():
    a, _, pa, _ = make_pair()
    pa.resync()
    a["t"] += "x"
    pa.data_to_send()
    pa.resync()
    assert pa.data_to_send() == [SyncStep1(a.get_state()).encode()]


def test_send_queues_any_message():
    _, _, pa, _ = make_pair()
    pa.send(Auth("read-only"))
    assert pa.data_to_send() == [Auth("read-only").encode()]
    with pytest.raises(ValueError, match="no awareness"):
        pa.send_awareness()


def test_close_stops_forwarding_and_refuses_further_use():
    a, _, pa, _ = make_pair()
    a["t"] += "1"
    pa.close()
    pa.close()  # idempotent
    a["t"] += "2"
    assert len(pa.data_to_send()) == 1  # only the update from before close
    assert pa.closed
    for call in (pa.start, pa.resync, lambda: pa.receive_data(b"\x03"), pa.send_awareness):
        with pytest.raises(ProtocolClosedError):
            call()
    assert "closed" in repr(pa)


def test_synced_is_set_once():
    a, _b, _pa, pb = make_pair()
    pb.receive_data(SyncStep2(a.get_update()).encode())
    pb.receive_data(SyncStep2(a.get_update()).encode())
    events = pb.events_received()
    assert events.count(Synced()) == 1
    assert pb.synced
    assert "synced" in repr(pb) and "'b->a'" in repr(pb)


def test_out_of_order_updates_wait_as_pending():
    a, b, _, pb = make_pair()
    updates = []
    a.observe(lambda event: updates.append(event.update))
    a["t"] += "1"
    a["t"] += "2"
    pb.receive_data(Update(updates[1]).encode())
    assert b.has_pending
    pb.receive_data(Update(updates[0]).encode())
    pb.receive_data(Update(a.get_update()).encode())
    assert str(b["t"]) == "hello12"
