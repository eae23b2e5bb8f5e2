"""Async transactions, async observer callbacks, new_transaction(), Doc.events() and
type.events().

Behaviours ported from pycrdt's tests/test_transaction.py and tests/test_doc.py (async
parts); anyio's pytest plugin runs the async tests on asyncio.
"""

import gc

import anyio
import pytest

from crdtcore import Array, ArrayEvent, Doc, Map, MapEvent, Text, TextEvent, TransactionEvent

pytestmark = pytest.mark.anyio


def raised(excinfo_value: BaseException, kind: type, message: str | None = None) -> bool:
    """Whether ``kind`` was raised, alone or inside an ExceptionGroup (observer errors may
    be grouped)."""
    if isinstance(excinfo_value, BaseExceptionGroup):
        return any(raised(e, kind, message) for e in excinfo_value.exceptions)
    return isinstance(excinfo_value, kind) and (message is None or str(excinfo_value) == message)


# -- async with doc.transaction() ---------------------------------------------------------


async def test_async_block_is_one_transaction():
    doc = Doc({"t": Text()})
    events: list[TransactionEvent] = []
    doc.observe(events.append)
    async with doc.transaction(origin="me") as txn:
        doc["t"] += "a"
        await anyio.sleep(0)
        doc["t"] += "b"
        assert events == []
        assert txn.origin == "me"
    assert len(events) == 1
    assert events[0].transaction is txn
    assert str(doc["t"]) == "ab"


async def test_async_callback_runs_and_is_awaited_on_exit():
    doc = Doc({"t": Text()})
    updates = []

    async def callback(event):
        await anyio.sleep(0.01)
        updates.append(event.update)

    doc.observe(callback)
    async with doc.transaction():
        doc["t"] += "hello"
        assert updates == []
    assert len(updates) == 1  # awaited before the block's exit returned
    replica = Doc()
    replica.apply_update(updates[0])
    assert str(replica["t"]) == "hello"


async def test_sync_and_async_callbacks_together():
    doc = Doc({"t": Text()})
    calls = []

    async def acb(event):
        calls.append(("async", event.transaction.origin))

    doc.observe(lambda event: calls.append(("sync", event.transaction.origin)))
    doc.observe(acb)
    async with doc.transaction(origin=7):
        doc["t"] += "x"
    assert sorted(calls) == [("async", 7), ("sync", 7)]


async def test_async_callback_in_sync_transaction_is_an_error():
    doc = Doc({"t": Text()})

    async def callback(event):
        pass  # pragma: no cover

    doc.observe(callback)
    with pytest.raises(Exception) as excinfo, doc.transaction():
        doc["t"] += "hello"
    assert raised(excinfo.value, RuntimeError, "Async callback in non-async transaction")
    assert str(doc["t"]) == "hello"  # committed all the same
    assert not doc._native.in_transaction()


async def test_nested_async_blocks_join():
    doc = Doc({"t": Text()})
    updates = []

    async def callback(event):
        updates.append(event.update)

    doc.observe(callback)
    async with doc.transaction() as outer:
        async with doc.transaction() as inner:
            doc["t"] += "hello"
        assert inner is outer
        with doc.transaction() as sync_inner:  # a sync block joins an async one too
            doc["t"] += "!"
        assert sync_inner is outer
        assert updates == []
    assert len(updates) == 1


async def test_async_block_inside_sync_block_is_an_error():
    doc = Doc()
    with doc.transaction(), pytest.raises(RuntimeError, match="Already in a non-async"):
        async with doc.transaction():
            pass  # pragma: no cover


async def test_reused_plain_transaction_forgets_its_task_group():
    doc = Doc({"t": Text()})
    async with doc.transaction():
        doc["t"] += "a"
    # the same origin-less object, now sync
    with doc.transaction(), pytest.raises(RuntimeError, match="non-async"):
        async with doc.transaction():
            pass  # pragma: no cover


async def test_concurrent_async_transactions_join():
    doc = Doc({"t": Text()})
    events: list[TransactionEvent] = []
    doc.observe(events.append)

    async def edit(seconds, s, *, task_status=anyio.TASK_STATUS_IGNORED):
        async with doc.transaction():
            task_status.started()
            await anyio.sleep(seconds)
            doc["t"] += s

    async with anyio.create_task_group() as tg:
        await tg.start(edit, 0.2, "a")
        await tg.start(edit, 0.1, "b")
    assert len(events) == 1  # the second task joined the first's transaction
    assert str(doc["t"]) == "ba"


async def test_joined_task_leaving_last_commits_and_awaits_the_callbacks():
    doc = Doc({"t": Text()})
    updates = []

    async def callback(event):
        await anyio.sleep(0)
        updates.append(event.update)

    doc.observe(callback)

    async def edit(seconds, s, *, task_status=anyio.TASK_STATUS_IGNORED):
        async with doc.transaction():
            task_status.started()
            await anyio.sleep(seconds)
            doc["t"] += s
        if s == "late":  # this task left last: its exit committed and awaited the callback
            assert len(updates) == 1

    async with anyio.create_task_group() as tg:
        await tg.start(edit, 0.01, "early")  # opens the transaction, leaves first
        await tg.start(edit, 0.1, "late")  # joins it
    assert len(updates) == 1
    assert str(doc["t"]) == "earlylate"


async def test_async_observer_exceptions_are_grouped():
    values = []

    def callback0(event):
        values.append("val0")

    async def callback1(event):
        values.append("val1")
        raise RuntimeError("error1")

    async def callback2(event):
        values.append("val2")
        raise ValueError("error2")

    doc = Doc({"t": Text()})
    doc.observe(callback0)
    doc.observe(callback1)
    doc.observe(callback2)
    with pytest.raises(ExceptionGroup) as excinfo:
        async with doc.transaction():
            doc["t"] += "hello"
    assert excinfo.group_contains(RuntimeError, match="error1")
    assert excinfo.group_contains(ValueError, match="error2")
    assert set(values) == {"val0", "val1", "val2"}
    assert str(doc["t"]) == "hello"


async def test_body_exception_commits_awaits_callbacks_and_propagates():
    doc = Doc({"t": Text()})
    seen = []

    async def callback(event):
        seen.append(event.update)

    doc.observe(callback)
    with pytest.raises(KeyError):
        async with doc.transaction():
            doc["t"] += "kept"
            raise KeyError("boom")
    assert str(doc["t"]) == "kept"  # Yjs has no rollback
    assert len(seen) == 1
    assert not doc._native.in_transaction()


async def test_unobserve_async_callback():
    doc = Doc({"t": Text()})
    calls = []

    async def callback(event):
        calls.append(event)  # pragma: no cover

    sub = doc.observe(callback)
    assert sub.callback is callback
    doc.unobserve(sub)
    with doc.transaction():  # no async callback left: a sync transaction is fine
        doc["t"] += "x"
    assert calls == []


# -- new_transaction() ---------------------------------------------------------------------


async def put_after(doc: Doc, key: str, seconds: float) -> None:
    async with doc.new_transaction():
        await anyio.sleep(seconds)
        doc["m"][key] = key


@pytest.mark.parametrize("multithreading", [False, True])
async def test_new_async_transactions_serialize(multithreading):
    doc = Doc({"m": Map()}, allow_multithreading=multithreading)
    events: list[TransactionEvent] = []
    doc.observe(events.append)
    async with anyio.create_task_group() as tg:
        tg.start_soon(put_after, doc, "key0", 0.05)
        tg.start_soon(put_after, doc, "key1", 0.05)
    assert len(events) == 2  # never joined
    assert doc["m"].to_py() == {"key0": "key0", "key1": "key1"}


async def test_new_async_transaction_waits_for_a_task_holding_a_sync_block():
    doc = Doc({"m": Map()})
    order = []

    async def holder(*, task_status=anyio.TASK_STATUS_IGNORED):
        with doc.transaction():  # a sync block held across an await
            task_status.started()
            await anyio.sleep(0.05)
            doc["m"]["a"] = 1
            order.append("holder")

    async with anyio.create_task_group() as tg:
        await tg.start(holder)
        async with doc.new_transaction():
            order.append("new")
            doc["m"]["b"] = 2
    assert order == ["holder", "new"]
    assert doc["m"].to_py() == {"a": 1, "b": 2}


def test_new_transaction_sync_without_multithreading():
    doc = Doc({"m": Map()})
    with doc.new_transaction(origin="o") as txn:
        doc["m"]["k"] = 1
        assert txn.origin == "o"
        with doc.transaction() as inner:  # joins
            assert inner is txn
        with pytest.raises(RuntimeError, match="Already in a transaction"), doc.new_transaction():
            pass  # pragma: no cover
    with (
        doc.transaction(),
        pytest.raises(RuntimeError, match="Already in a transaction"),
        doc.new_transaction(),
    ):
        pass  # pragma: no cover
    assert not doc._native.in_transaction()


def test_new_transaction_origin_must_be_hashable():
    with pytest.raises(TypeError, match="hashable"):
        Doc().new_transaction(origin={})


@pytest.mark.parametrize("multithreading", [False, True])
async def test_new_async_transaction_timeout(multithreading):
    doc = Doc(allow_multithreading=multithreading)

    async def holder(*, task_status=anyio.TASK_STATUS_IGNORED):
        async with doc.new_transaction():
            task_status.started()
            await anyio.sleep(0.3)

    async with anyio.create_task_group() as tg:
        await tg.start(holder)
        with pytest.raises(TimeoutError, match="Could not acquire transaction"):
            async with doc.new_transaction(timeout=0.05):
                pass  # pragma: no cover
        with pytest.raises(TimeoutError):
            with anyio.fail_after(0.05):
                async with doc.new_transaction():
                    pass  # pragma: no cover
    # the timed-out waiters left nothing locked behind
    async with doc.new_transaction(timeout=0.5):
        doc["t"] = Text("free")
    assert str(doc["t"]) == "free"


async def test_new_async_transaction_while_sync_transaction_times_out():
    doc = Doc(allow_multithreading=True)
    with doc.transaction(), pytest.raises(TimeoutError, match="Could not acquire transaction"):
        async with doc.new_transaction(timeout=0.05):
            pass  # pragma: no cover


async def test_async_callback_in_new_transaction():
    doc = Doc()
    updates = []

    async def callback(event):
        updates.append(event.update)

    doc.observe(callback)
    async with doc.new_transaction():
        doc["t"] = Text("hello")
    replica = Doc()
    replica.apply_update(updates[0])
    assert str(replica["t"]) == "hello"


# -- Doc.events() --------------------------------------------------------------------------


async def test_iterate_events():
    doc = Doc()
    updates = []

    async def consume(done, *, task_status=anyio.TASK_STATUS_IGNORED):
        async with doc.events() as events:
            task_status.started()
            async for event in events:
                updates.append(event.update)
                if len(updates) == 2:
                    done.set()
                    return

    async with anyio.create_task_group() as tg:
        done = anyio.Event()
        await tg.start(consume, done)
        text = doc.get("text", type=Text)
        text += "Hello"
        text += ", World!"
        await done.wait()
        text += " Goodbye."
    assert len(updates) == 2
    assert updates[0].endswith(b"Hello\x00")
    assert updates[1].endswith(b", World!\x00")
    assert doc._observers == {}  # the stream's exit unsubscribed it at once


async def test_iterate_events_with_async_transactions():
    doc = Doc()
    updates = []

    async def consume(done, *, task_status=anyio.TASK_STATUS_IGNORED):
        async with doc.events(async_transactions=True, max_buffer_size=1) as events:
            task_status.started()
            async for event in events:
                updates.append(event.update)
                if len(updates) == 2:
                    done.set()
                    return

    async with anyio.create_task_group() as tg:
        done = anyio.Event()
        await tg.start(consume, done)
        async with doc.transaction():
            text = doc.get("text", type=Text)
        async with doc.transaction():
            text += "Hello"
        async with doc.transaction():
            text += ", World!"
        await done.wait()
        async with doc.transaction():
            text += " Goodbye."
    assert len(updates) == 2
    assert updates[0].endswith(b"Hello\x00")
    assert updates[1].endswith(b", World!\x00")


async def test_several_streams_and_receive_nowait():
    doc = Doc({"t": Text()})
    first = doc.events()
    second = doc.events(max_buffer_size=1)
    doc["t"] += "a"
    assert first.receive_nowait().update == second.receive_nowait().update
    with pytest.raises(anyio.WouldBlock):
        first.receive_nowait()
    second.close()
    doc["t"] += "b"  # only `first` is left
    assert first.receive_nowait().update.endswith(b"b\x00")
    assert len(doc._observers) == 1
    await first.aclose()
    first.close()  # idempotent
    assert doc._observers == {}
    doc["t"] += "c"
    with pytest.raises(anyio.ClosedResourceError):
        first.receive_nowait()
    with first:
        pass
    assert repr(first).startswith("EventStream(")


async def test_full_buffer_raises_after_commit():
    doc = Doc({"t": Text()})
    with doc.events(max_buffer_size=1) as events:
        doc["t"] += "a"
        with pytest.raises(Exception) as excinfo:
            doc["t"] += "b"
        assert raised(excinfo.value, anyio.WouldBlock)
        assert str(doc["t"]) == "ab"
        assert events.receive_nowait().update.endswith(b"a\x00")


def test_events_subdocs_not_implemented():
    with pytest.raises(NotImplementedError):
        Doc().events(subdocs=True)


async def test_dropped_stream_is_removed_on_next_event():
    doc = Doc({"t": Text()})
    events = doc.events()
    events._receive.close()  # the consumer went away without close()
    doc["t"] += "a"
    assert doc._observers == {}
    events.close()
    del events
    gc.collect()


# -- type.events() ------------------------------------------------------------------------


async def test_type_events_stream_events_with_their_deltas():
    doc = Doc({"t": Text("a")})
    t = doc["t"]
    async with t.events() as events:
        t += "b"
        with doc.transaction(origin="me"):
            t.insert(0, "x")
            del t[1]
        first = await events.receive()
        second = await events.receive()
        with pytest.raises(anyio.WouldBlock):
            events.receive_nowait()
    assert isinstance(first, TextEvent)
    assert first.delta == [{"retain": 1}, {"insert": "b"}]
    assert second.delta == [{"insert": "x"}, {"delete": 1}]
    assert second.transaction.origin == "me"
    assert doc._event_subscriptions == {}  # leaving the block unsubscribed it
    t += "c"  # nobody listens any more


async def test_type_events_deep_streams_lists_of_events():
    doc = Doc({"m": Map({"list": Array([1])})})
    m = doc["m"]
    received = []

    async def consume(done, *, task_status=anyio.TASK_STATUS_IGNORED):
        async with m.events(deep=True) as events:
            task_status.started()
            async for batch in events:
                received.append([(type(e), e.path, e.changes["delta"]) for e in batch])
                if len(received) == 2:
                    done.set()
                    return

    async with anyio.create_task_group() as tg:
        done = anyio.Event()
        await tg.start(consume, done)
        m["list"].append(2)
        m["k"] = "v"
        await done.wait()
    assert received == [
        [(ArrayEvent, ["list"], [{"retain": 1}, {"insert": [2]}])],
        [(MapEvent, [], [])],  # the map's own change: a key, no delta
    ]
    assert doc._event_subscriptions == {}


async def test_type_events_full_buffer_raises_after_commit():
    doc = Doc({"a": Array()})
    a = doc["a"]
    async with a.events(max_buffer_size=1) as events:
        a.append(1)
        with pytest.raises(ExceptionGroup) as excinfo:
            a.append(2)
        assert excinfo.group_contains(anyio.WouldBlock)
        assert list(a) == [1, 2]  # committed all the same
        event = await events.receive()
        assert event.delta == [{"insert": [1]}]


async def test_type_events_streams_are_independent():
    doc = Doc({"t": Text()})
    t = doc["t"]
    one = t.events()
    two = t.events()
    t += "a"
    one.close()
    t += "b"
    assert (await two.receive()).delta == [{"insert": "a"}]
    assert (await two.receive()).delta == [{"retain": 1}, {"insert": "b"}]
    with pytest.raises(anyio.ClosedResourceError):
        await one.receive()
    await two.aclose()
    assert doc._event_subscriptions == {}


def test_type_events_need_an_integrated_type():
    with pytest.raises(RuntimeError):
        Text("prelim").events()
