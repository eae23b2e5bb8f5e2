"""pycrdt's UndoManager behaviours on crdtcore.pycrdt (pycrdt's tests/test_undo.py).

crdtcore.pycrdt's UndoManager is crdtcore's (Yjs semantics) with pycrdt's constructor.
"""

from __future__ import annotations

from typing import Any

import pytest

from crdtcore.pycrdt import Array, Doc, Map, Text, UndoManager


def undo_redo(data: Any, manager: UndoManager, val0: Any, val1: Any, val3: Any) -> None:
    assert manager.can_undo()
    assert manager.undo()
    assert data.to_py() == val1
    assert manager.undo()
    assert data.to_py() == val0
    assert not manager.can_undo()
    assert not manager.undo()
    assert manager.can_redo()
    assert manager.redo()
    assert data.to_py() == val1
    assert manager.redo()
    assert data.to_py() == val3
    assert not manager.can_redo()
    assert not manager.redo()
    assert manager.can_undo()
    manager.clear()
    assert not manager.can_undo()


def test_text_undo() -> None:
    doc = Doc()
    doc["data"] = data = Text()
    manager = UndoManager(scopes=[data], capture_timeout_millis=0)
    data += "Hello"
    data += ", World!"
    undo_redo(data, manager, "", "Hello", "Hello, World!")


def test_text_undo_non_ascii() -> None:
    doc = Doc()
    doc["data"] = data = Text("こんにちは")
    manager = UndoManager(scopes=[data], capture_timeout_millis=0)
    data.insert(len("こんにちは".encode()), "世界")
    del data[0:3]
    undo_redo(data, manager, "こんにちは", "こんにちは世界", "んにちは世界")


def test_array_undo() -> None:
    doc = Doc()
    doc["data"] = data = Array()
    manager = UndoManager(scopes=[data], capture_timeout_millis=0)
    data += ["foo"]
    data += ["bar"]
    undo_redo(data, manager, [], ["foo"], ["foo", "bar"])


def test_map_undo() -> None:
    doc = Doc()
    doc["data"] = data = Map()
    manager = UndoManager(scopes=[data], capture_timeout_millis=0)
    data.update({"key0": "val0"})
    data.update({"key1": "val1"})
    undo_redo(data, manager, {}, {"key0": "val0"}, {"key0": "val0", "key1": "val1"})


def test_scopes() -> None:
    doc = Doc()
    doc["text"] = text = Text()
    doc["array"] = array = Array()
    doc["map"] = map0 = Map()
    manager = UndoManager(scopes=[text], capture_timeout_millis=0)
    text += "Hello"
    text += ", World!"
    manager.undo()
    assert str(text) == "Hello"
    array.append(0)
    manager.undo()
    assert array.to_py() == [0]
    manager.expand_scope(array)
    array.append(1)
    manager.undo()
    assert array.to_py() == [0]
    map0["key0"] = "val0"
    manager.expand_scope(map0)
    map0["key1"] = "val1"
    manager.undo()
    assert map0.to_py() == {"key0": "val0"}


def test_undo_redo_stacks() -> None:
    doc = Doc()
    doc["text"] = text = Text()
    manager = UndoManager(scopes=[text], capture_timeout_millis=0)
    assert (len(manager.undo_stack), len(manager.redo_stack)) == (0, 0)
    text += "Hello"
    text += ", World!"
    assert (len(manager.undo_stack), len(manager.redo_stack)) == (2, 0)
    manager.undo()
    manager.undo()
    assert (len(manager.undo_stack), len(manager.redo_stack)) == (0, 2)


def test_tracked_origins() -> None:
    doc = Doc()
    doc["text"] = text = Text()
    manager = UndoManager(scopes=[text], capture_timeout_millis=0)

    class Origin:
        pass

    origin = Origin()
    manager.include_origin(origin)
    # Yjs: origin-less transactions stay tracked after include_origin (pycrdt stops
    # tracking them); exclude None explicitly to track only `origin`.
    text += "Hi"
    assert manager.can_undo() and manager.undo() and str(text) == ""
    manager.exclude_origin(None)
    text += "Hello"
    assert not manager.can_undo()
    with doc.transaction(origin=origin):
        text += ", World!"
    assert manager.can_undo()
    manager.undo()
    assert str(text) == "Hello" and not manager.can_undo()


def test_capture_timeout_groups_changes() -> None:
    now = 0
    doc = Doc()
    doc["text"] = text = Text()
    manager = UndoManager(scopes=[text], capture_timeout_millis=1, timestamp=lambda: now)
    text += "a"
    now += 1
    text += "b"
    text += "c"
    now += 1
    manager.undo()
    assert str(text) == "a"


def test_jupyter_ydoc_shape_doc_comes_from_the_first_scope() -> None:
    # jupyter_ydoc: UndoManager(capture_timeout_millis=0), then expand_scope(...)
    doc = Doc()
    doc["cells"] = cells = Array()
    manager = UndoManager(capture_timeout_millis=0)
    manager.expand_scope(cells)
    cells.append(Map({"source": Text("x")}))
    assert manager.undo() and cells.to_py() == []


def test_saved_stacks_are_refused_and_unbound_managers_are_empty() -> None:
    doc = Doc()
    doc["text"] = text = Text()
    manager = UndoManager(scopes=[text], capture_timeout_millis=0)
    text += "x"
    with pytest.raises(ValueError, match="cannot restore"):
        UndoManager(scopes=[text], undo_stack=manager.undo_stack)
    unbound = UndoManager()
    assert (unbound.can_undo(), unbound.undo(), unbound.redo(), unbound.undo_stack) == (
        False,
        False,
        False,
        [],
    )
    with pytest.raises(RuntimeError, match="no scope"):
        unbound.doc  # noqa: B018
    assert manager.origin is manager
