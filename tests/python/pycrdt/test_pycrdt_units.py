"""Text positions in UTF-8 bytes, checked against the real pycrdt side by side.

The same edits run on crdtcore.pycrdt and on pycrdt (imported in this process: no
``install()``); lengths, contents, event deltas, formatting and sticky indices must agree,
and each library must read the other's updates.
"""

from __future__ import annotations

from typing import Any

import pycrdt
import pytest

import crdtcore.pycrdt as layer

SAMPLE = "こんにちは世界 😀 héllo"


def edit(lib: Any) -> tuple[Any, Any, list[Any]]:
    doc = lib.Doc(client_id=7)
    doc["text"] = text = lib.Text(SAMPLE)
    deltas: list[Any] = []
    text.observe(lambda event: deltas.append(event.delta))
    text.insert(15, "、")  # after "こんにちは" (5 x 3 bytes)
    del text[18:24]  # "世界"
    text.insert(len(text), "!", {"bold": True})
    text.format(0, 6, {"em": True})
    return doc, text, deltas


def test_utf8_positions_match_pycrdt() -> None:
    _, ours, our_deltas = edit(layer)
    _, ref, ref_deltas = edit(pycrdt)
    assert str(ours) == str(ref) == "こんにちは、 😀 héllo!"
    assert len(ours) == len(ref) == len(str(ref).encode())
    assert our_deltas == ref_deltas
    assert ours.diff() == ref.diff()


def test_updates_cross_between_the_libraries() -> None:
    ours_doc, ours, _ = edit(layer)
    ref_doc = pycrdt.Doc()
    ref_doc.apply_update(ours_doc.get_update())
    assert str(ref_doc.get("text", type=pycrdt.Text)) == str(ours)
    ref_doc.get("text", type=pycrdt.Text).insert(3, "→")  # a byte offset, pycrdt side
    back = layer.Doc()
    back.apply_update(ref_doc.get_update())
    assert str(back.get("text", type=layer.Text)) == "こ→んにちは、 😀 héllo!"


@pytest.mark.parametrize("index", [0, 3, 9, 15])
def test_sticky_indices_match_pycrdt(index: int) -> None:
    results = []
    for lib in (layer, pycrdt):
        doc = lib.Doc()
        doc["text"] = text = lib.Text(SAMPLE)
        sticky = text.sticky_index(index, lib.Assoc.AFTER)
        text.insert(0, "é")
        results.append((sticky.get_index(), sticky.to_json()["assoc"]))
    assert results[0] == results[1]
    assert results[0][0] == index + 2  # "é" is 2 bytes


def test_sticky_indices_up_to_the_end_in_bytes() -> None:
    # pycrdt 0.14.13 panics (PanicException) for sticky indices past the text's length in
    # code points (18 and more here); crdtcore takes every byte offset up to the end.
    doc = layer.Doc()
    doc["text"] = text = layer.Text(SAMPLE)
    end = len(SAMPLE.encode())
    stickies = [text.sticky_index(i) for i in (18, 21, end)]
    text.insert(0, "é")
    assert [s.get_index() for s in stickies] == [20, 23, end + 2]


def test_editing_inside_a_character_is_refused() -> None:
    doc = layer.Doc()
    doc["text"] = text = layer.Text("é")
    with pytest.raises(IndexError):
        text.insert(1, "x")
    assert str(text) == "é"
