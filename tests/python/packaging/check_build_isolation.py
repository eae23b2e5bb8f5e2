"""``pip install <repo>`` into another venv must leave the developer's environment working.

Run by ``./run package`` (a stage of ``./run test``)::

    .venv/bin/python tests/python/packaging/check_build_isolation.py \\
        --repo . --dev-python .venv/bin/python --venv build/dist/venv-repo

It (re)creates ``--venv``, installs the repository into it (not editable), then checks that

* the new venv imports crdtcore from its own site-packages, not from the checkout;
* the editable build directory ``build/py`` is byte for byte untouched: the install
  configured and built in a directory of its own (pyproject.toml sets no build-dir for
  non-editable builds); before, it reconfigured ``build/py`` for the other venv's tools, and
  ``.venv``'s ``import crdtcore`` failed afterwards;
* ``--dev-python`` (the developer's ``.venv``) still imports crdtcore, rebuilding nothing.

The install runs with ``--no-build-isolation`` from the new venv, which gets the repository's
``build-system.requires`` first: the build then uses pybind11 at a fixed path, so ccache can
serve the compile from one run to the next (a temporary isolated build environment would
change the paths every time). The build directory question does not depend on isolation:
both kinds of install used the fixed ``build/py`` before. Exits non-zero with a message on
any failure.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

# The files of build/py whose change means it was reconfigured or rebuilt for another env.
WATCHED = ("CMakeCache.txt", "build.ninja")


def fail(message: str) -> None:
    """Stops the check with ``message``."""
    raise SystemExit(f"build isolation check FAILED: {message}")


def fingerprint(build_dir: Path) -> dict[str, str]:
    """SHA-256 and mtime of the watched files of ``build_dir``, and of its module."""
    files = [build_dir / name for name in WATCHED]
    files += sorted(build_dir.glob("install/**/_core*.so"))
    out = {}
    for path in files:
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            out[str(path.relative_to(build_dir))] = f"{digest} {path.stat().st_mtime_ns}"
    return out


def run(argv: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Runs ``argv`` (in ``cwd``); stops the check with its output when it fails."""
    done = subprocess.run(argv, capture_output=True, text=True, check=False, cwd=cwd)
    if done.returncode != 0:
        fail(f"{' '.join(argv)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, required=True, help="the crdtcore checkout")
    parser.add_argument("--dev-python", required=True, help="python of the editable dev venv")
    parser.add_argument("--venv", type=Path, required=True, help="the venv to (re)create")
    args = parser.parse_args()
    repo = args.repo.resolve()
    target = args.venv.resolve()  # the commands below run in other directories
    build_dir = repo / "build" / "py"
    if not (build_dir / "CMakeCache.txt").is_file():
        fail(f"{build_dir} is not configured: run ./run first (the dev venv's editable build)")
    before = fingerprint(build_dir)

    venv.EnvBuilder(clear=True, with_pip=True).create(target)
    python = str(target / "bin" / "python")
    pyproject = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
    requires = pyproject["build-system"]["requires"]
    run([python, "-m", "pip", "install", "-q", *requires])
    run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", str(repo)])

    where = run([python, "-c", "import crdtcore; print(crdtcore.__file__)"], cwd=target)
    installed = Path(where.stdout.strip()).resolve()
    if not installed.is_relative_to(target):
        fail(f"the new venv imports crdtcore from {installed}, not from its site-packages")

    after = fingerprint(build_dir)
    if after != before:
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        fail(f"the install changed {build_dir}: {', '.join(changed)}")

    check = "import crdtcore; print(crdtcore.__file__, crdtcore.__version__)"
    dev = run([args.dev_python, "-c", check], cwd=repo)
    if fingerprint(build_dir) != before:
        fail(f".venv's import rebuilt {build_dir}: the install must have touched its inputs")
    print(f"new venv: {installed}; .venv still imports: {dev.stdout.strip()}; build/py untouched")
    return 0


if __name__ == "__main__":
    sys.exit(main())
