"""What pycrdt's shared types have beyond crdtcore's: ``type_name`` and ``prelim``."""

from __future__ import annotations

from typing import Any, ClassVar


class PycrdtType:
    """Mixin of the pycrdt-layer Text, Array and Map (before crdtcore's class in the MRO)."""

    _type_name: ClassVar[str]
    _prelim: Any

    @property
    def type_name(self) -> str:
        """``"text"``, ``"array"`` or ``"map"``: pycrdt's name for this kind of shared type."""
        return self._type_name

    @property
    def prelim(self) -> Any:
        """The content held until the type joins a document (None once integrated)."""
        return self._prelim
