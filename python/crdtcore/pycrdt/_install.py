"""``install()``: make ``import pycrdt`` resolve to crdtcore.pycrdt in this process.

After ``install()``:

* ``sys.modules["pycrdt"]`` is ``crdtcore.pycrdt``, so ``import pycrdt`` and
  ``from pycrdt import Doc`` give crdtcore's classes, whether or not pycrdt is installed;
* ``pycrdt._doc``, ``pycrdt._text``, ... (pycrdt's private module names) resolve to the
  modules of the same name here; a private pycrdt module crdtcore.pycrdt does not have
  (``pycrdt._pycrdt``, the Rust extension) raises ``ModuleNotFoundError``;
* other ``pycrdt.<name>`` packages, the ones that extend pycrdt's namespace package
  (``pycrdt.websocket`` from pycrdt-websocket, ``pycrdt.store`` from pycrdt-store), are
  imported from the installed distributions and run on crdtcore.pycrdt.

It must run before anything imports the real pycrdt (``RuntimeError`` otherwise), and
it cannot be undone: use it at the start of a program, or in a subprocess in tests.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

NAME = "pycrdt"
_PACKAGE = __name__.rpartition(".")[0]  # "crdtcore.pycrdt"


def install() -> None:
    """Makes ``import pycrdt`` (and ``pycrdt.websocket``, ``pycrdt.store``) use crdtcore.pycrdt.

    Calling it again is harmless.

    Raises:
        RuntimeError: The real pycrdt was imported before.

    Example:
        >>> import subprocess, sys
        >>> code = "import crdtcore.pycrdt; crdtcore.pycrdt.install(); import pycrdt; print(pycrdt.__name__)"
        >>> subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
        'crdtcore.pycrdt\\n'
    """
    package = importlib.import_module(_PACKAGE)
    current = sys.modules.get(NAME)
    if current is package:
        return
    loaded = sorted(name for name in sys.modules if name == NAME or name.startswith(NAME + "."))
    if loaded:
        raise RuntimeError(
            f"crdtcore.pycrdt.install() must run before pycrdt is imported; already imported: "
            f"{', '.join(loaded)}"
        )
    sys.meta_path.insert(0, _Finder(package))
    sys.modules[NAME] = package


class _Finder(importlib.abc.MetaPathFinder):
    """Finds ``pycrdt.<name>`` modules once ``pycrdt`` is crdtcore.pycrdt (see the module doc)."""

    def __init__(self, package: ModuleType) -> None:
        self._package = package
        self._own_dir = os.path.dirname(os.path.abspath(package.__file__ or ""))

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        head, _, sub = fullname.partition(".")
        if head != NAME or not sub or "." in sub:
            return None  # deeper names resolve through their parent package's __path__
        if sub.startswith("_"):
            own = f"{_PACKAGE}.{sub}"
            if importlib.util.find_spec(own) is None:
                raise ModuleNotFoundError(
                    f"crdtcore.pycrdt has no module {sub!r} (pycrdt's {fullname} is not emulated)",
                    name=fullname,
                )
            return importlib.machinery.ModuleSpec(fullname, _Alias(own))
        return importlib.machinery.PathFinder.find_spec(fullname, self._namespace_dirs())

    def _namespace_dirs(self) -> list[str]:
        # Every "pycrdt" directory on sys.path: where pycrdt-websocket and pycrdt-store put
        # their subpackages. The real pycrdt's own modules are private, so never found here.
        dirs = []
        for entry in sys.path:
            candidate = os.path.join(entry or os.getcwd(), NAME)
            if os.path.isdir(candidate) and os.path.abspath(candidate) != self._own_dir:
                dirs.append(candidate)
        return dirs


class _Alias(importlib.abc.Loader):
    """Loads ``pycrdt._x`` as the already importable ``crdtcore.pycrdt._x``."""

    def __init__(self, target: str) -> None:
        self._target = target
        self._spec: Any = None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Any:
        module = importlib.import_module(self._target)
        self._spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # Nothing to run: the module was executed under its own name. The import system
        # has just set its __spec__ to the alias's; give it back its own.
        module.__spec__ = self._spec
