"""Large updates are decoded without the GIL (cpp/bindings/gil.h), the rest keeps it.

Whether a call released the GIL is observed deterministically: with a switch interval far
longer than the test, a thread waiting for the GIL only gets it when the running thread
releases it (blocking or native code), so a helper thread that is let go right before the
call can only have run *during* the call if the call released the GIL. No timing is
measured; a call that does not release the GIL fails these tests every time.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from _threads import run_threads

from crdtcore import (
    Array,
    DecodeError,
    Doc,
    Map,
    Text,
    _core,
    decode_delete_set,
    decode_state_vector,
    get_state,
    get_update,
    merge_updates,
    validate_update,
)

RELEASE = _core.RELEASE_GIL_BYTES
ATTEMPTS = 10  # a released call lets the helper run unless the OS did not schedule it in time


@pytest.fixture
def long_switch_interval() -> Iterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(60.0)  # no forced GIL hand-over while a test runs
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def ran_during(call: Callable[[], Any]) -> bool:
    """Whether another Python thread ran while ``call()`` ran: only if it released the GIL."""
    gate = threading.Lock()
    gate.acquire()
    ran: list[bool] = []

    def other() -> None:
        with gate:  # waits (GIL released) until the gate opens, then needs the GIL
            ran.append(True)

    thread = threading.Thread(target=other)
    thread.start()
    gate.release()  # does not release the GIL: `other` cannot run before call() does
    call()
    during = bool(ran)
    thread.join(timeout=60)  # blocks: `other` finishes now if it has not run yet
    assert ran and not thread.is_alive()
    return during


def released(call: Callable[[], Any]) -> bool:
    """``ran_during(call)`` over a few attempts (the helper may be scheduled too late)."""
    return any(ran_during(call) for _ in range(ATTEMPTS))


def array_update(n: int, client_id: int = 1) -> bytes:
    doc = Doc(client_id=client_id)
    doc.get("a", type=Array).extend(range(n))
    return doc.get_update()


@pytest.fixture(scope="module")
def big() -> bytes:
    """A ~4 MB update of one million numbers: tens of milliseconds of decoding."""
    update = array_update(1_000_000)
    assert len(update) > 3_000_000
    return update


@pytest.fixture(scope="module")
def text_updates() -> list[bytes]:
    """Eight updates of different clients above the threshold, with deletions."""
    out = []
    for client in range(1, 9):
        doc = Doc(client_id=client)
        text = doc.get("t", type=Text)
        with doc.transaction():
            text.insert(0, f"<{client}>")
            for i in range(3000):
                # Never at 0: an item without a left origin would be ordered against every
                # other client's such items (quadratic work when the updates meet).
                text.insert(1 + (len(text) - 1) * (i % 5) // 5, f"{client}{i % 10}")
        with doc.transaction():
            for i in range(1, 2000, 3):
                del text[i]
        doc.get("m", type=Map)[str(client)] = client
        out.append(doc.get_update())
    assert min(map(len, out)) >= RELEASE
    return out


def test_threshold_is_16_kib() -> None:
    assert RELEASE == 16 * 1024


def test_apply_update_of_a_large_update_lets_other_threads_run(
    big: bytes, long_switch_interval: None
) -> None:
    doc = Doc()
    assert released(lambda: doc.apply_update(big))
    array = doc["a"]
    assert len(array) == 1_000_000 and array[999_999] == 999_999


def test_without_the_release_the_helper_cannot_run(big: bytes, long_switch_interval: None) -> None:
    """The probe itself: calls that keep the GIL never let the helper run."""
    doc = Doc()
    doc.apply_update(big)
    assert not released(doc.get_update)  # reads the document: keeps the GIL
    assert not released(lambda: str(doc["a"][:10]))
    assert not released(lambda: sum(range(2_000_000)))  # plain Python, long


def test_small_updates_keep_the_gil(long_switch_interval: None) -> None:
    doc = Doc()
    small = Doc({"t": Text("hi")}).get_update()
    assert not released(lambda: doc.apply_update(small))
    # Trailing bytes are ignored: the largest input that is still decoded with the GIL.
    padded = small + bytes(RELEASE - 1 - len(small))
    assert len(padded) == RELEASE - 1
    assert not released(lambda: validate_update(padded))
    assert not released(lambda: doc.apply_update(padded))
    assert str(doc["t"]) == "hi"


@pytest.mark.parametrize(
    "name",
    ["validate_update", "merge_updates", "get_state", "get_update", "bytearray", "memoryview"],
)
def test_update_functions_release_the_gil(
    big: bytes, name: str, long_switch_interval: None
) -> None:
    other = array_update(10, client_id=2)
    calls: dict[str, Callable[[], Any]] = {
        "validate_update": lambda: validate_update(big),
        "merge_updates": lambda: merge_updates(big, other),
        "get_state": lambda: get_state(big),
        "get_update": lambda: get_update(big, b"\x00"),
        "bytearray": lambda: Doc().apply_update(bytearray(big)),
        "memoryview": lambda: validate_update(memoryview(big)),
    }
    assert released(calls[name])


def test_state_vector_and_delete_set_decoding_release_the_gil(long_switch_interval: None) -> None:
    # Valid and above the threshold: decoded without the GIL, converted with it.
    clients = range(1 << 21, (1 << 21) + 20_000)  # 4-byte client ids, clock 1 each
    state = _varuint(len(clients)) + b"".join(_varuint(c) + b"\x01" for c in clients)
    assert len(state) >= RELEASE
    decoded = decode_state_vector(state)
    assert len(decoded) == 20_000 and decoded[1 << 21] == 1
    ds = b"\x01\x05" + _varuint(20_000) + b"".join(_varuint(2 * i) + b"\x01" for i in range(20_000))
    runs = decode_delete_set(ds)
    assert len(runs[5]) == 20_000 and runs[5][-1] == (39_998, 1)
    # Two million entries, the last one cut inside a number: all are decoded (several
    # milliseconds, without the GIL) before it raises (with it: no dict of millions to build).
    n = 2_000_000
    long_state = _varuint(n) + b"\x05\x01" * (n - 1) + b"\x05\xff\xff"
    long_ds = b"\x01\x05" + _varuint(n) + b"\x02\x01" * (n - 1) + b"\x02\xff\xff"
    for decode, data in ((decode_state_vector, long_state), (decode_delete_set, long_ds)):

        def call(decode: Callable[[bytes], Any] = decode, data: bytes = data) -> None:
            with pytest.raises(DecodeError, match="malformed"):
                decode(data)

        assert released(call)


def _varuint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def test_a_bytearray_is_copied_before_the_release(big: bytes, long_switch_interval: None) -> None:
    """Another thread may change the buffer while the update is decoded: no effect."""

    def attempt() -> bool:
        buffer = bytearray(big)
        doc = Doc()
        gate = threading.Lock()
        gate.acquire()
        cleared: list[bool] = []

        def vandal() -> None:
            with gate:
                del buffer[:]  # a BufferError if the buffer were still exported
                cleared.append(True)

        thread = threading.Thread(target=vandal)
        thread.start()
        gate.release()
        doc.apply_update(buffer)
        during = bool(cleared)
        thread.join(timeout=60)
        assert cleared and buffer == bytearray()
        assert len(doc["a"]) == 1_000_000 and doc["a"][-1] == 999_999
        return during

    assert any(attempt() for _ in range(ATTEMPTS))


def test_malformed_large_update_raises_and_changes_nothing(big: bytes) -> None:
    doc = Doc({"t": Text("keep")}, client_id=7)
    events: list[Any] = []
    doc.observe(events.append)
    before = doc.get_update()
    for bad in (big[:-1], big[: len(big) // 2], big[:3] + b"\xff" * 65536):
        with pytest.raises(DecodeError):
            doc.apply_update(bad)
        with pytest.raises(DecodeError, match="malformed update"):
            validate_update(bad)
        with pytest.raises(DecodeError):
            merge_updates(bad, big)
        with pytest.raises(DecodeError):
            get_state(bad)
        with pytest.raises(DecodeError):
            get_update(bad, b"\x00")
    with pytest.raises(TypeError):
        doc.apply_update("not bytes")  # type: ignore[arg-type]
    assert doc.get_update() == before and not doc.has_pending and events == []
    # With an origin and inside a transaction: the same.
    with pytest.raises(DecodeError):
        doc.apply_update(big[:-1], origin="peer")
    with doc.transaction():
        with pytest.raises(DecodeError):
            doc.apply_update(big[:-1])
        doc["t"] += "!"
    assert str(doc["t"]) == "keep!" and len(events) == 1


def sequential_results(updates: list[bytes]) -> tuple[bytes, str, bytes]:
    doc = Doc(client_id=100)
    for update in updates:
        doc.apply_update(update)
    merged = merge_updates(*updates)
    return doc.get_update(), str(doc["t"]), merged


def test_threads_decoding_concurrently_match_sequential_results(text_updates: list[bytes]) -> None:
    expected_update, expected_text, expected_merge = sequential_results(text_updates)
    results: dict[int, tuple[bytes, str, bytes, bytes, bytes]] = {}

    def work(i: int) -> None:
        # Each thread: its own document, the updates in its own order (pending included).
        order = text_updates[i % 8 :] + text_updates[: i % 8]
        if i % 2:
            order.reverse()
        doc = Doc(client_id=100)
        for update in order:
            doc.apply_update(update)
            validate_update(update)
        full = doc.get_update()
        results[i] = (
            full,
            str(doc["t"]),
            merge_updates(*text_updates),
            get_state(full),
            get_update(full, doc.get_state()),
        )

    assert run_threads(8, work) == []
    doc = Doc(client_id=100)
    doc.apply_update(expected_update)
    for full, text, merged, state, diff in results.values():
        assert text == expected_text
        assert merged == expected_merge
        assert state == doc.get_state()
        assert diff == get_update(expected_update, doc.get_state())  # the delete set only
        replica = Doc(client_id=100)
        replica.apply_update(full)
        assert replica.get_update() == expected_update


def test_threads_applying_to_one_document(text_updates: list[bytes]) -> None:
    """allow_multithreading: updates applied from several threads, in transactions or bare."""
    expected_update, expected_text, _ = sequential_results(text_updates)
    doc = Doc(client_id=100, allow_multithreading=True)
    seen: list[bool] = []
    doc.observe(lambda event: seen.append(event.local))

    def work(i: int) -> None:
        for k in range(i, i + 8, 2):
            update = text_updates[k % 8]
            if k % 4 == 0:
                with doc.transaction(origin=i):
                    doc.apply_update(update)
            else:
                doc.apply_update(update)

    assert run_threads(4, work) == []
    assert not doc.has_pending
    assert str(doc["t"]) == expected_text
    replica = Doc(client_id=100)
    replica.apply_update(doc.get_update())
    assert replica.get_update() == expected_update
    assert seen  # some committed transactions changed the document
