"""The dashboard's figures: progress and QA errors per article and language.

Reading and checking every catalog is the slow part of the dashboard, so the
figures are kept per worker process and made again only when a catalog, a
template, an article or the glossary changed (their sizes and modification times).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from localize import checks, glossary, qa
from localize import jobs as workspace_jobs
from localize.errors import BadInput
from localize.workspace import Workspace

_KEPT: dict[tuple, tuple] = {}   # (workspace, languages) → (signature, rows, errors)
_MAX_KEPT = 32


def figures(ws: Workspace, langs: list[str]) -> tuple[list[dict], Counter]:
    """``jobs.status`` rows, and unresolved QA errors by (article, language)."""
    key = (str(ws.root), tuple(langs))
    signature = _signature(ws)
    kept = _KEPT.get(key)
    if kept is not None and kept[0] == signature:
        return kept[1], kept[2]
    rows = workspace_jobs.status(ws, langs, keep_going=True) if langs else []
    errors: Counter = Counter()
    if rows:
        try:
            found = qa.check(ws, langs, [], jobs=1)   # no worker processes forked from a web worker
        except BadInput:
            found = []
        errors.update((p.article, p.language) for p in found if p.severity == checks.ERROR and not p.overridden)
    if len(_KEPT) >= _MAX_KEPT:
        _KEPT.clear()
    _KEPT[key] = (signature, rows, errors)
    return rows, errors


def _signature(ws: Workspace) -> tuple:
    files = [*ws.locales_dir.rglob("*.po"), *ws.locales_dir.glob("*.pot"), *ws.source_dir.glob("*.html"),
             *ws.source_dir.glob("*.md"),
             glossary.path_for(ws)]
    return tuple((str(p), *_stamp(p)) for p in sorted(files))


def _stamp(path: Path) -> tuple[int, int]:
    try:
        found = os.stat(path)
    except OSError:
        return (0, 0)
    return found.st_mtime_ns, found.st_size
