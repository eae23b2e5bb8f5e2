"""crdtcore.palette: one colour per library and per series, valid, distinct, read-only."""

import doctest
import importlib
import re

import pytest

from crdtcore import palette
from crdtcore.palette import LIBRARIES, OTHER, SERIES, colour


@pytest.mark.parametrize("table", [LIBRARIES, SERIES], ids=["libraries", "series"])
def test_colours_are_hex_and_distinct_within_a_table(table):
    assert all(re.fullmatch(r"#[0-9a-f]{6}", value) for value in table.values())
    assert len(set(table.values())) == len(table), "two names share a colour"
    assert OTHER not in table.values()


def test_a_name_is_in_one_table_only():
    assert not set(LIBRARIES) & set(SERIES)


def test_colour_looks_up_both_tables():
    assert colour("yjs") == LIBRARIES["yjs"]
    assert colour("mesh") == SERIES["mesh"]


def test_unknown_name_is_a_clear_error():
    with pytest.raises(ValueError, match=r"no colour for 'mesh '; known names: .*agreeing"):
        colour("mesh ")


def test_tables_are_read_only():
    with pytest.raises(TypeError):
        LIBRARIES["yjs"] = "#000000"  # type: ignore[index]


def test_matplotlib_accepts_every_colour():
    colors = pytest.importorskip("matplotlib.colors")
    assert all(colors.is_color_like(value) for value in [*LIBRARIES.values(), *SERIES.values()])


@pytest.mark.parametrize("module", ["crdtcore.palette", "crdtcore.sim.plot"])
def test_doctests(module):
    if module == "crdtcore.sim.plot":
        pytest.importorskip("matplotlib")
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_module_names_its_public_api():
    assert set(palette.__all__) == {"LIBRARIES", "OTHER", "SERIES", "colour"}
