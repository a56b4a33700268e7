"""Articles in the browser: the list of source articles, and adding or replacing one by upload.

An upload (HTML, or Markdown with front matter) is parsed and split before
anything is written: a bad one is refused (400, 413) and changes nothing.
Then a background job (:func:`localize.tasks.start_article`) replaces the
source atomically, extracts its template and merges every configured
language's catalog; its page shows what changed per language: new, changed
and removed units. A merge that fails puts every file back as it was.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from localize import article, jobs, tasks
from localize.errors import BadInput, LocalizeError
from localize.sources import KINDS
from localize.workspace import Workspace, slug as check_slug

from .auth import account, require_editor, require_login
from .jobs import state_labels
from .errors import error_response

bp = Blueprint("articles", __name__, url_prefix="/articles")
bp.before_request(require_login)


def _workspace() -> Workspace:
    return current_app.extensions["localize"].workspace


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
    """Every article with its source file and last change, the upload form, and the recent uploads."""
    ws = _workspace()
    require_editor(ws.settings.languages)
    return render_template("articles/index.html", articles=_listing(ws), labels=state_labels(),
                           uploads=tasks.Jobs.of(ws.root).recent(10, kind="article"))


@bp.post("/")
def upload():
    """Add or replace an article (form: file, optional slug) as a job; then the job's page, which says
    what changed."""
    ws = _workspace()
    require_editor(ws.settings.languages)
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
    kind = KINDS.get(suffix.lower())
    if kind is None:
        raise BadInput(_("%(file)s is neither HTML (.html) nor Markdown (.md).", file=filename))
    name = (request.form.get("slug") or "").strip() or stem.lower()
    try:
        name = check_slug(name)
    except LocalizeError:
        raise BadInput(_("%(slug)s is not a valid article name: use lower-case letters, digits, - and _.",
                         slug=name[:40])) from None
    try:
        job = tasks.start_article(ws, name, kind, data, filename, account().name)
    except tasks.JobRunning as exc:
        flash(_("This article is already being updated."), "info")
        return redirect(url_for("jobs.show", job_id=exc.job.id), 303)
    return redirect(url_for("jobs.show", job_id=job.id), 303)
