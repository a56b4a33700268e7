"""Adding or replacing a source article: checked before anything is written, then put in place with its
catalogs merged, and what changed per language.

:func:`check` parses and splits an upload (HTML, or Markdown with front
matter) and refuses a name already taken by the other kind; :func:`replace`
puts the source in place atomically, extracts its template and merges every
configured language's catalog of that article, and returns per language the
units that are new, changed (stale, with the old source) and removed. A
merge that fails puts every file back as it was. The web UI runs
:func:`replace` as a background job (:func:`localize.tasks.start_article`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from . import article, catalog, jobs, po
from .errors import BadInput, LocalizeError
from .said import Said, said
from .workspace import Workspace

KINDS = {".html": ".html", ".htm": ".html", ".md": ".md", ".markdown": ".md"}   # a file's suffix: the source's


def check(ws: Workspace, name: str, kind: str, data: bytes, shown: str) -> None:
    """Refuse (:class:`BadInput`) an upload that cannot become the article ``name``: written nowhere."""
    target, other = _paths(ws, name, kind)
    if other.exists():
        raise BadInput(_clash(ws, name, target, other))
    try:
        tree = article.parse(data, f"{shown.rsplit('.', 1)[0]}{kind}")
        article.split(tree, references=ws.settings.translate_references)
    except LocalizeError as exc:
        raise BadInput(str(exc)) from None


def _clash(ws: Workspace, name: str, target: Path, other: Path) -> Said:
    return said("%(slug)s already exists as %(other)s: an article is either %(other)s or %(new)s, not both.",
                slug=name, other=f"{ws.settings.source_dir}/{other.name}",
                new=f"{ws.settings.source_dir}/{target.name}")


def _paths(ws: Workspace, name: str, kind: str) -> tuple[Path, Path]:
    return ws.source_dir / f"{name}{kind}", ws.source_dir / f"{name}{'.md' if kind == '.html' else '.html'}"


def replace(ws: Workspace, name: str, kind: str, data: bytes, shown: str) -> dict[str, dict[str, list[str]]]:
    """Put the article in place and merge its catalogs; {language: {new, changed, removed: [msgid]}}."""
    check(ws, name, kind, data, shown)
    target, _ = _paths(ws, name, kind)
    langs = list(ws.settings.languages)
    files = [target, ws.template_path(name), *(ws.catalog_path(lang, name) for lang in langs)]
    kept = {path: path.read_bytes() if path.exists() else None for path in files}
    before = {lang: _entries(ws.catalog_path(lang, name)) for lang in langs}
    try:
        put(target, data)
        jobs.extract(ws, [name])
        if langs:
            jobs.update(ws, [])
    except BaseException:
        for path, old in kept.items():
            if old is None:
                path.unlink(missing_ok=True)
            else:
                put(path, old)
        raise
    return {lang: _difference(before[lang], _entries(ws.catalog_path(lang, name))) for lang in langs}


def refresh(ws: Workspace, names: list[str]) -> dict[str, dict[str, dict[str, list[str]]]]:
    """Extract the named articles' templates again (default: all) and merge every language's catalogs;
    {article: {language: {new, changed, removed: [msgid]}}} for each catalog the merge changed."""
    names = names or ws.slugs()
    langs = list(ws.settings.languages)
    before = {(lang, name): _entries(ws.catalog_path(lang, name)) for lang in langs for name in names}
    jobs.extract(ws, names, jobs=1)
    if langs:
        jobs.update(ws, [], jobs=1)
    found: dict[str, dict[str, dict[str, list[str]]]] = {}
    for (lang, name), was in before.items():
        difference = _difference(was, _entries(ws.catalog_path(lang, name)))
        if any(difference.values()):
            found.setdefault(name, {})[lang] = difference
    return found


def put(path: Path, data: bytes) -> None:
    """Replace a file atomically: a temporary file in its folder, flushed, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _entries(path: Path) -> dict[str, po.Entry]:
    if not path.exists():
        return {}
    return {e.msgid: e for e in catalog.read(path).entries if not e.obsolete and e.msgctxt is None and e.msgid}


def _difference(before: dict[str, po.Entry], after: dict[str, po.Entry]) -> dict[str, list[str]]:
    """What the merge did to the catalog's units: new, changed (stale, with the old source) and removed."""
    changed = [m for m, e in after.items() if m not in before and e.previous_msgid in before]
    replaced = {after[m].previous_msgid for m in changed}
    new = [m for m in after if m not in before and m not in changed]
    removed = [m for m in before if m not in after and m not in replaced]
    return {"new": new, "changed": changed, "removed": removed}
