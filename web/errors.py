"""Errors as pages for people and as JSON for scripts; a library error maps to its HTTP status."""

from __future__ import annotations

import functools
import os

from flask import Flask, current_app, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from localize.accounts import PermissionDenied
from localize.catalog import WriteError
from localize.engines import EngineError
from localize.db import DatabaseError
from localize.errors import BadInput, Busy, ConflictError, LocalizeError, Unavailable
from localize.review import Blocked, Conflict, NotFound, ReasonRequired
from localize.said import Said

TITLES = {
    400: _l("Bad request"),
    401: _l("Not logged in"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    409: _l("Changed meanwhile"),
    413: _l("Too large"),
    422: _l("Blocked by quality checks"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
    502: _l("The translation engine failed"),
    503: _l("Busy"),
    507: _l("Out of storage"),
}


def wants_json() -> bool:
    """Whether the client asked for JSON (a script, the editor's fetch calls, the API)."""
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def status_of(exc: LocalizeError) -> int:
    """The HTTP status of a library error."""
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, (Conflict, ConflictError)):
        return 409
    if isinstance(exc, (Blocked, ReasonRequired)):   # understood, but a reason is missing
        return 422
    if isinstance(exc, EngineError):
        return 502
    if isinstance(exc, (Busy, Unavailable)):
        return 503
    if isinstance(exc, WriteError):
        return 507 if exc.no_space else 500
    if isinstance(exc, BadInput):
        return 400
    return 500


def error_response(code: int, message: str, **extra):
    """A page, or ``{"error", "message", …}`` for a client that wants JSON."""
    message = workspace_relative(str(message))
    if wants_json():
        return jsonify(error=str(TITLES.get(code, code)), status=code, message=message, **extra), code
    return render_template("error.html", code=code, title=TITLES.get(code, str(code)), message=message), code


def workspace_relative(message: str) -> str:
    """A message naming files as the workspace does (``locales/es/…po:12``), not by the server's folders."""
    shared = current_app.extensions.get("localize")
    root = getattr(getattr(shared, "workspace", None), "root", None)
    if root is None:
        return message
    for folder in dict.fromkeys((str(root), str(root.resolve()))):
        message = message.replace(folder + os.sep, "").replace(folder, ".")
    return message


def init_app(app: Flask) -> None:
    for code in (400, 401, 403, 404, 405, 409, 413, 422, 429, 500):
        app.register_error_handler(code, _guarded(_http))
    app.register_error_handler(LocalizeError, _guarded(_library))


# The last resort when no page can be made: no template, no account, no translation.
PLAIN = ('<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Something went wrong · localize'
         '</title></head>\n<body><h1>Something went wrong (500)</h1>\n<p>The server could not finish this request. '
         'The error has been logged.</p></body></html>\n')


def _guarded(handler):
    """An error handler that cannot fail in turn (which would leave the bare server's 500, without the
    security headers): when the page cannot be made, as when the accounts database is what broke, it is
    made again without the account, and at worst as a plain page."""
    @functools.wraps(handler)
    def guarded(exc):
        try:
            return handler(exc)
        except Exception:
            current_app.logger.exception("the error page failed; making it without the account")
        manager = getattr(current_app, "login_manager", None)
        if manager is not None:
            g._login_user = manager.anonymous_user()   # where Flask-Login keeps the request's account
        try:
            return handler(exc)
        except Exception:
            current_app.logger.exception("the error page failed without the account too")
        if wants_json():
            return jsonify(error="Something went wrong", status=500, message="The error has been logged."), 500
        return make_response(PLAIN, 500)
    return guarded


MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("Your account may not do this here."),
    404: _l("There is no such page."),
    405: _l("This address does not take that kind of request."),
    413: _l("What was sent is too large."),
    500: _l("The server could not finish this request. The error has been logged."),
}


def _http(exc: HTTPException):
    code = exc.code or 500
    if isinstance(exc, CSRFError):
        message = _("The form expired or did not come from this site. Reload the page and try again.")
    elif exc.description and exc.description != type(exc).description:
        message = exc.description            # a reason given with abort(code, reason)
    else:
        message = str(MESSAGES.get(code, exc.description or ""))
    response = make_response(*error_response(code, message))
    if code == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def message_of(exc: LocalizeError) -> str:
    """What a person is told about a library error; a failed write names the problem, not the server's paths."""
    if isinstance(exc, WriteError):
        if exc.no_space:
            return _("Your change was not saved: the server's disk is full. The catalog is as it was; "
                     "try again later or tell the administrator.")
        return _("Your change was not saved: the server could not write the catalog. The catalog is as it "
                 "was; try again later or tell the administrator.")
    if isinstance(exc, DatabaseError):   # a server fault: the details (the file, the driver's words) go to the log
        return _("The server could not read its database. Try again later or tell the administrator: "
                 "the details are in the server's log.")
    said = exc.args[0] if exc.args and isinstance(exc.args[0], Said) else None
    if said is not None:   # a message the library made translatable: said in the UI's language
        from .qa_text import describe

        return describe(said)
    return workspace_relative(str(exc))


def _library(exc: LocalizeError):
    code = status_of(exc)
    if isinstance(exc, (WriteError, DatabaseError)):
        current_app.logger.error("%s", exc)
    extra = {}
    if isinstance(exc, Conflict):
        extra["current"] = exc.current.as_dict()
    if isinstance(exc, Blocked):
        extra["problems"] = [p.as_dict() for p in exc.problems]
    response = make_response(*error_response(code, message_of(exc), **extra))
    if isinstance(exc, Busy):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response
