"""Griffe extension: crdtcore's docstrings title their doctests ``Example:`` (the Google style
guide's spelling); griffe's Google parser knows only ``Examples:`` as an examples section and
would render ``Example:`` as an admonition of plain Markdown (``>>>`` lines as quotes, ``[0]``
as links). This reads the one as the other, so the API reference shows them as code.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_EXAMPLE_TITLE = re.compile(r"^(\s*)Example:\s*$", re.MULTILINE)


class ExampleSections(griffe.Extension):
    """Renames ``Example:`` section titles to ``Examples:`` in every docstring griffe loads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Rewrites ``obj``'s docstring before it is parsed (mkdocstrings parses it later)."""
        if obj.docstring is not None:
            obj.docstring.value = _EXAMPLE_TITLE.sub(r"\1Examples:", obj.docstring.value)
