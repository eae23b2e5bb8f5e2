"""UTF-8 and UTF-16 documents against Yjs: the unit of the API never shows on the wire.

A crdtcore document counting UTF-8 bytes (or UTF-16 units) edits text full of multi-byte
characters at random; Yjs applying its updates must read the same text and formatting as
crdtcore, and a code-point document making the same logical edits must produce the same
update bytes. The other way round, Yjs sessions read into a UTF-8 document give Yjs's text
with lengths in bytes. Event deltas in UTF-8 units: test_events_interop.py.
"""

from __future__ import annotations

import random

import pytest
from interop_util import (
    assert_same_views,
    interop_seeds,
    new_doc,
    py_views,
    repro,
    yjs_view_after,
)

import crdtcore
from crdtcore import OffsetKind, Text

ALPHABET = ["a", "b", " ", "é", "ß", "こ", "世", "😀", "👨\u200d👩\u200d👧", "\n"]


def edit_session(seed: int, kind: OffsetKind) -> tuple[crdtcore.Doc, list[bytes]]:
    """Random edits at logical positions (in pieces of ALPHABET), given in `kind` units."""
    rng = random.Random(seed)
    doc = new_doc(crdtcore, client_id=3, offset_kind=kind)
    updates: list[bytes] = []
    doc.observe(lambda e: updates.append(e.update))
    t = doc["text"]
    pieces: list[str] = []

    def at(n: int) -> int:
        return kind.units("".join(pieces[:n]))

    for _ in range(40):
        r = rng.random()
        if r < 0.55 or not pieces:
            i = rng.randint(0, len(pieces))
            piece = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 3)))
            attrs = rng.choice([None, None, {"bold": True}])
            t.insert(at(i), piece, attrs)
            pieces.insert(i, piece)
        else:
            a = rng.randrange(len(pieces))
            b = rng.randint(a + 1, min(len(pieces), a + 3))
            if r < 0.8:
                del t[at(a) : at(b)]
                del pieces[a:b]
            else:
                t.format(at(a), at(b), rng.choice([{"italic": True}, {"bold": None}]))
        assert str(t) == "".join(pieces)
        assert len(t) == kind.units(str(t))
    return doc, updates


@pytest.mark.parametrize("kind", [OffsetKind.UTF8, OffsetKind.UTF16])
@pytest.mark.parametrize("seed", interop_seeds(default=8, salt=11))
def test_unit_documents_read_the_same_in_yjs(yjs, yjs_doc, seed, kind):
    doc, updates = edit_session(seed, kind)
    in_yjs, yjs_sv = yjs_view_after(yjs, yjs_doc, updates)
    ctx = repro(seed, kind=kind.value)
    assert_same_views(in_yjs, py_views(doc, crdtcore), f"{kind.value} doc -> yjs {ctx}")
    assert yjs_sv == doc.get_state(), ctx
    code_points, cp_updates = edit_session(seed, OffsetKind.CODE_POINT)
    assert cp_updates == updates, f"same edits, other unit, other bytes {ctx}"
    assert code_points.get_update() == doc.get_update(), ctx


@pytest.mark.parametrize("seed", interop_seeds(default=8, salt=12))
def test_yjs_sessions_read_into_utf8_documents(yjs, yjs_doc, seed):
    s = yjs.gen_session(seed)
    updates = [u["update"] for u in s["updates"]]
    in_yjs, _ = yjs_view_after(yjs, yjs_doc, updates)
    doc = new_doc(crdtcore, offset_kind="utf8")
    for u in updates:
        doc.apply_update(u)
    assert_same_views(in_yjs, py_views(doc, crdtcore), f"yjs -> utf8 doc {repro(seed)}")
    t = doc.get("text", type=Text)
    # Strings count their bytes, embeds and nested types one unit each.
    expected = sum(len(c.encode()) if isinstance(c, str) else 1 for c, _ in t.diff())
    assert len(t) == expected, repro(seed)
