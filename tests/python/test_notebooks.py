"""Executes every notebooks/*.ipynb headless, as a smoke test of the documented examples.

The notebooks name the standard ``python3`` kernel in their metadata, so they open in any
Jupyter whose Python has crdtcore installed. Which interpreter ``python3`` means depends on
the Jupyter paths of the machine (a user-level kernelspec may point at another Python), so the
test does not look it up: it runs each notebook on a ``python3`` kernelspec of its own whose
command is this test's interpreter (the venv's), with the notebooks directory as working
directory. Any cell error fails the test, with the failing cell and traceback in the report.
Nothing is skipped: an empty notebooks directory simply parametrizes over no notebooks.
"""

import json
import os
import sys
from pathlib import Path

import pytest

# Opt in to the platformdirs layout before jupyter_core is imported; otherwise it emits a
# DeprecationWarning, which filterwarnings = ["error"] turns into a collection error.
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
KERNEL_NAME = "python3"  # what the notebooks' metadata names
CELL_TIMEOUT_S = 300


def venv_kernel(directory: Path) -> KernelManager:
    """A manager for a ``python3`` kernel that runs ipykernel on this very interpreter.

    The kernelspec is written to ``directory``, the only place its KernelSpecManager looks.
    """
    spec_dir = directory / KERNEL_NAME
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (crdtcore test interpreter)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    specs = KernelSpecManager(kernel_dirs=[str(directory)], ensure_native_kernel=False)
    return KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_names_the_standard_kernel(path: Path) -> None:
    """A notebook pinned to a custom kernelspec fails with NoSuchKernel on other machines."""
    notebook = nbformat.read(path, as_version=4)
    assert notebook.metadata["kernelspec"]["name"] == KERNEL_NAME
    assert notebook.metadata["kernelspec"]["language"] == "python"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_has_no_outputs(path: Path) -> None:
    """Outputs are never committed: they would go stale and bloat the diffs."""
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name}: cell {index} has committed outputs"
            assert cell.execution_count is None, f"{path.name}: cell {index} has a count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_imports_only_installed_packages(path: Path) -> None:
    """Code from the repository (bench/harness, tests) is not importable where crdtcore is
    merely installed: a notebook may read data files but must not extend sys.path."""
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        for module in ("sys.path", "import harness", "from harness", "PYTHONPATH"):
            assert module not in cell.source, f"{path.name}: cell {index} uses {module}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_runs_without_errors(path: Path, tmp_path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    kernel = venv_kernel(tmp_path / "kernels")
    assert kernel.kernel_spec is not None and kernel.kernel_spec.argv[0] == sys.executable
    client = NotebookClient(
        notebook,
        km=kernel,
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(NOTEBOOKS_DIR)}},
    )
    # Raises CellExecutionError (cell source + traceback) on the first failing cell. The client
    # does not own the manager, so it must be told to shut the kernel down and close its
    # channels (else their sockets are reported as unclosed when collected).
    client.execute(cleanup_kc=True)
