"""Fixtures of the command-line tests: run a command in-process and capture what it says.

``cli(*argv)`` calls ``crdtcore.__main__.main(argv)`` (the code path of both ``crdtcore``
and ``python -m crdtcore``) and returns a ``Result`` with the exit status and the text of
stdout and stderr; ``sample_doc()`` makes a small document of every type, ``sample_json`` is its JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from crdtcore import Array, Doc, Map, Text
from crdtcore.__main__ import main


@dataclass
class Result:
    status: int
    out: str
    err: str


Cli = Callable[..., Result]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Cli:
    """Runs ``main([...])`` in the test's directory; returns status, stdout and stderr."""
    monkeypatch.chdir(tmp_path)

    def run(*argv: str) -> Result:
        capsys.readouterr()
        status = main(list(argv))
        captured = capsys.readouterr()
        return Result(status, captured.out, captured.err)

    return run


def _sample_doc() -> Doc:
    """A document with a text, an array (holding a map and bytes) and a map (holding an
    array), written by client 7."""
    doc = Doc(client_id=7)
    doc["notes"] = Text("hello")
    doc["todo"] = Array([1, {"done": False}, b"\x00\x01"])
    doc["meta"] = Map({"title": "demo", "n": Array([1.5])})
    return doc


@pytest.fixture
def sample_doc() -> Callable[[], Doc]:
    """Makes a document with a text, an array (holding a map and bytes) and a map
    (holding an array), written by client 7."""
    return _sample_doc


@pytest.fixture
def sample_json() -> dict[str, object]:
    """The JSON ``dump``/``inspect`` give for ``sample_doc()``."""
    return {
        "meta": {"n": [1.5], "title": "demo"},
        "notes": "hello",
        "todo": [1, {"done": False}, {"$bytes": "AAE="}],
    }
