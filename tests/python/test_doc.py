"""Doc: construction, client ids, guids, roots as a dict, prelim roots, sync basics."""

import gc
import re
import uuid

import pytest

from crdtcore import Array, Doc, Map, Text


def sync(a: Doc, b: Doc) -> None:
    """Exchanges the missing parts in both directions."""
    b.apply_update(a.get_update(b.get_state()))
    a.apply_update(b.get_update(a.get_state()))


# -- construction -----------------------------------------------------------------


def test_client_id_given_is_kept():
    assert Doc(client_id=7).client_id == 7


def test_client_id_default_is_random_32_bit():
    ids = {Doc().client_id for _ in range(20)}
    assert all(0 <= i < 2**32 for i in ids)
    assert len(ids) > 1


def test_client_id_up_to_53_bits_is_accepted():
    assert Doc(client_id=2**53 - 1).client_id == 2**53 - 1


def test_client_id_beyond_53_bits_is_rejected():
    with pytest.raises(ValueError, match="client_id cannot overflow 53 bits"):
        Doc(client_id=2**53)


@pytest.mark.parametrize("bad", ["1", 1.0, True, None.__class__])
def test_client_id_must_be_int(bad):
    with pytest.raises(TypeError):
        Doc(client_id=bad)


def test_client_id_must_not_be_negative():
    with pytest.raises(ValueError):
        Doc(client_id=-1)


def test_guid_default_is_uuid4():
    guid = Doc().guid
    assert uuid.UUID(guid).version == 4
    assert Doc().guid != guid


def test_guid_given_is_kept():
    assert Doc(guid="my-doc").guid == "my-doc"
    with pytest.raises(TypeError):
        Doc(guid=5)


def test_init_creates_prelim_roots():
    doc = Doc({"t": Text("hi"), "a": Array([1]), "m": Map({"k": "v"})})
    assert sorted(doc.keys()) == ["a", "m", "t"]
    assert doc["t"].to_py() == "hi"
    assert doc["a"].to_py() == [1]
    assert doc["m"].to_py() == {"k": "v"}


def test_init_is_one_transaction():
    doc = Doc({"t": Text("hi"), "a": Array([1])}, client_id=1)
    other = Doc()
    updates = []
    other.observe(lambda e: updates.append(e.update))
    other.apply_update(doc.get_update())
    assert len(updates) == 1


# -- roots ------------------------------------------------------------------------


def test_setitem_prelim_becomes_root_and_same_object():
    doc = Doc()
    text = Text("hello")
    doc["text"] = text
    assert text.is_integrated and not text.is_prelim
    assert text.doc is doc
    assert doc["text"] == text
    text += "!"
    assert str(doc["text"]) == "hello!"


def test_getitem_missing_raises_keyerror():
    with pytest.raises(KeyError):
        Doc()["nope"]


def test_root_names_must_be_str():
    doc = Doc()
    with pytest.raises(TypeError):
        doc[1] = Text()
    with pytest.raises(TypeError):
        doc[1]


def test_root_value_must_be_shared_type():
    with pytest.raises(TypeError):
        Doc()["x"] = "plain string"


def test_root_with_other_type_raises_typeerror():
    doc = Doc({"t": Text()})
    with pytest.raises(TypeError):
        doc["t"] = Map()
    with pytest.raises(TypeError):
        doc.get("t", type=Array)


def test_get_creates_or_fetches():
    doc = Doc()
    a = doc.get("a", type=Array)
    a.append(1)
    assert doc.get("a", type=Array).to_py() == [1]
    assert doc.get("a", type=Array) == a
    assert "a" in doc


def test_get_requires_shared_type_class():
    with pytest.raises(TypeError):
        Doc().get("x", type=dict)


def test_keys_values_items_iteration_len_contains():
    doc = Doc({"b": Map(), "a": Text("x")})
    assert sorted(doc) == ["a", "b"]
    assert len(doc) == 2
    assert "a" in doc and "zzz" not in doc and 3 not in doc
    values = dict(doc.items())
    assert isinstance(values["a"], Text) and isinstance(values["b"], Map)
    assert len(doc.values()) == 2


def test_assigning_existing_root_again_is_a_noop():
    doc = Doc({"t": Text("x")})
    doc["t"] = doc["t"]
    assert str(doc["t"]) == "x"


def test_assigning_integrated_type_elsewhere_raises():
    doc = Doc({"t": Text("x")})
    with pytest.raises(ValueError):
        doc["u"] = doc["t"]
    with pytest.raises(ValueError):
        Doc()["t"] = doc["t"]


def test_prelim_into_existing_root_keeps_content():
    doc = Doc({"a": Array([2])})
    doc["a"] = Array([1])
    assert doc["a"].to_py() == [1, 2]


@pytest.mark.parametrize(
    ("root", "expected_type", "content"),
    [(Text("abc"), Text, "abc"), (Array([1, 2]), Array, [1, 2]), (Map({"k": 1}), Map, {"k": 1})],
)
def test_untyped_remote_root_is_typed_by_its_content(root, expected_type, content):
    source = Doc({"r": root})
    target = Doc()
    target.apply_update(source.get_update())
    assert "r" in target
    value = target["r"]
    assert isinstance(value, expected_type)
    assert value.to_py() == content


def test_untyped_remote_root_get_with_type():
    source = Doc({"r": Map({"k": [1]})})
    target = Doc()
    target.apply_update(source.get_update())
    assert target.get("r", type=Map).to_py() == {"k": [1]}


# -- state and updates ------------------------------------------------------------


def test_empty_doc_state_and_update():
    doc = Doc()
    assert doc.get_state() == b"\x00"
    assert doc.get_update() == b"\x00\x00"


def test_get_update_with_state_only_has_missing_part():
    a = Doc({"t": Text("hello")}, client_id=1)
    b = Doc(client_id=2)
    b.apply_update(a.get_update())
    a["t"] += " world"
    diff = a.get_update(b.get_state())
    assert len(diff) < len(a.get_update())
    b.apply_update(diff)
    assert str(b["t"]) == "hello world"


def test_apply_update_accepts_bytes_like():
    a = Doc({"t": Text("x")})
    update = a.get_update()
    for form in (bytearray(update), memoryview(update)):
        b = Doc()
        b.apply_update(form)
        assert str(b["t"]) == "x"
    with pytest.raises(TypeError):
        Doc().apply_update("not bytes")


def test_two_docs_sync_all_types():
    a = Doc({"t": Text("hi"), "a": Array([1, Map({"x": Text("y")})])}, client_id=1)
    b = Doc(client_id=2)
    sync(a, b)
    assert b["t"].to_py() == "hi"
    assert b["a"].to_py() == [1, {"x": "y"}]
    b["a"][1]["x"].insert(1, "!")
    sync(a, b)
    assert a["a"].to_py() == [1, {"x": "y!"}]


def test_skip_gc_keeps_deleted_content():
    def deleted_update_size(skip_gc):
        doc = Doc({"t": Text("x" * 200)}, client_id=1, skip_gc=skip_gc)
        doc["t"].clear()
        return len(doc.get_update())

    assert deleted_update_size(True) > deleted_update_size(False)


def test_handles_keep_their_doc_alive():
    text = Doc({"t": Text("alive")})["t"]
    gc.collect()
    text += "!"
    assert str(text) == "alive!"
    assert text.doc["t"] == text


def test_repr_mentions_client_and_roots():
    assert re.search(r"client_id=3.*'t'", repr(Doc({"t": Text()}, client_id=3)))


@pytest.mark.parametrize(
    "module",
    [
        "crdtcore",
        "crdtcore._doc",
        "crdtcore._text",
        "crdtcore._array",
        "crdtcore._map",
        "crdtcore._base",
        "crdtcore._transaction",
        "crdtcore._async",
        "crdtcore._update",
        "crdtcore._undo",
        "crdtcore._display",
        "crdtcore.errors",
    ],
)
def test_docstring_examples_run(module):
    import doctest
    import importlib

    import crdtcore

    names = {name: getattr(crdtcore, name) for name in crdtcore.__all__}
    result = doctest.testmod(importlib.import_module(module), extraglobs=names)
    assert result.failed == 0


def test_native_docstring_examples_run():
    import doctest

    import crdtcore
    from crdtcore import _core

    names = {name: getattr(crdtcore, name) for name in crdtcore.__all__}
    runner = doctest.DocTestRunner()
    attempted = 0
    # The public methods documented in C++: the fast calls (fast_calls.cpp). The others
    # (insert_embed, format, ...) are Python methods, doctested with their modules above.
    # The properties of TransactionEvent are native too (txn_events.cpp).
    event_properties = [
        _core.TransactionEventBase.__dict__[name]
        for name in ("transaction", "local", "update", "before_state", "after_state", "delete_set")
    ]
    for method in (
        _core.Text.insert,
        _core.Text.__len__,
        _core.Text.__getitem__,
        _core.Array.__len__,
        _core.Map.__len__,
        _core.Map.__contains__,
        *event_properties,
    ):
        name = method.__name__
        for test in doctest.DocTestFinder().find(method, name=name, globs=dict(names)):
            result = runner.run(test)
            assert result.failed == 0
            attempted += result.attempted
    assert attempted >= 38  # every example above ran
