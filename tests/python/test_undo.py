"""crdtcore.UndoManager: pycrdt's behaviours and API, Yjs's semantics.

Randomized byte-for-byte comparison with Yjs's UndoManager: tests/interop/test_undo_interop.py.
"""

from __future__ import annotations

import gc
import weakref

import pytest

from crdtcore import (
    Array,
    Doc,
    Map,
    StackItem,
    Text,
    UndoManager,
    decode_delete_set,
)


def undo_redo(data, um, val0, val1, val3):
    """Two steps back, two forward, then clear (pycrdt's helper, our assertions)."""
    assert um.can_undo()
    assert um.undo()
    assert data.to_py() == val1
    assert um.can_undo()
    assert um.undo()
    assert data.to_py() == val0
    assert not um.can_undo()
    assert not um.undo()
    assert um.can_redo()
    assert um.redo()
    assert data.to_py() == val1
    assert um.redo()
    assert data.to_py() == val3
    assert not um.can_redo()
    assert not um.redo()
    um.clear()
    assert not um.can_undo()
    assert not um.can_redo()


def test_text_undo():
    doc = Doc()
    doc["data"] = data = Text()
    um = UndoManager(scopes=[data], capture_timeout_millis=0)
    data += "Hello"
    data += ", World!"
    undo_redo(data, um, "", "Hello", "Hello, World!")


def test_array_undo():
    doc = Doc()
    doc["data"] = data = Array()
    um = UndoManager(scopes=[data], capture_timeout_millis=0)
    data += ["foo"]
    data += ["bar"]
    undo_redo(data, um, [], ["foo"], ["foo", "bar"])


def test_map_undo():
    doc = Doc()
    doc["data"] = data = Map()
    um = UndoManager(scopes=[data], capture_timeout_millis=0)
    data.update({"key0": "val0"})
    data.update({"key1": "val1"})
    undo_redo(data, um, {}, {"key0": "val0"}, {"key0": "val0", "key1": "val1"})


def test_doc_argument_and_expand_scope():
    doc = Doc({"text": Text(), "array": Array(), "map": Map()})
    text, array, map_ = doc["text"], doc["array"], doc["map"]
    um = UndoManager(doc, capture_timeout_millis=0)
    assert um.doc is doc
    text += "Hello"
    assert not um.can_undo()  # empty scope
    um.expand_scope(text)
    text += ", World!"
    assert um.undo()
    assert str(text) == "Hello"
    array.append(0)
    assert not um.undo()
    assert array.to_py() == [0]
    um.expand_scope(array)
    array.append(1)
    um.undo()
    assert array.to_py() == [0]
    map_["key0"] = "val0"
    um.undo()
    assert map_.to_py() == {"key0": "val0"}
    um.expand_scope(map_)
    map_["key1"] = "val1"
    um.undo()
    assert map_.to_py() == {"key0": "val0"}


def test_stack_lengths():
    doc = Doc({"text": Text()})
    text = doc["text"]
    um = UndoManager(scopes=[text], capture_timeout_millis=0)
    assert (len(um.undo_stack), len(um.redo_stack)) == (0, 0)
    text += "Hello"
    text += ", World!"
    assert (len(um.undo_stack), len(um.redo_stack)) == (2, 0)
    um.undo()
    assert (len(um.undo_stack), len(um.redo_stack)) == (1, 1)
    um.undo()
    assert (len(um.undo_stack), len(um.redo_stack)) == (0, 2)
    text += "!"  # a new change drops the redo stack
    assert (len(um.undo_stack), len(um.redo_stack)) == (1, 0)


def test_stack_item_sets():
    doc = Doc({"text": Text("hello")}, client_id=3)
    text = doc["text"]
    um = UndoManager(scopes=[text], capture_timeout_millis=0)
    del text[1:3]
    text += "!"
    first, second = um.undo_stack
    assert isinstance(first, StackItem)
    assert decode_delete_set(first.deletions) == {3: [(1, 2)]}
    assert decode_delete_set(first.insertions) == {}
    assert decode_delete_set(second.insertions) == {3: [(5, 1)]}
    assert um.undo_stack[0] is first  # the same object (its meta persists)


def test_origins():
    doc = Doc({"text": Text()})
    text = doc["text"]
    um = UndoManager(scopes=[text], capture_timeout_millis=0)

    class Origin:
        pass

    origin = Origin()
    um.include_origin(origin)
    with doc.transaction(origin="someone else"):
        text += "Hello"
    assert not um.can_undo()
    with doc.transaction(origin=origin):
        text += ", World!"
    assert um.undo()
    assert str(text) == "Hello"
    assert not um.can_undo()
    um.exclude_origin(origin)
    with doc.transaction(origin=origin):
        text += "?"
    assert not um.can_undo()
    text += "!"  # None is tracked by default
    assert um.undo()
    assert str(text) == "Hello?"


def test_origin_by_class_and_equality():
    doc = Doc({"text": Text()})
    text = doc["text"]

    class Editor:
        pass

    um = UndoManager(scopes=[text], capture_timeout_millis=0, tracked_origins=[Editor, ("user", 1)])
    with doc.transaction(origin=Editor()):  # an instance of a tracked class
        text += "a"
    with doc.transaction(origin=("user", 1)):  # equal, not identical
        text += "b"
    text += "c"  # None: not tracked (tracked_origins replaces the default {None})
    assert len(um.undo_stack) == 2
    with doc.transaction(origin=um):  # the manager itself is always tracked
        text += "d"
    assert len(um.undo_stack) == 3
    um.undo()
    um.undo()
    um.undo()
    assert str(text) == "c"


def test_injected_clock_merges_steps():
    now = 0
    calls = 0

    def timestamp():
        nonlocal calls
        calls += 1
        return now

    doc = Doc({"text": Text()})
    text = doc["text"]
    um = UndoManager(scopes=[text], capture_timeout_millis=1, timestamp=timestamp)
    text += "a"
    now += 1
    text += "b"
    text += "c"  # same millisecond as "b": merged
    now += 1
    um.undo()
    assert str(text) == "a"
    assert calls == 4  # once per recorded transaction (the undo's included)


def test_capture_timeout_and_stop_capturing():
    now = 10_000
    doc = Doc({"text": Text()})
    text = doc["text"]
    um = UndoManager(scopes=[text], capture_timeout_millis=500, timestamp=lambda: now)
    text += "a"
    now += 499
    text += "b"
    now += 500
    text += "c"
    um.stop_capturing()
    text += "d"
    assert len(um.undo_stack) == 3
    um.undo()
    assert str(text) == "abc"
    um.undo()
    assert str(text) == "ab"
    um.undo()
    assert str(text) == ""


def test_formatting_undo_redo():
    doc = Doc({"text": Text("hello world")})
    text = doc["text"]
    um = UndoManager(scopes=[text], capture_timeout_millis=0)
    text.format(0, 5, {"bold": True})
    text.insert(11, "!", {"italic": True})
    assert text.diff() == [("hello", {"bold": True}), (" world", None), ("!", {"italic": True})]
    um.undo()
    assert text.diff() == [("hello", {"bold": True}), (" world", None)]
    um.undo()
    assert text.diff() == [("hello world", None)]
    um.redo()
    um.redo()
    assert text.diff() == [("hello", {"bold": True}), (" world", None), ("!", {"italic": True})]


def test_nested_types():
    doc = Doc({"root": Map()})
    root = doc["root"]
    um = UndoManager(scopes=[root], capture_timeout_millis=0)
    root["list"] = Array([1, 2])
    lst = root["list"]
    lst.append(Text("x"))
    lst[2] += "yz"
    assert root.to_py() == {"list": [1, 2, "xyz"]}
    um.undo()
    assert root.to_py() == {"list": [1, 2, "x"]}
    um.undo()
    assert root.to_py() == {"list": [1, 2]}
    um.undo()
    assert root.to_py() == {}
    um.redo()
    um.redo()
    um.redo()
    assert root.to_py() == {"list": [1, 2, "xyz"]}


def test_deleted_parent_is_recreated_on_redo():
    # Yjs test "undo/redo of a deleted parent": the redone children go into a new copy of
    # the parent type.
    doc = Doc({"root": Map()})
    root = doc["root"]
    um = UndoManager(scopes=[root], capture_timeout_millis=0)
    root["inner"] = Text()
    root["inner"].insert(0, "abc")
    um.stop_capturing()
    old_inner = root["inner"]
    del root["inner"]
    assert root.to_py() == {}
    assert um.undo()  # a new Text with the old content
    assert root.to_py() == {"inner": "abc"}
    new_inner = root["inner"]
    assert old_inner.to_py() == ""  # the deleted type stays deleted
    new_inner.insert(3, "d")
    assert len(um.undo_stack) == 3
    assert um.undo() and root.to_py() == {"inner": "abc"}
    assert um.undo() and root.to_py() == {"inner": ""}
    assert um.undo() and root.to_py() == {}
    assert um.redo() and root.to_py() == {"inner": ""}
    assert um.redo() and root.to_py() == {"inner": "abc"}  # into the re-created type
    assert um.redo() and root.to_py() == {"inner": "abcd"}


def test_map_overwrite_undo():
    doc = Doc({"m": Map()})
    m = doc["m"]
    um = UndoManager(scopes=[m], capture_timeout_millis=0)
    m["k"] = 1
    m["k"] = 2
    m["k"] = 3
    um.undo()
    assert m.to_py() == {"k": 2}
    um.undo()
    assert m.to_py() == {"k": 1}
    um.redo()
    um.redo()
    assert m.to_py() == {"k": 3}


def sync(a: Doc, b: Doc) -> None:
    """Both ways, with an origin the managers do not track (as providers do)."""
    for src, dst in ((a, b), (b, a)):
        dst.apply_update(src.get_update(dst.get_state()), origin="remote")


def test_remote_content_is_never_removed_or_resurrected():
    a, b = Doc({"t": Text()}, client_id=1), Doc(client_id=2)
    ta = a["t"]
    sync(a, b)
    tb = b.get("t", type=Text)
    um = UndoManager(scopes=[ta], capture_timeout_millis=0)
    ta += "mine "
    sync(a, b)
    tb += "theirs"
    sync(a, b)
    assert str(ta) == "mine theirs"
    assert um.undo()  # removes only our insertion
    assert str(ta) == "theirs"
    sync(a, b)
    del tb[0:6]  # they delete their own text
    tb += "new"
    sync(a, b)
    assert um.redo()  # our text comes back; their deleted text does not
    assert str(ta) == "mine new"
    sync(a, b)
    assert str(tb) == "mine new"
    assert len(um.undo_stack) == 1
    assert um.undo()
    assert str(ta) == "new"


@pytest.mark.parametrize("ignore", [False, True])
def test_remote_map_change_is_kept_unless_ignored(ignore):
    # Expected values: Yjs 13.6, the same steps in node.
    a, b = Doc({"m": Map()}, client_id=1), Doc(client_id=2)
    ma = a["m"]
    sync(a, b)
    mb = b.get("m", type=Map)
    um = UndoManager(scopes=[ma], capture_timeout_millis=0, ignore_remote_map_changes=ignore)
    ma["k"] = "mine"
    sync(a, b)
    mb["k"] = "theirs"
    sync(a, b)
    assert not um.undo()  # our value was overwritten by theirs: nothing to undo
    assert ma.to_py() == {"k": "theirs"}
    del ma["k"]
    assert um.undo()  # our deletion of their value is ours to undo
    assert ma.to_py() == {"k": "theirs"}
    assert um.redo()
    assert ma.to_py() == {}
    ma["k"] = "again"
    assert um.undo()
    assert ma.to_py() == {}
    mb["k"] = "theirs2"
    sync(a, b)
    # Redoing "again" would overwrite their newer value: only with ignore_remote_map_changes.
    assert um.redo() is ignore
    assert ma.to_py() == ({"k": "again"} if ignore else {"k": "theirs2"})


def test_delete_filter():
    doc = Doc({"a": Array()})
    arr = doc["a"]
    seen = []

    def keep_nested_types(item):
        seen.append(item)
        return item.type is None

    um = UndoManager(
        scopes=[arr],
        capture_timeout_millis=1000,
        timestamp=lambda: 1,
        delete_filter=keep_nested_types,
    )
    arr.append("x")
    arr.append(Text("kept"))
    arr.append("y")
    assert len(um.undo_stack) == 1
    assert um.undo()
    # The Text stays; its content (inserted in the same step, not a type) goes.
    assert arr.to_py() == [""]
    # Last insertion first, so children before their parent: "y", "kept", the Text, "x".
    assert [(i.type is not None, i.length) for i in seen] == [
        (False, 1),
        (False, 4),
        (True, 1),
        (False, 1),
    ]
    assert seen[1].parent.to_py() == "" and isinstance(seen[2].type, Text)
    assert all(i.key is None for i in seen)


def test_stack_item_events_and_meta():
    doc = Doc({"text": Text()})
    text = doc["text"]
    um = UndoManager(scopes=[text], capture_timeout_millis=0)
    log = []

    def added(event):
        # an editor saves the cursor with the step
        event.stack_item.meta["cursor"] = text.sticky_index(len(text))
        log.append(("added", event.type))

    def popped(event):
        log.append(("popped", event.type, event.stack_item.meta["cursor"].get_index()))

    um.on("stack-item-added", added)
    sub = um.on("stack-item-updated", lambda e: log.append(("updated", e.type)))
    um.on("stack-item-popped", popped)
    text += "hello"
    text += " world"
    um.undo()
    um.redo()
    assert log == [
        ("added", "undo"),
        ("added", "undo"),
        ("added", "redo"),
        ("popped", "undo", 5),
        ("added", "undo"),
        ("popped", "redo", 11),  # saved at the end of "hello": the end of the text
    ]
    assert um.off(sub)
    assert not um.off(sub)
    with pytest.raises(ValueError, match="unknown UndoManager event"):
        um.on("stack-item-nope", print)  # type: ignore[arg-type]


def test_stack_item_updated_event():
    doc = Doc({"text": Text()})
    text = doc["text"]
    um = UndoManager(scopes=[text], capture_timeout_millis=10_000, timestamp=lambda: 1)
    events = []
    um.on("stack-item-updated", lambda e: events.append(e))
    text += "a"
    text += "b"
    assert len(events) == 1 and events[0].stack_item is um.undo_stack[0]
    assert events[0].origin is None


def test_callback_exception_after_commit():
    doc = Doc({"text": Text()})
    text = doc["text"]
    um = UndoManager(scopes=[text], capture_timeout_millis=0)

    def boom(event):
        raise KeyError("boom")

    sub = um.on("stack-item-added", boom)
    with pytest.raises(ExceptionGroup) as info:
        text += "x"
    assert info.group_contains(KeyError, match="boom")
    assert str(text) == "x"  # committed
    assert um.undo_stack  # and recorded
    um.off(sub)
    assert um.undo()
    assert str(text) == ""


def test_sticky_index_follows_redone_content():
    doc = Doc({"text": Text("hello world")})
    text = doc["text"]
    um = UndoManager(scopes=[text], capture_timeout_millis=0)
    cursor = text.sticky_index(8)  # before "r"
    del text[6:11]
    assert cursor.get_index() == 6
    um.undo()  # "world" comes back as new items
    assert str(text) == "hello world"
    assert cursor.get_index() == 8


def test_clear_and_keep():
    doc = Doc({"text": Text()}, client_id=1)
    text = doc["text"]
    um = UndoManager(scopes=[text], capture_timeout_millis=0)
    text += "secret"
    del text[0:6]
    assert b"secret" in doc.get_update()  # kept for undo
    um.clear()
    assert not um.can_undo() and um.undo_stack == []
    plain = Doc({"text": Text()}, client_id=1)
    plain["text"] += "secret"
    del plain["text"][0:6]
    assert b"secret" not in plain.get_update()


def test_bad_input():
    doc = Doc({"text": Text()})
    with pytest.raises(ValueError, match="doc or at least one scope"):
        UndoManager()
    with pytest.raises(ValueError, match="capture_timeout_millis"):
        UndoManager(doc, capture_timeout_millis=-1)
    um = UndoManager(doc)
    with pytest.raises(TypeError):
        um.expand_scope("text")  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="integrated"):
        um.expand_scope(Text())
    with pytest.raises(RuntimeError, match="another document"):
        um.expand_scope(Doc({"t": Text()})["t"])
    with pytest.raises(TypeError):
        um.include_origin([])  # unhashable
    um.expand_scope(doc["text"])
    doc["text"] += "x"
    with doc.transaction(), pytest.raises(RuntimeError, match="open transaction"):
        um.undo()
    assert str(doc["text"]) == "x"
    assert um.undo()


def test_manager_can_be_dropped():
    doc = Doc({"text": Text()})
    text = doc["text"]
    um = UndoManager(scopes=[text], capture_timeout_millis=0)
    um.on("stack-item-added", lambda e: None)
    text += "a"
    del um
    gc.collect()
    text += "b"  # no manager any more: nothing records, nothing crashes
    assert str(text) == "ab"


def test_observers_see_the_undo_manager_as_the_origin_of_undo_and_redo():
    # Yjs: undo()/redo() transact with the UndoManager as origin; editors check it
    # (e.g. to restore the cursor only for their own undo steps).
    doc = Doc({"t": Text()})
    text = doc["t"]
    manager = UndoManager(scopes=[text], capture_timeout_millis=0)
    seen = []
    doc.observe(lambda e: seen.append(("doc", e.transaction.origin, e.local)))
    text.observe(lambda e: seen.append(("text", e.transaction.origin, e.transaction.local)))
    text += "hi"
    assert seen == [("text", None, True), ("doc", None, True)]
    seen.clear()
    assert manager.undo()
    assert manager.redo()
    assert [(where, origin is manager, local) for where, origin, local in seen] == [
        ("text", True, True),
        ("doc", True, True),
    ] * 2


def test_a_manager_referenced_by_its_own_callbacks_is_collected():
    # Callbacks, the delete filter and the clock are held on the Python side; the native
    # manager reaches them weakly, so a cycle through them is Python's GC to collect.
    # (Default arguments bind the manager itself, not the test's variable.)
    doc = Doc({"text": Text()})
    text = doc["text"]
    um = UndoManager(scopes=[text], capture_timeout_millis=0)
    um._timestamp = lambda m=um: len(m.undo_stack)  # what UndoManager(timestamp=) stores
    seen: list[object] = []
    um.on("stack-item-added", lambda e, m=um, seen=seen: seen.append((m, e.type)))
    text += "a"
    assert um.undo() and str(text) == "" and seen[0] == (um, "undo")
    alive = weakref.ref(um)
    del um, seen
    gc.collect()
    assert alive() is None
    text += "b"  # no manager any more: nothing records, nothing crashes
    assert str(text) == "b"


def test_delete_filter_and_clock_referring_to_the_manager_do_not_keep_it_alive():
    doc = Doc({"text": Text()})
    text = doc["text"]
    holder: dict[str, object] = {}
    um = UndoManager(
        scopes=[text],
        capture_timeout_millis=0,
        timestamp=lambda h=holder: len(h),
        delete_filter=lambda item, h=holder: "um" in h,
    )
    holder["um"] = um  # the callables reach the manager through `holder`
    text += "a"
    assert um.undo() and str(text) == ""
    alive = weakref.ref(um)
    del um, holder
    gc.collect()
    assert alive() is None
