#!/usr/bin/env python3
"""Checks the import structure of the crdtcore Python package (pure stdlib: ``ast``).

Usage: ``python tests/lint/check_python_layers.py [PACKAGE_DIR]`` (default
python/crdtcore); prints one line per violation and exits 1 when there is any.
tests/python/test_layers.py runs it as part of the pytest suite.

Packages: every directory under crdtcore/ is a package (``crdtcore.sync``, ...); the
top-level modules (``crdtcore/*.py``: ``_doc``, ``_update``, ``errors``, ...) form the
package ``crdtcore`` itself, the core library. Two rules, for every import statement
(also inside functions, ``if TYPE_CHECKING:`` blocks and doctest examples):

1. **No private names of another package.** A module may import another package only
   through its public names: no module or attribute starting with ``_`` (``crdtcore._doc``,
   ``crdtcore._core``, ``crdtcore.sync._wire``, ``from crdtcore.model._ops import x``,
   ``from crdtcore import _core``). Inside one package, private modules import each other
   freely.
2. **Layers.** A package imports only packages of its own layer or below::

       0  crdtcore (the core library: crdtcore/*.py)
       1  crdtcore.sync, crdtcore.store, crdtcore.model
       2  crdtcore.sim, crdtcore.asyncio
       3  crdtcore.testing, crdtcore.pycrdt (pycrdt's API over the core, sync and asyncio)
       4  crdtcore.__main__ (the ``python -m crdtcore`` front end: a core module on top),
          crdtcore.cli (its inspection and maintenance commands)

   A new package must be given a layer in ``LAYERS``.

``ALLOWED`` lists the deliberate exceptions, each with its reason (an entry covers the
names inside the one it names).
"""

from __future__ import annotations

import ast
import doctest
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = "crdtcore"
LAYERS: dict[str, int] = {
    "crdtcore": 0,
    "crdtcore.sync": 1,
    "crdtcore.store": 1,
    "crdtcore.model": 1,
    "crdtcore.sim": 2,
    "crdtcore.asyncio": 2,
    "crdtcore.testing": 3,
    "crdtcore.pycrdt": 3,
    "crdtcore.cli": 4,
}
# Modules whose layer is not their package's.
MODULE_LAYERS: dict[str, int] = {"crdtcore.__main__": 4}

# (importing module, imported name or a prefix of it) -> why it is allowed.
ALLOWED: dict[tuple[str, str], str] = {
    # The public facade re-exports the y-protocols helpers under pycrdt's names
    # (crdtcore.SyncProtocol, ...). crdtcore.sync needs crdtcore's own names at import
    # time, and gets them because crdtcore/__init__.py binds them before importing .sync.
    ("crdtcore", "crdtcore.sync"): "facade re-export",
    # The command line's `serve` comes from crdtcore.asyncio, which has no public name
    # for it yet (sim has its public `cli` module).
    ("crdtcore.__main__", "crdtcore.asyncio._cli"): "CLI front end",
}


@dataclass(frozen=True)
class Violation:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def module_name(path: Path, package_dir: Path) -> tuple[str, bool]:
    """The dotted name of the module at ``path`` and whether it is a package's __init__."""
    parts = [ROOT, *path.relative_to(package_dir).with_suffix("").parts]
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def package_of(name: str, subpackages: set[str]) -> str:
    """The package a dotted crdtcore name belongs to (``crdtcore`` for top-level modules)."""
    parts = name.split(".")
    if len(parts) > 1 and parts[1] in subpackages:
        return f"{ROOT}.{parts[1]}"
    return ROOT


def _is_private(component: str) -> bool:
    return component.startswith("_") and not (
        component.startswith("__") and component.endswith("__")
    )


def imported_names(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """Every crdtcore name an import statement of ``tree`` refers to, as ``(line, name)``;
    ``from a import b`` gives ``a.b`` (``b`` may be a module or an attribute)."""
    here = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                yield node.lineno, target if alias.name == "*" else f"{target}.{alias.name}"


def _doctest_trees(tree: ast.AST) -> Iterator[tuple[int, ast.AST]]:
    """The examples of every docstring in ``tree``, parsed, with the docstring's line."""
    parser = doctest.DocTestParser()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        doc = ast.get_docstring(node, clean=False)
        if not doc or ">>>" not in doc:
            continue
        line = node.body[0].lineno if node.body else 1
        for example in parser.get_examples(doc):
            try:
                yield line + example.lineno, ast.parse(example.source)
            except SyntaxError:
                continue


def check_file(path: Path, package_dir: Path, subpackages: set[str]) -> list[Violation]:
    """The violations of one module."""
    module, is_package = module_name(path, package_dir)
    mine = package_of(module, subpackages)
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    sources = [(0, tree), *_doctest_trees(tree)]
    for offset, subtree in sources:
        for line, name in imported_names(subtree, module, is_package):
            if name != ROOT and not name.startswith(ROOT + "."):
                continue
            where = line if subtree is tree else offset
            for problem in _problems(module, mine, name, subpackages):
                found.append(Violation(path, where, problem))
    return found


def _allowed(module: str, name: str) -> int:
    """How many components of ``name`` an ``ALLOWED`` entry covers (0: none)."""
    parts = name.split(".")
    for n in range(len(parts), 0, -1):
        if (module, ".".join(parts[:n])) in ALLOWED:
            return n
    return 0


def _problems(module: str, mine: str, name: str, subpackages: set[str]) -> Iterator[str]:
    theirs = package_of(name, subpackages)
    if theirs == mine:
        return
    covered = _allowed(module, name)  # an allowed import may still not reach deeper
    private = [part for part in name.split(".")[max(1, covered) :] if _is_private(part)]
    if private:
        yield f"{module} imports {name}: {private[0]!r} is private to {theirs}"
    if covered:
        return
    if theirs not in LAYERS or mine not in LAYERS:
        missing = theirs if theirs not in LAYERS else mine
        yield f"{missing} has no layer (add it to LAYERS in {Path(__file__).name})"
        return
    layer = MODULE_LAYERS.get(module, LAYERS[mine])
    if LAYERS[theirs] > layer:
        yield (
            f"{module} imports {name}: {module if module in MODULE_LAYERS else mine} "
            f"(layer {layer}) must not depend on {theirs} (layer {LAYERS[theirs]})"
        )


def check(package_dir: Path) -> list[Violation]:
    """Every violation in the package rooted at ``package_dir`` (a ``crdtcore`` directory)."""
    subpackages = {p.name for p in package_dir.iterdir() if (p / "__init__.py").is_file()}
    found = []
    for path in sorted(package_dir.rglob("*.py")):
        if "__pycache__" not in path.parts:
            found.extend(check_file(path, package_dir, subpackages))
    return found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    default = Path(__file__).resolve().parents[2] / "python" / ROOT
    package_dir = Path(args[0]) if args else default
    violations = check(package_dir)
    for violation in violations:
        print(violation)
    if violations:
        print(f"{len(violations)} import(s) break the layering (see {Path(__file__).name})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
