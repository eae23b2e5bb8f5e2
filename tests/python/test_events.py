"""Type-level events: observe / observe_deep / unobserve on Text, Array and Map."""

import gc
import weakref

import pytest

from crdtcore import (
    Array,
    ArrayEvent,
    Doc,
    EventTransaction,
    Map,
    MapEvent,
    Text,
    TextEvent,
)


def sync(src: Doc, dst: Doc) -> None:
    dst.apply_update(src.get_update(dst.get_state()))


# -- Text ---------------------------------------------------------------------------


def test_text_delta_insert_delete_retain():
    doc = Doc({"t": Text("hello")})
    t = doc["t"]
    events = []
    t.observe(events.append)
    t.insert(5, " world")
    del t[0]
    with doc.transaction():
        t.insert(0, "H")
        del t[5:]
    assert [type(e) for e in events] == [TextEvent] * 3
    assert [e.delta for e in events] == [
        [{"retain": 5}, {"insert": " world"}],
        [{"delete": 1}],
        [{"insert": "H"}, {"retain": 4}, {"delete": 6}],
    ]
    assert events[0].target is not None and events[0].target == t
    assert events[0].current_target == t and events[0].path == []


def test_text_delta_counts_code_points():
    doc = Doc({"t": Text("a😀b")})
    t = doc["t"]
    events = []
    t.observe(events.append)
    del t[1]
    t.insert(2, "🎉")
    assert [e.delta for e in events] == [
        [{"retain": 1}, {"delete": 1}],
        [{"retain": 2}, {"insert": "🎉"}],
    ]


def test_text_delta_formatting_and_embeds():
    doc = Doc({"t": Text("abcd")})
    t = doc["t"]
    events = []
    t.observe(events.append)
    t.format(1, 3, {"bold": True})
    t.insert_embed(4, {"image": "x.png"}, {"width": 3})
    t.format(1, 3, {"bold": None})
    assert [e.delta for e in events] == [
        [{"retain": 1}, {"retain": 2, "attributes": {"bold": True}}],
        [{"retain": 4}, {"insert": {"image": "x.png"}, "attributes": {"width": 3}}],
        # Yjs 13.6 gives the same: the unbold deletes the closing format after "c",
        # so the delta also "unbolds" the (already plain) "d" and the embed.
        [{"retain": 1}, {"retain": 4, "attributes": {"bold": None}}],
    ]


def test_text_event_changes():
    doc = Doc({"t": Text("ab")})
    events = []
    doc["t"].observe(events.append)
    doc["t"].insert(2, "c")
    # As in Yjs, a Text reports its changes as the delta only: added/deleted stay empty.
    assert events[0].changes == {
        "added": [],
        "deleted": [],
        "delta": [{"retain": 2}, {"insert": "c"}],
        "keys": {},
    }


# -- changes.added / changes.deleted -------------------------------------------------------


def test_array_changes_added_and_deleted_items():
    doc = Doc({"a": Array([1, 2, 3])}, client_id=4)  # one item: (4, 0, 3)
    a = doc["a"]
    events = []
    a.observe(events.append)
    with doc.transaction():
        del a[1]  # splits it: (4, 1, 1) deleted
        a.insert(0, "x")  # (4, 3, 1) added
        a.append("tmp")  # added and deleted in the same transaction: neither
        del a[len(a) - 1]
    changes = events[0].changes
    assert changes["added"] == [(4, 3, 1)]
    assert changes["deleted"] == [(4, 1, 1)]
    assert changes["delta"] == [{"insert": ["x"]}, {"retain": 1}, {"delete": 1}]


def test_changes_of_remote_transactions_and_maps():
    src = Doc({"a": Array(), "m": Map()}, client_id=9)
    dst = Doc({"a": Array(), "m": Map()}, client_id=1)
    seen = []
    dst["a"].observe(lambda e: seen.append(("a", e.changes["added"], e.changes["deleted"])))
    dst["m"].observe(lambda e: seen.append(("m", e.changes["added"], e.changes["deleted"])))
    src["a"].extend([1, 2])
    src["m"]["k"] = 1
    sync(src, dst)
    del src["a"][0]
    sync(src, dst)
    # Map changes are keyed (event.keys); the sets hold list items only, as in Yjs.
    assert seen == [("a", [(9, 0, 2)], []), ("m", [], []), ("a", [], [(9, 0, 1)])]


def test_changes_kept_after_the_callback():
    doc = Doc({"a": Array([1])}, client_id=3)
    events = []
    doc["a"].observe(events.append)
    doc["a"].append(2)
    doc["a"].clear()
    assert [e.changes["added"] for e in events] == [[(3, 1, 1)], []]
    assert [e.changes["deleted"] for e in events] == [[], [(3, 0, 2)]]


# -- Array and Map ----------------------------------------------------------------------


def test_array_delta_with_nested_types():
    doc = Doc({"a": Array([1, 2, 3])})
    a = doc["a"]
    events = []
    a.observe(events.append)
    with doc.transaction():
        del a[1]
        a.insert(2, 4)
        a.insert(0, Map({"k": "v"}))
    (event,) = events
    assert isinstance(event, ArrayEvent)
    delta = event.delta
    assert delta[1:] == [{"retain": 1}, {"delete": 1}, {"retain": 1}, {"insert": [4]}]
    (nested,) = delta[0]["insert"]
    assert isinstance(nested, Map) and nested.to_py() == {"k": "v"}
    assert nested == a[0]


def test_map_keys():
    doc = Doc({"m": Map({"a": 1, "b": 2})})
    m = doc["m"]
    events = []
    m.observe(events.append)
    with doc.transaction():
        m["a"] = 10
        del m["b"]
        m["c"] = "x"
        m["d"] = 1
        del m["d"]
    (event,) = events
    assert isinstance(event, MapEvent)
    assert event.keys == {
        "a": {"action": "update", "oldValue": 1, "newValue": 10},
        "b": {"action": "delete", "oldValue": 2},
        "c": {"action": "add", "newValue": "x"},
    }


def test_map_keys_old_value_is_a_shared_type():
    doc = Doc({"m": Map({"t": Text("x")})})
    events = []
    doc["m"].observe(events.append)
    doc["m"]["t"] = 1
    change = events[0].keys["t"]
    assert change["action"] == "update" and isinstance(change["oldValue"], Text)
    assert change["newValue"] == 1


# -- deep events, paths, order ------------------------------------------------------------


def test_deep_events_paths_and_order():
    doc = Doc({"root": Map({"list": Array([0, Text("")])})})
    root = doc["root"]
    inner = root["list"][1]
    calls = []
    deep = []
    root.observe(lambda: calls.append("root"))
    inner.observe(lambda: calls.append("inner"))

    def on_deep(events):
        calls.append("deep")
        deep.append(events)

    root.observe_deep(on_deep)
    doc.observe(lambda event: calls.append("doc"))
    with doc.transaction():
        inner.insert(0, "hi")
        root["k"] = 1
        root["list"].insert(0, 9)
    assert calls == ["inner", "root", "deep", "doc"]
    (events,) = deep
    assert [e.path for e in events] == [[], ["list"], ["list", 2]]
    assert [type(e) for e in events] == [MapEvent, ArrayEvent, TextEvent]
    assert events[2].delta == [{"insert": "hi"}]
    assert all(e.current_target == root for e in events)
    assert events[2].target == inner


def test_deep_path_counts_code_points():
    doc = Doc({"t": Text("😀😀")})
    doc["t"].insert_embed(2, {"x": 1})
    arr = Doc({"a": Array(["😀", Text("")])})
    paths = []
    arr["a"].observe_deep(lambda events: paths.extend(e.path for e in events))
    arr["a"][1].insert(0, "x")
    assert paths == [[1]]


def test_remote_events_and_transaction():
    a, b = Doc(client_id=1), Doc(client_id=2)
    a["t"] = Text()
    sync(a, b)
    events = []
    b.get("t", type=Text).observe(lambda event, txn: events.append((event.delta, txn)))
    a["t"].insert(0, "hi")
    sync(a, b)
    ((delta, txn),) = events
    assert delta == [{"insert": "hi"}]
    assert isinstance(txn, EventTransaction) and txn.local is False and txn.origin is None
    with b.transaction(origin="me"):
        b["t"].insert(2, "!")
    assert events[1][1].origin == "me" and events[1][1].local is True


def test_out_of_order_remote_updates_unlock_pending():
    a, b = Doc(client_id=1), Doc(client_id=2)
    a["t"] = Text()
    sync(a, b)
    updates = []
    a.observe(lambda event: updates.append(event.update))
    a["t"].insert(0, "ab")
    a["t"].insert(2, "cd")
    events = []
    b.get("t", type=Text).observe(lambda event: events.append(event.delta))
    b.apply_update(updates[1])  # waits for the first one
    assert events == [] and str(b["t"]) == ""
    b.apply_update(updates[0])
    assert events == [[{"insert": "abcd"}]]


def test_callback_forms():
    doc = Doc({"t": Text()})
    seen = []
    doc["t"].observe(lambda: seen.append(0))
    doc["t"].observe(lambda e: seen.append(1))
    doc["t"].observe(lambda e, txn: seen.append(2))
    doc["t"].observe_deep(lambda events, txn: seen.append(len(events)))
    doc["t"].insert(0, "x")
    assert seen == [0, 1, 2, 1]


def test_unobserve():
    doc = Doc({"t": Text(), "u": Text()})
    seen = []
    sub = doc["t"].observe(seen.append)
    deep = doc["t"].observe_deep(seen.append)
    with pytest.raises(ValueError):
        doc["u"].unobserve(sub)
    doc["t"].unobserve(sub)
    doc["t"].unobserve(deep)
    with pytest.raises(ValueError):
        doc["t"].unobserve(sub)
    doc["t"].insert(0, "x")
    assert seen == []


def test_prelim_cannot_be_observed():
    with pytest.raises(RuntimeError):
        Text("x").observe(print)


def test_new_and_deleted_types_get_no_event_of_their_own():
    doc = Doc({"m": Map({"t": Text()})})
    t = doc["m"]["t"]
    seen = []
    t.observe(seen.append)
    with doc.transaction():
        t.insert(0, "x")
        del doc["m"]["t"]
    assert seen == []


def test_callback_exceptions_are_grouped_after_commit():
    doc = Doc({"t": Text()})
    later = []

    def boom(event):
        raise ValueError("boom")

    def deep_boom(events):
        raise KeyError("deep")

    subs = [doc["t"].observe(boom), doc["t"].observe(later.append)]
    subs.append(doc["t"].observe_deep(deep_boom))
    updates = []
    doc.observe(lambda event: updates.append(event.update))
    with pytest.raises(ExceptionGroup) as info:
        doc["t"].insert(0, "x")
    assert [type(e) for e in info.value.exceptions] == [ValueError, KeyError]
    assert len(later) == 1 and len(updates) == 1  # every callback ran, the commit finished
    assert str(doc["t"]) == "x"
    for sub in subs:
        doc["t"].unobserve(sub)
    doc["t"].insert(1, "y")  # the document is usable: a new transaction opens
    assert str(doc["t"]) == "xy"


def test_exception_group_from_a_transaction_block():
    doc = Doc({"t": Text()})
    doc["t"].observe(lambda: 1 / 0)
    with pytest.raises(ExceptionGroup) as info, doc.transaction():
        doc["t"].insert(0, "x")
    assert isinstance(info.value.exceptions[0], ZeroDivisionError)
    assert str(doc["t"]) == "x"


def test_edits_inside_callbacks():
    doc = Doc({"t": Text(), "log": Array()})
    doc["t"].observe(lambda e: doc["log"].append(len(e.delta)))
    doc["t"].insert(0, "x")
    assert doc["log"].to_py() == [1]


def observed_doc_ref() -> weakref.ref[Doc]:
    doc = Doc({"t": Text()})
    doc["t"].observe(lambda e: print(doc))  # the callback refers to its document
    doc["t"].observe_deep(lambda events: print(doc))
    return weakref.ref(doc)


def test_observed_document_can_be_collected():
    ref = observed_doc_ref()
    gc.collect()
    assert ref() is None


# -- local events equal the same transaction's events on a replica -------------------------


def _edit(doc: Doc, rng) -> None:
    kind = rng.randrange(3)
    if kind == 0:
        t = doc.get("text", type=Text)
        n = len(t)
        r = rng.random()
        if r < 0.5 or n == 0:
            attrs = rng.choice([None, None, {"bold": True}, {"bold": None}])
            t.insert(rng.randint(0, n), rng.choice(["a", "bc", "😀", "é\n"]), attrs)
        elif r < 0.75:
            i = rng.randrange(n)
            del t[i : min(n, i + 2)]
        else:
            i = rng.randrange(n)
            t.format(i, min(n, i + 3), rng.choice([{"bold": True}, {"bold": None}]))
    elif kind == 1:
        a = doc.get("array", type=Array)
        n = len(a)
        if n and rng.random() < 0.4:
            del a[rng.randrange(n)]
        else:
            a.insert(rng.randint(0, n), rng.choice([1, "x", Text("t"), Map({"k": 1})]))
    else:
        m = doc.get("map", type=Map)
        key = rng.choice("abc")
        if key in m and rng.random() < 0.3:
            del m[key]
        else:
            m[key] = rng.choice([1, "y", Array([2])])


def _plain(value):
    # Shared types compare by identity; across documents compare kind and content.
    if isinstance(value, (Text, Array, Map)):
        return (type(value).__name__, value.to_py())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _recorder(doc: Doc) -> list:
    calls: list = []

    def record(name, events):
        views = [(e.path, getattr(e, "delta", None), getattr(e, "keys", None)) for e in events]
        calls.append((name, _plain(views)))

    for name, cls in (("text", Text), ("array", Array), ("map", Map)):
        doc.get(name, type=cls).observe_deep(lambda events, name=name: record(name, events))
    return calls


@pytest.mark.parametrize("seed", range(8))
def test_local_events_equal_remote_events_of_the_same_transaction(seed):
    import random

    rng = random.Random(seed)
    peers = [Doc(client_id=c) for c in (1, 2)]
    mirror = Doc(client_id=9)  # receives every transaction of peers[0], in its order
    ours, theirs = _recorder(peers[0]), _recorder(mirror)
    updates: list = []  # (update, the calls peers[0] made for it)

    def committed(event):
        updates.append((event.update, list(ours)))
        ours.clear()

    peers[0].observe(committed)
    for _ in range(40):
        p = rng.choice(peers)
        if rng.random() < 0.2:
            other = peers[1] if p is peers[0] else peers[0]
            other.apply_update(p.get_update(other.get_state()))
        else:
            with p.transaction():
                for _ in range(rng.randint(1, 3)):
                    _edit(p, rng)
        # Every transaction peers[0] committed (its own, a remote one, a clean-up) goes to
        # the mirror; the mirror's calls start with peers[0]'s (it may add clean-ups of
        # its own after them).
        while updates:
            update, expected = updates.pop(0)
            theirs.clear()
            mirror.apply_update(update)
            # Types are reported in the order they changed, which differs between a
            # local transaction and its update (integrated by client): as in Yjs.
            got = sorted(theirs[: len(expected)], key=lambda call: call[0])
            assert got == sorted(expected, key=lambda call: call[0]), f"seed={seed}"
