"""Content interop between crdtcore and real Yjs (npm), driven by random edit sessions.

(a) sessions made by Yjs clients (lib/session_gen.mjs) applied to crdtcore in shuffled order
    with duplicates must read back as what Yjs reads: str(), to_py(), rich-text deltas and the
    deep structure of nested types;
(b) sessions made through crdtcore's Python API (py_session_gen.py) applied to Yjs must read
    back in Yjs as they do in crdtcore.
The reference is always Yjs applying the same updates in the same order: Yjs's own formatting
is order dependent in rare concurrent cases (see lib/session_gen.mjs), so "equal to the
session's final state" would be a false alarm there.
Byte-level equality lives in test_yjs_bytes.py, pycrdt in test_pycrdt_interop.py.
Seeds: see interop_util.interop_seeds (CRDTCORE_INTEROP_SEEDS / _SEED / _RANDOM).
"""

from __future__ import annotations

import random

import pytest
from interop_util import (
    CONTENT,
    ROOTS,
    assert_same_views,
    decode_state_vector,
    exact_delta_py,
    exact_delta_tagged,
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

# Option sets for Yjs-made sessions; the id says which feature a failure involves.
YJS_PROFILES = {
    "full": {},
    "plain": {"attrs": False, "embeds": False},
    "flat": {"nested": False},
    "big": {"clients": 4, "rounds": 10, "maxOps": 6},
    "ascii": {"unicode": "ascii"},
}


def apply_all(doc: crdtcore.Doc, updates: list[bytes]) -> None:
    for u in updates:
        doc.apply_update(u)


# -- (a) Yjs -> crdtcore ----------------------------------------------------------------------


@pytest.mark.parametrize("profile", sorted(YJS_PROFILES))
@pytest.mark.parametrize("seed", interop_seeds(salt=1))
def test_yjs_session_reads_the_same_in_crdtcore(yjs, yjs_doc, seed, profile):
    s = yjs.gen_session(seed, **YJS_PROFILES[profile])
    rng = random.Random(seed)
    pool = [u["update"] for u in s["updates"]]
    pool += [u["update"] for u in s["relayed"] if rng.random() < 0.3]
    order = shuffled_with_duplicates(pool, rng)
    expected, expected_sv = yjs_view_after(yjs, yjs_doc, order)
    doc = new_doc(crdtcore)
    apply_all(doc, order)
    ctx = repro(seed, profile=profile)
    assert doc.get_state() == expected_sv, f"get_state {ctx}"
    assert_same_views(expected, py_views(doc, crdtcore), f"yjs -> crdtcore {ctx}")


@pytest.mark.parametrize("seed", interop_seeds(salt=2))
def test_yjs_session_in_creation_order_has_identical_delta_chunks(yjs, seed):
    # Same order as the reference replica: same items, so Yjs's toDelta() chunking (a visible
    # format item always starts a new op) must be reproduced exactly, not just up to merging.
    s = yjs.gen_session(seed)
    doc = new_doc(crdtcore)
    apply_all(doc, [u["update"] for u in s["updates"]])
    expected = exact_delta_tagged(s["final"]["text"]["delta"])
    actual = exact_delta_py(doc.get("text", type=crdtcore.Text).to_delta(), crdtcore)
    assert actual == expected, f"{repro(seed)} cleanup txns={s['fresh_cleanup_updates']}"


@pytest.mark.parametrize("seed", interop_seeds(default=10, salt=3))
def test_yjs_session_matches_after_every_update(yjs, yjs_doc, seed):
    # Intermediate states too: pending structs and pending deletes must behave like Yjs's.
    s = yjs.gen_session(seed, rounds=4)
    rng = random.Random(seed)
    order = shuffled_with_duplicates([u["update"] for u in s["updates"]], rng, dup_p=0.2)
    name, doc = yjs_doc(), new_doc(crdtcore)
    for k, u in enumerate(order):
        yjs.apply_update(name, u)
        doc.apply_update(u)
        assert_same_views(
            yjs_views(yjs.view(name, ROOTS)),
            py_views(doc, crdtcore),
            f"after update {k}/{len(order)} {repro(seed)}",
        )
        assert decode_state_vector(doc.get_state()) == decode_state_vector(
            yjs.encode_state_vector(name)
        ), f"state vector after update {k} {repro(seed)}"


@pytest.mark.parametrize("seed", interop_seeds(default=10, salt=4))
def test_yjs_session_with_split_surrogate_pairs(yjs, seed):
    # Yjs offsets inside surrogate pairs rewrite both halves to U+FFFD (yjs-format.md §4.1).
    # Yjs peers need not converge then, so compare against the replica that applied the
    # updates in the same order.
    s = yjs.gen_session(seed, splitSurrogates=True, requireConvergence=False)
    doc = new_doc(crdtcore)
    apply_all(doc, [u["update"] for u in s["updates"]])
    assert_same_views(
        yjs_views(s["final"]),
        py_views(doc, crdtcore),
        f"split surrogates {repro(seed)} converged={s['converged']}",
    )


@pytest.mark.parametrize("seed", interop_seeds(default=10, salt=5))
def test_yjs_full_state_reads_the_same_in_crdtcore(yjs, yjs_doc, seed):
    s = yjs.gen_session(seed)
    doc = new_doc(crdtcore)
    doc.apply_update(s["state"])
    expected, _ = yjs_view_after(yjs, yjs_doc, [s["state"]])
    assert_same_views(expected, py_views(doc, crdtcore), f"state {repro(seed)}")


# -- (b) crdtcore -> Yjs ----------------------------------------------------------------------

PY_PROFILES = {
    "full": {},
    "plain": {"attrs": False, "embeds": False},
    "flat": {"nested": False},
}


def crdtcore_session(seed: int, **options) -> PySession:
    """A crdtcore-made session whose clients agree on content. Formatting is compared only
    without attributes: like Yjs, clients may keep different attributes in rare cases."""
    n = random.Random(seed).randint(2, 4)
    s = PySession([crdtcore] * n, seed, **options).run()
    first = py_views(s.docs[0], crdtcore)
    aspects = CONTENT + (("deep",) if options.get("attrs") is False else ())
    for k, doc in enumerate(s.docs[1:], 1):
        assert_same_views(
            first,
            py_views(doc, crdtcore),
            f"crdtcore clients 0 and {k} diverged {repro(seed)}",
            aspects,
        )
    return s


@pytest.mark.parametrize("profile", sorted(PY_PROFILES))
@pytest.mark.parametrize("seed", interop_seeds(salt=6))
def test_crdtcore_session_reads_the_same_in_yjs(yjs, yjs_doc, seed, profile):
    s = crdtcore_session(seed, **PY_PROFILES[profile])
    expected = py_views(s.docs[0], crdtcore)
    ctx = repro(seed, profile=profile)
    rng = random.Random(seed)
    pool = [u for _, u in s.updates] + [u for _, u in s.relayed if rng.random() < 0.3]
    order = shuffled_with_duplicates(pool, rng)
    in_yjs, yjs_sv = yjs_view_after(yjs, yjs_doc, order)
    doc = new_doc(crdtcore)
    apply_all(doc, order)
    assert_same_views(in_yjs, py_views(doc, crdtcore), f"crdtcore -> yjs, same order {ctx}")
    assert_same_views(expected, in_yjs, f"crdtcore session vs yjs {ctx}", CONTENT)
    assert decode_state_vector(yjs_sv) == decode_state_vector(s.docs[0].get_state()), ctx


@pytest.mark.parametrize("seed", interop_seeds(default=10, salt=7))
def test_crdtcore_full_state_reads_the_same_in_yjs(yjs, yjs_doc, seed):
    s = crdtcore_session(seed)
    state = s.docs[-1].get_update()
    in_yjs, _ = yjs_view_after(yjs, yjs_doc, [state])
    doc = new_doc(crdtcore)
    doc.apply_update(state)
    assert_same_views(in_yjs, py_views(doc, crdtcore), f"state {repro(seed)}")
    assert_same_views(py_views(s.docs[-1], crdtcore), in_yjs, f"state {repro(seed)}", CONTENT)


@pytest.mark.parametrize("seed", interop_seeds(default=10, salt=8))
def test_yjs_and_crdtcore_round_trip(yjs, yjs_doc, seed):
    # Yjs session -> crdtcore -> (crdtcore's full state) -> fresh Yjs doc: nothing lost.
    s = yjs.gen_session(seed)
    doc = new_doc(crdtcore)
    apply_all(doc, [u["update"] for u in s["updates"]])
    through_crdtcore, _ = yjs_view_after(yjs, yjs_doc, [doc.get_update()])
    direct, _ = yjs_view_after(yjs, yjs_doc, [s["state"]])
    assert_same_views(direct, through_crdtcore, f"yjs -> crdtcore -> yjs {repro(seed)}")
