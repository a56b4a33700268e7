"""Background jobs started from the UI (drafting a language, publishing an edition, putting an uploaded
article in place, checking a language, refreshing the catalogs from the sources; importing a catalog
through the API), with their progress and what they found.

An editor queues a draft here, an export from an edition's publish page
(:mod:`web.publish`), an article from the articles page (:mod:`web.articles`);
``localize worker`` (or the one ``localize serve`` starts) runs it; the job's
page polls ``/api/jobs/<id>`` for progress.
"""

from __future__ import annotations

from flask import (Blueprint, Response, current_app, flash, jsonify, redirect, render_template,
                   request, url_for)
from flask_babel import gettext as _

from localize import languages, tasks
from localize.editions import record
from localize.draft import can_draft
from localize.engines import REGISTRY, engine_class
from localize.errors import BadInput
from localize.review import NotFound

from .auth import account, require_editor, require_login
from .errors import wants_json
from .review import article_title, language_name

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
bp.before_request(require_login)

POLL_SECONDS = 1
EVERYWHERE = ("article", "extract")   # kinds of job about every language: editors start and see them


def _workspace():
    return current_app.extensions["localize"].workspace


@bp.get("/")
def index():
    """Recent jobs in the account's languages, and the form to start a draft."""
    user = account()
    ws = _workspace()
    draftable = [lang for lang in ws.settings.languages if user.may("draft", lang)]
    checkable = [lang for lang in ws.settings.languages if user.may("approve", lang)]
    refresh = user.may("draft") and all(user.may("draft", lang) for lang in ws.settings.languages)
    found = [job for job in tasks.Jobs.of(ws.root).recent(50)
             if (refresh if job.kind in EVERYWHERE else user.may("view", job.language))]
    return _page("jobs/index.html", jobs=found, langs=draftable, engines=_engines(ws, draftable),
                 checkable=checkable, refresh=refresh)


@bp.post("/draft")
def start_draft():
    """Queue a draft of one language (form: lang, engine); then the job's page."""
    user = account()
    lang = request.form.get("lang", "").strip()
    engine = request.form.get("engine", "").strip() or None
    if not lang:
        raise BadInput(_("Choose a language to draft."))
    tag = languages.validate(lang)
    user.require("draft", tag)
    ws = _workspace()
    if engine is not None and tag in ws.settings.languages:
        engine_class(engine)   # an unknown name: 400 naming the engines there are
        if not can_draft(ws, engine, tag):
            able = [name for name in REGISTRY if can_draft(ws, name, tag)]
            raise BadInput(_("The engine %(engine)s cannot draft %(language)s (%(code)s) on this server. "
                             "Engines that can: %(engines)s.", engine=engine, language=language_name(tag),
                             code=tag, engines=", ".join(able)))
    try:
        job = tasks.start_draft(ws, tag, engine, [], user.name)
    except tasks.JobRunning as exc:
        flash(_("A draft of this language is already queued or running."), "info")
        return redirect(url_for("jobs.show", job_id=exc.job.id), 303)
    return redirect(url_for("jobs.show", job_id=job.id), 303)


@bp.post("/check")
def start_check():
    """Queue the QA checks of one language (form: lang); then the job's page."""
    user = account()
    lang = request.form.get("lang", "").strip()
    if not lang:
        raise BadInput(_("Choose a language to check."))
    tag = languages.validate(lang)
    user.require("approve", tag)
    try:
        job = tasks.start_check(_workspace(), tag, [], user.name)
    except tasks.JobRunning as exc:
        flash(_("A check of this language is already queued or running."), "info")
        return redirect(url_for("jobs.show", job_id=exc.job.id), 303)
    return redirect(url_for("jobs.show", job_id=job.id), 303)


@bp.post("/extract")
def start_extract():
    """Queue extracting every article's template again and merging the catalogs; then the job's page."""
    ws = _workspace()
    require_editor(ws.settings.languages)
    try:
        job = tasks.start_extract(ws, [], account().name)
    except tasks.JobRunning as exc:
        flash(_("A refresh of the catalogs is already queued or running."), "info")
        return redirect(url_for("jobs.show", job_id=exc.job.id), 303)
    return redirect(url_for("jobs.show", job_id=job.id), 303)


@bp.get("/<job_id>")
def show(job_id: str):
    """A job's page; it follows the job's progress through /api/jobs/<id>."""
    job = tasks.Jobs.of(_workspace().root).get(job_id) if len(job_id) <= 64 else None
    if job is None:
        raise NotFound(_("There is no such job."))
    if job.kind in EVERYWHERE:
        require_editor(_workspace().settings.languages)
    else:
        account().require("view", job.language)
    if wants_json():
        return jsonify(job=job.as_dict())
    if job.kind == "export":
        return _page("jobs/export.html", job=job, poll=POLL_SECONDS, **_exported(job))
    if job.kind == "article":
        steps = {"check": _("Checking the upload"), "catalogs": _("Updating the catalogs")}
        return _page("jobs/article.html", job=job, poll=POLL_SECONDS, steps=steps, title=article_title(job.slug))
    if job.kind in ("check", "extract", "import"):
        return _page(f"jobs/{job.kind}.html", job=job, poll=POLL_SECONDS,
                     title=article_title(job.slug) if job.slug else None)
    return _page("jobs/show.html", job=job, poll=POLL_SECONDS)


def _exported(job: tasks.Job) -> dict:
    """What an export job's page shows besides progress: the article, and the edition as it stands now."""
    ws = _workspace()
    state = None
    if job.outcome == tasks.PUBLISHED:
        state = record.states(ws, [(job.language, job.slug)])[job.language, job.slug]
    base = f"{request.script_root}/{job.language}/{job.slug}/"
    steps = {"gate": _("Checking the publish gate"), "editions": _("Making the HTML and PDF editions"),
             "record": _("Recording the publication")}
    return {"title": article_title(job.slug), "edition": state, "reader": {"html": base, "pdf": f"{base}{job.slug}.pdf"},
            "steps": steps, "may_publish": account().may("publish", job.language)}


@bp.get("/form.js")
def form_script():
    """The form's script: the engine list follows the language chosen (each option lists its languages)."""
    response = Response(FORM_SCRIPT, mimetype="text/javascript")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/progress.js")
def script():
    """The page's polling script: served from this site, as the content security policy wants."""
    response = Response(SCRIPT, mimetype="text/javascript")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def state_labels() -> dict[str, str]:
    """A job's state as the UI says it."""
    return {"queued": _("queued: waiting for the worker"), "running": _("running"), "done": _("done"),
            "failed": _("failed")}


def _page(template: str, **values) -> str:
    return render_template(template, labels=state_labels(), language_name=language_name, **values)


def _engines(ws, langs: list[str]) -> list[tuple[str, bool, list[str]]]:
    """(name, online, the languages it can draft) of every engine that can draft one of ``langs``.

    Online engines send the text off this machine. The form shows each language only its engines.
    """
    found = []
    for name in REGISTRY:
        able = [lang for lang in langs if can_draft(ws, name, lang)]
        if able:
            found.append((name, engine_class(name).online, able))
    return found


FORM_SCRIPT = """\
"use strict";
(function () {
  var lang = document.getElementById("job-lang"), engine = document.getElementById("job-engine");
  if (!lang || !engine) { return; }
  function follow() {
    Array.prototype.forEach.call(engine.options, function (option) {
      var able = option.getAttribute("data-langs");
      var off = able !== null && able.split(" ").indexOf(lang.value) < 0;
      option.hidden = off; option.disabled = off;
      if (off && option.selected) { engine.value = ""; }
    });
  }
  lang.addEventListener("change", follow);
  follow();
}());
"""

SCRIPT = """\
"use strict";
(function () {
  var box = document.querySelector("[data-job-url]");
  if (!box) { return; }
  var wait = 1000 * Number(box.getAttribute("data-poll") || 1);
  function set(selector, text) { var node = box.querySelector(selector); if (node) { node.textContent = text; } }
  function show(job) {
    var bar = box.querySelector("progress");
    if (job.total) { bar.max = job.total; bar.value = job.done; set("[data-count]", job.done + " / " + job.total); }
    else if (job.state === "done") { bar.max = 100; bar.value = 100; }
    set("[data-state]", box.getAttribute("data-label-" + job.state) || job.state);
    set("[data-drafted]", job.drafted); set("[data-from-memory]", job.from_memory); set("[data-skipped]", job.skipped);
    if (job.step) { set("[data-step]", box.getAttribute("data-step-" + job.step) || job.step); }
    var summary = box.querySelector("[data-summary]");
    if (summary) { summary.hidden = job.state !== "done"; }
    var error = box.querySelector("[data-error]");
    error.textContent = job.error; error.hidden = !job.error;
  }
  function poll() {
    fetch(box.getAttribute("data-job-url"), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (data) {
        if (data && data.job) {
          show(data.job);
          if (data.job.state === "done" || data.job.state === "failed") {
            // a page that shows the outcome (links to what was made) is drawn again by the server
            if (box.hasAttribute("data-reload") && box.getAttribute("data-state-now") !== data.job.state) { location.reload(); }
            return;
          }
        }
        setTimeout(poll, data ? wait : 5 * wait);
      })
      .catch(function () { setTimeout(poll, 5 * wait); });
  }
  poll();
}());
"""
