"""Array: list protocol, nested shared types, prelim arrays, sync."""

import pytest

from crdtcore import Array, Doc, Map, Text


@pytest.fixture
def array() -> Array:
    return Doc(client_id=1).get("a", type=Array)


def remote_copy(a: Array) -> Array:
    other = Doc(client_id=99)
    other.apply_update(a.doc.get_update())
    return other.get("a", type=Array)


# -- reading ----------------------------------------------------------------------


def test_len_getitem_negative_and_slices(array):
    array.extend([0, 1, 2, 3, 4])
    assert len(array) == 5
    assert array[0] == 0 and array[-1] == 4 and array[-5] == 0
    assert array[1:3] == [1, 2]
    assert array[3:] == [3, 4]
    assert array[::2] == [0, 2, 4]
    assert array[::-1] == [4, 3, 2, 1, 0]
    assert array[10:] == []


def test_getitem_out_of_range_and_bad_key(array):
    array.append(1)
    with pytest.raises(IndexError):
        array[1]
    with pytest.raises(IndexError):
        array[-2]
    with pytest.raises(TypeError):
        array["0"]


def test_iteration_contains_to_py(array):
    array.extend([1, "x", None])
    assert list(array) == [1, "x", None]
    assert "x" in array and 2 not in array
    assert array.to_py() == [1, "x", None]


def test_str_is_compact_json(array):
    array.extend([1, "x", {"k": [2]}, None, True, 1.5, "é"])
    assert str(array) == '[1,"x",{"k":[2]},null,true,1.5,"é"]'


# -- writing ----------------------------------------------------------------------


def test_append_insert_extend_iadd(array):
    array.append(2)
    array.insert(0, 1)
    array.extend([3, 4])
    array += [5]
    array.insert(-1, 4.5)
    assert array.to_py() == [1, 2, 3, 4, 4.5, 5]


def test_insert_out_of_range(array):
    with pytest.raises(IndexError):
        array.insert(1, "x")
    with pytest.raises(IndexError):
        array.insert(-5, "x")


def test_pop(array):
    array.extend([1, 2, 3, Text("t")])
    assert array.pop() == "t"
    assert array.pop(0) == 1
    assert array.to_py() == [2, 3]
    with pytest.raises(IndexError):
        array.pop(5)
    array.clear()
    with pytest.raises(IndexError):
        array.pop()


def test_clear(array):
    array.extend([1, 2, 3])
    array.clear()
    assert len(array) == 0 and array.to_py() == []


def test_setitem_index(array):
    array.extend([1, 2, 3])
    array[1] = "two"
    array[-1] = Map({"three": 3})
    assert array.to_py() == [1, "two", {"three": 3}]
    with pytest.raises(IndexError):
        array[3] = 4


def test_setitem_slices(array):
    array.extend([1, 2, 3])
    array[1:1] = ["a", "b"]
    assert array.to_py() == [1, "a", "b", 2, 3]
    array[0:3] = [Text("x")]
    assert array.to_py() == ["x", 2, 3]
    array[::2] = [9, 9]
    assert array.to_py() == [9, 2, 9]
    with pytest.raises(ValueError):
        array[::2] = [1]


def test_delitem_index_and_slices(array):
    array.extend(range(6))
    del array[0]
    del array[-1]
    assert array.to_py() == [1, 2, 3, 4]
    del array[1:3]
    assert array.to_py() == [1, 4]
    array.extend([5, 6, 7])
    del array[::2]
    assert array.to_py() == [4, 6]
    with pytest.raises(IndexError):
        del array[2]


def test_multiple_values_one_transaction(array):
    events = []
    array.doc.observe(events.append)
    array.extend([1, Text("x"), 2, Map({"m": Array([3])})])
    assert len(events) == 1
    assert remote_copy(array).to_py() == [1, "x", 2, {"m": [3]}]


def test_unstorable_extend_inserts_nothing(array):
    array.append(0)
    with pytest.raises(TypeError):
        array.extend([1, Text("ok"), set()])
    assert array.to_py() == [0]


# -- nested shared types ----------------------------------------------------------


def test_nested_types_are_returned_as_shared_types(array):
    array.append(Text("hello"))
    array.append(Array([1]))
    array.append(Map({"k": "v"}))
    t, a, m = array[0], array[1], array[2]
    assert isinstance(t, Text) and isinstance(a, Array) and isinstance(m, Map)
    assert t.doc is array.doc
    t += "!"
    a.append(2)
    m["k2"] = 1
    assert array.to_py() == ["hello!", [1, 2], {"k": "v", "k2": 1}]


def test_prelim_object_becomes_the_integrated_handle(array):
    t = Text("x")
    array.append(t)
    assert t.is_integrated and t == array[0]
    t += "y"
    assert array[0].to_py() == "xy"


def test_nesting_depth_three_and_more(array):
    array.append(Map({"level2": Array([Map({"level4": Text("deep")})])}))
    deep = array[0]["level2"][0]["level4"]
    deep.insert(0, "very ")
    copy = remote_copy(array)
    assert copy.to_py() == [{"level2": [{"level4": "very deep"}]}]
    assert str(copy[0]["level2"][0]["level4"]) == "very deep"


def test_shared_types_in_plain_lists_are_rejected(array):
    with pytest.raises(TypeError):
        array.append([Text("no")])
    with pytest.raises(TypeError):
        array.append({"k": Map()})


def test_shared_type_cannot_be_inserted_twice(array):
    t = Text("x")
    array.append(t)
    with pytest.raises(ValueError):
        array.append(t)
    twice = Text("y")
    with pytest.raises(ValueError):
        array.extend([twice, twice])


# -- prelim -----------------------------------------------------------------------


def test_prelim_array():
    a = Array([1, Text("x"), Map({"k": Array([2])})])
    assert a.is_prelim
    assert a.to_py() == [1, "x", {"k": [2]}]
    with pytest.raises(RuntimeError):
        a.append(1)
    doc = Doc({"a": a})
    assert a.is_integrated and doc["a"].to_py() == [1, "x", {"k": [2]}]


def test_prelim_array_rejects_unstorable_values_early():
    with pytest.raises(TypeError):
        Array([object()])


def test_prelim_content_order_matches_yjs():
    # Yjs integrates the nested type's item and then its content before the next run.
    doc = Doc(client_id=1)
    doc["a"] = Array([1, 2, Text("x"), 3])
    copy = Doc()
    copy.apply_update(doc.get_update())
    assert copy["a"].to_py() == [1, 2, "x", 3]
    # 1 item [1,2] + Text item + "x" + item [3] = clocks 0..4
    assert doc.get_state() == b"\x01\x01\x05"


def test_concurrent_appends_converge():
    a = Doc({"a": Array([0])}, client_id=1)
    b = Doc(client_id=2)
    b.apply_update(a.get_update())
    a["a"].append("from a")
    b["a"].append("from b")
    ua, ub = a.get_update(), b.get_update()
    a.apply_update(ub)
    b.apply_update(ua)
    assert a["a"].to_py() == b["a"].to_py()
    assert len(a["a"]) == 3


def test_iteration_reads_in_slices_and_sees_every_element():
    doc = Doc({"a": Array(list(range(3000)))})
    array = doc["a"]
    it = iter(array)
    assert next(it) == 0
    assert [0, *it] == list(range(3000))
    with pytest.raises(RuntimeError, match="not integrated"):
        iter(Array([1, 2, 3]))  # a prelim array, as before
    assert list(Doc({"e": Array()})["e"]) == []
