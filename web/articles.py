"""Articles in the browser: the list of source articles, and adding or replacing one by upload.

An upload (HTML, or Markdown with front matter) is parsed and split before
anything is written; then the source is replaced atomically, its template
extracted and every configured language's catalog merged, and the page shows
what changed per language: new, changed and removed units. A bad upload
changes nothing; a merge that fails puts every file back as it was.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _

from localize import article, catalog, jobs, po
from localize.errors import BadInput, LocalizeError
from localize.accounts import PermissionDenied
from localize.workspace import Workspace, slug as check_slug

from .auth import account, require_login
from .errors import error_response

bp = Blueprint("articles", __name__, url_prefix="/articles")
bp.before_request(require_login)

SUFFIXES = {".html": ".html", ".htm": ".html", ".md": ".md", ".markdown": ".md"}


def _workspace() -> Workspace:
    return current_app.extensions["localize"].workspace


def _require_editor(ws: Workspace) -> None:
    user = account()
    if not user.may("draft") or not all(user.may("draft", lang) for lang in ws.settings.languages):
        raise PermissionDenied(_("Only editors add or replace articles."))


def _listing(ws: Workspace) -> list[dict]:
    rows = []
    for name in ws.slugs():
        try:
            path = ws.source_path(name)
            changed = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
        except (OSError, LocalizeError):
            rows.append({"slug": name, "file": None, "changed": None})
            continue
        rows.append({"slug": name, "file": path.name, "changed": changed})
    return rows


@bp.get("/")
def index():
    """Every article with its source file and last change, and the upload form."""
    ws = _workspace()
    _require_editor(ws)
    return render_template("articles/index.html", articles=_listing(ws), report=None)


@bp.post("/")
def upload():
    """Add or replace an article (form: file, optional slug); the report of what changed."""
    ws = _workspace()
    _require_editor(ws)
    request.max_content_length = article.MAX_PAGE_BYTES + 64 * 1024
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        raise BadInput(_("Choose an HTML or Markdown file to upload."))
    data = sent.read(article.MAX_PAGE_BYTES + 1)
    if len(data) > article.MAX_PAGE_BYTES:
        return error_response(413, _("The article is larger than %(mb)d MB.",
                                     mb=article.MAX_PAGE_BYTES // (1024 * 1024)))
    filename = jobs.upload_name(sent.filename)
    stem, suffix = os.path.splitext(filename)
    kind = SUFFIXES.get(suffix.lower())
    if kind is None:
        raise BadInput(_("%(file)s is neither HTML (.html) nor Markdown (.md).", file=filename))
    name = (request.form.get("slug") or "").strip() or stem.lower()
    try:
        name = check_slug(name)
    except LocalizeError:
        raise BadInput(_("%(slug)s is not a valid article name: use lower-case letters, digits, - and _.",
                         slug=name[:40])) from None
    report = replace(ws, name, kind, data, filename)
    return render_template("articles/index.html", articles=_listing(ws), report=report, slug=name)


def replace(ws: Workspace, name: str, kind: str, data: bytes, shown: str) -> dict:
    """Put the article in place and merge its catalogs; {language: {new, changed, removed}}."""
    target = ws.source_dir / f"{name}{kind}"
    other = ws.source_dir / f"{name}{'.md' if kind == '.html' else '.html'}"
    if other.exists():
        raise BadInput(_("%(slug)s already exists as %(other)s: an article is either %(other)s or %(new)s, "
                         "not both.", slug=name, other=f"{ws.settings.source_dir}/{other.name}",
                         new=f"{ws.settings.source_dir}/{target.name}"))
    try:
        tree = article.parse(data, f"{shown.rsplit('.', 1)[0]}{kind}")
        article.split(tree, references=ws.settings.translate_references)
    except LocalizeError as exc:
        raise BadInput(str(exc)) from None
    langs = list(ws.settings.languages)
    files = [target, ws.template_path(name), *(ws.catalog_path(lang, name) for lang in langs)]
    kept = {path: path.read_bytes() if path.exists() else None for path in files}
    before = {lang: _entries(ws.catalog_path(lang, name)) for lang in langs}
    try:
        _put(target, data)
        jobs.extract(ws, [name])
        if langs:
            jobs.update(ws, [])
    except BaseException:
        for path, old in kept.items():
            if old is None:
                path.unlink(missing_ok=True)
            else:
                _put(path, old)
        raise
    return {lang: _difference(before[lang], _entries(ws.catalog_path(lang, name))) for lang in langs}


def _put(path: Path, data: bytes) -> None:
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
