"""The commands as a user runs them: ``python -m crdtcore ...`` in a subprocess (stdin,
binary stdout through a pipe, exit statuses), and their ``--help``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crdtcore import Doc, Text
from crdtcore.store import SqliteStore


def crdtcore(*args: str, stdin: bytes = b"", cwd=None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "crdtcore", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_dump_piped_into_inspect(tmp_path):
    with SqliteStore(tmp_path / "s.sqlite") as store:
        store.append("notes", Doc({"t": Text("hello")}, client_id=3).get_update())
        store.append("notes", Doc({"u": Text("!")}, client_id=4).get_update())
    dumped = crdtcore("dump", "--store", "s.sqlite", "--update", "notes", cwd=tmp_path)
    assert dumped.returncode == 0, dumped.stderr
    inspected = crdtcore("inspect", "--json", "-", stdin=dumped.stdout)
    assert inspected.returncode == 0, inspected.stderr
    report = json.loads(inspected.stdout)
    assert report["document"] == {"t": "hello", "u": "!"}
    assert [c["client"] for c in report["clients"]] == [4, 3]


def test_bad_input_exits_1_without_a_traceback():
    cut = Doc({"t": Text("hello")}).get_update()[:-3]
    result = crdtcore("inspect", "-", stdin=cut)
    assert result.returncode == 1 and result.stdout == b""
    err = result.stderr.decode()
    assert err.startswith("crdtcore inspect: error: - is neither a Yjs v1 update (malformed")
    assert "Traceback" not in err


def test_bad_command_line_exits_2():
    result = crdtcore("dump", "room-without-store")
    assert result.returncode == 2
    assert b"the following arguments are required: --store" in result.stderr


@pytest.mark.parametrize("command", ["inspect", "dump", "compact", "migrate"])
def test_help_reads_as_plain_text(capsys, command):
    from crdtcore.__main__ import main

    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    assert re.match(rf"usage: (python -m )?crdtcore {command} ", text)
    assert "examples:\n  crdtcore " in text
    for markup in ("``", ":class:", ":func:", ".. "):
        assert markup not in text


@pytest.mark.parametrize(
    "module",
    [
        "crdtcore.cli._io",
        "crdtcore.cli._document",
        "crdtcore.cli._stores",
        "crdtcore.cli._varint",
        "crdtcore.cli.inspect",
    ],
)
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0 and result.attempted > 0


def test_usage_names_the_console_script_when_run_as_it():
    script = Path(sys.executable).with_name("crdtcore")
    assert script.exists(), "the editable install provides the console script"
    as_script = subprocess.run(
        [str(script), "inspect", "--help"], capture_output=True, timeout=120, check=True
    )
    assert as_script.stdout.decode().startswith("usage: crdtcore inspect ")
    as_module = crdtcore("inspect", "--help")
    assert as_module.stdout.decode().startswith("usage: python -m crdtcore inspect ")
