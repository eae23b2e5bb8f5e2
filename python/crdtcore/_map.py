"""Map: a collaborative dict with str keys (Yjs YMap)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from . import _core
from ._base import _WRAPPERS, BaseType, check_prelim, to_json, wrap
from .errors import KeyTypeError

_MISSING: Any = object()


def _check_key(key: object) -> None:
    if not isinstance(key, str):
        raise KeyTypeError(f"Map keys must be str, not '{type(key).__name__}'")


class Map(BaseType, _core.Map):
    """A shared dict with str keys, used like a Python ``dict``.

    Values are storable values or nested shared types (Text, Array, Map) inserted
    as prelims. When two peers write one key concurrently, the higher client id
    wins (Yjs). Keys iterate in sorted (byte-wise) order.

    Args:
        init: Initial entries, set when the map joins a document.

    Raises:
        TypeError: A key is not a str or a value cannot be stored.

    Example:
        >>> doc = Doc({"m": Map({"title": "Notes"})})
        >>> m = doc["m"]
        >>> m["tags"] = Array(["a"])
        >>> m.to_py()
        {'tags': ['a'], 'title': 'Notes'}
    """

    _type_kind = _core.TypeKind.Map
    _native = _core.Map

    def __init__(self, init: Mapping[str, Any] | None = None) -> None:
        _core.Map.__init__(self)
        self._prelim = {} if init is None else dict(init)
        self._doc = None
        self._check_content(set())

    # -- reading -----------------------------------------------------------------

    def __getitem__(self, key: str) -> Any:
        """``m[key]``.

        Raises:
            KeyError: ``key`` is absent.
            TypeError: ``key`` is not a str.

        Example:
            >>> Doc({"m": Map({"k": [1]})})["m"]["k"]
            [1]
        """
        _check_key(key)
        return wrap(self._get(key), self._doc)

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, or ``default`` when absent.

        Raises:
            TypeError: ``key`` is not a str.

        Example:
            >>> m = Doc({"m": Map({"k": 1})})["m"]
            >>> m.get("k"), m.get("x", 0)
            (1, 0)
        """
        _check_key(key)
        if key not in self:
            return default
        return wrap(self._get(key), self._doc)

    def __iter__(self) -> Iterator[str]:
        """Iterates over a snapshot of the keys.

        Example:
            >>> list(Doc({"m": Map({"b": 1, "a": 2})})["m"])
            ['a', 'b']
        """
        return iter(self._keys())

    def keys(self) -> list[str]:
        """The keys (sorted).

        Example:
            >>> Doc({"m": Map({"b": 1, "a": 2})})["m"].keys()
            ['a', 'b']
        """
        return self._keys()

    def values(self) -> list[Any]:
        """The values, in key order.

        Example:
            >>> Doc({"m": Map({"b": 1, "a": 2})})["m"].values()
            [2, 1]
        """
        doc = self._doc
        return [wrap(v, doc) for _, v in self._entries()]

    def items(self) -> list[tuple[str, Any]]:
        """The ``(key, value)`` pairs, in key order.

        Example:
            >>> Doc({"m": Map({"b": 1, "a": 2})})["m"].items()
            [('a', 2), ('b', 1)]
        """
        doc = self._doc
        return [(k, wrap(v, doc)) for k, v in self._entries()]

    def __str__(self) -> str:
        """Compact JSON of the content, e.g. ``{"k":[1,2]}``.

        Example:
            >>> str(Doc({"m": Map({"k": [1, 2]})})["m"])
            '{"k":[1,2]}'
        """
        return to_json(self.to_py())

    # -- writing -----------------------------------------------------------------

    def __setitem__(self, key: str, value: Any) -> None:
        """``m[key] = value``; a prelim shared type becomes a nested shared type.

        Raises:
            TypeError: ``key`` is not a str or ``value`` cannot be stored.
            ValueError: ``value`` is a shared type that is already integrated.

        Example:
            >>> m = Doc({"m": Map()})["m"]
            >>> m["list"] = Array([1])
            >>> m["list"].append(2)
            >>> m.to_py()
            {'list': [1, 2]}
        """
        _check_key(key)
        if isinstance(value, BaseType):
            if value._valid and key in self and value._same(self._get(key)):
                return  # m[key] += ... assigns the same shared type back
            check_prelim(value, set())
            doc = self.doc
            with doc.transaction():
                value._integrate(doc, self._set_type(key, value._type_kind))
        else:
            self._set(key, value)

    def __delitem__(self, key: str) -> None:
        """``del m[key]``.

        Raises:
            KeyError: ``key`` is absent.
            TypeError: ``key`` is not a str.

        Example:
            >>> m = Doc({"m": Map({"k": 1})})["m"]
            >>> del m["k"]
            >>> "k" in m
            False
        """
        _check_key(key)
        if not self._remove(key):
            raise KeyError(key)

    def pop(self, key: str, default: Any = _MISSING) -> Any:
        """Removes ``key`` and returns its value (a shared type as ``to_py()``).

        Raises:
            KeyError: ``key`` is absent and no default is given.
            TypeError: ``key`` is not a str.

        Example:
            >>> m = Doc({"m": Map({"k": 1})})["m"]
            >>> m.pop("k"), m.pop("k", None)
            (1, None)
        """
        _check_key(key)
        with self.doc.transaction():
            if key not in self:
                if default is _MISSING:
                    raise KeyError(key)
                return default
            value = self[key]
            if isinstance(value, BaseType):
                value = value.to_py()
            self._remove(key)
            return value

    def update(
        self, other: Mapping[str, Any] | Iterable[tuple[str, Any]] = (), **kwargs: Any
    ) -> None:
        """Sets several entries in one transaction, like ``dict.update``.

        Raises:
            TypeError: A key is not a str or a value cannot be stored.

        Example:
            >>> m = Doc({"m": Map()})["m"]
            >>> m.update({"a": 1}, b=Text("x"))
            >>> m.to_py()
            {'a': 1, 'b': 'x'}
        """
        entries = dict(other)
        entries.update(kwargs)
        seen: set[int] = set()
        for k, v in entries.items():
            _check_key(k)
            check_prelim(v, seen)
        with self.doc.transaction():
            for k, v in entries.items():
                self[k] = v

    def clear(self) -> None:
        """Removes every entry (in one transaction).

        Example:
            >>> m = Doc({"m": Map({"a": 1})})["m"]
            >>> m.clear()
            >>> len(m)
            0
        """
        with self.doc.transaction():
            for key in self._keys():
                self._remove(key)

    # -- BaseType hooks ----------------------------------------------------------

    def _prelim_to_py(self) -> dict[str, Any]:
        return {k: v.to_py() if isinstance(v, BaseType) else v for k, v in self._prelim.items()}

    def _check_content(self, seen: set[int]) -> None:
        for k, v in self._prelim.items():
            _check_key(k)
            check_prelim(v, seen)

    def _replay(self, content: dict[str, Any]) -> None:
        for k, v in content.items():
            self[k] = v


_WRAPPERS[_core.Map] = Map
