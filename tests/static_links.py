"""Every static file a page needs: what its HTML links, what its ES modules import (relative
names, resolved the way a browser does) and what its stylesheets ``url()``.

Used by the production tests, in-process and against gunicorn, with a ``fetch(path)``
function that answers ``(status, body)``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable

_LINKED = re.compile(r"""(?:src|href)=["'](/static/[^"'#?]+)""")
_IMPORT = re.compile(
    r"""(?:import|export)\s*(?:[\w*{}\s,$]+?\s*from\s*)?["'](\.{1,2}/[^"']+)["']"""
    r"""|import\(\s*["'](\.{1,2}/[^"']+)["']\s*\)"""
)
_CSS_URL = re.compile(r"""url\(\s*["']?(?!data:|https?:|#)([^"')]+)["']?\s*\)""")

Fetch = Callable[[str], tuple[int, bytes]]


def linked_static_paths(html: str) -> set[str]:
    """``/static/…`` paths in ``src`` and ``href`` attributes."""
    return set(_LINKED.findall(html))


def _relative(base: str, ref: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), ref.split("?")[0]))


def referenced_paths(path: str, body: bytes) -> set[str]:
    """What a JavaScript module imports or a stylesheet loads, as absolute paths."""
    text = body.decode("utf-8", "replace")
    if path.endswith(".js"):
        refs = [a or b for a, b in _IMPORT.findall(text)]
    elif path.endswith(".css"):
        refs = _CSS_URL.findall(text)
    else:
        refs = []
    return {_relative(path, ref) for ref in refs}


def crawl(start: Iterable[str], fetch: Fetch) -> dict[str, int]:
    """Status of every static path reachable from ``start``; each is fetched once."""
    seen: dict[str, int] = {}
    todo = list(start)
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        status, body = fetch(path)
        seen[path] = status
        if status == 200:
            todo.extend(referenced_paths(path, body) - seen.keys())
    return seen
