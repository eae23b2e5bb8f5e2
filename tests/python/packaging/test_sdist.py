"""The sdist holds what a build needs and nothing large or irrelevant.

The sdist is built here with scikit-build-core's PEP 517 hook (no network, a second or
two); ``./run package`` builds a wheel from it and tests that in a fresh venv.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tomllib
from email.parser import Parser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
# Everything git tracks under these goes into the sdist: the build and the package.
NEEDED = ("CMakeLists.txt", "pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md")
NEEDED_DIRS = ("cmake/", "cpp/", "python/crdtcore/")
# Run from a checkout, never from an unpacked sdist (see pyproject.toml's sdist.exclude).
LEFT_OUT = ("tests/", "bench/", "notebooks/", "docs/", ".ci/", "run")
MAX_BYTES = 1_000_000


@pytest.fixture(scope="module")
def sdist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sdist")
    code = "import sys; from scikit_build_core.build import build_sdist; print(build_sdist(sys.argv[1]))"
    done = subprocess.run(
        [sys.executable, "-c", code, str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return out / done.stdout.strip().splitlines()[-1]


def members(sdist: Path) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(sdist) as tar:
        infos = tar.getmembers()
    prefix = sdist.name.removesuffix(".tar.gz") + "/"
    return {i.name.removeprefix(prefix): i for i in infos if i.isfile()}


def tracked() -> list[str]:
    done = subprocess.run(
        ["git", "ls-files", "-z", *NEEDED, *NEEDED_DIRS],
        cwd=REPO,
        capture_output=True,
        check=True,
    )
    return [name for name in done.stdout.decode().split("\0") if name]


def test_the_sdist_has_every_file_of_the_build_and_the_package(sdist):
    files = members(sdist)
    wanted = tracked()
    assert len(wanted) > 100 and set(NEEDED) <= set(wanted)
    assert sorted(set(wanted) - set(files)) == []
    assert "PKG-INFO" in files
    for data in ("clownschool.json.gz", "friendsforever.json.gz", "README.md"):
        assert f"python/crdtcore/sim/concurrent_traces/{data}" in files


def test_the_sdist_leaves_out_tests_benchmarks_and_notebooks(sdist):
    files = members(sdist)
    stray = [name for name in files if name.startswith(LEFT_OUT) or name.endswith(".so")]
    assert stray == []
    assert sdist.stat().st_size < MAX_BYTES, f"{sdist.name}: {sdist.stat().st_size} bytes"


def test_the_sdist_metadata(sdist):
    with tarfile.open(sdist) as tar:
        member = tar.extractfile(sdist.name.removesuffix(".tar.gz") + "/PKG-INFO")
        assert member is not None
        metadata = Parser().parsestr(member.read().decode("utf-8"))
    with (REPO / "pyproject.toml").open("rb") as f:
        project = tomllib.load(f)["project"]
    assert metadata["Name"] == "crdtcore" and metadata["Version"] == project["version"]
    assert metadata["License-Expression"] == "MIT AND CC-BY-4.0"
    licenses = metadata.get_all("License-File") or []
    assert "LICENSE" in licenses
    assert "python/crdtcore/sim/concurrent_traces/README.md" in licenses
