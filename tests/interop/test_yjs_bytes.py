"""Byte-level interop between crdtcore and real Yjs (npm).

(c) after the same updates in the same order, doc.get_update() / get_update(state) /
    get_state() equal Yjs's encodeStateAsUpdate / encodeStateVector byte for byte, including
    while updates are pending; per-transaction update events equal Yjs's `update` events;
    the same edits made through crdtcore's Python API and through Yjs produce the same bytes;
(d) crdtcore.merge_updates / get_update(update, state) / get_state(update) equal
    Y.mergeUpdates / Y.diffUpdate / Y.encodeStateVectorFromUpdate on random inputs.
Sessions with formatting depend on Yjs's format cleanup after remote transactions
(yjs-format.md §7.6): failures report how many cleanup transactions the reference replica ran.
"""

from __future__ import annotations

import random

import pycrdt
import pytest
from interop_util import (
    decode_state_vector,
    encode_state_vector,
    hexdiff,
    interop_seeds,
    new_doc,
    repro,
    shuffled_with_duplicates,
)
from py_session_gen import PySession, replay_in_yjs

import crdtcore

PROFILES = {"full": {}, "plain": {"attrs": False, "embeds": False}, "gc_off": {"gc": False}}


def core_doc(gc: bool = True) -> crdtcore.Doc:
    return new_doc(crdtcore, skip_gc=not gc)


def recorded(doc: crdtcore.Doc) -> tuple[list[bytes], object]:
    """(list receiving the update bytes of every transaction committed on `doc`, subscription)."""
    out: list[bytes] = []
    return out, doc.observe(lambda event: out.append(bytes(event.update)))


def random_state_vectors(rng: random.Random, sv: dict[int, int]) -> list[bytes]:
    """Empty, full, partial, beyond-state and unknown-client state vectors (random order)."""
    clients = list(sv)
    out = [bytes([0]), encode_state_vector(sv)]
    for _ in range(4):
        part = {c: rng.randint(0, sv[c] + 2) for c in clients if rng.random() < 0.7}
        if rng.random() < 0.3:
            part[rng.randint(1, 2**32 - 1)] = rng.randint(0, 5)
        order = list(part)
        rng.shuffle(order)
        out.append(encode_state_vector(part, order))
    return out


# -- (c) document encodings -------------------------------------------------------------------


@pytest.mark.parametrize("profile", sorted(PROFILES))
@pytest.mark.parametrize("seed", interop_seeds(salt=11))
def test_state_bytes_after_creation_order(yjs, seed, profile):
    s = yjs.gen_session(seed, **PROFILES[profile])
    doc = core_doc(s["options"]["gc"])
    for u in s["updates"]:
        doc.apply_update(u["update"])
    ctx = f"{repro(seed, profile=profile)} cleanup txns={s['fresh_cleanup_updates']}"
    assert doc.get_state() == s["state_vector"], f"get_state {ctx}"
    state = doc.get_update()
    assert state == s["state"], f"get_update {ctx}: {hexdiff(s['state'], state)}"


@pytest.mark.parametrize("seed", interop_seeds(salt=12))
def test_state_bytes_in_shuffled_order_with_pending_data(yjs, yjs_doc, seed):
    s = yjs.gen_session(seed)
    rng = random.Random(seed)
    order = shuffled_with_duplicates([u["update"] for u in s["updates"]], rng, dup_p=0.2)
    name, doc = yjs_doc(), core_doc()
    checkpoints = set(rng.sample(range(len(order)), min(8, len(order)))) | {len(order) - 1}
    for k, u in enumerate(order):
        yjs.apply_update(name, u)
        doc.apply_update(u)
        if k not in checkpoints:
            continue
        ctx = f"after update {k}/{len(order)} {repro(seed)}"
        assert doc.get_state() == yjs.encode_state_vector(name), f"get_state {ctx}"
        expected = yjs.encode_state_as_update(name)  # forwards pending structs and deletes
        got = doc.get_update()
        assert got == expected, f"get_update {ctx}: {hexdiff(expected, got)}"
        sv = decode_state_vector(doc.get_state())
        for target in random_state_vectors(rng, sv):
            expected = yjs.encode_state_as_update(name, target)
            got = doc.get_update(target)
            assert got == expected, f"get_update({list(target)}) {ctx}: {hexdiff(expected, got)}"


@pytest.mark.parametrize("order", ["creation", "shuffled"])
@pytest.mark.parametrize("seed", interop_seeds(default=10, salt=13))
def test_remote_update_events_match_yjs(yjs, yjs_doc, seed, order):
    # The observe() event of a remote transaction holds what was integrated (yjs-format §5.3),
    # followed by any local format-cleanup transaction Yjs runs afterwards.
    s = yjs.gen_session(seed)
    updates = [u["update"] for u in s["updates"]]
    if order == "shuffled":
        updates = shuffled_with_duplicates(updates, random.Random(seed), dup_p=0.2)
    name, doc = yjs_doc(), core_doc()
    events, _subscription = recorded(doc)
    for k, u in enumerate(updates):
        expected = [e["update"] for e in yjs.apply_update(name, u)]
        del events[:]
        doc.apply_update(u)
        assert events == expected, (
            f"events of update {k}/{len(updates)} {repro(seed, order=order)}: "
            f"yjs {[list(e) for e in expected]!r:.800} crdtcore {[list(e) for e in events]!r:.800}"
        )


@pytest.mark.parametrize("profile", ["full", "plain"])
@pytest.mark.parametrize("seed", interop_seeds(salt=14))
def test_same_edits_make_same_bytes_as_yjs(yjs, yjs_doc, seed, profile):
    # Every transaction of a crdtcore session, replayed through Yjs with the same client ids
    # and the same syncs, must produce the same update bytes (append/extend = insert(length)).
    options = {} if profile == "full" else {"attrs": False, "embeds": False}
    n = random.Random(seed).randint(2, 3)
    s = PySession([crdtcore] * n, seed, **options).run()
    problems = replay_in_yjs(yjs, yjs_doc, s)
    assert not problems, f"{repro(seed, profile=profile)}\n" + "\n".join(problems)


# -- (d) update functions without a document --------------------------------------------------


def update_pool(yjs, seed: int) -> list[bytes]:
    """Updates of a Yjs session (local and relayed) and of a pycrdt session (yrs encoder)."""
    s = yjs.gen_session(seed)
    pool = [u["update"] for u in s["updates"] + s["relayed"]] + [s["state"]]
    py = PySession([pycrdt] * 2, seed, rounds=3, text_alphabet="ascii").run()
    return pool + [u for _, u in py.updates][:20] + [py.docs[0].get_update()]


def random_inputs(rng: random.Random, pool: list[bytes], merged: list[bytes]) -> list[bytes]:
    k = rng.choice([1, 2, 2, 3, 5, 8])
    picks = [rng.choice(pool) for _ in range(k)]
    if merged and rng.random() < 0.3:
        picks.append(rng.choice(merged))
    return picks


@pytest.mark.parametrize("seed", interop_seeds(salt=15))
def test_merge_updates_matches_yjs(yjs, seed):
    rng = random.Random(seed)
    pool = update_pool(yjs, seed)
    merged: list[bytes] = []
    for trial in range(12):
        inputs = random_inputs(rng, pool, merged)
        expected = yjs.merge_updates(inputs)
        got = crdtcore.merge_updates(*inputs)
        assert got == expected, (
            f"trial {trial} of {len(inputs)} inputs {repro(seed)}: {hexdiff(expected, got)}"
        )
        merged.append(expected)


@pytest.mark.parametrize("seed", interop_seeds(salt=16))
def test_get_update_matches_diff_update(yjs, seed):
    rng = random.Random(seed)
    pool = update_pool(yjs, seed)
    for trial in range(8):
        inputs = random_inputs(rng, pool, [])
        update = inputs[0] if len(inputs) == 1 else yjs.merge_updates(inputs)
        sv = decode_state_vector(yjs.state_vector_from_update(update))
        sv = sv or {1: 1}
        for target in random_state_vectors(rng, sv):
            expected = yjs.diff_update(update, target)
            got = crdtcore.get_update(update, target)
            assert got == expected, (
                f"trial {trial} sv={list(target)} {repro(seed)}: {hexdiff(expected, got)}"
            )


@pytest.mark.parametrize("seed", interop_seeds(salt=17))
def test_get_state_matches_state_vector_from_update(yjs, seed):
    rng = random.Random(seed)
    pool = update_pool(yjs, seed)
    for trial in range(12):
        inputs = random_inputs(rng, pool, [])
        update = inputs[0] if len(inputs) == 1 else yjs.merge_updates(inputs)
        expected = yjs.state_vector_from_update(update)
        got = crdtcore.get_state(update)
        assert got == expected, f"trial {trial} {repro(seed)}: {list(expected)} != {list(got)}"


def test_update_functions_on_edge_inputs(yjs):
    empty, sv0 = bytes([0, 0]), bytes([0])
    assert crdtcore.merge_updates(empty, empty) == yjs.merge_updates([empty, empty])
    assert crdtcore.merge_updates(empty) == empty
    assert crdtcore.get_state(empty) == yjs.state_vector_from_update(empty) == sv0
    assert crdtcore.get_update(empty, sv0) == yjs.diff_update(empty, sv0)
    deletes_only = bytes([0, 1, 1, 1, 0, 1])
    assert crdtcore.merge_updates(deletes_only, empty) == yjs.merge_updates([deletes_only, empty])
    assert crdtcore.get_update(deletes_only, sv0) == yjs.diff_update(deletes_only, sv0)
