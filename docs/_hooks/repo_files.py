"""MkDocs hook: publishes files that live outside docs/ without copying them into it.

bench/RESULTS.md (written by ``./run bench``), its figures and its raw samples stay where the
benchmark harness writes them; this hook adds them to the site under the same relative paths
(``bench/RESULTS.md``, ``bench/results/*.png``, ``bench/results/latest.json``), so their
relative links work on the site as they do on GitHub, and there is one copy of each.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

# Repository-relative globs of the files to publish, at the same path on the site.
PUBLISHED = ("bench/RESULTS.md", "bench/results/*.png", "bench/results/latest.json")


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Adds the files named by ``PUBLISHED`` to the site (a missing one fails the build)."""
    root = Path(config.config_file_path).parent
    for pattern in PUBLISHED:
        matches = sorted(root.glob(pattern))
        if not matches:
            raise FileNotFoundError(f"docs: {pattern} matched nothing under {root}")
        for path in matches:
            rel = path.relative_to(root).as_posix()
            files.append(
                File(
                    rel,
                    src_dir=str(root),
                    dest_dir=config.site_dir,
                    use_directory_urls=config.use_directory_urls,
                )
            )
    return files
