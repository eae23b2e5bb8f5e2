"""Map: dict protocol, str keys, nested types, prelim maps, concurrent writes."""

import pytest

from crdtcore import Array, Doc, Map, Text


@pytest.fixture
def m() -> Map:
    return Doc(client_id=1).get("m", type=Map)


def remote_copy(mp: Map) -> Map:
    other = Doc(client_id=99)
    other.apply_update(mp.doc.get_update())
    return other.get("m", type=Map)


def test_set_get_len_contains(m):
    m["a"] = 1
    m["b"] = "two"
    assert m["a"] == 1 and m["b"] == "two"
    assert len(m) == 2
    assert "a" in m and "z" not in m and 1 not in m


def test_missing_key_raises_keyerror(m):
    with pytest.raises(KeyError):
        m["missing"]
    with pytest.raises(KeyError):
        del m["missing"]


def test_keyerror_carries_the_key_itself_as_a_dict_does(m):
    for op in (lambda: m["missing"], lambda: m.pop("missing"), lambda: m.__delitem__("missing")):
        with pytest.raises(KeyError) as info:
            op()
        assert info.value.args == ("missing",)
        assert str(info.value) == str(KeyError("missing"))


@pytest.mark.parametrize("key", [1, None, b"k", ("t",)])
def test_non_str_keys_raise_typeerror(m, key):
    with pytest.raises(TypeError):
        m[key] = 1
    with pytest.raises(TypeError):
        m[key]
    with pytest.raises(TypeError):
        del m[key]
    with pytest.raises(TypeError):
        m.get(key)


def test_overwrite_and_delete(m):
    m["k"] = 1
    m["k"] = [1, 2]
    assert m["k"] == [1, 2]
    del m["k"]
    assert "k" not in m and len(m) == 0


def test_iteration_keys_values_items_sorted(m):
    m["b"] = 2
    m["a"] = 1
    m["c"] = 3
    assert list(m) == ["a", "b", "c"]
    assert m.keys() == ["a", "b", "c"]
    assert m.values() == [1, 2, 3]
    assert m.items() == [("a", 1), ("b", 2), ("c", 3)]
    assert dict(m.items()) == m.to_py() == {"a": 1, "b": 2, "c": 3}


def test_get_with_default(m):
    m["k"] = 0
    assert m.get("k") == 0
    assert m.get("x") is None
    assert m.get("x", "dflt") == "dflt"


def test_pop(m):
    m["k"] = 1
    m["t"] = Text("txt")
    assert m.pop("k") == 1
    assert m.pop("t") == "txt"
    assert m.pop("k", None) is None
    with pytest.raises(KeyError):
        m.pop("k")
    assert len(m) == 0


def test_update_and_clear_are_single_transactions(m):
    events = []
    m.doc.observe(events.append)
    m.update({"a": 1, "t": Text("x")}, b=2)
    assert m.to_py() == {"a": 1, "b": 2, "t": "x"}
    m.update([("c", 3)])
    m.clear()
    assert len(m) == 0
    assert len(events) == 3


def test_update_with_bad_value_changes_nothing(m):
    with pytest.raises(TypeError):
        m.update({"a": 1, "b": {1, 2}})
    assert len(m) == 0


def test_str_is_compact_json(m):
    m["k"] = [1, 2]
    m["s"] = "ü"
    assert str(m) == '{"k":[1,2],"s":"ü"}'


def test_nested_types(m):
    m["text"] = Text("hi")
    m["list"] = Array([1, Map({"deep": Text("er")})])
    assert isinstance(m["text"], Text)
    assert isinstance(m["list"][1], Map)
    m["list"][1]["deep"].insert(0, "deep")
    assert remote_copy(m).to_py() == {"list": [1, {"deep": "deeper"}], "text": "hi"}


def test_replacing_nested_type_leaves_old_handle_empty(m):
    m["t"] = old = Text("old")
    m["t"] = Text("new")
    assert str(m["t"]) == "new"
    assert str(old) == ""


def test_prelim_map():
    mp = Map({"a": Array([1, Text("x")])})
    assert mp.is_prelim
    assert mp.to_py() == {"a": [1, "x"]}
    with pytest.raises(RuntimeError):
        mp["b"] = 2
    doc = Doc({"m": mp})
    assert mp.is_integrated and mp == doc["m"]
    assert isinstance(mp["a"][1], Text)


def test_prelim_map_rejects_bad_keys_and_values():
    with pytest.raises(TypeError):
        Map({1: "x"})
    with pytest.raises(TypeError):
        Map({"k": object()})


def test_concurrent_writes_higher_client_id_wins():
    low = Doc({"m": Map()}, client_id=1)
    high = Doc(client_id=2)
    high.apply_update(low.get_update())
    low["m"]["k"] = "low"
    high.get("m", type=Map)["k"] = "high"  # an empty root is not on the wire
    u_low, u_high = low.get_update(), high.get_update()
    low.apply_update(u_high)
    high.apply_update(u_low)
    assert low["m"]["k"] == high["m"]["k"] == "high"


def test_concurrent_different_keys_merge():
    a = Doc({"m": Map()}, client_id=1)
    b = Doc(client_id=2)
    b.apply_update(a.get_update())
    a["m"]["x"] = 1
    b.get("m", type=Map)["y"] = 2
    ua, ub = a.get_update(), b.get_update()
    a.apply_update(ub)
    b.apply_update(ua)
    assert a["m"].to_py() == b["m"].to_py() == {"x": 1, "y": 2}
