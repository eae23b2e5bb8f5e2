"""Hub driven by hand (no event loop): clients connected through a hub by bytes, fan-out,
persist-before-send, store failure, compaction, awareness relay, drain bookkeeping."""

from __future__ import annotations

import ast
import doctest
import logging
from pathlib import Path

import pytest

import crdtcore.sync
from crdtcore import Doc, Text
from crdtcore.store import MemoryStore, StoreError
from crdtcore.sync import (
    Awareness,
    Hub,
    ProtocolError,
    SyncProtocol,
    Update,
    UpdateReceived,
    decode_messages,
)
from crdtcore.sync import _hub as hub_module
from crdtcore.sync._hub import load_document


class Client:
    """A document and its protocol at the other end of a hub connection."""

    def __init__(self, key: str, client_id: int, awareness: bool = False) -> None:
        self.key = key
        self.doc = Doc({"t": Text()}, client_id=client_id)
        self.awareness = Awareness(self.doc, now=0) if awareness else None
        self.protocol = SyncProtocol(self.doc, awareness=self.awareness, name=key)

    @property
    def text(self) -> str:
        return str(self.doc["t"])


class Recorder(MemoryStore):
    """A MemoryStore writing every append into a journal, with the number of updates each
    protocol of ``hub`` had queued at that moment; ``broken_*`` make it fail."""

    def __init__(self, journal: list[tuple] | None = None) -> None:
        super().__init__()
        self.journal = journal if journal is not None else []
        self.hub: Hub[str] | None = None
        self.queued_at_append: list[dict[str, int]] = []
        self.broken_append = self.broken_replace = False

    def _append(self, room: str, data: bytes) -> int:
        if self.broken_append:
            raise StoreError("disk full")
        if self.hub is not None:
            self.queued_at_append.append(queued_updates(self.hub))
        self.journal.append(("append", data))
        return super()._append(room, data)

    def _replace(self, room: str, data: bytes, count: int) -> None:
        if self.broken_replace:
            raise StoreError("read-only medium")
        super()._replace(room, data, count)


def queued_updates(hub: Hub[str]) -> dict[str, int]:
    return {key: protocol.stats.updates_out for key, protocol in hub.connections.items()}


def updates_in(frames: list[bytes]) -> list[bytes]:
    return [m.update for f in frames for m in decode_messages(f) if isinstance(m, Update)]


def run(hub: Hub[str], clients: list[Client], journal: list | None = None) -> int:
    """Moves frames both ways until quiet; returns how many frames went through the hub."""
    by_key = {client.key: client for client in clients}
    moved = 0
    for _ in range(20):
        busy = False
        for client in clients:
            for frame in client.protocol.data_to_send():
                hub.receive(client.key, frame, now=0)
                busy = True
        for key, frames in hub.drain():
            if journal is not None:
                journal.extend(("send", key, update) for update in updates_in(frames))
            for frame in frames:
                by_key[key].protocol.receive_data(frame, now=0)
                moved += 1
            busy = True
        if not busy:
            return moved
    raise AssertionError("still busy")


def connect(hub: Hub[str], *clients: Client) -> None:
    for client in clients:
        hub.connect(client.key, SyncProtocol(hub.doc, awareness=hub.awareness, name=client.key))
        client.protocol.start()


def test_clients_sync_through_the_hub_and_edits_fan_out_without_echo():
    hub: Hub[str] = Hub(Doc({"t": Text("base")}, client_id=100))
    alice, bob = Client("alice", 1), Client("bob", 2)
    connect(hub, alice, bob)
    run(hub, [alice, bob])
    assert alice.text == bob.text == "base"
    alice.doc["t"] += "!"
    before = alice.protocol.stats.messages_in
    assert run(hub, [alice, bob]) == 1  # the update, to bob only
    assert bob.text == str(hub.doc["t"]) == "base!"
    assert alice.protocol.stats.messages_in == before


def test_every_update_is_appended_before_any_protocol_queues_it_or_it_is_sent():
    journal: list[tuple] = []
    store = Recorder(journal)
    hub: Hub[str] = Hub(Doc(), store=store, room="r")
    clients = [Client("a", 1), Client("b", 2), Client("c", 3)]
    connect(hub, *clients)
    run(hub, clients, journal)
    store.hub = hub
    for i, client in enumerate(clients):
        client.doc["t"] += str(i)
        before = queued_updates(hub)
        run(hub, clients, journal)
        assert store.queued_at_append[-1] == before  # nothing was queued when it was appended
    sends = [entry for entry in journal if entry[0] == "send"]
    assert len(sends) == 6  # each edit to the two other clients
    for _, _, update in sends:
        appended = journal.index(("append", update))
        assert appended < journal.index(next(e for e in sends if e[2] == update))
    assert store.read("r") == [e[1] for e in journal if e[0] == "append"]
    assert {c.text for c in clients} == {str(hub.doc["t"])} == {"012"}


def test_a_store_failure_raises_out_of_receive_and_nothing_is_sent_any_more(caplog):
    journal: list[tuple] = []
    store = Recorder(journal)
    hub: Hub[str] = Hub(Doc(), store=store, room="r")
    alice, bob = Client("alice", 1), Client("bob", 2)
    connect(hub, alice, bob)
    run(hub, [alice, bob])
    store.broken_append = True
    alice.doc["t"] += "lost"
    [frame] = alice.protocol.data_to_send()
    with caplog.at_level(logging.ERROR, logger="crdtcore.sync"), pytest.raises(StoreError):
        hub.receive("alice", frame)
    assert isinstance(hub.failed, StoreError) and "store append failed" in caplog.text
    assert hub.drain() == []  # bob's forwarded update was discarded
    hub.doc["t"] += "also lost"
    hub.connections["bob"].resync()
    assert hub.drain() == [] and hub.connections["bob"].data_to_send() == []
    assert bob.text == ""


def test_compaction_past_the_threshold_and_a_failed_one_is_retried_later(caplog):
    store = Recorder()
    hub: Hub[str] = Hub(Doc({"t": Text()}), store=store, room="r", compact_threshold=3)
    for i in range(4):
        hub.doc["t"] += str(i)
    assert hub.records == 4
    hub.drain()
    assert hub.records == 1 and len(store.read("r")) == 1
    copy, records = load_document(store, "r")
    assert str(copy["t"]) == "0123" and records == 1

    store.broken_replace = True
    for i in range(3):
        hub.doc["t"] += str(i)
    with caplog.at_level(logging.ERROR, logger="crdtcore.sync"):
        hub.drain()  # 4 records: fails, next attempt after 3 more
    assert "compaction failed" in caplog.text and hub.records == 4
    store.broken_replace = False
    for c in "xyz":
        hub.doc["t"] += c
    hub.drain()
    assert hub.records == 7  # not yet: past 4 + 3
    hub.doc["t"] += "!"
    hub.drain()
    assert hub.records == 1 and hub.compact() is False  # one record: nothing to do
    assert str(load_document(store, "r")[0]["t"]) == "0123012xyz!"


def test_awareness_is_relayed_and_removed_when_its_connection_goes():
    doc = Doc()
    relay = Awareness(doc, now=0)
    relay.set_local_state(None)
    hub: Hub[str] = Hub(doc, awareness=relay)
    alice, bob = Client("alice", 1, awareness=True), Client("bob", 2, awareness=True)
    assert alice.awareness is not None and bob.awareness is not None
    alice.awareness.set_local_state({"name": "alice"}, now=0)
    connect(hub, alice, bob)
    run(hub, [alice, bob])
    assert bob.awareness.states[1] == {"name": "alice"}
    protocol = hub.disconnect("alice", remove_awareness=True)
    assert protocol is not None and protocol.closed
    run(hub, [bob])
    assert 1 not in bob.awareness.states and 1 not in relay.states


def test_a_mesh_hub_drains_only_the_sender_after_a_received_update():
    # relay=False: an update one connection applied is not forwarded, so only its own
    # protocol (replies, a possible echo) is looked at; a local edit goes everywhere.
    hub: Hub[str] = Hub(Doc())
    for key in ("a", "b", "c"):
        hub.connect(key, SyncProtocol(hub.doc, relay=False))
    assert [key for key, _ in hub.drain()] == ["a", "b", "c"]
    edit = Doc({"t": Text("x")}, client_id=5).get_update()
    assert hub.receive("b", Update(edit).encode()) == [UpdateReceived(edit, False)]
    assert hub.drain() == []
    hub.doc["t"] += "y"
    assert [key for key, frames in hub.drain() if updates_in(frames)] == ["a", "b", "c"]
    hub.resync()
    assert [len(frames) for _, frames in hub.drain()] == [1, 1, 1]


def test_connections_are_checked_and_unknown_keys_ignored():
    hub: Hub[str] = Hub(Doc())
    hub.connect("a", SyncProtocol(hub.doc))
    with pytest.raises(ValueError, match="connected already"):
        hub.connect("a", SyncProtocol(hub.doc))
    with pytest.raises(ValueError, match="another document"):
        hub.connect("b", SyncProtocol(Doc()))
    with pytest.raises(ValueError, match="another document"):
        hub.connect("b", SyncProtocol(hub.doc, awareness=Awareness(hub.doc)))
    with pytest.raises(ValueError, match="another document"):
        Hub(Doc(), awareness=Awareness(Doc()))
    assert hub.receive("nobody", b"\x00") == [] and hub.disconnect("nobody") is None
    with pytest.raises(ProtocolError):
        hub.receive("a", b"\x07")
    assert list(hub.connections) == ["a"] and "connections=1" in repr(hub)


def test_close_stops_persisting():
    store = MemoryStore()
    hub: Hub[str] = Hub(Doc({"t": Text()}), store=store, room="r")
    hub.doc["t"] += "kept"
    hub.close()
    hub.close()
    hub.doc["t"] += "not kept"
    assert hub.closed and len(store.read("r")) == 1


def test_load_document_skips_unreadable_records(caplog):
    store = MemoryStore()
    store.append("r", b"\x05 not an update")
    store.append("r", Doc({"t": Text("survives")}).get_update())
    with caplog.at_level(logging.ERROR, logger="crdtcore.sync"):
        doc, records = load_document(store, "r")
    assert str(doc["t"]) == "survives" and records == 2
    assert "skipping unreadable record 0" in caplog.text


def test_the_hub_does_not_import_the_store_package():
    for path in Path(crdtcore.sync.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                assert not (node.level == 2 and module.startswith("store")), path.name
                assert not module.startswith("crdtcore.store"), path.name


def test_docstring_examples_run():
    result = doctest.testmod(hub_module)
    assert result.failed == 0 and result.attempted > 0
