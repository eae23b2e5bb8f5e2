"""docs/cli.md runs as written: its ```sh blocks run in order in one empty directory, and
a ```text block right after one is that block's exact standard output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "cli.md"
BLOCK = re.compile(r"```(sh|text)\n(.*?)```\n", re.DOTALL)


def examples() -> list[tuple[str, str | None]]:
    """``(script, expected stdout or None)`` per ```sh block, in order."""
    blocks = [(m.group(1), m.group(2), m.start(), m.end()) for m in BLOCK.finditer(DOC.read_text())]
    out = []
    for i, (kind, body, _, end) in enumerate(blocks):
        if kind != "sh":
            continue
        follows = i + 1 < len(blocks) and blocks[i + 1][0] == "text"
        between = DOC.read_text()[end : blocks[i + 1][2]] if follows else ""
        out.append((body, blocks[i + 1][1] if follows and not between.strip() else None))
    return out


def test_the_examples_run_and_print_what_the_page_shows(tmp_path):
    tools = tmp_path / "bin"
    tools.mkdir()
    for name, command in (("python", ""), ("crdtcore", " -m crdtcore")):
        script = tools / name
        script.write_text(f'#!/bin/sh\nexec "{sys.executable}"{command} "$@"\n')
        script.chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}"}
    cases = examples()
    assert len(cases) >= 8
    for script, expected in cases:
        result = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", script],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, f"{script}\n{result.stderr}"
        if expected is not None:
            assert result.stdout == expected, script
