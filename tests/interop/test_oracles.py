"""Checks of the test oracles themselves — the Yjs peer, both session generators and pycrdt.

Nothing here imports crdtcore, so these run before the implementation exists and tell apart
"the harness is broken" from "crdtcore is wrong".
"""

from __future__ import annotations

import random

import pycrdt
import pytest
from interop_util import (
    CONTENT,
    ROOTS,
    assert_same_views,
    decode_state_vector,
    interop_seeds,
    new_doc,
    py_views,
    repro,
    shuffled_with_duplicates,
    yjs_views,
)
from py_session_gen import PySession

# Appendix A of yjs-format.md (Yjs 13.6.33).
AB_STATE = bytes([1, 1, 1, 0, 4, 1, 1, 116, 2, 97, 98, 0])
U0 = bytes([1, 1, 1, 0, 4, 1, 1, 116, 1, 97, 0])  # c1 "a"
U2 = bytes([1, 1, 1, 2, 132, 1, 1, 1, 99, 0])  # c1 "c" after "b"
MERGED_U0_U2 = bytes([1, 3, 1, 0, 4, 1, 1, 116, 1, 97, 10, 1, 132, 1, 1, 1, 99, 0])
EMOJI2_STATE = bytes([1, 1, 3, 0, 4, 1, 1, 116, 8, 240, 159, 152, 128, 240, 159, 152, 128, 0])
EMOJI2_DIFF_SV3_1 = bytes([1, 1, 3, 1, 132, 3, 0, 7, 239, 191, 189, 240, 159, 152, 128, 0])


def test_peer_runs_yjs_13_6(yjs):
    assert yjs.info["yjs"].startswith("13.6."), yjs.info


def test_peer_reproduces_appendix_vectors(yjs, yjs_doc):
    d = yjs_doc(client_id=2)  # not 1: Yjs changes its id when a remote update uses it
    events = yjs.apply_update(d, AB_STATE)
    assert [e["update"] for e in events] == [AB_STATE]
    assert events[0]["local"] is False
    assert yjs.encode_state_as_update(d) == AB_STATE
    assert yjs.encode_state_vector(d) == bytes([1, 1, 2])
    assert yjs.view(d, {"t": "text"})["t"]["string"] == "ab"
    assert yjs.merge_updates([U0, U2]) == MERGED_U0_U2
    assert yjs.merge_updates([U2]) == U2
    assert yjs.state_vector_from_update(MERGED_U0_U2) == bytes([1, 1, 1])
    assert yjs.diff_update(EMOJI2_STATE, bytes([1, 3, 1])) == EMOJI2_DIFF_SV3_1


def test_peer_reports_decode_errors_and_keeps_running(yjs, yjs_doc):
    d = yjs_doc()
    with pytest.raises(Exception, match="apply_update"):
        yjs.apply_update(d, bytes([1, 5, 1]))
    assert yjs.request("ping")["yjs"] == yjs.info["yjs"]


def test_generator_is_deterministic(yjs):
    a, b = yjs.gen_session(7), yjs.gen_session(7)
    assert a["updates"] == b["updates"] and a["state"] == b["state"]
    assert yjs.gen_session(8)["updates"] != a["updates"]


@pytest.mark.parametrize("seed", interop_seeds(salt=90))
def test_yjs_session_replays_in_yjs_in_any_order(yjs, yjs_doc, seed):
    s = yjs.gen_session(seed)
    d = yjs_doc()
    yjs.apply_updates(d, [u["update"] for u in s["updates"]])
    assert yjs.encode_state_as_update(d) == s["state"], repro(seed)
    e = yjs_doc()
    pool = [u["update"] for u in s["updates"] + s["relayed"]]
    yjs.apply_updates(e, shuffled_with_duplicates(pool, random.Random(seed)))
    assert_same_views(
        yjs_views(s["final"]), yjs_views(yjs.view(e, ROOTS)), f"shuffled {repro(seed)}", CONTENT
    )


@pytest.mark.parametrize("seed", interop_seeds(salt=91))
def test_pycrdt_session_content_in_yjs(yjs, yjs_doc, seed):
    s = PySession([pycrdt] * 3, seed, text_alphabet="ascii").run()
    expected = py_views(s.docs[0], pycrdt)
    for doc in s.docs[1:]:
        assert_same_views(expected, py_views(doc, pycrdt), f"pycrdt peers {repro(seed)}", CONTENT)
    d = yjs_doc()
    updates = [u for _, u in s.updates + s.relayed]
    yjs.apply_updates(d, shuffled_with_duplicates(updates, random.Random(seed)))
    assert decode_state_vector(yjs.encode_state_vector(d)) == decode_state_vector(
        s.docs[0].get_state()
    )
    assert_same_views(
        expected, yjs_views(yjs.view(d, ROOTS)), f"pycrdt -> yjs {repro(seed)}", CONTENT
    )


@pytest.mark.parametrize("seed", interop_seeds(salt=92))
def test_yjs_session_content_in_pycrdt(yjs, seed):
    s = yjs.gen_session(seed)
    doc = new_doc(pycrdt)
    for u in s["updates"]:
        doc.apply_update(u["update"])
    assert_same_views(
        yjs_views(s["final"]), py_views(doc, pycrdt), f"yjs -> pycrdt {repro(seed)}", CONTENT
    )
