"""The README's Python quickstart runs as written."""

import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def test_readme_python_quickstart_runs(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "README.md has no python code block"
    for code in blocks:
        exec(compile(code, str(README), "exec"), {})
    assert "'insert'" in capsys.readouterr().out
