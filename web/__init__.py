"""The web face of localize: a Flask app over the library.

Settings, from the environment (or ``test_config`` in tests):

* ``LOCALIZE_SECRET_KEY``: signs sessions and CSRF tokens; required (the app
  refuses to start without it, except under ``TESTING``).
* ``LOCALIZE_ROOT``: the workspace; else the one holding the current folder.
* ``LOCALIZE_DATABASE``: the accounts file; else ``<workspace>/instance/localize.sqlite3``.
* ``LOCALIZE_SECURE_COOKIES``: ``1`` marks cookies ``Secure`` (HTTPS only). Off by
  default, since ``localize serve`` answers plain http on 127.0.0.1; turn it on
  behind any HTTPS front.
* ``LOCALIZE_PROXIES``: how many reverse proxies to trust for the client address
  (``X-Forwarded-For``), which the login limit counts; 0 by default.

What the blueprints share is in ``app.extensions["localize"]``: ``workspace``,
``store`` (accounts and history) and ``review`` (the review actions); the
CSRF protection is ``app.extensions["csrf"]``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from types import SimpleNamespace

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from localize import catalog, history
from localize.accounts import Store
from localize.review import Review
from localize.workspace import Workspace

from . import admin, api, api_tokens, auth, errors, i18n, jobs, qa_text, reader, review, security
from . import articles, glossary, health, publish

_TRUE = {"1", "true", "yes", "on"}


class ConfigurationError(RuntimeError):
    """The app cannot start: a setting is missing or wrong."""


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; settings come from the environment, or ``test_config`` in tests."""
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.merge_slashes = False   # "/review/..%2F/x" is refused as it stands, not redirected first
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("LOCALIZE_SECRET_KEY") or None,
        LOCALIZE_ROOT=os.environ.get("LOCALIZE_ROOT") or None,
        LOCALIZE_DATABASE=os.environ.get("LOCALIZE_DATABASE") or None,
        LOCALIZE_SECURE_COOKIES=os.environ.get("LOCALIZE_SECURE_COOKIES", "").strip().lower() in _TRUE,
        LOCALIZE_PROXIES=os.environ.get("LOCALIZE_PROXIES", "0"),
        SESSION_COOKIE_NAME="localize_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,          # a token lives as long as the session it is bound to
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        BABEL_DEFAULT_LOCALE="en",
    )
    if test_config:
        app.config.update(test_config)
    _check_secret(app)
    secure = bool(app.config["LOCALIZE_SECURE_COOKIES"])
    if not test_config or "SESSION_COOKIE_SECURE" not in test_config:
        app.config["SESSION_COOKIE_SECURE"] = secure
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])

    root = app.config["LOCALIZE_ROOT"]
    workspace = Workspace.open(Path(root)) if root else Workspace.find()
    catalog.sweep_catalogs(workspace.locales_dir)   # what writers killed before this start left
    database = history.address(app.config["LOCALIZE_DATABASE"]) or workspace.root / "instance" / "localize.sqlite3"
    history.choose_database(workspace.root, database)   # the jobs and the publishing record too
    store = Store(database)
    history.settle_all(store, workspace.catalog_path)   # changes recorded by writers killed before their write
    store.close()   # no connection made at start outlives it (a forking server's workers open their own)
    app.extensions["localize"] = SimpleNamespace(workspace=workspace, store=store,
                                                 review=Review(workspace, store))

    hops = _proxies(app.config["LOCALIZE_PROXIES"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    CSRFProtect(app)               # before the blueprints, which may exempt themselves
    i18n.init_app(app)
    qa_text.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(i18n.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(api.bp)   # with the token routes of api_tokens
    app.register_blueprint(jobs.bp)
    app.register_blueprint(publish.bp)
    app.register_blueprint(articles.bp)
    app.register_blueprint(glossary.bp)
    app.register_blueprint(reader.bp)
    app.register_blueprint(admin.bp)

    health.init_app(app)

    return app


def _proxies(value) -> int:
    text = str(value).strip() or "0"
    if not (text.isascii() and text.isdigit()) or int(text) > 10:
        raise ConfigurationError(f"LOCALIZE_PROXIES must be a number of proxies (0-10), not {text[:20]!r}")
    return int(text)


def _check_secret(app: Flask) -> None:
    key = app.config.get("SECRET_KEY")
    if key and str(key).strip():
        return
    if app.config.get("TESTING"):
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        return
    state = "is not set" if not key else "is blank"   # a key of spaces signs nothing anybody could not forge
    raise ConfigurationError(
        f"LOCALIZE_SECRET_KEY {state}: the web UI signs sessions with it. Set it to a long random "
        "value, e.g. export LOCALIZE_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')")
