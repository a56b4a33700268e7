"""Publishing from the browser: the gate's verdict on an edition, publish (a background job), withdraw, previews.

* ``GET /publish/<lang>/<slug>`` — what the publish gate says of the edition as it would
  be made now (approved share overall and for headings and FAQ against the thresholds,
  QA errors, stale, untranslated and missing units, each linking to the queue filtered to
  those entries), where the edition stands (published when and by whom, its manifest's
  hash, outdated or not), the last acts, and the drafts preview;
* ``POST /publish/<lang>/<slug>`` — queue the export; then the job's page;
* ``POST /publish/<lang>/<slug>/withdraw`` — take the edition off the site (a confirmation
  box must be ticked);
* ``/publish/preview/<lang>/<slug>/`` — the drafts preview ``localize export --allow-drafts``
  wrote, its PDF beside it: for logged-in users who may view the language, never at a
  reader's address.

The other routes need the *publish* right (editors and admins), checked here on the server.
"""

from __future__ import annotations

from pathlib import Path

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request, send_file,
                   send_from_directory, url_for)
from flask_babel import gettext as _

from localize import editions, languages, po, tasks, workspace
from localize.catalog import MACHINE
from localize.editions import gate, record, store
from localize.errors import BadInput, LocalizeError

from .auth import account, require_login
from .errors import message_of
from .review import article_title, language_name

bp = Blueprint("publish", __name__, url_prefix="/publish")
bp.before_request(require_login)

# Previews hold no script and load nothing but their own images and PDF.
PREVIEW_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; "
                  "form-action 'none'; frame-ancestors 'self'")


def _workspace():
    return current_app.extensions["localize"].workspace


def _edition(lang: str, slug: str, right: str = "publish") -> tuple[str, str]:
    """The language tag and slug of an article's catalog the account may publish (or, for a preview,
    view); 404 or 403 otherwise."""
    ws = _workspace()
    try:
        tag = languages.validate(lang)
        name = workspace.slug(slug)
        found = tag in ws.settings.languages and ws.source_path(name).is_file() \
            and ws.catalog_path(tag, name).is_file()
    except LocalizeError:
        found = False
    if not found:
        abort(404)
    if not account().may(right, tag):
        abort(403)
    return tag, name


def _queue_link(tag: str, slug: str, state: str | None) -> str:
    return url_for("review.queue", lang=tag, slug=slug, state=state) if state else \
        url_for("review.queue", lang=tag, slug=slug)


def _report(ws, tag: str, slug: str, cfg) -> tuple[list[dict], gate.Verdict]:
    """The gate's verdict as rows: what is measured, the figure, the threshold, whether it passes, and the
    queue filtered to the entries that keep it from passing."""
    verdict = record.verdict(ws, tag, slug, cfg)
    counts = verdict.counts
    units, approved = counts["units"], counts[po.APPROVED]
    ok, whole = verdict.strict
    rows = [
        {"id": "approved", "label": _("Approved units"), "count": approved, "of": units,
         "share": _share(approved, units), "threshold": cfg.threshold,
         "passed": approved * 100 >= cfg.threshold * units, "link": _queue_link(tag, slug, "review")},
        {"id": "strict", "label": _("Approved headings and FAQ units"), "count": ok, "of": whole,
         "share": _share(ok, whole), "threshold": cfg.strict, "passed": ok * 100 >= cfg.strict * whole,
         "link": _queue_link(tag, slug, "review")},
    ]
    errors = sorted({p.check for p in verdict.errors})
    rows.append({"id": "errors", "label": _("QA errors nobody overrode"), "count": len(verdict.errors),
                 "checks": errors, "passed": not verdict.errors, "link": _queue_link(tag, slug, "errors")})
    for key, label, state in ((po.STALE, _("Stale units (their source changed)"), "stale"),
                              (po.NEEDS_REVIEW, _("Written by people, to review"), "human"),
                              (MACHINE, _("Machine drafts to review"), "machine"),
                              (po.UNTRANSLATED, _("Untranslated units"), "untranslated"),
                              (gate.MISSING, _("Units missing from the catalog (run “localize update”)"), None)):
        rows.append({"id": state or "missing", "label": label, "count": counts.get(key, 0),
                     "passed": not counts.get(key, 0), "link": _queue_link(tag, slug, state) if state else None})
    return rows, verdict


def _share(part: int, whole: int) -> int:
    return 100 * part // whole if whole else 100


@bp.get("/<lang>/<slug>")
def page(lang: str, slug: str):
    """The publish page of one edition."""
    tag, name = _edition(lang, slug)
    return _page(tag, name)


def _page(tag: str, name: str, *, status: int = 200):
    ws = _workspace()
    cfg = editions.config(ws)
    try:
        rows, verdict = _report(ws, tag, name, cfg)
        problem = None
    except LocalizeError as exc:   # a catalog that cannot be read: said, not a 500
        rows, verdict, problem = [], None, message_of(exc)
    state = record.states(ws, [(tag, name)], cfg)[tag, name]
    preview = _preview(cfg.folder, tag, name)
    running = next((job for job in tasks.Jobs.of(ws.root).recent(5, kind="export", language=tag, slug=name)
                    if job.state in ("queued", "running")), None)
    acts = record.Publications.of(ws.root).history(tag, name, 10)
    return render_template("publish/page.html", lang=tag, slug=name, title=article_title(name), rows=rows,
                           verdict=verdict, problem=problem, state=state, preview=preview, running=running,
                           acts=acts, cfg=cfg, reader=_reader_link(tag, name),
                           direction=languages.parse(tag).direction), status


def _reader_link(tag: str, name: str) -> dict:
    base = f"{request.script_root}/{tag}/{name}/"
    return {"html": base, "pdf": f"{base}{name}.pdf"}


def _preview(folder: Path, tag: str, name: str) -> dict | None:
    """The drafts preview ``localize export --allow-drafts`` made, if there is one: when, and its formats."""
    paths = store.files(folder, tag, name, preview=True)
    try:
        made = paths.html.stat().st_mtime
    except OSError:
        return None
    return {"at": made, "pdf": paths.pdf.is_file(),
            "html_url": url_for("publish.preview", lang=tag, slug=name),
            "pdf_url": url_for("publish.preview_pdf", lang=tag, slug=name, name=name)}


@bp.post("/<lang>/<slug>")
def start(lang: str, slug: str):
    """Queue the export of the edition (form: ``pdf`` ticked for the PDF too); then the job's page."""
    tag, name = _edition(lang, slug)
    ticked = request.form.getlist("pdf")   # the box, after a hidden "0": absent altogether means with the PDF
    formats = ("html", "pdf") if not ticked or "1" in ticked else ("html",)
    try:
        job = tasks.start_export(_workspace(), tag, name, formats, account().name)
    except tasks.JobRunning as exc:
        flash(_("This edition is already being published."), "info")
        return redirect(url_for("jobs.show", job_id=exc.job.id), 303)
    return redirect(url_for("jobs.show", job_id=job.id), 303)


@bp.post("/<lang>/<slug>/withdraw")
def withdraw(lang: str, slug: str):
    """Take the edition off the site (form: ``confirm`` ticked); readers then get the not-published page."""
    tag, name = _edition(lang, slug)
    if request.form.get("confirm") != "yes":
        raise BadInput(_("Tick the box to confirm that readers lose this edition."))
    try:
        record.withdraw(_workspace(), tag, name, account().name)
    except record.NotListed:
        flash(_("This edition is not published."), "info")
    except LocalizeError as exc:
        flash(message_of(exc), "error")
        return _page(tag, name, status=409)
    else:
        flash(_("Withdrawn: readers no longer get this edition."), "success")
    return redirect(url_for("publish.page", lang=tag, slug=name), 303)


# -- drafts previews, for logged-in users only --------------------------------------------------

def _previewed(lang: str, slug: str, fmt: str) -> Path:
    tag, name = _edition(lang, slug, "view")
    path = getattr(store.files(editions.config(_workspace()).folder, tag, name, preview=True), fmt)
    if not path.is_file():
        abort(404)
    return path


def _private(response):
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


@bp.get("/preview/<lang>/<slug>/", strict_slashes=False)
def preview(lang: str, slug: str):
    """The drafts preview of an edition (its relative links resolve as a reader's address does)."""
    path = _previewed(lang, slug, "html")
    if not request.path.endswith("/"):
        return redirect(request.path + "/", 308)
    return _private(send_file(path, mimetype="text/html"))


@bp.get("/preview/<lang>/<slug>/<name>.pdf")
def preview_pdf(lang: str, slug: str, name: str):
    if name != slug:
        abort(404)
    path = _previewed(lang, slug, "pdf")
    return _private(send_file(path, mimetype="application/pdf", download_name=f"{slug}.{lang}.preview.pdf"))


@bp.get("/preview/assets/media/<slug>/<path:name>")
def preview_media(slug: str, name: str):
    """An image a preview shows (copied beside the editions by the export)."""
    try:
        slug = workspace.slug(slug)
    except LocalizeError:
        abort(404)
    if not account().may("view"):
        abort(403)
    folder = editions.config(_workspace()).folder / "assets" / "media" / slug
    return _private(send_from_directory(folder, name))
