"""Smoke test of an installed (non-editable) crdtcore, run by ``./run package``.

Run it with the Python of a fresh venv that holds the repaired wheel, from a directory
outside the repository (the stage does both), so nothing can come from the source tree::

    cd "$(mktemp -d)" && VENV/bin/python REPO/tests/python/packaging/smoke_installed.py --repo REPO

Each check raises ``SystemExit`` with a message when it fails (no ``assert``: it must fail
under ``python -O`` too); the last line printed is ``smoke test passed``. Only the standard
library and crdtcore are imported: the venv has nothing else.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import subprocess
import sys
import tomllib
from pathlib import Path

DATA_FILES = (
    "py.typed",
    "_core.pyi",
    "sim/concurrent_traces/README.md",
    "sim/concurrent_traces/clownschool.json.gz",
    "sim/concurrent_traces/friendsforever.json.gz",
)
LICENSE_FILES = ("LICENSE", "README.md")  # the traces' attribution README, from license-files


def check(ok: object, message: str) -> None:
    """Fails the smoke test with ``message`` unless ``ok`` is true."""
    if not ok:
        raise SystemExit(f"smoke test FAILED: {message}")


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    """Runs a command of the venv and returns it; fails the test on a non-zero exit."""
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
    check(
        done.returncode == 0,
        f"{' '.join(argv)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}",
    )
    return done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, required=True, help="the crdtcore checkout")
    repo = parser.parse_args().repo.resolve()
    cwd = Path.cwd().resolve()
    check(not cwd.is_relative_to(repo), f"run from outside the repository, not from {cwd}")

    import crdtcore
    from crdtcore import Array, Doc, Map, Text, merge_updates

    package = Path(crdtcore.__file__).resolve().parent
    source = repo / "python"
    check(not package.is_relative_to(source), f"crdtcore imported from the source tree: {package}")
    check(package.is_relative_to(Path(sys.prefix).resolve()), f"{package} is not in {sys.prefix}")
    native = Path(crdtcore._core.__file__).resolve()
    check(native.parent == package, f"crdtcore._core comes from {native}, not {package}")
    print(f"crdtcore from {package}")

    wanted = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    metadata = importlib.metadata.version("crdtcore")
    check(
        crdtcore.__version__ == metadata == wanted["version"],
        f"__version__ {crdtcore.__version__}, metadata {metadata}, "
        f"pyproject.toml {wanted['version']}",
    )
    dist = importlib.metadata.distribution("crdtcore")
    tags = [
        line for line in (dist.read_text("WHEEL") or "").splitlines() if line.startswith("Tag:")
    ]
    check(tags and all("manylinux" in t for t in tags), f"not a manylinux wheel: {tags}")
    print(f"version {crdtcore.__version__}, {', '.join(tags)}")

    for name in DATA_FILES:
        check((package / name).is_file(), f"package data missing from the wheel: {name}")
    licenses = {Path(str(f)).name for f in dist.files or () if "licenses" in str(f)}
    check(set(LICENSE_FILES) <= licenses, f"license files {sorted(licenses)}")

    # An update round trip through every shared type, and a merge of two updates.
    a = Doc({"text": Text("hello"), "list": Array([1, "two"]), "map": Map({"k": 1.5})})
    b = Doc()
    b.apply_update(a.get_update())
    b["text"].insert(5, " world")
    a.apply_update(b.get_update(a.get_state()))
    check(str(a["text"]) == "hello world", f"round trip text: {str(a['text'])!r}")
    c = Doc()
    c.apply_update(merge_updates(a.get_update(), b.get_update()))
    check(c.get_state() == a.get_state() == b.get_state(), "merged update: states differ")
    check(c["list"].to_py() == [1, "two"], f"round trip array: {c['list'].to_py()}")
    check(c["map"].to_py() == {"k": 1.5}, f"round trip map: {c['map'].to_py()}")

    # The console script and the module entry point.
    script = Path(sys.executable).parent / "crdtcore"
    check(script.is_file(), f"no console script {script}")
    out = run(str(script), "--version").stdout.strip()
    check(out == f"crdtcore {crdtcore.__version__}", f"crdtcore --version printed {out!r}")
    sim = run(str(script), "simulate", "--trace", "clownschool:300", "--peers", "3", "--seed", "1")
    check(sim.stdout.startswith("converged: yes"), f"simulate:\n{sim.stdout}")
    demo = run(sys.executable, "-m", "crdtcore", "demo")
    check("converged" in demo.stdout, f"demo:\n{demo.stdout}")
    missing = subprocess.run(
        [str(script), "simulate", "--trace", "no-such-trace"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    check(
        missing.returncode == 2 and "clownschool, friendsforever" in missing.stderr,
        f"an unknown trace: exit {missing.returncode}, {missing.stderr!r}",
    )
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
