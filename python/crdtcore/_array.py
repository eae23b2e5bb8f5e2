"""Array: a collaborative list of values and nested shared types (Yjs YArray)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

from . import _core
from ._base import _WRAPPERS, BaseType, check_prelim, to_json, wrap
from ._sticky_index import Assoc, StickyIndex
from .errors import IndexTypeError

# Iteration reads slices that double from 64 to 65536 elements: the first element comes at
# once, and a long iteration costs about what one copy of the whole array would.
_ITER_FIRST_SLICE = 64
_ITER_MAX_SLICE = 65536


class Array(BaseType, _core.Array):
    """A shared list, used like a Python ``list``.

    Elements are storable values (None, bool, int, float, str, bytes, lists, dicts
    with str keys) or nested shared types (Text, Array, Map) inserted as prelims.

    Args:
        init: Initial elements, inserted when the array joins a document.

    Raises:
        TypeError: An element cannot be stored.

    Example:
        >>> doc = Doc()
        >>> doc["list"] = array = Array([1, "two"])
        >>> array.append(Map({"k": [3]}))
        >>> str(array)
        '[1,"two",{"k":[3]}]'
    """

    _type_kind = _core.TypeKind.Array
    _native = _core.Array

    def __init__(self, init: Iterable[Any] | None = None) -> None:
        _core.Array.__init__(self)
        self._prelim = [] if init is None else list(init)
        self._doc = None
        self._check_content(set())

    # -- reading -----------------------------------------------------------------

    def __getitem__(self, key: int | slice) -> Any:
        """``a[i]`` (negative counts from the end) or ``a[i:j]`` (a list).

        Raises:
            IndexError: The index is outside the array.
            TypeError: ``key`` is neither an int nor a slice.

        Example:
            >>> a = Doc({"a": Array([1, 2, 3])})["a"]
            >>> a[-1], a[0:2]
            (3, [1, 2])
        """
        try:
            value = self._get(key)
        except TypeError:
            _check_index(key, allow_slice=True)
            raise
        doc = self._doc
        if isinstance(key, slice):
            return [wrap(v, doc) for v in value]
        return wrap(value, doc)

    def __iter__(self) -> Iterator[Any]:
        """Iterates over the elements, read in growing slices: the first element comes without
        copying the whole array. The length is fixed when iteration starts (as in pycrdt);
        elements changed during the iteration may or may not be seen.

        Example:
            >>> [x * 2 for x in Doc({"a": Array([1, 2])})["a"]]
            [2, 4]
        """
        # len() raises now for a prelim array; chain() keeps the per-element step in C.
        return chain.from_iterable(self._slices(len(self)))

    def _slices(self, length: int) -> Iterator[list[Any]]:
        start, size = 0, _ITER_FIRST_SLICE
        while start < length:
            yield self[start : min(start + size, length)]
            start += size
            size = min(2 * size, _ITER_MAX_SLICE)

    def __contains__(self, item: object) -> bool:
        """Whether an element equals ``item`` (shared types: the same type).

        Example:
            >>> 2 in Doc({"a": Array([1, 2])})["a"]
            True
        """
        return item in self[:]

    def __str__(self) -> str:
        """Compact JSON of the content, e.g. ``[1,"x",{"k":[2]}]``.

        Example:
            >>> str(Doc({"a": Array([1, "x", Map({"k": [2]})])})["a"])
            '[1,"x",{"k":[2]}]'
        """
        return to_json(self.to_py())

    # -- writing -----------------------------------------------------------------

    def append(self, value: Any) -> None:
        """Appends one element.

        Raises:
            TypeError: ``value`` cannot be stored.

        Example:
            >>> a = Doc({"a": Array()})["a"]
            >>> a.append(Text("hi"))
            >>> a.to_py()
            ['hi']
        """
        self.insert(len(self), value)

    def extend(self, values: Iterable[Any]) -> None:
        """Appends every element of ``values`` (in one transaction).

        Raises:
            TypeError: An element cannot be stored (nothing is inserted then).

        Example:
            >>> a = Doc({"a": Array([1])})["a"]
            >>> a.extend([2, {"k": None}])
            >>> a.to_py()
            [1, 2, {'k': None}]
        """
        with self.doc.transaction():
            self._insert_values(len(self), list(values))

    def sticky_index(self, index: int, assoc: Assoc = Assoc.AFTER) -> StickyIndex:
        """A position at ``index`` that follows its element through edits (``StickyIndex.new``).

        Raises:
            IndexError: ``index`` is negative or beyond the end.

        Example:
            >>> array = Doc({"a": Array([1, 2])})["a"]
            >>> s = array.sticky_index(1)
            >>> array.insert(0, 0)
            >>> s.get_index()
            2
        """
        return StickyIndex.new(self, index, assoc)

    def insert(self, index: int, value: Any) -> None:
        """Inserts one element before position ``index``.

        Args:
            index: 0 <= index <= len(array); negative counts from the end.
            value: A storable value or a prelim shared type.

        Raises:
            IndexError: ``index`` is outside the array.
            TypeError: ``value`` cannot be stored.

        Example:
            >>> doc = Doc({"a": Array([1, 3])})
            >>> doc["a"].insert(1, 2)
            >>> doc["a"].to_py()
            [1, 2, 3]
        """
        _check_index(index)
        if index < 0:
            index += len(self)
        if isinstance(value, BaseType):
            with self.doc.transaction():
                self._insert_values(index, [value])
        else:
            self._insert(index, (value,))

    def pop(self, index: int = -1) -> Any:
        """Removes and returns an element (a shared type is returned as ``to_py()``).

        Raises:
            IndexError: The array is empty or ``index`` is outside it.

        Example:
            >>> a = Doc({"a": Array([1, 2, 3])})["a"]
            >>> a.pop(), a.pop(0), a.to_py()
            (3, 1, [2])
        """
        _check_index(index)
        with self.doc.transaction():
            n = len(self)
            i = index + n if index < 0 else index
            if not 0 <= i < n:
                raise IndexError("pop index out of range")
            value = self[i]
            if isinstance(value, BaseType):
                value = value.to_py()
            self._remove(i, 1)
            return value

    def clear(self) -> None:
        """Removes every element.

        Example:
            >>> a = Doc({"a": Array([1, 2])})["a"]
            >>> a.clear()
            >>> len(a)
            0
        """
        self._remove(0, len(self))

    def __setitem__(self, key: int | slice, value: Any) -> None:
        """``a[i] = v`` replaces an element; ``a[i:j] = values`` replaces a slice.

        Raises:
            IndexError: The index is outside the array.
            TypeError: A value cannot be stored.
            ValueError: An extended slice is given values of another length.

        Example:
            >>> a = Doc({"a": Array([1, 2, 3])})["a"]
            >>> a[0] = "one"
            >>> a[1:1] = ["x", "y"]
            >>> a.to_py()
            ['one', 'x', 'y', 2, 3]
        """
        with self.doc.transaction():
            if isinstance(key, slice):
                values = list(value)
                start, stop, step = key.indices(len(self))
                if step == 1:
                    self._check_values(values)
                    self._remove(start, max(0, stop - start))
                    self._insert_values(start, values)
                    return
                indices = range(start, stop, step)
                if len(indices) != len(values):
                    raise ValueError(
                        f"attempt to assign sequence of size {len(values)} "
                        f"to extended slice of size {len(indices)}"
                    )
                self._check_values(values)
                for i, v in zip(indices, values, strict=True):
                    self._remove(i, 1)
                    self._insert_values(i, [v])
                return
            _check_index(key)
            n = len(self)
            i = key + n if key < 0 else key
            if not 0 <= i < n:
                raise IndexError("Array assignment index out of range")
            if isinstance(value, BaseType) and value._valid and value._same(self._get(i)):
                return  # a[i] += ... assigns the same shared type back
            self._check_values([value])
            self._remove(i, 1)
            self._insert_values(i, [value])

    def __delitem__(self, key: int | slice) -> None:
        """``del a[i]`` or ``del a[i:j]`` (extended slices too).

        Raises:
            IndexError: The index is outside the array.

        Example:
            >>> a = Doc({"a": Array([0, 1, 2, 3])})["a"]
            >>> del a[0]
            >>> del a[-2:]
            >>> a.to_py()
            [1]
        """
        n = len(self)
        if isinstance(key, slice):
            start, stop, step = key.indices(n)
            if step == 1:
                self._remove(start, max(0, stop - start))
                return
            with self.doc.transaction():
                for i in sorted(range(start, stop, step), reverse=True):
                    self._remove(i, 1)
            return
        _check_index(key, allow_slice=True)
        i = key + n if key < 0 else key
        if not 0 <= i < n:
            raise IndexError("Array index out of range")
        self._remove(i, 1)

    def __iadd__(self, values: Iterable[Any]) -> Array:
        """``a += values`` extends the array.

        Example:
            >>> doc = Doc({"a": Array([1])})
            >>> doc["a"] += [2, 3]
            >>> doc["a"].to_py()
            [1, 2, 3]
        """
        self.extend(values)
        return self

    # -- internals ---------------------------------------------------------------

    @staticmethod
    def _check_values(values: list[Any]) -> None:
        seen: set[int] = set()
        for v in values:
            check_prelim(v, seen)

    def _insert_values(self, index: int, values: list[Any]) -> None:
        """Inserts plain values in runs and shared types one by one (Yjs order).

        REQUIRES: an open transaction.
        """
        if not any(isinstance(v, BaseType) for v in values):
            self._insert(index, values)
            return
        self._check_values(values)
        doc = self.doc
        run: list[Any] = []
        for v in values:
            if isinstance(v, BaseType):
                if run:
                    self._insert(index, run)
                    index += len(run)
                    run = []
                v._integrate(doc, self._insert_type(index, v._type_kind))
                index += 1
            else:
                run.append(v)
        if run:
            self._insert(index, run)

    def _prelim_to_py(self) -> list[Any]:
        return [v.to_py() if isinstance(v, BaseType) else v for v in self._prelim]

    def _check_content(self, seen: set[int]) -> None:
        for v in self._prelim:
            check_prelim(v, seen)

    def _replay(self, content: list[Any]) -> None:
        if content:
            self._insert_values(0, content)


def _check_index(key: object, allow_slice: bool = False) -> None:
    """Raises IndexTypeError unless ``key`` is an int (or, with ``allow_slice``, a slice)."""
    if isinstance(key, int) or (allow_slice and isinstance(key, slice)):
        return
    kinds = "int or slice" if allow_slice else "int"
    raise IndexTypeError(f"Array indices must be {kinds}, not '{type(key).__name__}'")


_WRAPPERS[_core.Array] = Array
