"""MkDocs hook: fails the build if a page would load anything from the network.

The site must work offline (from build/site, file://): no web fonts (``theme.font: false``),
no scripts, stylesheets, images or iframes from a CDN. Links (``<a href>``) may point anywhere;
what a page *loads* (``src=``, ``<link href>``, CSS ``url()`` and ``@import``) must be local.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

_REMOTE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
_HTML_LOADS = re.compile(
    r"""<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc\s*=\s*["']([^"']+)"""
    r"""|<link\b[^>]*\bhref\s*=\s*["']([^"']+)""",
    re.IGNORECASE,
)
_CSS_LOADS = re.compile(r"""url\(\s*["']?([^"')]+)|@import\s+["']([^"']+)""", re.IGNORECASE)
# <link> relations that name a resource without loading it.
_NOT_LOADED = re.compile(r"""\brel\s*=\s*["'](?:canonical|alternate|prev|next)["']""")


def remote_loads(site_dir: Path) -> list[str]:
    """``file: url`` for each remote resource an HTML or CSS file of ``site_dir`` loads."""
    found = []
    for path in sorted(site_dir.rglob("*")):
        if path.suffix not in (".html", ".css"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".html":
            for match in _HTML_LOADS.finditer(text):
                if match.group(2) and _NOT_LOADED.search(match.group(0)):
                    continue
                url = match.group(1) or match.group(2)
                if _REMOTE.match(url):
                    found.append(f"{path.relative_to(site_dir)}: {url}")
        for match in _CSS_LOADS.finditer(text if path.suffix == ".css" else ""):
            url = match.group(1) or match.group(2)
            if _REMOTE.match(url):
                found.append(f"{path.relative_to(site_dir)}: {url}")
    return found


def on_post_build(config: MkDocsConfig) -> None:
    """Raises PluginError listing what the built site would fetch from the network."""
    found = remote_loads(Path(config.site_dir))
    if found:
        raise PluginError("the docs site loads remote resources:\n" + "\n".join(found))
