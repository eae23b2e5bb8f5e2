"""Document observers and remote updates on their native paths (txn_events.cpp, fast_calls.cpp).

``Doc.observe`` callbacks are called by one native observer per document with a native
TransactionEvent; ``doc.apply_update(update)`` without an origin skips the Python method.
These tests pin what the Python implementation they replace did.
"""

from __future__ import annotations

import gc
import inspect
import weakref

import pytest

from crdtcore import DecodeError, Doc, Text, Transaction, TransactionEvent, UndoManager, _core


def test_events_are_native_and_not_made_by_users() -> None:
    doc, events = Doc(), []
    doc.observe(events.append)
    doc["t"] = Text("x")
    (event,) = events
    assert type(event) is TransactionEvent
    assert isinstance(event, _core.TransactionEventBase)
    with pytest.raises(TypeError, match="made by the document"):
        TransactionEvent()
    with pytest.raises(AttributeError):
        event.extra = 1  # type: ignore[attr-defined]  # no __dict__


def test_the_transaction_of_an_implicit_transaction_is_made_once_when_read() -> None:
    doc, events = Doc(), []
    doc.observe(events.append)
    doc["t"] = Text("x")  # no Transaction object: one editing call
    event = events[0]
    txn = event.transaction
    assert isinstance(txn, Transaction) and txn.origin is None
    assert event.transaction is txn
    assert repr(event) == f"TransactionEvent(origin=None, update={len(event.update)} bytes)"


def test_an_event_stays_readable_after_its_document_is_gone() -> None:
    doc, events = Doc(client_id=7), []
    doc.observe(events.append)
    with doc.transaction(origin="me"):
        doc["t"] = Text("hello")
    del doc
    gc.collect()
    (event,) = events
    replica = Doc()
    replica.apply_update(event.update)
    assert str(replica["t"]) == "hello"
    assert event.transaction.origin == "me" and event.local
    assert event.before_state == b"\x00" and event.after_state == b"\x01\x07\x05"


def test_undo_events_name_their_undo_manager_as_origin() -> None:
    doc = Doc({"t": Text()})
    undo = UndoManager(scopes=[doc["t"]], capture_timeout_millis=0)
    doc["t"] += "x"
    origins = []
    doc.observe(lambda e: origins.append(e.transaction.origin))
    undo.undo()
    assert origins == [undo] and str(doc["t"]) == ""


def test_a_document_observed_by_a_closure_over_itself_is_collected() -> None:
    def observed_by_itself() -> Doc:
        doc = Doc({"t": Text()})
        doc.observe(lambda e: doc.get_update())  # doc -> native -> observer: held weakly
        return doc

    doc = observed_by_itself()
    doc["t"] += "x"
    ref = weakref.ref(doc)
    del doc
    gc.collect()
    assert ref() is None


def test_callbacks_registered_at_the_commit_are_called() -> None:
    doc, calls, commits = Doc({"t": Text()}), [], []
    second = None

    def first(event):
        calls.append("first")
        commits.append(event)
        if len(commits) == 1:
            doc.unobserve(second)  # still called for this commit
            doc.observe(lambda e: calls.append("late"))  # called from the next commit on

    doc.observe(first)
    second = doc.observe(lambda e: calls.append("second"))
    doc["t"] += "x"
    assert calls == ["first", "second"]
    calls.clear()
    doc["t"] += "y"
    assert calls == ["first", "late"]


def test_a_base_exception_stops_the_other_callbacks_and_the_commit_completes() -> None:
    doc, calls = Doc({"t": Text()}), []

    def interrupt(event):
        raise KeyboardInterrupt

    sub = doc.observe(interrupt)
    doc.observe(lambda e: calls.append(e))
    with pytest.raises(KeyboardInterrupt):
        doc["t"] += "x"
    assert calls == [] and str(doc["t"]) == "x"
    doc.unobserve(sub)
    with doc.transaction():  # not stuck in the transaction
        doc["t"] += "y"
    assert str(doc["t"]) == "xy"


def test_the_native_observer_needs_an_event_type_without_a_dict() -> None:
    class Loose(_core.TransactionEventBase):
        pass

    doc = Doc()
    with pytest.raises(TypeError, match="__slots__"):
        doc._native.observe_events(
            weakref.ref(doc), weakref.ref(doc._observers), Loose, Transaction
        )
    with pytest.raises(TypeError, match="weakref"):
        doc._native.observe_events(doc, weakref.ref(doc._observers), TransactionEvent, Transaction)
    with pytest.raises(TypeError, match="weakref"):
        doc._native.observe_events(weakref.ref(doc), doc._observers, TransactionEvent, Transaction)


# -- doc.apply_update(update): the native fast path -----------------------------------


def test_apply_update_fast_path_keeps_the_python_method_visible() -> None:
    assert type(Doc.__dict__["apply_update"]).__name__ == "fast_method"
    assert Doc.apply_update.__wrapped__.__qualname__ == "Doc.apply_update"
    assert list(inspect.signature(Doc.apply_update).parameters) == ["self", "update", "origin"]
    assert "Applies a v1 update" in (Doc.apply_update.__doc__ or "")


@pytest.mark.parametrize("wrap", [bytes, bytearray, memoryview])
def test_apply_update_accepts_bytes_like_updates(wrap) -> None:
    update = Doc({"t": Text("hi")}).get_update()
    doc, seen = Doc(), []
    doc.observe(lambda e: seen.append((e.transaction.origin, e.local)))
    doc.apply_update(wrap(update))
    assert str(doc["t"]) == "hi" and seen == [(None, False)]


@pytest.mark.parametrize(
    "call",
    [
        lambda doc, u: doc.apply_update(u),  # the fast path
        lambda doc, u: doc.apply_update(update=u),  # keywords: the Python method
        lambda doc, u: doc.apply_update(u, None),
        lambda doc, u: Doc.apply_update(doc, u),
    ],
)
def test_apply_update_of_malformed_bytes_changes_nothing(call) -> None:
    doc = Doc({"t": Text("keep")})
    before = doc.get_update()
    with pytest.raises(DecodeError):
        call(doc, b"\x01\x02\xff")
    assert doc.get_update() == before and doc._native.open_transaction() is None
    with pytest.raises(TypeError):
        call(doc, "not bytes")
    assert str(doc["t"]) == "keep"


def test_apply_update_inside_a_block_joins_it() -> None:
    update = Doc({"t": Text("hi")}).get_update()
    doc, seen = Doc(), []
    doc.observe(lambda e: seen.append((e.transaction.origin, e.local)))
    with doc.transaction(origin="a"):
        doc.apply_update(update)
    assert seen == [("a", True)] and str(doc["t"]) == "hi"


def test_sync_through_observers_converges() -> None:
    a, b = Doc({"t": Text()}, client_id=1), Doc(client_id=2)
    a.observe(lambda e: b.apply_update(e.update))
    for i, word in enumerate(["one ", "two ", "three"]):
        a["t"].insert(len(a["t"]), word)
        if i == 1:
            del a["t"][0:4]
    assert str(b.get("t", type=Text)) == str(a["t"]) == "two three"


def _fields(event: TransactionEvent) -> tuple[object, ...]:
    return (
        event.update,
        event.before_state,
        event.after_state,
        event.delete_set,
        event.local,
        event.transaction.origin,
    )


def test_events_kept_past_their_callback_keep_their_transaction() -> None:
    # An event no callback keeps is reused by the next commit (release_event in
    # txn_events.cpp); one a callback kept must not be, and must stay whole.
    doc = Doc(client_id=1)
    text = doc.get("t", type=Text)
    kept: list[tuple[TransactionEvent, tuple[object, ...]]] = []
    seen: list[tuple[object, ...]] = []

    def callback(event: TransactionEvent) -> None:
        seen.append(_fields(event))
        if len(seen) % 3 == 0:
            kept.append((event, seen[-1]))

    doc.observe(callback)
    remote = Doc(client_id=2)
    remote["t"] = Text("remote")
    for i in range(12):
        with doc.transaction(origin=f"o{i}"):
            text.insert(0, "ab")
            if i % 2:
                del text[1:3]
        if i == 5:
            doc.apply_update(remote.get_update())
    assert len(seen) == 13 and len(kept) == 4
    assert [_fields(event) for event, _ in kept] == [fields for _, fields in kept]
    assert [f[4] for f in seen].count(False) == 1  # the remote apply_update
    # The updates a callback read, replayed in order, rebuild the document.
    replica = Doc()
    for update, *_ in seen:
        replica.apply_update(update)
    assert str(replica["t"]) == str(text)


def test_an_event_kept_by_a_nested_commit_or_a_second_callback_stays_whole() -> None:
    doc = Doc(client_id=1)
    text = doc.get("t", type=Text)
    events: list[TransactionEvent] = []
    read: list[bytes] = []

    def first(event: TransactionEvent) -> None:
        read.append(event.update)
        if len(read) == 1:
            text.insert(0, "nested")  # commits inside the fan-out: a nested event

    doc.observe(first)
    doc.observe(events.append)
    text.insert(0, "x")
    text.insert(0, "y")
    assert len(events) == 3 and len(read) == 3
    # The order of the fan-outs: the nested commit's callbacks run inside the first's.
    assert sorted(e.update for e in events) == sorted(read)
    for event in events:
        replica = Doc()
        replica.apply_update(event.update)
        assert event.after_state != event.before_state


def test_a_reused_event_object_is_not_tracked_while_parked() -> None:
    def events_tracked() -> int:
        gc.collect()
        return sum(type(o) is TransactionEvent for o in gc.get_objects())

    before = events_tracked()
    doc, seen = Doc(), []
    doc.observe(lambda event: seen.append(id(event)))
    doc["t"] = Text("a")
    doc["t"] += "b"
    assert seen[0] == seen[1]  # the same object, refilled
    assert events_tracked() == before  # parked untracked, holding no Doc
    ref = weakref.ref(doc)
    del doc
    gc.collect()
    assert ref() is None


def test_states_read_only_after_later_transactions_are_the_events_own() -> None:
    # The native observer leaves the states of a result for later (ResultStates::OnRead):
    # an event kept unread, and read after more transactions, still has its own.
    doc = Doc(client_id=1)
    text = doc.get("t", type=Text)
    events: list[TransactionEvent] = []
    doc.observe(events.append)
    states = [doc.get_state()]
    text.insert(0, "abcdef")
    states.append(doc.get_state())
    del text[1:3]
    states.append(doc.get_state())
    remote = Doc({"t": Text("zz")}, client_id=2)
    doc.apply_update(remote.get_update())
    states.append(doc.get_state())
    assert len(events) == 3
    for i, event in enumerate(events):
        assert (event.before_state, event.after_state) == (states[i], states[i + 1])
    assert events[0].delete_set == b"\x00"
    assert events[1].delete_set == b"\x01\x01\x01\x01\x02"  # client 1: clocks 1-2
    assert events[2].delete_set == b"\x00"


def test_states_read_after_the_callbacks_own_edit_are_of_its_event() -> None:
    doc = Doc(client_id=1)
    text = doc.get("t", type=Text)
    seen: list[tuple[bytes, bytes]] = []

    def callback(event: TransactionEvent) -> None:
        if not seen and not text.to_py().startswith("n"):
            before = doc.get_state()
            text.insert(0, "n")  # an edit of the callback before it reads the event
            seen.append((before, event.after_state))
        else:
            seen.append((doc.get_state(), event.after_state))

    doc.observe(callback)
    text.insert(0, "abc")
    assert len(seen) == 2
    # The nested edit's event is seen first (it commits inside the first callback).
    (nested_state, nested_after), (first_state, first_after) = seen
    assert nested_after == nested_state
    assert first_after == first_state != doc.get_state()
