"""The docs build's hooks (docs/_hooks/): the offline check and the Example-section reader.

``./run test`` builds the site (its docs stage) before pytest runs, so mkdocs and griffe are
installed (the ``docs`` extra); elsewhere these tests are skipped.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

HOOKS = Path(__file__).resolve().parents[3] / "docs" / "_hooks"
pytest.importorskip("mkdocs", reason="the docs extra is not installed")
griffe = pytest.importorskip("griffe", reason="the docs extra is not installed")


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"docs_hooks_{name}", HOOKS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_offline_check_finds_what_a_page_would_fetch(tmp_path: Path) -> None:
    offline = _load("offline")
    (tmp_path / "sub").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="https://example.org/">a link is fine</a>'
        '<script src="assets/local.js"></script>'
        '<script src="https://cdn.example.org/lib.js"></script>'
        '<link rel="stylesheet" href="//fonts.example.org/css">'
        '<link rel="canonical" href="https://example.org/index.html">',
        encoding="utf-8",
    )
    (tmp_path / "sub" / "page.css").write_text(
        "a { background: url('img/local.png') }\n"
        "@import 'https://fonts.example.org/font.css';\n"
        "b { background: url(https://example.org/x.png) }\n",
        encoding="utf-8",
    )
    assert offline.remote_loads(tmp_path) == [
        "index.html: https://cdn.example.org/lib.js",
        "index.html: //fonts.example.org/css",
        "sub/page.css: https://fonts.example.org/font.css",
        "sub/page.css: https://example.org/x.png",
    ]


def test_offline_check_passes_a_local_site(tmp_path: Path) -> None:
    offline = _load("offline")
    (tmp_path / "index.html").write_text('<img src="figure.png">', encoding="utf-8")
    assert offline.remote_loads(tmp_path) == []


def test_example_sections_become_examples(tmp_path: Path) -> None:
    extension = _load("griffe_examples")
    package = tmp_path / "pkg_with_examples"
    package.mkdir()
    (package / "__init__.py").write_text(
        'def f():\n    """Summary.\n\n    Example:\n        >>> [1][0]\n        1\n    """\n',
        encoding="utf-8",
    )
    plain = griffe.load("pkg_with_examples", search_paths=[tmp_path])
    loaded = griffe.load(
        "pkg_with_examples",
        search_paths=[tmp_path],
        extensions=griffe.load_extensions(extension.ExampleSections()),
    )
    assert [s.kind.value for s in plain["f"].docstring.parse("google")] == ["text", "admonition"]
    sections = loaded["f"].docstring.parse("google")
    assert [s.kind.value for s in sections] == ["text", "examples"]
    assert sections[1].value == [(griffe.DocstringSectionKind.examples, ">>> [1][0]\n1")]
