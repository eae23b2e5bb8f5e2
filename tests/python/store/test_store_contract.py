"""The UpdateStore contract, checked on every backend (and across reopening, where it persists)."""

from __future__ import annotations

import random
import threading

import pytest

from crdtcore import Doc, Map, merge_updates
from crdtcore.store import (
    MAX_ROOM_NAME_BYTES,
    StoreClosedError,
    StoreError,
    UpdateStore,
)


def test_implements_the_protocol(store):
    assert isinstance(store, UpdateStore)


def test_append_returns_the_count_and_read_keeps_append_order(store):
    counts = [store.append("room", bytes([i]) * i) for i in range(1, 6)]
    assert counts == [1, 2, 3, 4, 5]
    assert store.read("room") == [bytes([i]) * i for i in range(1, 6)]


def test_unknown_room_reads_empty_and_is_not_listed(store):
    assert store.read("nobody") == []
    assert store.rooms() == []


def test_rooms_are_independent_and_listed_sorted(store):
    for room in ["b", "a", "B", "b", "a/b"]:
        store.append(room, room.encode())
    assert store.rooms() == ["B", "a", "a/b", "b"]
    assert store.read("b") == [b"b", b"b"]
    assert store.read("B") == [b"B"]
    assert store.read("a/b") == [b"a/b"]


def test_replace_keeps_records_appended_after_the_read(store):
    for i in range(4):
        store.append("room", b"old%d" % i)
    snapshot = store.read("room")
    store.append("room", b"late1")  # appended while the caller merged
    store.append("room", b"late2")
    store.replace("room", b"merged", len(snapshot))
    assert store.read("room") == [b"merged", b"late1", b"late2"]
    assert store.append("room", b"next") == 4
    assert store.read("room") == [b"merged", b"late1", b"late2", b"next"]


def test_replace_of_a_prefix_and_of_nothing(store):
    store.append("room", b"a")
    store.append("room", b"b")
    store.replace("room", b"A", 1)
    assert store.read("room") == [b"A", b"b"]
    store.replace("room", b"first", 0)
    assert store.read("room") == [b"first", b"A", b"b"]
    store.replace("new", b"only", 0)
    assert store.read("new") == [b"only"]
    assert store.rooms() == ["new", "room"]


def test_replace_if_swaps_only_the_records_it_was_given(store):
    for record in (b"a", b"b", b"c"):
        store.append("room", record)
    # Another writer replaced or reordered the records since they were read: no change.
    assert store.replace_if("room", b"ab", [b"b", b"a"]) is False
    assert store.replace_if("room", b"abcd", [b"a", b"b", b"c", b"d"]) is False
    assert store.read("room") == [b"a", b"b", b"c"]
    assert store.replace_if("room", b"ab", [b"a", b"b"]) is True
    assert store.read("room") == [b"ab", b"c"]
    assert store.append("room", b"d") == 3
    assert store.replace_if("other", b"x", []) is True  # nothing to compare: a first record
    assert store.read("other") == [b"x"]


@pytest.mark.parametrize(
    ("count", "error"), [(-1, ValueError), (3, ValueError), (True, TypeError), (1.0, TypeError)]
)
def test_replace_rejects_a_bad_count_and_changes_nothing(store, count, error):
    store.append("room", b"a")
    store.append("room", b"b")
    with pytest.raises(error):
        store.replace("room", b"x", count)
    assert store.read("room") == [b"a", b"b"]
    assert store.append("room", b"c") == 3


@pytest.mark.parametrize(
    ("room", "error", "message"),
    [
        ("", ValueError, "empty"),
        ("a\x00b", ValueError, "NUL"),
        ("x" * (MAX_ROOM_NAME_BYTES + 1), ValueError, "1025 UTF-8 bytes"),
        ("é" * (MAX_ROOM_NAME_BYTES // 2 + 1), ValueError, "1026 UTF-8 bytes"),
        ("\ud800", ValueError, "surrogate"),
        (b"room", TypeError, "bytes"),
        (None, TypeError, "NoneType"),
    ],
)
def test_bad_room_names_raise_everywhere(store, room, error, message):
    for call in (
        lambda: store.append(room, b"u"),
        lambda: store.read(room),
        lambda: store.replace(room, b"u", 0),
    ):
        with pytest.raises(error, match=message):
            call()
    assert store.rooms() == []


@pytest.mark.parametrize(
    "room",
    [
        "x" * MAX_ROOM_NAME_BYTES,
        "é" * (MAX_ROOM_NAME_BYTES // 2),
        "/",
        ".",
        "..",
        "CON",
        "a b",
        "😀",
    ],
)
def test_unusual_room_names_round_trip(make_store, room):
    store = make_store()
    store.append(room, b"u")
    twin = room[:-1] + ("y" if room[-1] != "y" else "z")  # same length, last char differs
    store.append(twin, b"v")
    assert store.read(room) == [b"u"]
    assert store.read(twin) == [b"v"]
    assert sorted(store.rooms()) == sorted([room, twin])


def test_updates_of_any_size_and_bytes_like_types(store):
    big = random.Random(1).randbytes(1 << 20)
    store.append("room", b"")
    store.append("room", bytearray(b"ba"))
    store.append("room", memoryview(b"mv"))
    store.append("room", big)
    records = store.read("room")
    assert records == [b"", b"ba", b"mv", big]
    assert all(type(record) is bytes for record in records)


@pytest.mark.parametrize("update", ["text", 12, None])
def test_non_bytes_updates_raise_type_error(store, update):
    with pytest.raises(TypeError, match="bytes-like"):
        store.append("room", update)
    with pytest.raises(TypeError, match="bytes-like"):
        store.replace("room", update, 0)
    assert store.read("room") == []


def test_a_closed_store_raises_and_close_is_idempotent(make_store):
    with make_store() as store:
        store.append("room", b"u")
    assert store.closed
    store.close()
    for call in (
        lambda: store.append("room", b"u"),
        lambda: store.read("room"),
        lambda: store.replace("room", b"u", 0),
        store.rooms,
    ):
        with pytest.raises(StoreClosedError, match="closed"):
            call()
    assert issubclass(StoreClosedError, StoreError)


def test_reopening_keeps_everything(make_durable_store):
    store = make_durable_store()
    for i in range(5):
        store.append("a", b"a%d" % i)
    store.append("b", b"b0")
    store.replace("a", b"a-merged", 3)
    store.append("a", b"a5")
    store.close()
    store = make_durable_store()
    assert store.rooms() == ["a", "b"]
    assert store.read("a") == [b"a-merged", b"a3", b"a4", b"a5"]
    assert store.read("b") == [b"b0"]
    assert store.append("a", b"a6") == 5
    assert store.append("c", b"c0") == 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_operations_match_a_list_model(make_store, seed):
    rng = random.Random(seed)
    store = make_store()
    persistent = not type(store).__name__.startswith("Memory")
    model: dict[str, list[bytes]] = {}
    for step in range(300):
        room = rng.choice(["r1", "r2", "R1"])
        log = model.setdefault(room, [])
        action = rng.random()
        if action < 0.7:
            update = rng.randbytes(rng.randrange(40))
            log.append(update)
            assert store.append(room, update) == len(log)
        elif action < 0.9:
            count = rng.randint(0, len(log))
            merged = b"m%d" % step
            log[:count] = [merged]
            store.replace(room, merged, count)
        elif persistent:
            store.close()
            store = make_store()
        assert store.read(room) == log
    assert store.rooms() == sorted(room for room, log in model.items() if log)


def test_compaction_with_real_updates_keeps_the_document(store):
    doc = Doc(client_id=7)
    doc["m"] = items = Map()
    subscription = doc.observe(lambda event: store.append("room", event.update))
    for i in range(30):
        items[f"k{i}"] = i
    doc.unobserve(subscription)
    records = store.read("room")
    assert len(records) == 30
    store.replace("room", merge_updates(*records), len(records))
    copy = Doc()
    for update in store.read("room"):
        copy.apply_update(update)
    assert copy.get("m", type=Map).to_py() == {f"k{i}": i for i in range(30)}
    assert len(store.read("room")) == 1


def test_threads_may_share_a_store(store):
    def work(worker: int) -> None:
        for i in range(50):
            store.append("room", b"%d:%d" % (worker, i))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    records = store.read("room")
    assert sorted(records) == sorted(b"%d:%d" % (w, i) for w in range(4) for i in range(50))
    for worker in range(4):  # each thread's records stay in its order
        mine = [r for r in records if r.startswith(b"%d:" % worker)]
        assert mine == [b"%d:%d" % (worker, i) for i in range(50)]
