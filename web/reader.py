"""The reader's pages: published editions, in the reader's language, under ``/read``.

* ``/read/`` — every published edition, by article;
* ``/read/<slug>/`` — redirects to the edition in the language Accept-Language
  asks for, among the published ones (Babel's negotiation), else the source;
* ``/read/<lang>/<slug>/`` — the HTML edition;
* ``/read/<lang>/<slug>/<slug>.pdf`` — its PDF, beside it.

Only editions the index of published editions lists are served (previews
never are). The editions folder is ``LOCALIZE_EDITIONS``, else the workspace's
``editions-dir``. The prefix keeps clear of the review UI (``/``, ``/review``,
``/login``, ``/api``, ``/jobs``). Register with ``app.register_blueprint(reader.bp)``.
"""

from __future__ import annotations

from pathlib import Path

from flask import (Blueprint, Response, abort, current_app, redirect, request, send_file, send_from_directory,
                   url_for)

from localize import editions

bp = Blueprint("reader", __name__, url_prefix="/read")

# Editions hold no script and load nothing: their styles are inline, their fonts the reader's.
POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; "
          "form-action 'none'; frame-ancestors 'none'")


def _folder() -> Path:
    configured = current_app.config.get("LOCALIZE_EDITIONS")
    if configured:
        return Path(configured)
    shared = current_app.extensions.get("localize")
    workspace = getattr(shared, "workspace", None)
    if workspace is None:
        abort(404)
    return editions.config(workspace).folder


def _page(text: str, lang: str | None = None) -> Response:
    response = Response(text, mimetype="text/html")
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    if lang:
        response.headers["Content-Language"] = lang
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@bp.get("/")
def index():
    folder = _folder()
    articles = editions.published(folder) if folder.is_dir() else {}
    # nothing published yet is an empty list, not a missing page
    return _page(editions.listing(articles, editions.source_language(folder) if articles else "en"))


@bp.get("/<name>/")
def article(name: str):
    """An article's address without a language: the reader's language, if it is published."""
    folder = _folder()
    langs = editions.published(folder).get(name)
    if not langs:
        abort(404)
    source = editions.source_language(folder)
    default = source if source in langs else next(iter(langs))
    chosen = editions.negotiate(request.headers.get("Accept-Language"), list(langs), default)
    response = redirect(url_for(".edition", lang=chosen, slug=name), code=302)
    response.headers["Vary"] = "Accept-Language"
    response.cache_control.private = True
    return response


@bp.get("/<lang>/<slug>/")
def edition(lang: str, slug: str):
    path = editions.find(_folder(), lang, slug, "html")
    if path is None:
        abort(404)
    return _page(path.read_text(encoding="utf-8"), lang)


@bp.get("/<lang>/<slug>/<name>.pdf")
def edition_pdf(lang: str, slug: str, name: str):
    path = editions.find(_folder(), lang, slug, "pdf") if name == slug else None
    if path is None:
        abort(404)
    response = send_file(path, mimetype="application/pdf", download_name=f"{slug}.{lang}.pdf",
                         as_attachment=False, max_age=300)
    response.headers["Content-Language"] = lang
    return response


@bp.get("/assets/media/<slug>/<path:name>")
def image(slug: str, name: str):
    """An image of a published article, as its editions point to it."""
    folder = _folder()
    if slug not in editions.published(folder):
        abort(404)
    return send_from_directory(folder / "assets" / "media" / slug, name, max_age=300)
