"""crdt-benchmarks B1-B3 through a Yjs-style Python API (crdtcore, or pycrdt: same calls).

The inputs come from ``Rng`` (SplitMix64, seed 42) in exactly the order the C++ runner
draws them, so crdtcore's C++ and Python rows replay identical edits; bench/README.md
("crdtcore and Python peers") describes every case. Each function returns
``(ms, final_encoding_size, mem_bytes_or_None)`` and raises ``WrongResult`` when a check
fails. Only the edits (B1), the edits and the sync (B2) or the applying of every
client's update (B3) are timed.
"""

from __future__ import annotations

import time
from types import ModuleType
from typing import Any

from workloads import Rng, WrongResult, heap_in_use

B2_INIT_CHARS = 100


def check(condition: bool, what: str) -> None:
    if not condition:
        raise WrongResult(what)


def b1(m: ModuleType, variant: int, n: int) -> tuple[float, int, None]:
    """One client; every insert is a transaction of its own (B1.2: one insert of N chars)."""
    rng = Rng()
    if variant == 4:
        edits, model = [], []
        for i in range(n):
            index = rng.int_in(0, i)
            ch = rng.letter()
            edits.append((index, ch))
            model.insert(index, ch)
        expected = "".join(model)
    else:
        expected = rng.word(n)
        if variant == 1:
            edits = list(enumerate(expected))
        elif variant == 2:
            edits = [(0, expected)]
        else:
            edits = [(0, ch) for ch in reversed(expected)]
    doc = m.Doc(client_id=1)
    text = doc.get("text", type=m.Text)
    start = time.perf_counter()
    for index, s in edits:
        text.insert(index, s)
    ms = (time.perf_counter() - start) * 1e3
    check(str(text) == expected, "B1: wrong final text")
    return ms, len(doc.get_update()), None


def b2(m: ModuleType, variant: int, n: int) -> tuple[float, int, None]:
    """Two synced clients edit concurrently, each in one transaction, then exchange
    what the other lacks (state-vector diff) both ways."""
    rng = Rng()
    init = rng.word(B2_INIT_CHARS)
    edits: list[list[tuple[int, Any]]] = [[], []]
    for client_edits in edits:
        if variant == 1:
            for i in range(n):
                index = rng.int_in(0, B2_INIT_CHARS + i)
                client_edits.append((index, rng.letter()))
        elif variant == 2:
            client_edits.append((0, rng.word(n)))
        elif variant == 3:
            client_edits.extend((i, rng.number()) for i in range(n))
        else:
            for i in range(n):
                index = rng.int_in(0, i)
                client_edits.append((index, rng.number()))
    docs = [m.Doc(client_id=1), m.Doc(client_id=2)]
    text_bench = variant <= 2
    if text_bench:
        docs[0].get("text", type=m.Text).insert(0, init)
        docs[1].apply_update(docs[0].get_update())
    start = time.perf_counter()
    for doc, client_edits in zip(docs, edits, strict=True):
        with doc.transaction():
            if text_bench:
                text = doc.get("text", type=m.Text)
                for index, s in client_edits:
                    text.insert(index, s)
            else:
                array = doc.get("array", type=m.Array)
                for index, value in client_edits:
                    array.insert(index, value)
    sv0, sv1 = docs[0].get_state(), docs[1].get_state()
    to1, to0 = docs[0].get_update(sv1), docs[1].get_update(sv0)
    docs[1].apply_update(to1)
    docs[0].apply_update(to0)
    ms = (time.perf_counter() - start) * 1e3

    if text_bench:
        t0 = str(docs[0].get("text", type=m.Text))
        check(t0 == str(docs[1].get("text", type=m.Text)), "B2: the clients' texts differ")
        check(len(t0) == 2 * n + B2_INIT_CHARS, "B2: wrong text length")
    else:
        a0 = docs[0].get("array", type=m.Array).to_py()
        check(a0 == docs[1].get("array", type=m.Array).to_py(), "B2: the clients' arrays differ")
        want = sorted(value for client_edits in edits for _, value in client_edits)
        check(sorted(a0) == want, "B2: the array does not hold the inserted numbers")
    return ms, len(docs[0].get_update()), None


def b3(m: ModuleType, variant: int, clients: int) -> tuple[float, int, int]:
    """``clients`` clients make one edit each; timed: one client applying every
    client's update in one transaction. mem: what that added to the heap."""
    check(clients >= 2, "B3 needs at least 2 clients")
    rng = Rng()
    docs, updates = [], []
    for i in range(clients):
        doc = m.Doc(client_id=i + 1)
        if variant == 1:
            doc.get("text", type=m.Text).insert(0, rng.letter())
        elif variant == 2:
            doc.get("map", type=m.Map)["v"] = i
        elif variant == 3:
            doc.get("map", type=m.Map)["v"] = str(i) * clients
        else:
            doc.get("array", type=m.Array).insert(0, str(i))
        docs.append(doc)
        updates.append(doc.get_update())

    def sync_all(doc: Any) -> None:
        with doc.transaction():
            for u in updates:
                doc.apply_update(u)

    sync_all(docs[0])  # the reference, not timed
    heap_before = heap_in_use()
    start = time.perf_counter()
    sync_all(docs[1])
    ms = (time.perf_counter() - start) * 1e3
    mem = heap_in_use() - heap_before

    root, kind = {1: ("text", m.Text), 4: ("array", m.Array)}.get(variant, ("map", m.Map))
    v0 = docs[0].get(root, type=kind).to_py()
    check(v0 == docs[1].get(root, type=kind).to_py(), "B3: the synced clients differ")
    if variant in (1, 4):
        check(len(v0) == clients, "B3: wrong length")
    else:  # the Yjs rule: the highest client id wins the key
        w = clients - 1
        check(v0 == {"v": w if variant == 2 else str(w) * clients}, "B3: wrong map winner")
    return ms, len(docs[0].get_update()), mem
