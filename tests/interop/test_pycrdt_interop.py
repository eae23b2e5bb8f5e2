"""Interop between crdtcore and pycrdt (PyPI; the Python binding of yrs).

(e) updates made by pycrdt apply in crdtcore and updates made by crdtcore apply in pycrdt,
    with the same content on both sides; mixed sessions where crdtcore and pycrdt documents
    edit and sync with each other converge, and Yjs agrees with the result.
pycrdt indexes Text by UTF-8 bytes, so Python-made sessions that involve pycrdt edit text in
ASCII only (text_alphabet="ascii"); values and map keys stay Unicode. pycrdt reads every
number back as float: views compare numbers as floats (interop_util.canon).
Rich-text attributes are compared with Yjs applying the same updates in the same order;
against pycrdt (no format cleanup, yjs-format.md §7.6) and across different delivery orders
only text and values are compared (CONTENT), since Yjs-style cleanup may legitimately keep
other redundant format items.
"""

from __future__ import annotations

import random

import pycrdt
import pytest
from interop_util import (
    CONTENT,
    assert_same_views,
    decode_state_vector,
    in_order_with_duplicates,
    interop_seeds,
    new_doc,
    py_views,
    repro,
    shuffled_with_duplicates,
    yjs_view_after,
    yjs_views,
)
from py_session_gen import PySession

import crdtcore


def converged_session(mods: list, seed: int, **options) -> PySession:
    s = PySession(mods, seed, text_alphabet="ascii", **options).run()
    first = py_views(s.docs[0], mods[0])
    for k, (doc, mod) in enumerate(zip(s.docs[1:], mods[1:], strict=True), 1):
        assert_same_views(
            first,
            py_views(doc, mod),
            f"client 0 ({mods[0].__name__}) and {k} ({mod.__name__}) diverged {repro(seed)}",
            CONTENT,
        )
    return s


def shuffled_pool(s: PySession, seed: int) -> list[bytes]:
    """Local and some relayed updates in random order with duplicates (for crdtcore, Yjs)."""
    rng = random.Random(seed)
    pool = [u for _, u in s.updates] + [u for _, u in s.relayed if rng.random() < 0.3]
    return shuffled_with_duplicates(pool, rng)


def ordered_pool(s: PySession, seed: int) -> list[bytes]:
    """The same, but causally ordered: pycrdt (yrs 0.27) loses content when updates arrive
    before their dependencies, so it only ever receives updates in the order they were made."""
    rng = random.Random(seed)
    pool = [u for _, u, local in s.timeline if local or rng.random() < 0.3]
    return in_order_with_duplicates(pool, rng)


def applied(mod, updates: list[bytes]):
    doc = new_doc(mod)
    for u in updates:
        doc.apply_update(u)
    return doc


def assert_like_yjs(yjs, yjs_doc, updates: list[bytes], doc, what: str) -> None:
    """crdtcore doc `doc`, which applied `updates` in this order, reads like Yjs would."""
    expected, sv = yjs_view_after(yjs, yjs_doc, updates)
    assert_same_views(expected, py_views(doc, crdtcore), what)
    assert doc.get_state() == sv, f"get_state {what}"


@pytest.mark.parametrize("seed", interop_seeds(salt=21))
def test_pycrdt_updates_apply_in_crdtcore(yjs, yjs_doc, seed):
    s = converged_session([pycrdt] * 3, seed)
    order = shuffled_pool(s, seed)
    doc = applied(crdtcore, order)
    assert_same_views(
        py_views(s.docs[0], pycrdt),
        py_views(doc, crdtcore),
        f"pycrdt -> crdtcore {repro(seed)}",
        CONTENT,
    )
    assert decode_state_vector(doc.get_state()) == decode_state_vector(s.docs[0].get_state())
    assert_like_yjs(yjs, yjs_doc, order, doc, f"pycrdt -> crdtcore vs yjs {repro(seed)}")


@pytest.mark.parametrize("seed", interop_seeds(salt=22))
def test_crdtcore_updates_apply_in_pycrdt(seed):
    s = converged_session([crdtcore] * 3, seed)
    doc = applied(pycrdt, ordered_pool(s, seed))
    assert_same_views(
        py_views(s.docs[0], crdtcore),
        py_views(doc, pycrdt),
        f"crdtcore -> pycrdt {repro(seed)}",
        CONTENT,
    )
    assert decode_state_vector(doc.get_state()) == decode_state_vector(s.docs[0].get_state())


@pytest.mark.parametrize("seed", interop_seeds(salt=23))
def test_full_states_cross_both_ways(yjs, yjs_doc, seed):
    py = converged_session([pycrdt] * 2, seed, rounds=4)
    core = converged_session([crdtcore] * 2, seed + 1, rounds=4)
    state = py.docs[0].get_update()
    into_core = applied(crdtcore, [state])
    assert_same_views(
        py_views(py.docs[0], pycrdt),
        py_views(into_core, crdtcore),
        f"pycrdt state -> crdtcore {repro(seed)}",
        CONTENT,
    )
    assert_like_yjs(yjs, yjs_doc, [state], into_core, f"pycrdt state -> crdtcore {repro(seed)}")
    into_py = applied(pycrdt, [core.docs[0].get_update()])
    assert_same_views(
        py_views(core.docs[0], crdtcore),
        py_views(into_py, pycrdt),
        f"crdtcore state -> pycrdt {repro(seed + 1)}",
        CONTENT,
    )


@pytest.mark.parametrize("seed", interop_seeds(salt=24))
def test_mixed_crdtcore_and_pycrdt_session_converges_and_yjs_agrees(yjs, yjs_doc, seed):
    # Clients alternate implementations and sync with each other's get_update(get_state()).
    n = random.Random(seed).randint(2, 4)
    mods = [(crdtcore, pycrdt)[(k + seed) % 2] for k in range(n)]
    if len(set(mods)) == 1:
        mods[-1] = pycrdt if mods[0] is crdtcore else crdtcore
    s = converged_session(mods, seed)
    ctx = repro(seed, mods=[m.__name__ for m in mods])
    order = shuffled_pool(s, seed)
    expected, _ = yjs_view_after(yjs, yjs_doc, order)
    assert_same_views(
        py_views(s.docs[0], mods[0]), expected, f"mixed session vs yjs {ctx}", CONTENT
    )
    assert_like_yjs(yjs, yjs_doc, order, applied(crdtcore, order), f"mixed -> crdtcore {ctx}")


@pytest.mark.parametrize("seed", interop_seeds(default=10, salt=25))
def test_yjs_session_through_crdtcore_into_pycrdt(yjs, seed):
    # Yjs updates (full Unicode) -> crdtcore -> crdtcore's full state -> pycrdt.
    s = yjs.gen_session(seed)
    doc = applied(crdtcore, [u["update"] for u in s["updates"]])
    into_py = applied(pycrdt, [doc.get_update()])
    assert_same_views(
        yjs_views(s["final"]),
        py_views(into_py, pycrdt),
        f"yjs -> crdtcore -> pycrdt {repro(seed)}",
        CONTENT,
    )


@pytest.mark.parametrize("seed", interop_seeds(default=10, salt=26))
def test_crdtcore_reads_pycrdt_update_functions_output(seed):
    # Merged / diffed updates produced by yrs must be readable by crdtcore and vice versa.
    s = converged_session([pycrdt] * 3, seed, rounds=4)
    expected = py_views(s.docs[0], pycrdt)
    updates = [u for _, u in s.updates]
    doc = applied(crdtcore, [pycrdt.merge_updates(*updates)])
    assert_same_views(
        expected,
        py_views(doc, crdtcore),
        f"pycrdt.merge_updates -> crdtcore {repro(seed)}",
        CONTENT,
    )
    ours = crdtcore.merge_updates(*updates)
    assert_same_views(
        expected,
        py_views(applied(pycrdt, [ours]), pycrdt),
        f"crdtcore.merge_updates -> pycrdt {repro(seed)}",
        CONTENT,
    )
    half = applied(pycrdt, updates[: len(updates) // 2])
    half.apply_update(crdtcore.get_update(ours, half.get_state()))
    assert_same_views(
        expected,
        py_views(half, pycrdt),
        f"crdtcore.get_update(update, state) -> pycrdt {repro(seed)}",
        CONTENT,
    )
