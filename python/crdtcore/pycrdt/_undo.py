"""pycrdt's UndoManager: crdtcore's (Yjs semantics) with pycrdt's constructor.

pycrdt lets an UndoManager be created before it knows its document:
``UndoManager(capture_timeout_millis=0)`` and then ``expand_scope(text)`` (jupyter_ydoc
does this in every document). crdtcore's needs the document up front, so this subclass
starts *unbound*: it has empty stacks, ``undo()``/``redo()`` return False, tracked origins
are remembered, and the first ``expand_scope`` binds it to that scope's document.

pycrdt 0.14's ``undo_stack=``/``redo_stack=`` (restoring saved StackItems) are not
supported: a non-empty one raises ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import crdtcore
from crdtcore import StackItem as StackItem


class UndoManager(crdtcore.UndoManager):
    """Undo and redo of changes to some shared types (pycrdt's ``UndoManager``).

    Args:
        doc: The document (older pycrdt's argument); else the first scope's document.
        scopes: Shared types whose changes are recorded.
        capture_timeout_millis: Changes closer together than this form one step.
        timestamp: Returns the time in milliseconds (default: the system clock).
        undo_stack: Must be empty or None (restoring saved steps is not supported).
        redo_stack: Must be empty or None.

    Raises:
        ValueError: A non-empty ``undo_stack``/``redo_stack``, or a negative timeout.

    Example:
        >>> from crdtcore.pycrdt import Doc, Text
        >>> doc = Doc()
        >>> doc["t"] = text = Text("a")
        >>> manager = UndoManager(capture_timeout_millis=0)
        >>> manager.can_undo(), manager.undo()
        (False, False)
        >>> manager.expand_scope(text)
        >>> text += "bc"
        >>> manager.undo(), str(text)
        (True, 'a')
    """

    def __init__(
        self,
        *,
        doc: crdtcore.Doc | None = None,
        scopes: Iterable[Any] | None = None,
        capture_timeout_millis: int = 500,
        timestamp: Callable[[], int] | None = None,
        undo_stack: list[StackItem] | None = None,
        redo_stack: list[StackItem] | None = None,
    ) -> None:
        if undo_stack or redo_stack:
            raise ValueError("crdtcore.pycrdt's UndoManager cannot restore saved undo/redo stacks")
        if not isinstance(capture_timeout_millis, int) or capture_timeout_millis < 0:
            raise ValueError("capture_timeout_millis must be a non-negative int")
        self._options: dict[str, Any] = {
            "capture_timeout_millis": capture_timeout_millis,
            "timestamp": timestamp,
        }
        self._bound = False
        self._pending_origins: list[tuple[bool, Any]] = []
        scope_list = list(scopes or ())
        if doc is not None or scope_list:
            self._bind(doc, scope_list)

    def _bind(self, doc: crdtcore.Doc | None, scopes: list[Any]) -> None:
        # Bound first: crdtcore's __init__ adds the scopes through self.expand_scope.
        self._bound = True
        try:
            super().__init__(doc=doc, scopes=scopes, **self._options)
        except BaseException:
            self._bound = False
            raise
        for include, origin in self._pending_origins:
            if include:
                super().include_origin(origin)
            else:
                super().exclude_origin(origin)
        self._pending_origins.clear()

    @property
    def origin(self) -> UndoManager:
        """The origin of this manager's undo and redo transactions: the manager itself."""
        return self

    @property
    def doc(self) -> crdtcore.Doc:
        """The document this manager works on.

        Raises:
            RuntimeError: No scope was given yet.
        """
        if not self._bound:
            raise RuntimeError("this UndoManager has no scope yet (call expand_scope)")
        return super().doc

    def expand_scope(self, scope: Any) -> None:
        """Records changes to ``scope`` too; the first scope binds an unbound manager.

        Raises:
            TypeError: ``scope`` is not a Text, Array or Map.
            RuntimeError: ``scope`` is not integrated, or belongs to another document.
        """
        if self._bound:
            super().expand_scope(scope)
        else:
            self._bind(None, [scope])

    def include_origin(self, origin: Any) -> None:
        """Records transactions with this origin too."""
        if self._bound:
            super().include_origin(origin)
        else:
            self._pending_origins.append((True, origin))

    def exclude_origin(self, origin: Any) -> None:
        """Stops recording transactions with this origin."""
        if self._bound:
            super().exclude_origin(origin)
        else:
            self._pending_origins.append((False, origin))

    def undo(self) -> bool:
        """Undoes the last step; False when there is none."""
        return self._bound and super().undo()

    def redo(self) -> bool:
        """Redoes the last undone step; False when there is none."""
        return self._bound and super().redo()

    def can_undo(self) -> bool:
        """True when the undo stack is not empty."""
        return self._bound and super().can_undo()

    def can_redo(self) -> bool:
        """True when the redo stack is not empty."""
        return self._bound and super().can_redo()

    def stop_capturing(self) -> None:
        """Makes the next recorded change a step of its own."""
        if self._bound:
            super().stop_capturing()

    def clear(self, clear_undo_stack: bool = True, clear_redo_stack: bool = True) -> None:
        """Empties the stacks."""
        if self._bound:
            super().clear(clear_undo_stack, clear_redo_stack)

    @property
    def undo_stack(self) -> list[StackItem]:
        """The undoable steps, oldest first."""
        return super().undo_stack if self._bound else []

    @property
    def redo_stack(self) -> list[StackItem]:
        """The redoable steps, oldest first."""
        return super().redo_stack if self._bound else []
