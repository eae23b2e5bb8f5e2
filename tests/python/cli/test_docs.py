"""docs/cli.md runs as written: its ```python and ```sh blocks run in order in one empty
directory, and a ```text block right after a ``sh`` block is exactly what it printed
(stdout, then stderr). tests/python/docs checks the page's commands and flags too; this
test runs them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "cli.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```\n", re.DOTALL | re.MULTILINE)


def blocks() -> list[tuple[str, str, str | None]]:
    """``(language, code, the text block right after it or None)`` for python/sh blocks."""
    text = DOC.read_text(encoding="utf-8")
    found = list(BLOCK.finditer(text))
    out = []
    for i, match in enumerate(found):
        lang, code = match.group(1), match.group(2)
        if lang not in ("python", "sh"):
            continue
        following = found[i + 1] if i + 1 < len(found) else None
        adjacent = following is not None and not text[match.end() : following.start()].strip()
        shown = following.group(2) if adjacent and following.group(1) == "text" else None
        out.append((lang, code, shown))
    return out


def test_the_examples_run_and_print_what_the_page_shows(tmp_path):
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "crdtcore").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m crdtcore "$@"\n')
    (tools / "crdtcore").chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}"}
    examples = blocks()
    assert sum(lang == "sh" for lang, _, _ in examples) >= 8
    for lang, code, shown in examples:
        argv = [sys.executable, "-c", code] if lang == "python" else ["bash", "-c", code]
        run = subprocess.run(
            argv, cwd=work, env=env, capture_output=True, text=True, timeout=120, check=False
        )
        failing = shown is not None and ": error: " in shown
        assert (run.returncode != 0) == failing, f"{code}\n{run.stdout}\n{run.stderr}"
        if shown is not None:
            assert run.stdout + run.stderr == shown, code
        elif not failing:
            assert run.stderr == "", f"{code}\n{run.stderr}"
