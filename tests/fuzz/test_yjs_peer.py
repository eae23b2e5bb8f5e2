"""The Yjs peer of the simulator (crdtcore.sim.yjs_peer + tests/interop/sim_yjs_peer.mjs):
the SimPeer interface behaves as CrdtcorePeer's does, and failures are reported clearly."""

from __future__ import annotations

from typing import Any

import pytest

from crdtcore.sim import CrdtcorePeer, PeerSpec
from crdtcore.sim.yjs_peer import YjsHost, YjsPeer, YjsPeerError, mixed_factory, yjs_available

INSERT = {"kind": "text", "action": "insert", "text": "hé😀"}
DELETE = {"kind": "text", "action": "delete", "index": 1, "length": 1}


def pump(a: Any, b: Any, a_id: int, b_id: int) -> None:
    """Moves frames both ways until nothing is queued."""
    for _ in range(10):
        moved = False
        for src, dst, src_id in ((a, b, a_id), (b, a, b_id)):
            for _, frame in src.outbox():
                dst.receive(src_id, frame)
                moved = True
        if not moved:
            return


@pytest.mark.parametrize("yjs_side", ["a", "b"])
def test_a_yjs_peer_syncs_with_a_crdtcore_peer(yjs_host: YjsHost, yjs_side: str) -> None:
    make = mixed_factory(yjs_host, [0] if yjs_side == "a" else [1])
    a, b = make(PeerSpec(0, 10)), make(PeerSpec(1, 11))
    assert isinstance(a if yjs_side == "a" else b, YjsPeer)
    a.perform([INSERT])
    b.perform([{"kind": "map", "action": "set", "key": "k", "value": {"$bytes": "AQ=="}}])
    a.open(1)
    b.open(0)
    pump(a, b, 0, 1)
    a.perform([DELETE])  # forwarded as an Update message
    pump(a, b, 0, 1)
    sa, sb = a.snapshot(), b.snapshot()
    assert (
        sa.content == sb.content == {"text": "h😀", "array": [], "map": {"k": {"$bytes": "AQ=="}}}
    )
    assert sa.state_vector == sb.state_vector == {10: 4, 11: 1}
    assert a.fingerprint() == b.fingerprint() and a.state_vector() == b.state_vector()
    assert a.stats()["messages_out"] >= 3 and b.stats()["updates_in"] >= 2
    a.dispose()
    b.dispose()


def test_persisted_updates_restore_and_covers(yjs_host: YjsHost) -> None:
    first = YjsPeer(PeerSpec(0, 20), yjs_host)
    first.perform([INSERT])
    first.perform([DELETE])
    version = first.version
    restored = YjsPeer(PeerSpec(0, 21, restore=tuple(first.persisted())), yjs_host)
    assert restored.snapshot().content == first.snapshot().content and version == 2
    reference = CrdtcorePeer(PeerSpec(1, 22, track_deletes=True))
    reference.perform_update(first.snapshot().update)
    delete_set = b"\x01\x14\x01\x01\x01"  # client 20: clock 1, length 1 (the 'é')
    assert restored.covers(restored.state_vector(), delete_set)
    assert reference.covers(restored.state_vector(), delete_set)
    assert not restored.covers(b"\x01\x14\x09", b"\x00")  # clock 9 of client 20: unknown
    first.dispose()
    restored.dispose()


def test_node_errors_surface_as_yjs_peer_errors(yjs_host: YjsHost) -> None:
    with pytest.raises(YjsPeerError, match="no peer named"):
        yjs_host.request("snapshot", peer="nobody")
    peer = YjsPeer(PeerSpec(0, 30), yjs_host)
    peer.open(1)
    with pytest.raises(YjsPeerError, match="unknown message type"):
        peer.receive(1, b"\x07")
    with pytest.raises(YjsPeerError, match="unknown text action"):
        peer.perform([{"kind": "text", "action": "shout"}])
    peer.dispose()


def test_missing_install_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("CRDTCORE_SIM_YJS_SCRIPT", str(tmp_path / "nowhere.mjs"))
    ok, why = yjs_available()
    assert not ok and "nowhere.mjs" in why
    with pytest.raises(YjsPeerError, match="unavailable"):
        YjsHost().start()
    with pytest.raises(YjsPeerError, match="not running"):
        YjsHost().request("ping")
