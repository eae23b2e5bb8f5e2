"""Executes every notebooks/*.ipynb headless, as a smoke test of the documented examples.

Each notebook runs top to bottom in the "crdtcore-venv" Jupyter kernel (installed into .venv
by ./run), with the notebooks directory as working directory. Any cell error fails the test,
with the failing cell and traceback in the report. Nothing is skipped: an empty notebooks
directory simply parametrizes over no notebooks.
"""

import os
from pathlib import Path

import pytest

# Opt in to the platformdirs layout before jupyter_core is imported; otherwise it emits a
# DeprecationWarning, which filterwarnings = ["error"] turns into a collection error.
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")

import nbformat
from nbclient import NotebookClient

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
KERNEL_NAME = "crdtcore-venv"
CELL_TIMEOUT_S = 300


@pytest.mark.parametrize("path", sorted(NOTEBOOKS_DIR.glob("*.ipynb")), ids=lambda path: path.name)
def test_notebook_runs_without_errors(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name=KERNEL_NAME,
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(NOTEBOOKS_DIR)}},
    )
    # Raises CellExecutionError (cell source + traceback) on the first failing cell.
    client.execute()
