"""The per-keystroke transaction path (cpp/bindings/cached_method.cpp, fast_calls.cpp).

``with doc.transaction():`` looks up ``__enter__``/``__exit__`` on every block; the native
descriptors hand out a bound method cached on the transaction instead of allocating two
per block. These tests pin what that must keep: lifetimes (no leak, no use after free),
the unbound class calls the async path makes, and builtin-method introspection.
"""

from __future__ import annotations

import gc
import inspect
import sys

import pytest

from crdtcore import Doc, Text, Transaction, _core


def test_bound_methods_are_cached_per_transaction() -> None:
    txn = Transaction(Doc())
    assert txn.__enter__ is txn.__enter__
    assert txn.__exit__ is txn.__exit__
    assert txn.__enter__ is not Transaction(Doc()).__enter__


def test_unreferenced_transaction_lives_through_its_block() -> None:
    # `with` drops the context manager before calling __enter__: nothing else holds it.
    doc = Doc({"t": Text()})
    seen = []
    sub = doc.observe(lambda event: seen.append(event.transaction.origin))
    with Transaction(doc, "mine"):
        doc["t"].insert(0, "a")
    doc.unobserve(sub)
    assert seen == ["mine"] and str(doc["t"]) == "a"


def test_blocks_leave_no_reference_behind() -> None:
    doc = Doc({"t": Text()})
    txn = Transaction(doc, "o")
    before = sys.getrefcount(txn)
    for _ in range(3):
        with txn, txn:  # nested: joins
            doc["t"].insert(0, "x")
    assert sys.getrefcount(txn) == before
    gc.collect()
    objects = len(gc.get_objects())
    for _ in range(200):
        with doc.transaction(origin="per-block"):
            doc["t"].insert(0, "y")
    assert len(gc.get_objects()) <= objects + 5


def test_fetched_but_uncalled_method_keeps_its_transaction_until_collected() -> None:
    txn = Transaction(Doc(), "o")
    refs = sys.getrefcount(txn)
    enter = txn.__enter__
    assert sys.getrefcount(txn) == refs + 1  # the hand-out owns one
    assert enter.__self__ is txn
    del enter
    gc.collect()  # the cycle transaction <-> bound method is collectable
    enter = txn.__enter__
    enter()
    txn.__exit__(None, None, None)
    assert sys.getrefcount(txn) == refs + 1  # `enter` itself; its hand-out ended with the call


def test_bound_method_outliving_its_transaction_raises() -> None:
    txn = Transaction(Doc())
    enter, leave = txn.__enter__, txn.__exit__
    enter()
    leave(None, None, None)
    del txn
    gc.collect()
    with pytest.raises(RuntimeError, match="released"):
        enter()
    assert enter.__self__ is None


def test_unbound_calls_through_the_class() -> None:
    doc = Doc({"t": Text()})
    txn = Transaction(doc)
    assert _core.TransactionBase.__enter__(txn) is txn
    doc["t"].insert(0, "a")
    assert _core.TransactionBase.__exit__(txn, None, None, None) is None
    assert doc._native.open_transaction() is None
    with pytest.raises(TypeError, match=r"needs a 'crdtcore\._core\.TransactionBase' argument"):
        _core.TransactionBase.__enter__(object())
    with pytest.raises(TypeError, match="needs"):
        _core.TransactionBase.__enter__()
    with pytest.raises(TypeError, match="no keyword arguments"):
        txn.__exit__(exc_type=None)
    with pytest.raises(TypeError, match="takes no arguments"):
        txn.__enter__(1)
    with pytest.raises(RuntimeError, match="without __enter__"):
        txn.__exit__(None, None, None)


def test_introspection_like_builtin_methods() -> None:
    descr = _core.TransactionBase.__exit__
    assert descr.__name__ == "__exit__"
    assert descr.__qualname__ == "TransactionBase.__exit__"
    assert descr.__objclass__ is _core.TransactionBase
    assert "Commits" in descr.__doc__
    params = list(inspect.signature(descr).parameters)
    assert params == ["self", "exc_type", "exc_value", "traceback"]
    bound = Transaction(Doc()).__enter__
    assert bound.__name__ == "__enter__" and "Opens" in bound.__doc__
    assert repr(bound).startswith("<built-in method __enter__ of Transaction object")
    assert repr(descr) == "<method '__exit__' of 'crdtcore._core.TransactionBase' objects>"


def test_doc_transaction_fast_path_returns_the_plain_transaction() -> None:
    doc = Doc({"t": Text()})
    assert type(Doc.__dict__["transaction"]).__name__ == "fast_method"
    plain = doc.transaction()
    assert plain is doc.transaction() and plain.origin is None
    with doc.transaction() as outer:
        assert doc.transaction() is outer  # joins (the Python method answers)
        with pytest.raises(RuntimeError, match="differs from the open"):
            doc.transaction("other")
    with doc.transaction("me") as mine:  # an origin: a fresh Transaction
        assert mine is not plain and doc.transaction() is mine
    with pytest.raises(TypeError, match="hashable"):
        doc.transaction([])


def test_doc_transaction_fast_path_keeps_the_python_method_visible() -> None:
    method = Doc.transaction
    assert method.__wrapped__.__qualname__ == "Doc.transaction"
    assert method.__doc__.startswith("A context manager grouping changes")
    assert list(inspect.signature(method).parameters) == ["self", "origin"]
    assert list(inspect.signature(Doc().transaction).parameters) == ["origin"]
    threaded = Doc(allow_multithreading=True)  # its instance attribute still wins
    assert threaded.transaction.__func__ is Doc._thread_transaction


def test_text_fast_methods_on_uninitialised_and_prelim_handles() -> None:
    # insert/__delitem__ read the native handle straight from the pybind11 instance; an
    # instance whose __init__ never ran still gets pybind11's own error.
    class Uninitialised(_core.Text):
        def __init__(self) -> None:
            pass

    with pytest.raises(TypeError, match="__init__"):
        Uninitialised().insert(0, "x")
    with pytest.raises(TypeError, match="__init__"):
        del Uninitialised()[0]
    with pytest.raises(RuntimeError, match="not integrated"):
        Text("ab").insert(0, "x")
    with pytest.raises(RuntimeError, match="not integrated"):
        del Text("ab")[0:1]
    doc = Doc({"t": Text("abc")})
    doc["t"].insert(1, "X")
    del doc["t"][0:2]
    assert str(doc["t"]) == "bc"
