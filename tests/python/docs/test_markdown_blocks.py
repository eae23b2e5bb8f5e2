"""markdown_blocks.read_blocks: how test_code_blocks.py reads a page."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_blocks import read_blocks


def _page(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_output_attaches_to_the_python_block_before_it(tmp_path: Path) -> None:
    page = _page(
        tmp_path,
        "Intro.\n\n```python\nprint(1)\n```\n\n```text\n1\n```\n\n"
        "Prose.\n\n```text\na diagram\n```\n",
    )
    python, diagram = read_blocks(page)
    assert (python.lang, python.line, python.code, python.output) == (
        "python",
        3,
        "print(1)\n",
        "1\n",
    )
    assert (diagram.lang, diagram.code, diagram.output) == ("text", "a diagram\n", None)


def test_directives(tmp_path: Path) -> None:
    page = _page(
        tmp_path,
        "<!-- docs-test: skip needs a GPU -->\n```python\nx\n```\n"
        "<!-- docs-test: serve -->\n```sh\npython -m crdtcore serve --port 1\n```\n",
    )
    skipped, served = read_blocks(page)
    assert (skipped.directive, skipped.reason) == ("skip", "needs a GPU")
    assert (served.directive, served.lang) == ("serve", "sh")


def test_snippets_are_expanded(tmp_path: Path) -> None:
    page = _page(tmp_path, '```cpp\n--8<-- "tests/cmake_consumer/main.cpp"\n```\n')
    (block,) = read_blocks(page)
    assert "int main()" in block.code and block.raw.startswith("--8<--")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("```\ncode\n```\n", "without a language"),
        ("```python\ncode\n", "not closed"),
        ("<!-- docs-test: skip -->\n```python\nx\n```\n", "needs a reason"),
        ("<!-- docs-test: later -->\n```python\nx\n```\n", "unknown docs-test directive"),
        ("<!-- docs-test: serve -->\nprose\n```sh\nx\n```\n", "must precede a fence"),
        ('```cpp\n--8<-- "no/such/file.cpp"\n```\n', "no such file"),
    ],
)
def test_bad_pages_are_refused(tmp_path: Path, text: str, error: str) -> None:
    with pytest.raises((ValueError, FileNotFoundError), match=error):
        read_blocks(_page(tmp_path, text))
