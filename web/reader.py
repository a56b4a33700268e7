"""The reader's pages: published editions, in the reader's language.

* ``/<slug>/`` — redirects to the edition in the language the reader chose
  before (the ``lang`` cookie), else the one Accept-Language asks for, among
  the published ones (Babel's negotiation), else the source; when the
  reader's first wish is not published, the redirect carries ``?from=<tag>``
  and the edition shows a note in the reader's language saying so;
* ``/<lang>/<slug>/`` — the HTML edition; reached from another language's
  page of the same article (its switcher, or the not-published page's list:
  the Referer says so), it remembers that choice in the ``lang`` cookie
  (a year, ``Path=/``, ``SameSite=Lax``) — the editions are static files and
  hold no script, so the choice is read from the click, not written by it;
* ``/<lang>/`` (``/read/<lang>/`` when a slug has that name) — the titles
  published in that language; ``/<lang>/feed.xml`` their Atom feed;
* ``/sitemap.xml``, ``/robots.txt`` — every published edition with its
  hreflang alternates, under ``site-url`` (else the address the app is at);
* ``/<lang>/<slug>/<slug>.pdf`` — its PDF, beside it;
* ``/assets/media/<slug>/…`` — the article's images;
* ``/read/`` — every published edition, by article, in the reader's language
  (cookie, else Accept-Language), with a link to each language's titles
  (``/`` is the review UI's dashboard); each page above is also under ``/read``.

The addresses are laid out as the static site's (``localize export --site``),
so an edition's relative links hold on either. A slug named as a page of the
review UI (:data:`RESERVED`: ``review``, ``publish``, ``articles``, ``jobs``, ``api``, …) is reached
under ``/read`` only: first in an address, those words are never taken for an
article or a language. Only editions the index of published editions
lists are served (previews never are). The editions folder is
``LOCALIZE_EDITIONS``, else the workspace's ``editions-dir``. Register with
``app.register_blueprint(reader.bp)``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, redirect, request, send_file, send_from_directory
from werkzeug.routing import BaseConverter

from localize import editions, languages
from localize.errors import LocalizeError

bp = Blueprint("reader", __name__)
# The first part of every other page's address: never taken for a language or an article.
RESERVED = ("account", "admin", "api", "articles", "assets", "draft", "glossary", "healthz", "jobs", "language",
            "login", "logout", "preview", "publish", "read", "review", "static", "status", "tokens")


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


COOKIE = "lang"
COOKIE_AGE = 365 * 24 * 3600


def _tag(value: str | None) -> str | None:
    """A language tag from the client (cookie, query), canonical, or None."""
    if not value or len(value) > 35:
        return None
    try:
        return languages.validate(value)
    except LocalizeError:
        return None


def _primary(tag: str) -> str:
    return tag.split("-")[0].lower()


def _site_url() -> str:
    """Where the readers' pages are: ``site-url``, else this app's /read."""
    shared = current_app.extensions.get("localize")
    workspace = getattr(shared, "workspace", None)
    configured = editions.config(workspace).site_url if workspace is not None else None
    return configured or (request.url_root.rstrip("/") + "/read")


@_get("/")
def index():
    folder = _folder()
    articles = editions.published(folder) if folder.is_dir() else {}
    # nothing published yet is an empty list, not a missing page
    source = editions.source_language(folder) if articles else "en"
    wanted = ", ".join(filter(None, [_tag(request.cookies.get(COOKIE)), request.headers.get("Accept-Language")]))
    lang = editions.negotiate(wanted, editions.languages_of(articles), source) if articles else source
    response = _page(editions.listing(articles, source, lang), lang)
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response


@_get("/<slug:name>/", root="/<first:name>/")
def article(name: str):
    """An article's address without a language: the reader's language, if it is published."""
    folder = _folder()
    articles = editions.published(folder) if folder.is_dir() else {}
    langs = articles.get(name)
    if not langs:
        return _language_index(articles, name)
    source = editions.source_language(folder)
    default = source if source in langs else next(iter(langs))
    remembered = _tag(request.cookies.get(COOKIE))
    wanted = ", ".join(filter(None, [remembered, request.headers.get("Accept-Language")]))
    chosen = editions.negotiate(wanted, list(langs), default)
    first = next(filter(None, map(_tag, editions.preferences(wanted))), None)
    fallback = first is not None and editions.negotiate(first, list(langs), "") == ""
    prefix = "/read" if request.path.startswith("/read/") else ""   # readers stay where they came in
    query = f"?from={first}" if fallback else ""
    response = redirect(f"{request.script_root}{prefix}/{chosen}/{name}/{query}", code=302)
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.cache_control.private = True
    return response


def _language_index(articles: dict, name: str) -> Response:
    """``/<lang>/``: the titles published in that language."""
    tag = _tag(name) if name in editions.languages_of(articles) else None
    text = editions.language_index(tag, articles) if tag else None
    if text is None:
        abort(404)
    if not request.path.endswith("/"):   # its links are relative to its address, slash included
        return redirect(f"{request.script_root}{request.path}/", code=308)
    return _page(text, tag)


@_get("/<tag:lang>/feed.xml")
def feed(lang: str):
    """The Atom feed of the titles published in one language."""
    folder = _folder()
    articles = editions.published(folder) if folder.is_dir() else {}
    text = editions.feed(lang, articles, folder, _site_url()) if lang in editions.languages_of(articles) else None
    if text is None:
        abort(404)
    response = Response(text, mimetype="application/atom+xml")
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@_get("/sitemap.xml")
def sitemap():
    folder = _folder()
    articles = editions.published(folder) if folder.is_dir() else {}
    if not articles:
        abort(404)
    text = editions.sitemap(articles, editions.source_language(folder), _site_url())
    response = Response(text, mimetype="application/xml")
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@_get("/robots.txt")
def robots():
    """Crawlers may read the editions; the sitemap says where they are."""
    base = request.url_root.rstrip("/") + ("/read" if request.path.startswith("/read/") else "")
    response = Response(editions.robots(base), mimetype="text/plain")
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@_get("/<tag:lang>/<slug:slug>/")
def edition(lang: str, slug: str):
    folder = _folder()
    path = editions.find(folder, lang, slug, "html")
    if path is None:
        return _not_published(folder, lang, slug)
    if not request.path.endswith("/"):   # the page's links are relative to its address, slash included
        query = request.query_string.decode("ascii", "replace")
        return redirect(f"{request.script_root}{request.path}/" + (f"?{query}" if query else ""), code=308)
    text = path.read_text(encoding="utf-8")
    asked = _tag(request.args.get("from"))
    if asked and _primary(asked) != _primary(lang) and asked not in editions.published(folder).get(slug, {}):
        text = editions.with_fallback_note(text, asked, lang)
    response = _page(text, lang)
    if _switched(lang, slug):
        response.set_cookie(COOKIE, lang, max_age=COOKIE_AGE, path="/", samesite="Lax", httponly=True,
                            secure=request.is_secure)
        response.cache_control.public = False
        response.cache_control.private = True
    return response


_READER_PAGE = re.compile(r"(?:/read)?/([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3})/([a-z0-9_-]+)/?")


def _switched(lang: str, slug: str) -> bool:
    """The reader came from another language's page of this article (its switcher, the not-published
    page's list): a choice to remember."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return False
    path = referrer.path
    if request.script_root and path.startswith(request.script_root):
        path = path[len(request.script_root):]
    m = _READER_PAGE.fullmatch(path)
    return m is not None and m.group(2) == slug and m.group(1).lower() != lang.lower()


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
