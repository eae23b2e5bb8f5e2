"""Doc(offset_kind=...): Text indices in code points (default), UTF-8 bytes and UTF-16 units.

The same logical edits must give the same updates whatever the unit; an index inside a
multi-byte character raises IndexError and changes nothing.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crdtcore import Assoc, Doc, OffsetKind, StickyIndex, Text

KINDS = [OffsetKind.CODE_POINT, OffsetKind.UTF8, OffsetKind.UTF16]
FAMILY = "👨\u200d👩\u200d👧"  # ZWJ sequence: 5 code points, 18 bytes, 8 UTF-16 units
SAMPLE = "aé" + "こ" + "😀" + FAMILY


def units(s: str, kind: OffsetKind) -> int:
    if kind is OffsetKind.UTF8:
        return len(s.encode())
    if kind is OffsetKind.UTF16:
        return len(s.encode("utf-16-le")) // 2
    return len(s)


def text_doc(kind: OffsetKind | str, content: str = SAMPLE, client_id: int = 1) -> Doc:
    return Doc({"t": Text(content)}, client_id=client_id, offset_kind=kind)


# -- the option ------------------------------------------------------------------------------


def test_default_is_code_points():
    assert Doc().offset_kind is OffsetKind.CODE_POINT
    assert len(text_doc(OffsetKind.CODE_POINT)["t"]) == len(SAMPLE)


@pytest.mark.parametrize(
    ("given_kind", "expected"),
    [
        (OffsetKind.UTF8, OffsetKind.UTF8),
        ("utf8", OffsetKind.UTF8),
        ("UTF8", OffsetKind.UTF8),
        ("utf16", OffsetKind.UTF16),
        ("code_point", OffsetKind.CODE_POINT),
        ("CODE_POINT", OffsetKind.CODE_POINT),
    ],
)
def test_offset_kind_accepts_members_and_names(given_kind, expected):
    assert Doc(offset_kind=given_kind).offset_kind is expected


def test_bad_offset_kind():
    with pytest.raises(ValueError, match="unknown offset_kind 'bytes'"):
        Doc(offset_kind="bytes")
    with pytest.raises(TypeError, match="offset_kind must be"):
        Doc(offset_kind=1)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", KINDS)
def test_lengths(kind):
    t = text_doc(kind)["t"]
    assert len(t) == units(SAMPLE, kind) == kind.units(SAMPLE)
    assert str(t) == SAMPLE
    assert list(t) == list(SAMPLE)  # iteration is over characters in every unit


# -- editing in UTF-8 ------------------------------------------------------------------------


def test_jupyter_ydoc_replace_by_utf8_offsets():
    s = "こんにちは世界"
    doc = text_doc("utf8", s)
    t = doc["t"]
    start = len("こんにちは".encode())
    stop = len(s.encode())
    with doc.transaction():
        del t[start:stop]
        t.insert(start, "地球")
    assert str(t) == "こんにちは地球"
    assert len(t) == len("こんにちは地球".encode())


def test_utf8_slices_inserts_format_diff():
    doc = text_doc("utf8")
    t = doc["t"]
    assert t[1:3] == "é"
    assert t[3:6] == "こ"
    assert t[6:10] == "😀"
    assert t[10:] == FAMILY
    assert t[0] == "a"
    t.insert(6, "X")
    assert str(t) == "aéこX😀" + FAMILY
    t.format(1, 7, {"bold": True})
    assert t.diff() == [("a", None), ("éこX", {"bold": True}), ("😀" + FAMILY, None)]
    t[1:3] = "E"
    assert str(t) == "aEこX😀" + FAMILY
    del t[6:]
    assert str(t) == "aEこX"


def test_utf8_apply_delta_counts_inserted_text_in_bytes():
    doc = text_doc("utf8", "")
    t = doc["t"]
    t.apply_delta([{"insert": "é😀"}, {"insert": "b", "attributes": {"i": True}}])
    assert t.to_delta() == [{"insert": "é😀"}, {"insert": "b", "attributes": {"i": True}}]
    t.apply_delta([{"retain": 2}, {"delete": 4}, {"retain": 1, "attributes": {"u": True}}])
    assert t.to_delta() == [{"insert": "é"}, {"insert": "b", "attributes": {"i": True, "u": True}}]


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.insert(2, "x"),
        lambda t: t.insert_embed(4, {"img": 1}),
        lambda t: t.__delitem__(slice(1, 2)),
        lambda t: t.__delitem__(slice(0, 7)),
        lambda t: t.__delitem__(1),
        lambda t: t.format(2, 3, {"b": True}),
        lambda t: t.format(0, 11, {"b": True}),
        lambda t: t.__getitem__(slice(0, 2)),
        lambda t: t.__getitem__(1),
        lambda t: t.__setitem__(slice(7, 8), "x"),
        lambda t: t.sticky_index(2),
        lambda t: t.sticky_index(8, Assoc.BEFORE),
    ],
)
def test_utf8_index_inside_character_raises_and_changes_nothing(edit):
    doc = text_doc("utf8")
    t = doc["t"]
    t.format(0, 1, {"b": True})
    before = doc.get_update()
    updates: list[bytes] = []
    doc.observe(lambda e: updates.append(e.update))
    with pytest.raises(IndexError, match="inside a multi-byte UTF-8 character"):
        edit(t)
    assert updates == []
    assert doc.get_update() == before
    assert str(t) == SAMPLE


def test_utf16_counts_astral_characters_twice():
    t = text_doc("utf16")["t"]
    assert t[3:5] == "😀"
    t.insert(5, "!")
    assert str(t) == "aéこ😀!" + FAMILY


# -- events and sticky indices ---------------------------------------------------------------


def test_utf8_event_deltas():
    doc = text_doc("utf8", "aé😀b")
    t = doc["t"]
    deltas: list[list[dict]] = []
    t.observe(lambda e: deltas.append(e.delta))
    del t[1:3]
    t.insert(5, "c")
    t.format(0, 5, {"bold": True})
    assert deltas == [
        [{"retain": 1}, {"delete": 2}],
        [{"retain": 5}, {"insert": "c"}],
        [{"retain": 5, "attributes": {"bold": True}}],
    ]


def test_utf8_sticky_index_survives_edits_and_matches_other_units():
    u8 = text_doc("utf8", "a😀こ")
    u16 = Doc(offset_kind="utf16")
    u16.apply_update(u8.get_update())
    t8, t16 = u8["t"], u16["t"]
    s = t8.sticky_index(5)  # after 😀
    assert s.get_index() == 5
    assert s.encode() == t16.sticky_index(3).encode()
    assert StickyIndex.decode(s.encode(), t16).get_index() == 3
    t8.insert(0, "é")
    assert s.get_index() == 7


# -- the same edits in every unit ------------------------------------------------------------

ALPHABET = ["a", "é", "こ", "😀", FAMILY, "\n"]


@st.composite
def edit_scripts(draw):
    """Edits as logical positions: pieces of ALPHABET strings, indices in pieces."""
    steps = []
    size = 0
    for _ in range(draw(st.integers(1, 25))):
        op = draw(st.sampled_from(["insert", "insert", "delete", "format"]))
        if op == "insert" or size == 0:
            at = draw(st.integers(0, size))
            piece = "".join(draw(st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=3)))
            steps.append(("insert", at, piece))
            size += 1
        else:
            a = draw(st.integers(0, size - 1))
            b = draw(st.integers(a + 1, size))
            steps.append((op, a, b))
            if op == "delete":
                size -= b - a
    return steps


@settings(max_examples=60, deadline=None)
@given(edit_scripts())
def test_same_edits_in_every_unit_give_identical_documents(script):
    docs = {kind: text_doc(kind, "", client_id=7) for kind in KINDS}
    pieces: list[str] = []

    def offset(n: int, kind: OffsetKind) -> int:
        return units("".join(pieces[:n]), kind)

    for op, a, b in script:
        for kind, doc in docs.items():
            t = doc["t"]
            if op == "insert":
                t.insert(offset(a, kind), b)
            elif op == "delete":
                del t[offset(a, kind) : offset(b, kind)]
            else:
                t.format(offset(a, kind), offset(b, kind), {"bold": a % 2 == 0})
        if op == "insert":
            pieces.insert(a, b)
        elif op == "delete":
            del pieces[a:b]
    expected = "".join(pieces)
    updates = {kind: doc.get_update() for kind, doc in docs.items()}
    assert len(set(updates.values())) == 1
    for kind, doc in docs.items():
        assert str(doc["t"]) == expected
        assert len(doc["t"]) == units(expected, kind)
    diffs = [doc["t"].diff() for doc in docs.values()]
    assert diffs[0] == diffs[1] == diffs[2]
