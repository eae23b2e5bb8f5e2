"""Every public callable introspects like Python code: ``inspect.signature`` works, the
parameters have real names (never pybind11's ``arg0``), and ``__qualname__`` and ``help()``
show no pybind11 internals (pybind11 3 names a native function
``pybind11_detail_function_record_v1_....name``).

The walk covers every public module of the package (``crdtcore``, ``crdtcore.pycrdt``,
``crdtcore.sync``, ``crdtcore.asyncio``, ...): the names in its ``__all__`` (or, without
one, the public names it defines), and for each class every public or special method it
gets from a crdtcore class, native base classes (``crdtcore._core``) included.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import pydoc
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

import crdtcore

ARG_N = re.compile(r"\barg\d+\b")


def public_modules() -> list[str]:
    """crdtcore and its submodules whose dotted path has no ``_`` part."""
    names = ["crdtcore"]
    for info in pkgutil.walk_packages(crdtcore.__path__, "crdtcore."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return names


def public_names(module: ModuleType) -> list[str]:
    """``__all__``, or the public names the module defines itself."""
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and getattr(value, "__module__", None) == module.__name__
    ]


def ours(cls: type) -> bool:
    return cls.__module__ == "crdtcore" or cls.__module__.startswith("crdtcore.")


def class_members(cls: type) -> Iterator[tuple[str, Any]]:
    """The callables a user reaches on ``cls`` that a crdtcore class (native ones included)
    defines: public names and special methods, each from the first class of the MRO that
    has it."""
    seen: set[str] = set()
    for owner in cls.__mro__:
        for name in vars(owner):
            if name in seen:
                continue
            seen.add(name)
            private = name.startswith("_") and not (name.startswith("__") and name.endswith("__"))
            if private or not ours(owner):
                continue
            value = getattr(cls, name, None)
            if inspect.isroutine(value):
                yield name, value


def signature_less_exception(cls: type) -> bool:
    """An exception class whose constructor is BaseException's own (no signature in 3.11)."""
    if not issubclass(cls, BaseException):
        return False
    return not any(
        ours(owner) and ("__init__" in vars(owner) or "__new__" in vars(owner))
        for owner in cls.__mro__
    )


def callables() -> list[tuple[str, Any]]:
    found: dict[int, tuple[str, Any]] = {}
    for module_name in public_modules():
        module = importlib.import_module(module_name)
        for name in public_names(module):
            value = getattr(module, name)
            if inspect.isclass(value):
                if ours(value):
                    found.setdefault(id(value), (f"{module_name}.{name}", value))
                    for member, attr in class_members(value):
                        found.setdefault(id(attr), (f"{module_name}.{name}.{member}", attr))
            elif inspect.isroutine(value):
                found.setdefault(id(value), (f"{module_name}.{name}", value))
    return sorted(found.values(), key=lambda item: item[0])


CALLABLES = callables()


def test_the_walk_reaches_the_native_methods():
    names = {name for name, _ in CALLABLES}
    for expected in (
        "crdtcore.Text.insert",  # a native method descriptor (fast_calls.cpp)
        "crdtcore.Text.__delitem__",
        "crdtcore.Text.format",
        "crdtcore.Transaction.__enter__",
        "crdtcore.Map.__contains__",
        "crdtcore.pycrdt.Text.format",  # the pycrdt layer's own
        "crdtcore.SyncProtocol.receive_data",  # first reached through crdtcore
        "crdtcore.get_update",
    ):
        assert expected in names
    assert len(CALLABLES) > 300


@pytest.mark.parametrize(("name", "obj"), CALLABLES, ids=[name for name, _ in CALLABLES])
def test_public_callable_has_a_clean_signature_name_and_help(name, obj):
    if inspect.isclass(obj) and signature_less_exception(obj):
        pytest.skip("CPython 3.11 gives BaseException's constructor no signature")
    signature = inspect.signature(obj)  # raises ValueError when there is none
    for parameter in signature.parameters:
        assert not ARG_N.fullmatch(parameter), f"{name}{signature}: unnamed parameter"
    assert "pybind11" not in getattr(obj, "__qualname__", "")
    module = getattr(obj, "__module__", None) or getattr(obj, "__objclass__", object).__module__
    assert module.startswith("crdtcore") or not inspect.isclass(obj), module
    text = pydoc.render_doc(obj, renderer=pydoc.plaintext)
    if inspect.isclass(obj):
        # A native base class is listed in the MRO as pybind11_builtins.pybind11_object;
        # its function records and unnamed parameters never show.
        assert "pybind11_detail" not in text
        assert not ARG_N.search(text), f"{name}: {ARG_N.search(text)}"
    else:
        # A classmethod of a class with a native base (Array.__class_getitem__) is bound to
        # that class's metaclass, which pydoc names; nothing else may mention pybind11.
        text = text.replace("method of pybind11_builtins.pybind11_type instance", "")
        assert "pybind11" not in text
        assert not ARG_N.search(text)


def test_help_shows_the_signatures_of_native_methods():
    text = pydoc.render_doc(crdtcore.Text, renderer=pydoc.plaintext)
    assert "insert(self, /, index, value, attrs=None)" in text
    assert "__delitem__(self, key, /)" in text
    assert "format(self, start: 'int', stop: 'int', attrs: 'dict[str, Any]') -> 'None'" in text
    assert "Inserts a string." in text  # the docstring without its signature line
    assert str(inspect.signature(crdtcore.Transaction)) == "(doc, origin=None)"
    assert crdtcore.Text.insert.__qualname__ == "Text.insert"
    assert crdtcore.Text.__len__.__qualname__ == "Text.__len__"
