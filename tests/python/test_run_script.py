"""./run's venv set-up decisions, from the functions of the real script (sourced, not run).

``venv_plan`` decides from the venv stamp (install key, extras installed) whether a command
may start at once, must add an extra's requirements (./run test after ./run demo) or must
reinstall the package; ``extra_requirements`` lists an extra's requirements from the real
pyproject.toml, with crdtcore's references to its own extras expanded.
"""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_function(*words: str) -> subprocess.CompletedProcess[str]:
    """Sources ./run in bash and calls one of its functions with ``words``."""
    script = 'source ./run && PY="$1" && shift && "$@"'
    return subprocess.run(
        ["bash", "-c", script, "run", sys.executable, *words],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def plan(stamp: Path, key: str, built: str, *extras: str) -> str:
    result = run_function("venv_plan", str(stamp), key, built, *extras)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_sourcing_runs_no_command() -> None:
    result = run_function("true")
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""


def test_a_new_venv_installs_the_package_with_the_extras_needed(tmp_path: Path) -> None:
    assert plan(tmp_path / "missing", "k1", "no", "demo") == "reinstall demo"


def test_test_after_demo_adds_only_the_test_extra(tmp_path: Path) -> None:
    stamp = tmp_path / "stamp"
    stamp.write_text("k1\ndemo\n")
    assert plan(stamp, "k1", "yes", "test") == "add test"
    assert plan(stamp, "k1", "yes", "test", "bench") == "add test bench"


def test_installed_extras_need_nothing(tmp_path: Path) -> None:
    stamp = tmp_path / "stamp"
    stamp.write_text("k1\ndemo test\n")
    assert plan(stamp, "k1", "yes", "test") == "ok"
    assert plan(stamp, "k1", "yes", "demo") == "ok"


def test_a_new_key_reinstalls_with_every_recorded_extra(tmp_path: Path) -> None:
    stamp = tmp_path / "stamp"
    stamp.write_text("k1\ndemo\n")
    assert plan(stamp, "k2", "yes", "test") == "reinstall demo test"
    assert plan(stamp, "k1", "no", "demo") == "reinstall demo"  # build/py is gone


def test_a_stamp_from_before_extras_were_recorded_adds_them(tmp_path: Path) -> None:
    stamp = tmp_path / "stamp"
    stamp.write_text("k1\n")
    assert plan(stamp, "k1", "yes", "test") == "add test"


def requirements(*extras: str) -> list[str]:
    result = run_function("extra_requirements", *extras)
    assert result.returncode == 0, result.stderr
    return result.stdout.split("\n")[:-1]


def test_the_demo_extra_is_light() -> None:
    demo = requirements("demo")
    assert "matplotlib" in demo
    heavy = ("pytest", "hypothesis", "nbclient", "ipykernel", "pycrdt", "ruff", "mypy")
    assert not [r for r in demo if r.startswith(heavy)], demo


def test_the_test_extra_brings_the_notebook_extra_expanded() -> None:
    test = requirements("test")
    notebook = requirements("notebook")
    assert {"nbclient", "nbformat", "nbconvert", "ipykernel", "matplotlib"} <= set(notebook)
    assert set(notebook) <= set(test)
    assert not [r for r in test if r.startswith("crdtcore")], test
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "crdtcore[notebook]" in extras["optional-dependencies"]["test"]


def test_an_unknown_extra_is_an_error() -> None:
    result = run_function("extra_requirements", "nosuch")
    assert result.returncode != 0 and "no extra 'nosuch'" in result.stderr


@pytest.mark.parametrize("words", [["a"], ["b", "a", "b"], []])
def test_sorted_words(words: list[str]) -> None:
    result = run_function("sorted_words", *words)
    assert result.stdout.strip() == " ".join(sorted(set(words)))
