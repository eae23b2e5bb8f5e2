"""Pure-Python smoke check of the Yjs peer (no crdtcore, no pytest):

    .venv/bin/python tests/interop/smoke_peer.py [seed]

Starts yjs_peer.mjs, generates a Yjs session, replays it in a second peer doc, cross-checks
merge/diff/state-vector helpers and reads the session in pycrdt. Exits non-zero on failure.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pycrdt
from interop_util import CONTENT, ROOTS, assert_same_views, new_doc, py_views, yjs_views
from yjs_peer import YjsPeer, yjs_available


def main(seed: int) -> None:
    ok, why = yjs_available()
    if not ok:
        sys.exit(f"smoke: {why}")
    with YjsPeer() as peer:
        print(f"smoke: {peer.info}")
        s = peer.gen_session(seed)
        updates = [u["update"] for u in s["updates"]]
        print(
            f"smoke: seed {seed}: {len(s['client_ids'])} clients, {len(updates)} updates, "
            f"{len(s['relayed'])} relayed, converged={s['converged']}"
        )
        peer.create_doc("replica", roots=ROOTS)
        peer.apply_updates("replica", updates)
        assert peer.encode_state_as_update("replica") == s["state"], "replay state differs"
        assert peer.encode_state_vector("replica") == s["state_vector"], "replay SV differs"
        merged = peer.merge_updates(updates)
        assert peer.state_vector_from_update(merged) == s["state_vector"], "merged SV differs"
        assert peer.diff_update(merged, s["state_vector"])[:1] == b"\x00", "diff not empty"
        doc = new_doc(pycrdt)
        for u in updates:
            doc.apply_update(u)
        assert_same_views(yjs_views(s["final"]), py_views(doc, pycrdt), "yjs -> pycrdt", CONTENT)
        print(f"smoke: ok; text = {s['final']['text']['string']!r:.60}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
