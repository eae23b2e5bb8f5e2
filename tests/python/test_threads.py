"""Doc(allow_multithreading=True): transactions of different threads serialize on a lock.

Behaviours ported from pycrdt's tests/test_threads.py and the threaded parts of
tests/test_transaction.py, plus threads hammering one document.
"""

import re
import threading
import time

import pytest
from _threads import run_threads

from crdtcore import Doc, Map, Text, TransactionEvent

N_THREADS = 4
N_EDITS = 150


def test_threads_hammering_one_document_serialize():
    doc = Doc({"t": Text(), "m": Map()}, client_id=1, allow_multithreading=True)
    text, counters = doc["t"], doc["m"]
    events: list[TransactionEvent] = []
    doc.observe(events.append)

    def edit(i):
        for k in range(N_EDITS):
            with doc.transaction(origin=i):
                # read-modify-write: lost updates if another thread's edit interleaved
                counters["n"] = counters.get("n", 0) + 1
                time.sleep(0) if k % 7 == 0 else None
                text.insert(len(text), f"[{i}:{k}]")
                with doc.transaction(origin=i):  # joins this thread's transaction
                    counters[str(i)] = k + 1

    assert run_threads(N_THREADS, edit) == []
    assert counters["n"] == N_THREADS * N_EDITS
    assert {counters[str(i)] for i in range(N_THREADS)} == {N_EDITS}
    tokens = re.findall(r"\[(\d+):(\d+)\]", str(text))
    assert len(tokens) == N_THREADS * N_EDITS
    assert "".join(f"[{i}:{k}]" for i, k in tokens) == str(text)  # no token torn apart
    for i in range(N_THREADS):
        assert [int(k) for t, k in tokens if int(t) == i] == list(range(N_EDITS))
    assert len(events) == N_THREADS * N_EDITS  # one commit per block, never joined
    assert all(e.transaction.origin is not None for e in events)
    replica = Doc()
    replica.apply_update(doc.get_update())
    assert str(replica["t"]) == str(text)


def test_threads_applying_updates_converge():
    sources = [Doc({"t": Text()}, client_id=10 + i) for i in range(N_THREADS)]
    doc = Doc(allow_multithreading=True)

    def edit(i):
        src = sources[i]
        for k in range(50):
            src["t"].insert(len(src["t"]), f"{i}{k},")
            with doc.transaction():
                doc.apply_update(src.get_update(doc.get_state()))

    assert run_threads(N_THREADS, edit) == []
    reference = Doc()
    for src in sources:
        reference.apply_update(src.get_update())
    assert doc.get_state() == reference.get_state()
    assert str(doc["t"]) == str(reference["t"])


def test_transaction_of_another_thread_waits_and_does_not_join():
    doc = Doc({"m": Map()}, allow_multithreading=True)
    events: list[TransactionEvent] = []
    doc.observe(events.append)
    entered = threading.Event()
    order = []

    def other():
        entered.wait()
        with doc.transaction(origin="other"):
            order.append("other")
            doc["m"]["b"] = 2

    thread = threading.Thread(target=other)
    thread.start()
    with doc.transaction(origin="main"):
        entered.set()
        time.sleep(0.1)
        order.append("main")
        doc["m"]["a"] = 1
    thread.join()
    assert order == ["main", "other"]
    assert [e.transaction.origin for e in events] == ["main", "other"]


def test_new_transaction_multithreading():
    doc = Doc({"m": Map()}, allow_multithreading=True)
    events: list[TransactionEvent] = []
    doc.observe(events.append)

    def put(i):
        with doc.new_transaction():
            time.sleep(0.05)
            doc["m"][f"key{i}"] = f"val{i}"

    assert run_threads(2, put) == []
    assert len(events) == 2
    assert doc["m"].to_py() == {"key0": "val0", "key1": "val1"}


def test_new_transaction_without_multithreading_fails_in_the_second_thread():
    doc = Doc({"m": Map()})
    events: list[TransactionEvent] = []
    doc.observe(events.append)
    barrier = threading.Barrier(2)

    def put(i):
        if i == 0:
            with doc.new_transaction():
                barrier.wait()
                barrier.wait()
                doc["m"]["key0"] = "val0"
        else:
            barrier.wait()
            try:
                with doc.new_transaction():
                    pass  # pragma: no cover
            finally:
                barrier.wait()

    errors = run_threads(2, put)
    assert len(errors) == 1
    assert isinstance(errors[0], RuntimeError)
    assert str(errors[0]) == "Already in a transaction"
    assert len(events) == 1
    assert doc["m"].to_py() == {"key0": "val0"}


def test_new_transaction_timeout_in_another_thread():
    doc = Doc(allow_multithreading=True)
    holding, done = threading.Event(), threading.Event()

    def hold():
        with doc.transaction():
            holding.set()
            done.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait()
    start = time.monotonic()
    with pytest.raises(TimeoutError, match="Could not acquire"), doc.new_transaction(timeout=0.05):
        pass  # pragma: no cover
    assert time.monotonic() - start >= 0.04
    done.set()
    thread.join()
    with doc.new_transaction(timeout=1):  # released
        doc["t"] = Text("ok")
    assert str(doc["t"]) == "ok"


def test_new_transaction_inside_own_transaction():
    doc = Doc(allow_multithreading=True)
    with doc.transaction():
        with (
            pytest.raises(TimeoutError, match="Could not acquire"),
            doc.new_transaction(timeout=0.1),
        ):
            pass  # pragma: no cover
        with pytest.raises(RuntimeError, match="would never end"), doc.new_transaction():
            pass  # pragma: no cover
    with doc.new_transaction() as txn, doc.transaction() as inner:
        assert inner is txn  # doc.transaction() joins this thread's transaction
    assert doc._txn_owner is None
    assert not doc._txn_lock.locked()


def test_observer_edits_under_the_lock():
    doc = Doc({"t": Text(), "log": Map()}, allow_multithreading=True)

    def log(event):
        if event.transaction.origin != "log":
            with doc.transaction(origin="log"):  # this thread holds the lock: no wait
                doc["log"]["n"] = doc["log"].get("n", 0) + 1

    doc.observe(log)

    def edit(i):
        for _ in range(20):
            with doc.transaction():
                doc["t"] += "x"

    assert run_threads(3, edit) == []
    assert doc["log"]["n"] == 60
    assert len(doc["t"]) == 60


def test_document_used_from_another_thread():
    doc = Doc(allow_multithreading=True)
    doc["text"] = text = Text()

    def add_text():
        text.insert(len(text), "Hello from thread!")

    thread = threading.Thread(target=add_text)
    thread.start()
    thread.join()
    assert str(text) == "Hello from thread!"


def test_lock_released_when_the_block_or_an_observer_raises():
    doc = Doc({"t": Text()}, allow_multithreading=True)

    def fail(event):
        raise ValueError("observer")

    sub = doc.observe(fail)
    with pytest.raises(ValueError):
        doc["t"] += "a"  # a single call takes no Python lock
    with pytest.raises(Exception), doc.transaction():  # noqa: B017 - maybe an ExceptionGroup
        doc["t"] += "b"
    assert not doc._txn_lock.locked()
    doc.unobserve(sub)
    with pytest.raises(KeyError), doc.new_transaction():
        raise KeyError
    assert not doc._txn_lock.locked()
    assert doc._txn_owner is None


@pytest.mark.anyio
async def test_async_blocks_and_threads_share_the_lock():
    import anyio

    doc = Doc({"t": Text(), "m": Map()}, allow_multithreading=True)
    calls = []

    async def on_commit(event):
        calls.append(event.transaction.origin)

    def thread_edit(i):
        for k in range(30):
            with doc.transaction():
                doc["m"]["n"] = doc["m"].get("n", 0) + 1
                doc["t"] += f"<t{i}:{k}>"

    async def task_edit(i):
        for k in range(30):
            # new_transaction: doc.transaction() would join the other task's transaction
            # (tasks of one thread share it, as in pycrdt)
            async with doc.new_transaction(origin=f"task{i}"):
                doc["m"]["n"] = doc["m"].get("n", 0) + 1
                await anyio.sleep(0)  # the lock stays held across the await
                doc["t"] += f"<a{i}:{k}>"

    async with anyio.create_task_group() as tg:
        for i in range(2):
            tg.start_soon(anyio.to_thread.run_sync, thread_edit, i)
            tg.start_soon(task_edit, i)
    assert doc["m"]["n"] == 120
    assert len(re.findall(r"<[at]\d:\d+>", str(doc["t"]))) == 120
    sub = doc.observe(on_commit)
    async with doc.transaction(origin="last"):
        doc["t"] += "!"
    doc.unobserve(sub)
    assert calls == ["last"]
    assert not doc._txn_lock.locked()
