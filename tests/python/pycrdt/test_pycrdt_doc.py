"""pycrdt's documented behaviours of Doc, transactions, threads and sticky indices.

Ported from pycrdt's tests/test_doc.py, test_transaction.py, test_threads.py and the
sticky-index tests of test_text.py/test_array.py (behaviours, not code); differences from
pycrdt are commented and listed in docs/pycrdt-differences.md.
"""

from __future__ import annotations

import threading
from typing import Any

import anyio
import pytest

from crdtcore import ArgumentTypeError, DecodeError, KeyTypeError
from crdtcore.pycrdt import (
    Array,
    Assoc,
    Doc,
    Map,
    ReadTransaction,
    StickyIndex,
    Text,
    Transaction,
    TransactionEvent,
)

pytestmark = pytest.mark.anyio


def test_roots_and_get() -> None:
    doc = Doc({"a": Text("foo"), "b": Array([5, 2, 8]), "c": Map({"k1": 1, "k2": 2})})
    roots = dict(doc.items())
    assert str(roots["a"]) == "foo" and list(roots["b"]) == [5, 2, 8]
    assert dict(roots["c"].items()) == {"k1": 1, "k2": 2}
    assert set(doc) == {"a", "b", "c"} and set(doc.keys()) == {"a", "b", "c"}
    assert isinstance(doc.get("new", type=Map), Map)
    # pycrdt reads roots that arrived in an update without a local type as None;
    # crdtcore types them from their content.
    remote = Doc()
    remote.apply_update(doc.get_update())
    assert isinstance(remote["a"], Text) and str(remote["a"]) == "foo"
    assert isinstance(remote["b"], Array) and isinstance(remote["c"], Map)


def test_root_names_must_be_str() -> None:
    with pytest.raises(KeyTypeError) as info:
        Doc()[1] = Text()  # type: ignore[index]
    assert isinstance(info.value, RuntimeError)  # pycrdt: RuntimeError("Key must be ...")


def test_transaction_event_updates_replay_on_a_remote_doc() -> None:
    doc = Doc()
    events: list[TransactionEvent] = []
    sub = doc.observe(events.append)
    doc["text0"] = Text("Hello, World!")
    remote = Doc()
    for event in events:
        remote.apply_update(event.update)
    events.clear()
    doc.unobserve(sub)
    doc["text1"] = Text("Goodbye!")
    assert not events
    assert str(remote.get("text0", type=Text)) == "Hello, World!"
    assert str(remote.get("text1", type=Text)) == ""


def test_only_changes_emit_transaction_events() -> None:
    doc = Doc()
    doc["text"] = text = Text()
    events: list[TransactionEvent] = []
    doc.observe(events.append)
    doc["text"]
    with doc.transaction():
        pass
    assert not events
    text += "helloo"
    del text[5]
    assert len(events) == 2


def test_client_id_and_guid() -> None:
    assert Doc().client_id != Doc().client_id
    client_id = int.from_bytes(b"\x01\x02\x03\x04", "big")
    doc = Doc(client_id=client_id, guid="my-document")
    assert doc.client_id == client_id and doc.guid == "my-document"
    Doc(client_id=2**53 - 1)
    with pytest.raises(ValueError, match="client_id cannot overflow 53 bits"):
        Doc(client_id=2**53)


@pytest.mark.parametrize(
    "kwargs", [{"client_id": "not_an_int"}, {"guid": 1}, {"skip_gc": "not_a_bool"}]
)
def test_bad_doc_arguments_raise_value_and_type_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ArgumentTypeError, match="must be") as info:
        Doc(**kwargs)
    assert isinstance(info.value, ValueError) and isinstance(info.value, TypeError)


def test_malformed_state_and_update_raise_value_errors() -> None:
    doc = Doc()
    with pytest.raises(ValueError):
        doc.get_update(b"\x12")
    with pytest.raises(DecodeError):
        doc.apply_update(b"\xff\xff\xff\xff")


def test_observers_get_the_transaction_origin() -> None:
    doc = Doc()
    doc["text"] = text = Text()
    origins: list[Any] = []
    seen: list[str] = []

    class Origin:
        pass

    origin = Origin()

    def with_txn(event: Any, txn: ReadTransaction) -> None:
        origins.append(txn.origin)

    text.observe(lambda: seen.append("no args"))
    text.observe(lambda event: seen.append("event"))
    text.observe(with_txn)
    with doc.transaction(origin=origin) as txn:
        assert isinstance(txn, Transaction) and txn.origin is origin
        text += "Hello"
    assert origins == [origin] and seen == ["no args", "event"]
    with pytest.raises(TypeError, match="hashable"):
        doc.transaction(origin={})
    with (
        doc.transaction(origin=123),
        doc.transaction(origin=123),
        doc.transaction(),
        pytest.raises(RuntimeError, match="origin"),
        doc.transaction(origin=456),
    ):
        pass


def test_new_transaction_while_transaction_raises() -> None:
    doc = Doc()
    with doc.transaction(), pytest.raises(RuntimeError), doc.new_transaction():
        pass


def test_new_transaction_waits_for_another_thread() -> None:
    doc = Doc(allow_multithreading=True)
    doc["map"] = m = Map()
    entered = threading.Event()

    def other() -> None:
        with doc.new_transaction():
            entered.set()
            threading.Event().wait(0.1)
            m["other"] = 1

    thread = threading.Thread(target=other)
    thread.start()
    entered.wait()
    with doc.new_transaction(timeout=5):
        assert m.to_py() == {"other": 1}  # the other thread's transaction committed first
        m["main"] = 2
    thread.join()
    assert m.to_py() == {"other": 1, "main": 2}


async def test_text_edited_from_a_worker_thread() -> None:
    doc = Doc()
    doc["text"] = text = Text()

    def add_text(message: str) -> None:
        nonlocal text
        text += message

    await anyio.to_thread.run_sync(add_text, "Hello from thread!")
    assert str(text) == "Hello from thread!"


async def test_async_transactions_and_events() -> None:
    doc = Doc()
    doc["text"] = text = Text()
    updates: list[bytes] = []
    async with doc.events() as events:
        async with doc.new_transaction():
            text += "a"
        async with doc.transaction():
            text += "b"
        async for event in events:
            updates.append(event.update)
            if len(updates) == 2:
                break
    remote = Doc()
    for update in updates:
        remote.apply_update(update)
    assert str(remote.get("text", type=Text)) == "ab"


@pytest.mark.parametrize("serialize", ["bytes", "json"])
def test_sticky_index_follows_its_position(serialize: str) -> None:
    doc0, doc1 = Doc(), Doc()
    doc0["text"] = text0 = Text("Hello, World!")
    doc1["text"] = text1 = Text()
    doc1.apply_update(doc0.get_update())
    index = text0.sticky_index(7, Assoc.BEFORE)
    data = index.encode() if serialize == "bytes" else index.to_json()
    text0.insert(0, ">>> ")
    doc1.apply_update(doc0.get_update())
    restored = (
        StickyIndex.decode(data, text1)
        if isinstance(data, bytes)
        else StickyIndex.from_json(data, text1)
    )
    assert restored.assoc == Assoc.BEFORE
    assert str(text1)[restored.get_index() :] == "World!"
    with doc1.transaction() as txn:
        assert restored.get_index(txn) == 11


def test_sticky_index_in_an_array() -> None:
    doc = Doc()
    doc["array"] = array = Array([0, 1, 2, 3])
    index = array.sticky_index(2)
    array.insert(0, "x")
    assert array[index.get_index()] == 2


def test_doc_observer_errors_raise_together_after_the_commit() -> None:
    values: list[str] = []

    def ok(event: TransactionEvent) -> None:
        values.append("ok")

    def fail_runtime(event: TransactionEvent) -> None:
        values.append("runtime")
        raise RuntimeError("error1")

    def fail_value(event: TransactionEvent) -> None:
        values.append("value")
        raise ValueError("error2")

    doc = Doc()
    text = doc.get("text", type=Text)
    for callback in (ok, fail_runtime, fail_value):
        doc.observe(callback)
    with pytest.raises(ExceptionGroup, match="Observer callback error") as info:
        text += "hello"
    assert info.group_contains(RuntimeError, match="error1")
    assert info.group_contains(ValueError, match="error2")
    assert values == ["ok", "runtime", "value"]
    assert str(text) == "hello"  # committed
    remote = Doc()
    remote.apply_update(doc.get_update())
    assert str(remote.get("text", type=Text)) == "hello"


@pytest.mark.parametrize(
    "module",
    [
        "",
        "._array",
        "._awareness",
        "._doc",
        "._install",
        "._map",
        "._sync",
        "._text",
        "._typed",
        "._undo",
    ],
)
def test_docstring_examples_run(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module("crdtcore.pycrdt" + module))
    assert result.failed == 0 and result.attempted > 0


async def test_type_events_stream_layer_events() -> None:
    doc = Doc()
    doc["text"] = text = Text()
    deltas: list[Any] = []
    async with text.events() as events:
        text += "é"
        text += "!"
        async for event in events:
            assert isinstance(event.target, Text)
            deltas.append(event.delta)
            if len(deltas) == 2:
                break
    assert deltas == [[{"insert": "é"}], [{"retain": 2}, {"insert": "!"}]]  # UTF-8 bytes
