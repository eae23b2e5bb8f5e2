#!/usr/bin/env python3
"""Fails when an ``#include`` in cpp/src points up the stack of folders.

cpp/src is a stack; a file may include headers of its own folder or of folders below it,
and the public headers (``crdtcore/*.h``) from anywhere:

    api/       the public handles' implementations (Doc, Shared, Text, Array, Map)
    types/     list positions, rich-text formatting, the text clean-up after remote edits
    txn/       the transaction driver (begin, commit, observers, AutoTxn), clean-up, GC
    encoding/  updates in and out: struct codec, document encoder/decoder, update ops
    core/      ids, items, content, struct store, branches, YATA, pending, document state
    util/      lib0 reader/writer, values and JSON, UTF-8/16, JS sort

Usage: python3 tests/lint/check_cpp_layers.py [ROOT]   (exit status 1 on a violation)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

LAYERS = ("util", "core", "encoding", "txn", "types", "api")  # bottom to top
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def violations(src: Path) -> list[str]:
    """Every upward or unknown include under ``src`` (cpp/src), as readable lines."""
    rank = {name: i for i, name in enumerate(LAYERS)}
    found: list[str] = []
    for path in sorted(src.rglob("*")):
        if path.suffix not in (".h", ".cpp"):
            continue
        folder = path.relative_to(src).parts[0]
        if folder not in rank:
            found.append(f"{path}: folder '{folder}' is not a layer ({', '.join(LAYERS)})")
            continue
        for lineno, line in enumerate(path.read_text().splitlines(), 1):
            match = INCLUDE.match(line)
            if match is None:
                continue
            target = match.group(1).split("/")[0]
            if target == "crdtcore":
                continue  # public headers may be included from any layer
            if target not in rank:
                found.append(f"{path}:{lineno}: includes '{match.group(1)}' outside any layer")
            elif rank[target] > rank[folder]:
                found.append(
                    f"{path}:{lineno}: {folder}/ includes '{match.group(1)}' from {target}/, "
                    f"a layer above it (order: {' < '.join(LAYERS)})"
                )
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[2]
    found = violations(root / "cpp" / "src")
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"{len(found)} include(s) point up the cpp/src stack", file=sys.stderr)
        return 1
    print(f"cpp/src layers ok ({' < '.join(LAYERS)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
