"""The reader's pages: published editions, in the reader's language.

* ``/<slug>/`` — redirects to the edition in the language Accept-Language
  asks for, among the published ones (Babel's negotiation), else the source;
* ``/<lang>/<slug>/`` — the HTML edition;
* ``/<lang>/<slug>/<slug>.pdf`` — its PDF, beside it;
* ``/assets/media/<slug>/…`` — the article's images;
* ``/read/`` — every published edition, by article (``/`` is the review UI's
  dashboard); each page above is also under ``/read``.

The addresses are laid out as the static site's (``localize export --site``),
so an edition's relative links hold on either. A slug named as a page of the
review UI (:data:`RESERVED`: ``review``, ``jobs``, ``api``, …) is reached
under ``/read`` only: first in an address, those words are never taken for an
article or a language. Only editions the index of published editions
lists are served (previews never are). The editions folder is
``LOCALIZE_EDITIONS``, else the workspace's ``editions-dir``. Register with
``app.register_blueprint(reader.bp)``.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, request, send_file, send_from_directory
from werkzeug.routing import BaseConverter

from localize import editions, languages
from localize.errors import LocalizeError

bp = Blueprint("reader", __name__)
# The first part of every other page's address: never taken for a language or an article.
RESERVED = ("api", "assets", "healthz", "jobs", "language", "login", "logout", "read", "review", "static")


class _Slug(BaseConverter):
    """An article's name as addresses carry it."""

    regex = "[a-z0-9](?:[a-z0-9_-]{0,98}[a-z0-9])?"


_NOT_RESERVED = "(?!(?:" + "|".join(RESERVED) + ")(?:/|$))"


class _First(_Slug):
    """An article's name first in an address: never a reserved first part."""

    regex = _NOT_RESERVED + _Slug.regex


class _Tag(BaseConverter):
    """A language tag first in an address (``es``, ``pt-BR``, ``zh-Hant``): never a reserved first part."""

    regex = _NOT_RESERVED + "[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}"


bp.record_once(lambda state: state.app.url_map.converters.update(slug=_Slug, first=_First, tag=_Tag))
# Every reader's page is at /read/… and, but for the list of editions (the review
# UI's dashboard is /), where the readers' addresses are laid out: /<lang>/<slug>/.
PREFIXES = ("/read", "")


def _get(rule: str, root: str | None = None):
    """A reader's page under /read and (as ``root`` if its first part differs) at the site's root.
    Addresses without their final '/' are matched too, so that one which names no edition is a 404
    as it stands, and one which does is redirected (:func:`edition`)."""
    def register(view):
        for prefix in PREFIXES:
            if prefix or rule != "/":
                bp.add_url_rule(prefix + (rule if prefix else root or rule), view_func=view, methods=["GET"],
                                strict_slashes=False)
        return view
    return register

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


@_get("/")
def index():
    folder = _folder()
    articles = editions.published(folder) if folder.is_dir() else {}
    # nothing published yet is an empty list, not a missing page
    return _page(editions.listing(articles, editions.source_language(folder) if articles else "en"))


@_get("/<slug:name>/", root="/<first:name>/")
def article(name: str):
    """An article's address without a language: the reader's language, if it is published."""
    folder = _folder()
    langs = editions.published(folder).get(name)
    if not langs:
        abort(404)
    source = editions.source_language(folder)
    default = source if source in langs else next(iter(langs))
    chosen = editions.negotiate(request.headers.get("Accept-Language"), list(langs), default)
    prefix = "/read" if request.path.startswith("/read/") else ""   # readers stay where they came in
    response = redirect(f"{request.script_root}{prefix}/{chosen}/{name}/", code=302)
    response.headers["Vary"] = "Accept-Language"
    response.cache_control.private = True
    return response


@_get("/<tag:lang>/<slug:slug>/")
def edition(lang: str, slug: str):
    folder = _folder()
    path = editions.find(folder, lang, slug, "html")
    if path is None:
        return _not_published(folder, lang, slug)
    if not request.path.endswith("/"):   # the page's links are relative to its address, slash included
        return redirect(f"{request.script_root}{request.path}/", code=308)
    return _page(path.read_text(encoding="utf-8"), lang)


def _not_published(folder: Path, lang: str, slug: str) -> Response:
    """404: an article published in other languages says so in the one asked for, and lists them."""
    langs = editions.published(folder).get(slug) if folder.is_dir() else None
    if not langs:
        abort(404)
    try:
        tag = languages.validate(lang)
    except LocalizeError:
        tag = editions.source_language(folder) or "en"
    prefix = request.script_root + ("/read/" if request.path.startswith("/read/") else "/")   # readers stay there
    response = _page(editions.not_published(slug, tag, langs, prefix), tag)
    response.status_code = 404
    response.cache_control.max_age = 60
    return response


@_get("/<tag:lang>/<slug:slug>/<name>.pdf")
def edition_pdf(lang: str, slug: str, name: str):
    path = editions.find(_folder(), lang, slug, "pdf") if name == slug else None
    if path is None:
        abort(404)
    response = send_file(path, mimetype="application/pdf", download_name=f"{slug}.{lang}.pdf",
                         as_attachment=False, max_age=300)
    response.headers["Content-Language"] = lang
    return response


@_get("/assets/media/<slug:slug>/<path:name>")
def image(slug: str, name: str):
    """An image of a published article, as its editions point to it."""
    folder = _folder()
    if slug not in editions.published(folder):
        abort(404)
    return send_from_directory(folder / "assets" / "media" / slug, name, max_age=300)
