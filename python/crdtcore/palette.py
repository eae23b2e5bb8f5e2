"""One colour per library and per series, shared by every figure crdtcore draws.

The simulator's convergence plot (``python -m crdtcore simulate --plot``, ``./run demo``), the
notebooks and the benchmark figures (``bench/harness/plots.py``) take their colours from here,
so a series keeps its colour from one figure to the next: Yjs is the same red in every
benchmark figure, "fraction agreeing" the same green in the demo plot and in notebook 02, the
mesh topology the same teal in every panel.

- ``LIBRARIES``: the libraries of the benchmarks, by their results-file name. One hue per
  project; its Python binding is a lighter or darker shade of it (crdtcore C++ dark blue,
  crdtcore Python light blue).
- ``SERIES``: everything else: topologies, the simulator's measures and events, the editing
  notebook's cursors.

Colours are hex strings that matplotlib and HTML accept. Only the standard library is used
here, so importing this module needs no matplotlib.

Example:
    >>> from crdtcore.palette import colour
    >>> colour("yjs"), colour("agreeing")
    ('#d62728', '#1a9850')
    >>> colour("no such series")
    Traceback (most recent call last):
    ...
    ValueError: no colour for 'no such series'; known names: agreeing, automerge, ...
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["LIBRARIES", "OTHER", "SERIES", "colour"]

LIBRARIES: Mapping[str, str] = MappingProxyType(
    {
        "crdtcore-cpp": "#08306b",
        "crdtcore-py": "#4292c6",
        "pycrdt": "#ff7f0e",
        "yjs": "#d62728",
        "yjs-cjs": "#f4a582",
        "ywasm": "#e377c2",
        "loro-py": "#9467bd",
        "loro": "#c5b0d5",
        "automerge-py": "#2ca02c",
        "automerge": "#98df8a",
        "json-joy": "#8c564b",
        "diamond-types": "#7f7f7f",
    }
)

SERIES: Mapping[str, str] = MappingProxyType(
    {
        # topologies of crdtcore.sim
        "mesh": "#1b9e77",
        "star": "#d95f02",
        "gossip": "#7570b3",
        # a simulation run over time (Report.samples and Report.actions)
        "distinct states": "#5e3c99",
        "agreeing": "#1a9850",
        "converged": "#d7191c",
        "partition": "#fdae61",
        "fault": "#636363",
        "messages": "#2c7bb6",
        # cursors under remote edits (notebook 04)
        "integer index": "#e08214",
        "sticky index": "#2166ac",
    }
)

# For a name that is in neither table (bench/harness draws unknown libraries with it).
OTHER = "#bcbd22"


def colour(name: str) -> str:
    """The colour of a library or a series.

    Args:
        name: A key of ``LIBRARIES`` or of ``SERIES``.

    Returns:
        A ``#rrggbb`` string.

    Raises:
        ValueError: ``name`` has no colour; the message lists the names that do.
    """
    found = LIBRARIES.get(name) or SERIES.get(name)
    if found is None:
        known = ", ".join(sorted({*LIBRARIES, *SERIES}))
        raise ValueError(f"no colour for {name!r}; known names: {known}")
    return found
