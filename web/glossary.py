"""The glossary in the browser: the terms of one language, added, changed and removed by its reviewers.

``glossary.toml`` stays the file of record: every change goes through
:func:`localize.glossary.set_term` / :func:`~localize.glossary.remove_term`,
which keep the file's comments and refuse (400) anything :func:`~localize.glossary.load`
would refuse, leaving the file as it was. Everyone who works in a language
sees its terms; its reviewers, editors and admins change them. The page also
gives the glossary as TBX-Basic, for a CAT tool.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from localize import glossary, languages, tbx
from localize.errors import LanguageError, LocalizeError
from localize.workspace import Workspace

from .auth import account, require_login
from .errors import error_response

bp = Blueprint("glossary", __name__, url_prefix="/glossary")
bp.before_request(require_login)

EDIT = "approve"   # who may change a language's terms: its reviewers (and editors, admins)


def _workspace() -> Workspace:
    return current_app.extensions["localize"].workspace


def _language(lang: str) -> str:
    """A language of the workspace the account works in; 404 or 403 otherwise."""
    ws = _workspace()
    try:
        tag = languages.validate(lang)
    except LanguageError:
        abort(404)
    if tag not in ws.settings.languages:
        abort(404)
    if not account().may("view", tag):
        abort(403)
    return tag


def _kind_labels() -> dict[str, str]:
    return {"required": _("Required translation"), "keep": _("Keep as it is"), "forbidden": _("Forbidden translation")}


@bp.get("/")
def index():
    """The first language the account works in."""
    mine = [tag for tag in _workspace().settings.languages if account().may("view", tag)]
    if not mine:
        abort(403)
    return redirect(url_for("glossary.page", lang=mine[0]), 303)


@bp.get("/<lang>")
def page(lang: str):
    return _show(_language(lang))


@bp.post("/<lang>")
def change(lang: str):
    """Add a term, or change one: form fields ``kind``, ``term``, ``translation`` (none for keep)."""
    tag = _language(lang)
    if not account().may(EDIT, tag):
        abort(403)
    kind = request.form.get("kind", "")
    term = request.form.get("term", "")
    value = request.form.get("translation", "")
    if kind not in glossary.KINDS:
        return _refused(tag, _("Choose what kind of term it is."))
    if kind != "keep" and not " ".join(value.split()):
        return _refused(tag, _("Give the translation."))
    try:
        glossary.set_term(glossary.path_for(_workspace()), tag, kind, term, value)
    except LocalizeError as exc:
        return _refused(tag, str(exc))
    current_app.logger.info("glossary %s: %s set %s %r", tag, account().name, kind, term)
    flash(_("Saved the term %(term)s.", term=" ".join(term.split())), "success")
    return redirect(url_for("glossary.page", lang=tag), 303)


@bp.post("/<lang>/remove")
def remove(lang: str):
    """Take a term out: form fields ``kind``, ``term`` and, for a forbidden translation, ``translation``."""
    tag = _language(lang)
    if not account().may(EDIT, tag):
        abort(403)
    term = request.form.get("term", "")
    try:
        glossary.remove_term(glossary.path_for(_workspace()), tag, request.form.get("kind", ""), term,
                             request.form.get("translation", ""))
    except LocalizeError as exc:
        return _refused(tag, str(exc))
    current_app.logger.info("glossary %s: %s removed %r", tag, account().name, term)
    flash(_("Removed the term %(term)s.", term=term), "success")
    return redirect(url_for("glossary.page", lang=tag), 303)


@bp.get("/<lang>/glossary.tbx")
def download(lang: str):
    """The language's terms (and the terms kept in every language) as TBX-Basic."""
    tag = _language(lang)
    ws = _workspace()
    data = tbx.dumps(glossary.for_workspace(ws), ws.settings.source_language, [tag])
    response = make_response(data)
    response.headers["Content-Type"] = "application/x-tbx+xml"
    response.headers["Content-Disposition"] = f'attachment; filename="glossary.{tag}.tbx"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused(tag: str, message: str):
    """The page again with the problem, 400; the file is as it was."""
    return _show(tag, message, 400)


def _show(tag: str, error: str | None = None, status: int = 200):
    """The language's page; after a refused change, with the problem and the form as it was sent."""
    ws = _workspace()
    try:
        terms = glossary.for_workspace(ws)
    except LocalizeError as exc:
        return error_response(500, str(exc))
    mine = [t for t in ws.settings.languages if account().may("view", t)]
    return render_template("glossary/index.html", lang=tag, langs=mine, rows=terms.terms(tag), keep=terms.keep,
                           kinds=_kind_labels(), may_edit=account().may(EDIT, tag), file=glossary.path_for(ws).name,
                           error=error, form=request.form if error else None), status
