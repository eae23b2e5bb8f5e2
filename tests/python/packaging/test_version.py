"""crdtcore's version has one source, pyproject.toml; every place that shows it agrees."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import crdtcore
from crdtcore import _core
from crdtcore.__main__ import main

REPO = Path(__file__).resolve().parents[3]


def pyproject_version() -> str:
    with (REPO / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def test_the_version_is_pyprojects_everywhere():
    version = pyproject_version()
    assert crdtcore.__version__ == _core.__version__ == version
    assert importlib.metadata.version("crdtcore") == version


def test_the_cmake_package_reads_the_same_version():
    # CMakeLists.txt parses the `version = "X.Y.Z"` line; a reformatted line would break it.
    lines = (REPO / "pyproject.toml").read_text(encoding="utf-8").splitlines()
    assert f'version = "{pyproject_version()}"' in lines


def test_version_flag(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"crdtcore {pyproject_version()}\n"


def test_the_console_script_and_the_module_print_it():
    script = Path(sys.executable).parent / "crdtcore"
    assert script.is_file(), "pyproject.toml's [project.scripts] crdtcore is not installed"
    for argv in ([str(script), "--version"], [sys.executable, "-m", "crdtcore", "--version"]):
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=True)
        assert done.stdout == f"crdtcore {pyproject_version()}\n"


def test_the_console_script_runs_a_command():
    script = Path(sys.executable).parent / "crdtcore"
    done = subprocess.run(
        [str(script), "demo"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "converged" in done.stdout
