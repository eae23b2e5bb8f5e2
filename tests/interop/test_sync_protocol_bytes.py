"""crdtcore.sync against the real y-protocols (npm, pinned in package.json) via sync_peer.mjs.

(a) every message crdtcore writes is byte-identical to y-protocols' (sync step 1/2, update,
awareness, auth, query-awareness); (b) a crdtcore SyncProtocol and a y-protocols peer that
handles frames like y-websocket's client converge both ways, documents and awareness, with the
test moving the frames; (c) a crdtcore document relays between two y-protocols peers.
One node process serves the whole module.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yjs_peer
from yjs_peer import YjsPeer, b64, unb64, yjs_available

from crdtcore import Doc, Map, Text
from crdtcore.sync import (
    Auth,
    Awareness,
    AwarenessMessage,
    PermissionDenied,
    QueryAwareness,
    SyncProtocol,
    SyncStep1,
    SyncStep2,
    Update,
    decode_messages,
    encode_awareness_update,
)

SYNC_PEER_SCRIPT = Path(__file__).resolve().parent / "sync_peer.mjs"


class SyncPeer(YjsPeer):
    """YjsPeer's process handling and JSON-lines client, running sync_peer.mjs."""

    def start(self) -> SyncPeer:
        saved = yjs_peer.PEER_SCRIPT
        yjs_peer.PEER_SCRIPT = SYNC_PEER_SCRIPT
        try:
            super().start()
        finally:
            yjs_peer.PEER_SCRIPT = saved
        return self

    def frames(self, cmd: str, **args: Any) -> list[bytes]:
        return [unb64(f) for f in self.request(cmd, **args)["frames"]]

    def encode(self, what: str, **args: Any) -> bytes:
        return unb64(self.request("encode", what=what, **args)["frame"])

    def receive(self, peer: str, frames: list[bytes]) -> list[str]:
        return self.request("receive", peer=peer, frames=[b64(f) for f in frames])["denied"]


@pytest.fixture(scope="module")
def node():
    ok, why = yjs_available()
    if not ok:
        pytest.fail(f"y-protocols peer unavailable: {why}", pytrace=False)
    peer = SyncPeer().start()
    yield peer
    peer.close()


OPS = [
    [{"text": "t", "index": 0, "insert": "ab"}],
    [{"text": "t", "index": 1, "insert": "X😀é"}],
    [{"map": "m", "key": "k", "value": [1, "x", {"y": None}, 2.5]}],
    [{"text": "t", "index": 0, "insert": "<"}, {"map": "m", "key": "n", "value": "v"}],
]


def apply_ops(doc: Doc, ops: list[dict[str, Any]]) -> None:
    with doc.transaction():
        for op in ops:
            if "text" in op:
                doc.get(op["text"], type=Text).insert(op["index"], op["insert"])
            else:
                doc.get(op["map"], type=Map)[op["key"]] = op["value"]


def test_sync_messages_match_y_protocols(node):
    doc = Doc(client_id=3)
    node.request("new_peer", peer="bytes", client_id=3)
    protocol = SyncProtocol(doc)
    try:
        protocol.start()
        assert protocol.data_to_send() == [node.encode("step1", peer="bytes")]
        node.frames("outbox", peer="bytes")
        for ops in OPS:
            apply_ops(doc, ops)
            node.request("edit", peer="bytes", ops=ops)
            # the Update each side sends for the same transaction
            assert protocol.data_to_send() == node.frames("outbox", peer="bytes")
            assert SyncStep1(doc.get_state()).encode() == node.encode("step1", peer="bytes")
            for sv in (b"\x00", b"\x01\x03\x01", b"\x01\x03\x03", b"\x02\x09\x05\x03\x02"):
                ours = SyncStep2(doc.get_update(sv)).encode()
                assert ours == node.encode("step2", peer="bytes", state_vector=b64(sv))
            update = doc.get_update()
            assert Update(update).encode() == node.encode("update", update=b64(update))
    finally:
        protocol.close()
        node.request("destroy_peer", peer="bytes")


@pytest.mark.parametrize("reason", ["", "read-only", "Zoë 😀 ✓", "x" * 300])
def test_auth_matches_y_protocols(node, reason):
    assert Auth(reason).encode() == node.encode("auth", reason=reason)


def test_query_awareness_matches_y_protocols(node):
    assert QueryAwareness().encode() == node.encode("query")


STATES = [
    {"user": {"name": "A"}},
    None,
    {},
    {"ü": "😀", "n": 1.5, "i": 10, "f": 1.0, "neg": -0.000001, "tiny": 1e-7, "e": 1e21},
    {"big": 2**60, "huge": 1e16, "pi": 3.141592653589793, "third": 1 / 3},
    {"b": True, "2": "two", "10": "ten", "a": [None, False, [], {}], "01": 0},
    {'quote"back\\slash': "\n\t\x01\x7f\u2028", "lone": "\ud83d"},
    ["any", "json", 1],
    "just a string",
    12.75,
]


@pytest.mark.parametrize("state", STATES, ids=range(len(STATES)))
def test_awareness_matches_y_protocols(node, state):
    entries = [(7, 42, state)]
    ours = AwarenessMessage(encode_awareness_update(entries)).encode()
    assert ours == node.encode("awareness", entries=js_entries(entries))


def test_awareness_with_several_clients_matches_y_protocols(node):
    entries = [(1, 0, {"a": 1}), (2**32 - 1, 7, None), (300, 2**40, {"c": [1.25]})]
    ours = AwarenessMessage(encode_awareness_update(entries)).encode()
    assert ours == node.encode("awareness", entries=js_entries(entries))


def js_entries(entries: list[tuple[int, int, Any]]) -> list[list[Any]]:
    return [[client, clock, json.dumps(state)] for client, clock, state in entries]


def shuttle(node: SyncPeer, links: list[tuple[SyncProtocol, str]], rounds: int = 20) -> None:
    """Moves frames between crdtcore protocols and their node peers until all are quiet."""
    for _ in range(rounds):
        moved = 0
        for protocol, peer in links:
            ours = protocol.data_to_send()
            if ours:
                assert node.receive(peer, ours) == []
            theirs = node.frames("outbox", peer=peer)
            for frame in theirs:
                decode_messages(frame)  # y-protocols' frames pass our validation
                protocol.receive_data(frame)
            moved += len(ours) + len(theirs)
        if moved == 0:
            return
    raise AssertionError("frames still moving after {rounds} rounds")


def assert_same(node: SyncPeer, peer: str, doc: Doc) -> dict[str, Any]:
    view = node.request("view", peer=peer)
    assert view["text"] == str(doc.get("t", type=Text))
    assert view["map"] == doc.get("m", type=Map).to_py()
    assert unb64(view["state_vector"]) == doc.get_state()
    return view


def test_crdtcore_and_y_protocols_converge_both_ways(node):
    doc = Doc(client_id=10)
    doc["t"] = Text("python ")
    doc["m"] = Map({"py": 1})
    awareness = Awareness(doc, now=0)
    awareness.set_local_state({"name": "py"})
    protocol = SyncProtocol(doc, awareness=awareness, name="py<->js")
    node.request("new_peer", peer="js", client_id=20, state={"name": "js"})
    try:
        node.request(
            "edit",
            peer="js",
            ops=[{"text": "t", "index": 0, "insert": "js "}, {"map": "m", "key": "js", "value": 2}],
        )
        node.frames("outbox", peer="js")  # those edits predate the connection
        protocol.start()
        for frame in node.frames("start", peer="js"):
            protocol.receive_data(frame)
        shuttle(node, [(protocol, "js")])
        assert protocol.synced
        view = assert_same(node, "js", doc)
        assert sorted(view["text"]) == sorted("js python ")
        assert {client for client, _ in view["states"]} == {10, 20}
        assert awareness.states[20] == {"name": "js"}

        doc["t"].insert(0, "A")  # concurrent edits on both sides
        doc["m"]["contested"] = "py"
        node.request(
            "edit",
            peer="js",
            ops=[
                {"text": "t", "index": 4, "insert": "Z"},
                {"map": "m", "key": "contested", "value": "js"},
            ],
        )
        node.request("set_awareness", peer="js", state={"name": "js", "cursor": 4})
        awareness.set_local_state({"name": "py", "cursor": 1})
        shuttle(node, [(protocol, "js")])
        view = assert_same(node, "js", doc)
        assert doc["m"]["contested"] == "js"  # higher client id wins
        assert awareness.states[20] == {"name": "js", "cursor": 4}
        assert dict(view["states"])[10] == {"name": "py", "cursor": 1}
    finally:
        protocol.close()
        node.request("destroy_peer", peer="js")


def test_crdtcore_relays_between_two_y_protocols_peers(node):
    server = Doc(client_id=1)
    awareness = Awareness(server, now=0)
    links = [
        (SyncProtocol(server, awareness=awareness), "left"),
        (SyncProtocol(server, awareness=awareness), "right"),
    ]
    node.request("new_peer", peer="left", client_id=101, state={"side": "left"})
    node.request("new_peer", peer="right", client_id=102, state={"side": "right"})
    try:
        for protocol, peer in links:
            protocol.start()
            for frame in node.frames("start", peer=peer):
                protocol.receive_data(frame)
        node.request("edit", peer="left", ops=[{"text": "t", "index": 0, "insert": "from left"}])
        shuttle(node, links)
        node.request("edit", peer="right", ops=[{"map": "m", "key": "r", "value": [1, 2]}])
        shuttle(node, links)
        left, right = node.request("view", peer="left"), node.request("view", peer="right")
        assert left["text"] == right["text"] == str(server["t"]) == "from left"
        assert left["map"] == right["map"] == {"r": [1, 2]}
        assert left["state_vector"] == right["state_vector"] == b64(server.get_state())
        assert dict(left["states"])[102] == {"side": "right"}
        assert dict(right["states"])[101] == {"side": "left"}
    finally:
        for protocol, peer in links:
            protocol.close()
            node.request("destroy_peer", peer=peer)


def test_permission_denied_both_ways(node):
    doc = Doc(client_id=5)
    protocol = SyncProtocol(doc)
    node.request("new_peer", peer="auth", client_id=6)
    try:
        protocol.receive_data(node.encode("auth", reason="no writes here"))
        assert protocol.events_received() == [PermissionDenied("no writes here")]
        protocol.send(Auth("nor here"))
        assert node.receive("auth", protocol.data_to_send()) == ["nor here"]
    finally:
        protocol.close()
        node.request("destroy_peer", peer="auth")
