"""The import structure of python/crdtcore (tests/lint/check_python_layers.py): no package
imports another's private names, and no layer imports a higher one."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import crdtcore

CHECKER = Path(__file__).resolve().parents[1] / "lint" / "check_python_layers.py"


def load_checker():
    spec = importlib.util.spec_from_file_location("check_python_layers", CHECKER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_crdtcore_respects_its_layers():
    checker = load_checker()
    violations = checker.check(Path(crdtcore.__file__).parent)
    assert not violations, "\n".join(map(str, violations))


def test_checker_runs_as_a_script():
    done = subprocess.run(
        [sys.executable, str(CHECKER), str(Path(crdtcore.__file__).parent)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def write(root: Path, files: dict[str, str]) -> Path:
    package = root / "crdtcore"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return package


def test_checker_finds_private_imports_and_upward_layers(tmp_path: Path):
    checker = load_checker()
    package = write(
        tmp_path,
        {
            "__init__.py": "from ._doc import Doc as Doc\n",
            "_doc.py": "class Doc: ...\n",
            "__main__.py": "from . import _doc\nfrom .sim import run\nfrom .asyncio import _cli\n",
            "model/__init__.py": "from ._ops import walk\n",
            "model/_ops.py": "from .. import Doc\nfrom .._doc import Doc as D\n",
            "sim/__init__.py": (
                "from typing import TYPE_CHECKING\n"
                "from ..model import walk\n"
                "if TYPE_CHECKING:\n    from ..model._ops import walk\n"
                "def f():\n    from crdtcore.testing import x\n"
            ),
            "asyncio/__init__.py": "",
            "asyncio/_cli.py": "",
            "testing/__init__.py": (
                '"""Example:\n    >>> from crdtcore.sim._peer import x\n"""\n'
                "from ..sim import run\nfrom ..model import walk\n"
            ),
            "extra/__init__.py": "from .. import Doc\n",
        },
    )
    found = sorted(
        (str(v.path.relative_to(package)), v.line, v.message) for v in checker.check(package)
    )
    assert [(path, line) for path, line, _ in found] == [
        ("extra/__init__.py", 1),  # a package with no layer
        ("model/_ops.py", 2),  # crdtcore._doc is private to the core
        ("sim/__init__.py", 4),  # crdtcore.model._ops, even for type checking
        ("sim/__init__.py", 6),  # sim (layer 2) must not import testing (layer 3)
        ("testing/__init__.py", 2),  # a doctest example counts too
    ], found
    messages = dict(((path, line), message) for path, line, message in found)
    assert "'_doc' is private to crdtcore" in messages["model/_ops.py", 2]
    assert "must not depend on crdtcore.testing" in messages["sim/__init__.py", 6]
    assert "crdtcore.extra has no layer" in messages["extra/__init__.py", 1]


def test_allowed_imports_do_not_reach_deeper(tmp_path: Path):
    checker = load_checker()
    package = write(
        tmp_path,
        {
            "__init__.py": "from .sync import Protocol\nfrom .sync._wire import Reader\n",
            "sync/__init__.py": "Protocol = object\n",
            "sync/_wire.py": "Reader = object\n",
        },
    )
    found = [(v.line, v.message) for v in checker.check(package)]
    assert len(found) == 1 and found[0][0] == 2 and "'_wire' is private" in found[0][1]
