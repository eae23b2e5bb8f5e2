"""The fenced code blocks of a Markdown page, as tests/python/docs/test_code_blocks.py runs them.

A block is a fence at the start of a line (```` ```lang ````) up to the next closing fence.
Every fence names its language. A ``text`` block directly after a ``python`` block (nothing but
blank lines between them) is that block's expected output. An HTML comment on the line before a
fence is a directive for the test (invisible on GitHub and on the docs site):

* ``<!-- docs-test: skip REASON -->``: the block is not run (a reason is required; keep it rare).
* ``<!-- docs-test: serve -->`` before a ``sh`` block holding ``python -m crdtcore serve ...``:
  the test runs that command (on a free loopback port instead of the one written) while the
  page's later Python blocks run, with the written port replaced by the real one in them.

pymdownx.snippets lines (``--8<-- "path"``, outside blocks: a whole included page; inside a
block: its content) are expanded from the repository root, as the docs build does, so an
included file's blocks are checked too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
_FENCE = re.compile(r"^(`{3,})([^`\s]*)\s*$")
_DIRECTIVE = re.compile(r"^<!--\s*docs-test:\s*(\w+)\s*(.*?)\s*-->\s*$")
_SNIPPET = re.compile(r'^\s*--8<--\s+"([^"]+)"\s*$')


@dataclass
class Block:
    """One fenced block: its language, code, 1-based line of the opening fence, directive."""

    path: Path
    line: int
    lang: str
    code: str
    directive: str = ""
    reason: str = ""
    output: str | None = None  # the text block that follows a python block
    raw: str = ""  # the code before snippet expansion (what the source file holds)

    @property
    def where(self) -> str:
        """``file:line`` of the opening fence, relative to the repository."""
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def expand_snippets(text: str) -> str:
    """Replaces each ``--8<-- "path"`` line with the file's content (path from the repo root)."""

    def include(match: re.Match[str]) -> str:
        target = ROOT / match.group(1)
        if not target.is_file():
            raise FileNotFoundError(f"snippet {match.group(1)!r}: no such file under {ROOT}")
        return target.read_text(encoding="utf-8").rstrip("\n")

    return "\n".join(
        _SNIPPET.sub(include, line) if _SNIPPET.match(line) else line for line in text.split("\n")
    )


def read_blocks(path: Path) -> list[Block]:
    """The blocks of ``path`` in order, outputs attached to their Python blocks.

    Raises:
        ValueError: a fence without a language, an unclosed fence, an unknown directive, a
            skip without a reason, or a directive that is not followed by a fence.
    """
    lines = path.read_text(encoding="utf-8").split("\n")
    blocks: list[Block] = []
    pending: tuple[str, str, int] | None = None
    previous_end = -1  # the closing fence of this file's last block
    i = 0
    while i < len(lines):
        line = lines[i]
        directive = _DIRECTIVE.match(line)
        if directive:
            kind, reason = directive.groups()
            if kind not in ("skip", "serve"):
                raise ValueError(f"{path}:{i + 1}: unknown docs-test directive {kind!r}")
            if kind == "skip" and not reason:
                raise ValueError(f"{path}:{i + 1}: docs-test: skip needs a reason")
            pending = (kind, reason, i + 1)
            i += 1
            continue
        snippet = _SNIPPET.match(line)
        if snippet:  # a whole included page (INTERNALS.md in docs/internals.md)
            included = read_blocks(ROOT / snippet.group(1))
            blocks.extend(included)
            i += 1
            continue
        fence = _FENCE.match(line)
        if not fence:
            if pending and line.strip():
                raise ValueError(f"{path}:{pending[2]}: a docs-test directive must precede a fence")
            i += 1
            continue
        ticks, lang = fence.groups()
        if not lang:
            raise ValueError(
                f"{path}:{i + 1}: a code fence without a language (```python, ```sh, ```text...)"
            )
        end = i + 1
        while end < len(lines) and lines[end].rstrip() != ticks:
            end += 1
        if end == len(lines):
            raise ValueError(f"{path}:{i + 1}: the ```{lang} block is not closed")
        raw = "\n".join(lines[i + 1 : end]) + "\n"
        block = Block(path, i + 1, lang, expand_snippets(raw), raw=raw)
        if pending:
            block.directive, block.reason = pending[0], pending[1]
            pending = None
        previous = blocks[-1] if blocks else None
        if (
            lang == "text"
            and previous is not None
            and previous.lang == "python"
            and previous.path == path
            and previous_end >= 0
            and not any(b.strip() for b in lines[previous_end + 1 : i])
        ):
            previous.output = block.code
        else:
            blocks.append(block)
        previous_end = end
        i = end + 1
    if pending:
        raise ValueError(f"{path}:{pending[2]}: a docs-test directive at the end of the file")
    return blocks
