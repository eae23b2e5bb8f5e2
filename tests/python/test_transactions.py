"""Transactions (nesting, origins) and Doc.observe events."""

import gc

import pytest

from crdtcore import Array, DecodeError, Doc, Map, Text, TransactionEvent


@pytest.fixture
def doc() -> Doc:
    return Doc({"t": Text(), "m": Map()}, client_id=1)


def collect(doc: Doc) -> list[TransactionEvent]:
    events: list[TransactionEvent] = []
    doc.observe(events.append)
    return events


# -- transactions -----------------------------------------------------------------


def test_block_is_one_transaction(doc):
    events = collect(doc)
    with doc.transaction():
        doc["t"] += "a"
        doc["t"] += "b"
        doc["m"]["k"] = 1
        assert events == []  # nothing is emitted before the commit
    assert len(events) == 1


def test_calls_outside_a_block_commit_each(doc):
    events = collect(doc)
    doc["t"] += "a"
    doc["m"]["k"] = 1
    assert len(events) == 2


def test_nested_blocks_reuse_the_outer_transaction(doc):
    events = collect(doc)
    with doc.transaction() as outer:
        with doc.transaction() as inner:
            doc["t"] += "x"
        assert inner is outer
        assert events == []
        doc["t"] += "y"
    assert len(events) == 1
    assert str(doc["t"]) == "xy"


def test_origin_is_visible_in_block_and_event(doc):
    events = collect(doc)
    with doc.transaction(origin="alice") as txn:
        assert txn.origin == "alice"
        doc["t"] += "a"
    assert events[0].transaction.origin == "alice"


def test_default_origin_is_none(doc):
    events = collect(doc)
    doc["t"] += "a"
    with doc.transaction() as txn:
        doc["t"] += "b"
    assert txn.origin is None
    assert [e.transaction.origin for e in events] == [None, None]


def test_nested_block_with_same_or_no_origin_joins(doc):
    origin = ("peer", 1)
    with doc.transaction(origin=origin) as outer:
        with doc.transaction(origin=("peer", 1)) as same:
            assert same is outer
        with doc.transaction() as plain:
            assert plain is outer and plain.origin == origin


def test_nested_block_with_different_origin_raises(doc):
    with doc.transaction(origin="a"), pytest.raises(RuntimeError):
        doc.transaction(origin="b")
    with doc.transaction(), pytest.raises(RuntimeError):
        doc.transaction(origin="b")


def test_unhashable_origin_raises_typeerror(doc):
    with pytest.raises(TypeError):
        doc.transaction(origin=["not", "hashable"])
    with pytest.raises(TypeError):
        doc.transaction(origin={})


def test_object_origin_is_passed_through(doc):
    class Origin:
        pass

    origin = Origin()
    events = collect(doc)
    with doc.transaction(origin=origin):
        doc["t"] += "x"
    assert events[0].transaction.origin is origin


def test_exception_in_block_still_commits(doc):
    events = collect(doc)
    with pytest.raises(ZeroDivisionError), doc.transaction():
        doc["t"] += "kept"
        raise ZeroDivisionError
    assert str(doc["t"]) == "kept"
    assert len(events) == 1
    doc["t"] += "!"  # the document is usable afterwards
    assert len(events) == 2


def test_apply_update_inside_block_joins_it(doc):
    source = Doc({"t": Text("remote")}, client_id=2)
    events = collect(doc)
    with doc.transaction(origin="sync"):
        doc.apply_update(source.get_update())
        doc["m"]["k"] = 1
    assert len(events) == 1 and events[0].transaction.origin == "sync"
    assert str(doc["t"]) == "remote"


def test_entering_a_stale_transaction_inside_another_raises(doc):
    stale = doc.transaction(origin="x")
    with doc.transaction(), pytest.raises(RuntimeError):
        stale.__enter__()


# -- events -----------------------------------------------------------------------


def test_event_update_reproduces_the_change(doc):
    replica = Doc(client_id=2)
    replica.apply_update(doc.get_update())
    events = collect(doc)
    with doc.transaction():
        doc["t"].insert(0, "hello 😀")
        doc["m"]["list"] = Array([1, Text("x")])
    del doc["t"][0:2]
    for event in events:
        replica.apply_update(event.update)
    assert str(replica["t"]) == str(doc["t"]) == "llo 😀"
    assert replica["m"].to_py() == doc["m"].to_py() == {"list": [1, "x"]}


def test_event_states_and_delete_set(doc):
    events = collect(doc)
    before = doc.get_state()
    doc["t"] += "abc"
    after = doc.get_state()
    assert events[0].before_state == before
    assert events[0].after_state == after
    assert events[0].delete_set == b"\x00"
    del doc["t"][1]
    # one client (1) with one range: clock 1, length 1
    assert events[1].delete_set == b"\x01\x01\x01\x01\x01"
    assert events[1].before_state == events[1].after_state == after


def test_no_event_for_a_transaction_without_changes(doc):
    events = collect(doc)
    with doc.transaction():
        pass
    doc["t"].insert(0, "")
    assert events == []


def test_remote_update_emits_event_with_its_own_update(doc):
    source = Doc({"a": Array([1, 2])}, client_id=2)
    events = collect(doc)
    doc.apply_update(source.get_update())
    assert len(events) == 1
    third = Doc()
    third.apply_update(events[0].update)
    assert third["a"].to_py() == [1, 2]


def test_unobserve_stops_events(doc):
    events = []
    sub = doc.observe(events.append)
    doc["t"] += "a"
    doc.unobserve(sub)
    doc["t"] += "b"
    assert len(events) == 1
    with pytest.raises(ValueError):
        doc.unobserve(sub)


def test_several_observers_all_run(doc):
    calls = []
    doc.observe(lambda e: calls.append(1))
    doc.observe(lambda e: calls.append(2))
    doc["t"] += "x"
    assert calls == [1, 2]


def test_observer_exception_is_raised_after_commit(doc):
    calls = []

    def failing(event):
        raise KeyError("observer failed")

    doc.observe(failing)
    doc.observe(lambda e: calls.append(e))
    with pytest.raises(KeyError, match="observer failed"), doc.transaction():
        doc["t"] += "committed"
    assert str(doc["t"]) == "committed"
    assert len(calls) == 1  # the other observer still ran
    with pytest.raises(KeyError):
        doc["t"] += "!"  # implicit transactions re-raise too
    assert str(doc["t"]) == "committed!"
    with doc.transaction():  # the document is not stuck in a transaction
        pass


def test_observer_may_edit_the_document(doc):
    events = collect(doc)

    def echo(event):
        if str(doc["t"]).endswith("ping"):
            doc["t"] += " pong"

    doc.observe(echo)
    doc["t"] += "ping"
    assert str(doc["t"]) == "ping pong"
    assert len(events) == 2


def test_event_repr(doc):
    events = collect(doc)
    with doc.transaction(origin="o"):
        doc["t"] += "x"
    assert "origin='o'" in repr(events[0])


# -- the native document owns the transaction ------------------------------------------


def test_event_carries_the_committed_transaction_object(doc):
    events = collect(doc)
    with doc.transaction(origin="alice") as txn:
        doc["t"] += "a"
    with doc.transaction() as plain:
        doc["t"] += "b"
    assert events[0].transaction is txn
    assert events[1].transaction is plain


def test_doc_keeps_no_transaction_state_of_its_own(doc):
    with doc.transaction(origin="x") as txn:
        assert doc.transaction() is txn  # asked of the native document
        assert not {"_txn", "_committing"} & set(vars(doc))
    assert doc._native.open_transaction() is None


def test_exit_without_enter_raises(doc):
    txn = doc.transaction(origin="never-entered")
    with pytest.raises(RuntimeError, match="without __enter__"):
        txn.__exit__(None, None, None)
    with doc.transaction(origin="open"), pytest.raises(RuntimeError, match="without __enter__"):
        txn.__exit__(None, None, None)  # another transaction is open, not this one


def test_an_observer_transaction_does_not_change_the_outer_event(doc):
    seen = []

    def echo(event):
        seen.append(event.transaction.origin)
        if event.transaction.origin == "outer":
            with doc.transaction(origin="inner"):
                doc["t"] += "!"
            seen.append(event.transaction.origin)

    doc.observe(echo)
    with doc.transaction(origin="outer"):
        doc["t"] += "x"
    assert seen == ["outer", "inner", "outer"]
    assert str(doc["t"]) == "x!"


def test_implicit_and_remote_transactions_get_a_fresh_origin_less_transaction(doc):
    events = collect(doc)
    doc["t"] += "a"
    remote = Doc(client_id=9)
    remote["t"] = Text("r")
    doc.apply_update(remote.get_update())
    assert [e.transaction.origin for e in events] == [None, None]
    assert events[0].transaction is not events[1].transaction
    assert [e.transaction is doc.transaction() for e in events] == [False, False]


def test_a_transaction_held_only_by_the_document_is_kept_alive(doc):
    import gc

    events = collect(doc)
    txn = doc.transaction(origin="held")
    txn.__enter__()
    del txn
    gc.collect()
    doc["t"] += "x"
    open_txn = doc.transaction()
    assert open_txn.origin == "held"
    open_txn.__exit__(None, None, None)
    assert events[0].transaction.origin == "held"


# -- apply_update(update, origin): Yjs applyUpdate's transactionOrigin -------------------


def test_apply_update_origin_is_seen_by_observers_as_remote(doc):
    source = Doc({"t": Text("hi")})
    seen = []
    doc.observe(lambda e: seen.append((e.transaction.origin, e.local)))
    doc["t"].observe(lambda e: seen.append((e.transaction.origin, e.transaction.local)))
    doc.apply_update(source.get_update(), origin="server")
    assert str(doc["t"]) == "hi"
    assert seen == [("server", False), ("server", False)]


def test_apply_update_without_origin_is_remote_and_origin_less(doc):
    seen = []
    doc.observe(lambda e: seen.append((e.transaction.origin, e.local)))
    doc.apply_update(Doc({"t": Text("hi")}).get_update())
    doc["x"] = Text("local")
    assert seen == [(None, False), (None, True)]


def test_apply_update_origin_inside_a_block_must_match(doc):
    update = Doc({"t": Text("hi")}).get_update()
    seen = []
    doc.observe(lambda e: seen.append((e.transaction.origin, e.local)))
    with doc.transaction(origin="a"):
        doc.apply_update(update, origin="a")  # joins; the block stays local
        with pytest.raises(RuntimeError, match="differs"):
            doc.apply_update(update, origin="b")
    assert seen == [("a", True)]
    assert str(doc["t"]) == "hi"


def test_apply_update_origin_must_be_hashable(doc):
    with pytest.raises(TypeError, match="hashable"):
        doc.apply_update(Doc().get_update(), origin=[])


def test_apply_update_malformed_with_origin_changes_nothing(doc):
    doc["t"] = Text("keep")
    before = doc.get_update()
    with pytest.raises(DecodeError):
        doc.apply_update(b"\x01\x02\xff", origin="server")
    assert doc.get_update() == before and doc._native.open_transaction() is None


def test_a_result_read_after_its_transaction_object_died_has_no_dangling_origin():
    doc = Doc(client_id=1)
    results = []
    doc._native.observe(results.append)  # native results only: nothing keeps the Transaction
    with doc.transaction(origin="temporary") as txn:
        doc["t"] = Text("x")
        assert txn.origin == "temporary"
    del txn
    gc.collect()
    assert len(results) == 1 and results[0].transaction is None
    with doc.transaction(origin="kept") as kept:
        doc["t"] += "y"
    assert results[1].transaction is kept
