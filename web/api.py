"""The JSON API under /api/: the review actions of the UI, for scripts and the UI's own JavaScript.

Authentication: ``Authorization: Bearer <token>`` (``localize`` API tokens;
no CSRF token needed), or the UI's login session, whose writes carry the CSRF
token in ``X-CSRFToken``. Rights are checked here for every call. Every answer
is JSON; an error is ``{"error": "...", "status": N}`` (plus ``current`` on a
409 conflict, ``problems`` on a 422 from the QA gate; a rejection or an override
without a reason is a 422 too).
"""

from __future__ import annotations

import json

from flask import Blueprint, current_app, g, jsonify, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound as RouteNotFound

from localize import jobs as work
from localize import languages, po, tasks
from localize.accounts import PermissionDenied, User
from localize.errors import BadInput, Busy, LocalizeError
from localize.memory import Memory
from localize.review import (ACTIONS, BULK, LOCK_WAIT, MACHINE, MAX_BULK, MAX_REASON, REJECTED, RIGHT, Blocked,
                             Conflict, NotFound, Suggested)

from .auth import account
from .errors import message_of, status_of
from . import qa_text
from .review import catalog_file

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_BODY = 1024 * 1024          # bytes of a request body
MAX_QUERY = 200                 # characters of a search
MAX_LABEL = 100
STATES = (po.APPROVED, po.NEEDS_REVIEW, MACHINE, po.STALE, po.UNTRANSLATED, REJECTED)
SUGGESTIONS = 3
FORM_SLACK = 64 * 1024          # bytes a multipart form adds around an uploaded catalog


@bp.record_once
def _exempt_from_form_csrf(state) -> None:
    # Token requests need no CSRF token; session requests are checked in _authenticate,
    # against the X-CSRFToken header, once we know which kind the request is.
    csrf = state.app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(bp)


def _ctx():
    return current_app.extensions["localize"]


# -- authentication and errors -----------------------------------------------------------

@bp.before_request
def _authenticate():
    limit, what = MAX_BODY, "the request body"
    if request.endpoint == "api.upload":
        limit, what = work.MAX_UPLOAD + FORM_SLACK, "the catalog"
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        return _error(413, f"{what} is larger than {limit:,} bytes")
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _error(401, "use 'Authorization: Bearer <token>'")
        user = _ctx().store.token_user(token.strip())
        if user is None:
            return _error(401, "unknown, expired or revoked API token")
        g.api_user, g.api_by_token = user, True
        return None
    user = account()
    if user is None:
        return _error(401, "log in, or send 'Authorization: Bearer <token>'")
    csrf = current_app.extensions.get("csrf")
    if current_app.config.get("WTF_CSRF_ENABLED", True) and request.method not in ("GET", "HEAD", "OPTIONS"):
        if csrf is None:  # fail closed: a session never writes unchecked
            return _error(400, "CSRF protection is not set up: use an API token")
        try:
            csrf.protect()
        except CSRFError as exc:
            return _error(400, f"CSRF check failed: {exc.description}; send the token in X-CSRFToken")
    g.api_user, g.api_by_token = user, False
    return None


def _user() -> User:
    return g.api_user


def _error(status: int, message: str, **extra):
    response = jsonify({"error": message, "status": status, **extra})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="localize"'
    return response


@bp.errorhandler(LocalizeError)
def _library_error(exc: LocalizeError):
    extra = {}
    if isinstance(exc, Conflict):
        extra["current"] = exc.current.as_dict()
    elif isinstance(exc, tasks.JobRunning):
        extra["job"] = exc.job.as_dict()
    elif isinstance(exc, Blocked):
        extra["problems"] = [qa_text.as_dict(p) for p in exc.problems]
    status = status_of(exc)   # the UI's mapping: 400, 403, 404, 409, 422, 502 engine, 503 busy, else 500
    if status >= 500 and status != 503:
        current_app.logger.error("api: %s", exc)
    response = _error(status, message_of(exc), **extra)
    if isinstance(exc, Busy):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _http_error(exc: HTTPException):
    response = _error(exc.code or 500, exc.description or exc.name)
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


# By code as well as by class: Flask tries handlers for the status code (the app's pages) before
# handlers for the class, and this blueprint's answers stay in its own JSON shape.
bp.register_error_handler(HTTPException, _http_error)
for _code in (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500):
    bp.register_error_handler(_code, _http_error)


@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def _unknown(rest: str):
    """Any other address under /api/: JSON, not the UI's HTML error page."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = set()
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            endpoint, _ = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != "api._unknown":
            allowed.add(method)
    if allowed:
        raise MethodNotAllowed(valid_methods=sorted(allowed))
    raise RouteNotFound(f"no API endpoint {request.path}")


def _body() -> dict:
    """The request's JSON object; 400 for anything else, 413 past MAX_BODY."""
    data = request.get_data(cache=False)  # raises 413 past max_content_length (chunked bodies too)
    try:
        found = json.loads(data) if data else None
    except (ValueError, RecursionError):
        raise BadInput("the body is not valid JSON") from None
    if not isinstance(found, dict):
        raise BadInput("the body must be a JSON object")
    return found


def _field(body: dict, name: str, kind: type, *, required: bool = False, limit: int | None = None):
    value = body.get(name)
    if value is None:
        if required:
            raise BadInput(f"{name!r} is required")
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        what = {int: "a number", str: "text", bool: "true or false"}.get(kind, "a list")
        raise BadInput(f"{name!r} must be {what}")
    if limit is not None and isinstance(value, str) and len(value) > limit:
        raise BadInput(f"{name!r} is at most {limit:,} characters")
    return value


def _language(lang: str, right: str = "view") -> str:
    tag = languages.validate(lang)
    _user().require(right, tag)
    return tag


# -- reading -----------------------------------------------------------------------------

@bp.get("/status")
def status():
    """Per article and language the user may view: units, words, and how many in each state."""
    ws = _ctx().workspace
    mine = [lang for lang in ws.settings.languages if _user().may("view", lang)]
    rows = work.status(ws, mine) if mine else []
    return jsonify(user=_public(_user()), languages=mine, articles=rows)


@bp.get("/<lang>/<slug>/entries")
def entries(lang: str, slug: str):
    tag = _language(lang)
    state = request.args.get("state") or None
    query = request.args.get("q", "")
    if state is not None and state not in STATES:
        raise BadInput(f"no state {state!r}; states: {', '.join(STATES)}")
    if len(query) > MAX_QUERY:
        raise BadInput(f"a search is at most {MAX_QUERY} characters")
    items = _ctx().review.items(tag, slug)
    if state is not None:
        items = [i for i in items if i.state == state]
    if query:
        needle = query.casefold()
        items = [i for i in items if needle in i.msgid.casefold() or needle in i.msgstr.casefold()]
    return jsonify(language=tag, article=slug, entries=[qa_text.item_dict(i) for i in items])


@bp.get("/<lang>/<slug>/entries/<entry>")
def entry(lang: str, slug: str, entry: str):
    tag = _language(lang)
    ctx = _ctx()
    item = ctx.review.item(tag, slug, entry)
    memory = Memory(ctx.workspace)
    suggestions = [{"score": m.score, "source": m.source, "translation": m.translation, "article": m.where}
                   for m in memory.lookup(item.msgid, tag, limit=SUGGESTIONS + 1)
                   if not (m.where == slug and m.source == item.msgid)][:SUGGESTIONS]
    history = [{"id": c.id, "at": c.at, "user": c.user, "action": c.action, "old_msgstr": c.old_msgstr,
                "new_msgstr": c.new_msgstr, "old_state": c.old_state, "new_state": c.new_state,
                "note": c.note, "suggestion": c.suggestion}
               for c in ctx.store.history(tag, slug, entry)]
    comments = [_comment(c) for c in ctx.store.comments(tag, slug, entry)]
    suggested = [s.as_dict() for s in ctx.review.suggestions(tag, slug, entry)]
    return jsonify(entry=qa_text.item_dict(item), history=history, comments=comments, suggestions=suggestions,
                   suggested=suggested)


# -- acting ------------------------------------------------------------------------------

@bp.post("/<lang>/<slug>/entries/<entry>")
def act(lang: str, slug: str, entry: str):
    """One review action: {"action", "version", "text"?, "change"?, "reason"?, "check"?, "off"?} → the entry after it.

    A translator's new text for an approved entry is kept as a suggestion: 202 with the entry as it stays
    and the suggestion.
    """
    body = _body()
    action = _field(body, "action", str, required=True, limit=20)
    if action not in ACTIONS:
        raise BadInput(f"no action {action!r}; actions: {', '.join(ACTIONS)}")
    version = _field(body, "version", str, required=True, limit=64)
    text = _field(body, "text", str)
    change = _field(body, "change", int)
    reason = _field(body, "reason", str, limit=MAX_REASON)
    check = _field(body, "check", str, limit=40)
    off = _field(body, "off", bool) or False
    tag = _language(lang, RIGHT[action])
    done = _ctx().review.act(_user(), tag, slug, entry, action, based_on=version, text=text, change=change,
                             note=reason, check=check, off=off)
    if isinstance(done, Suggested):
        return jsonify(done.as_dict()), 202
    return jsonify(entry=qa_text.item_dict(done))


@bp.post("/<lang>/<slug>/bulk")
def bulk(lang: str, slug: str):
    """{"action": "approve"|"reject"|"review", "entries": [{"id", "version"}], "reason"?} → what was done, what
    was skipped and why (each entry under its single action's rules; one write)."""
    body = _body()
    action = _field(body, "action", str, required=True, limit=20)
    if action not in BULK:
        raise BadInput(f"no bulk action {action!r}; bulk actions: {', '.join(BULK)}")
    named = _field(body, "entries", list, required=True)
    if len(named) > MAX_BULK:
        raise BadInput(f"a bulk action takes at most {MAX_BULK:,} entries")
    pairs = []
    for one in named:
        if not (isinstance(one, dict) and isinstance(one.get("id"), str) and isinstance(one.get("version"), str)
                and len(one["id"]) <= 64 and len(one["version"]) <= 64):
            raise BadInput("'entries' must be a list of {\"id\": \"…\", \"version\": \"…\"}")
        pairs.append((one["id"], one["version"]))
    reason = _field(body, "reason", str, limit=MAX_REASON)
    tag = _language(lang, RIGHT[action])
    report = _ctx().review.bulk(_user(), tag, slug, action, pairs, reason=reason)
    return jsonify(language=tag, article=slug, **report.as_dict())


@bp.post("/<lang>/<slug>/entries/<entry>/comments")
def comment(lang: str, slug: str, entry: str):
    body = _body()
    text = _field(body, "text", str, required=True)
    tag = _language(lang, "comment")
    ctx = _ctx()
    ctx.review.item(tag, slug, entry)  # 404 for an entry that is not there
    made = ctx.store.add_comment(_user().name, tag, slug, entry, text)
    return jsonify(comment=_comment(made)), 201


# -- the catalog as a file, and stored suggestions ---------------------------------------------

@bp.get("/<lang>/<slug>/catalog")
def download(lang: str, slug: str):
    """The catalog as a .po file, stamped with the history's newest change (X-Localize-Revision)."""
    tag = _language(lang)
    ctx = _ctx()
    ctx.review.path(tag, slug)   # 404 for a catalog that is not there
    return catalog_file(work.download_catalog(ctx.workspace, tag, slug, timeout=LOCK_WAIT), slug)


@bp.post("/<lang>/<slug>/catalog")
def upload(lang: str, slug: str):
    """A .po file (the form field ``file``, or the whole body) merged as the user's saves → what happened.

    A translation that would replace approved work, or work done since the
    file was taken (its X-Localize-Revision), is kept as a stored suggestion.
    """
    tag = _language(lang, "save")
    ctx = _ctx()
    ctx.review.path(tag, slug)
    sent = request.files.get("file")
    if sent is not None:
        data, name = sent.read(work.MAX_UPLOAD + 1), sent.filename
    elif request.files or request.form:
        raise BadInput("send the catalog as the form field 'file', or as the whole body")
    else:
        data, name = request.get_data(cache=False), f"{slug}.po"
        if not data:
            raise BadInput("no catalog was sent: send it as the form field 'file', or as the whole body")
    if len(data) > work.MAX_UPLOAD:
        return _error(413, f"the catalog is larger than {work.MAX_UPLOAD:,} bytes")
    report = work.upload_catalog(ctx.workspace, _user(), tag, slug, data, name, timeout=LOCK_WAIT)
    return jsonify(language=tag, article=slug, **report.as_dict())


@bp.get("/<lang>/<slug>/suggestions")
def suggestions(lang: str, slug: str):
    """The open suggestions of a catalog (``?entry=`` one entry's)."""
    tag = _language(lang)
    entry = request.args.get("entry") or None
    if entry is not None and len(entry) > 64:
        raise BadInput("'entry' is an entry id")
    found = _ctx().review.suggestions(tag, slug, entry)
    return jsonify(language=tag, article=slug, suggestions=[s.as_dict() for s in found])


@bp.post("/<lang>/<slug>/entries/<entry>/suggestions")
def suggest(lang: str, slug: str, entry: str):
    """{"text"} → a stored suggestion for the entry; its translation stays as it is."""
    body = _body()
    text = _field(body, "text", str, required=True)
    tag = _language(lang, "save")
    made = _ctx().review.suggest(_user(), tag, slug, entry, text)
    return jsonify(suggestion=made.as_dict()), 201


@bp.post("/<lang>/<slug>/suggestions/<int:suggestion>")
def decide(lang: str, slug: str, suggestion: int):
    """{"action": "accept", "version"} approves the suggestion's text (409 if the entry changed);
    {"action": "dismiss"} closes it."""
    body = _body()
    action = _field(body, "action", str, required=True, limit=20)
    tag = _language(lang)
    ctx = _ctx()
    if action == "accept":
        version = _field(body, "version", str, required=True, limit=64)
        item = ctx.review.accept(_user(), tag, slug, suggestion, based_on=version)
        return jsonify(entry=qa_text.item_dict(item), suggestion=ctx.store.suggestion(suggestion).as_dict())
    if action == "dismiss":
        return jsonify(suggestion=ctx.review.dismiss(_user(), tag, slug, suggestion).as_dict())
    raise BadInput(f"no action {action!r} for a suggestion; actions: accept, dismiss")


@bp.post("/tokens")
def new_token():
    """A new API token for the logged-in user, shown once: {"label"?, "expires_in_days"?} (no expiry
    when it is missing or null)."""
    from localize.accounts import token_expiry

    if g.api_by_token:
        raise PermissionDenied("a token cannot make tokens: log in to the UI for that")
    body = _body() if request.content_length else {}
    label = (_field(body, "label", str, limit=MAX_LABEL) or "").strip()
    days = _field(body, "expires_in_days", int)
    expires = token_expiry(days=days) if days is not None else None
    token, made = _ctx().store.add_token(_user().name, label, expires=expires)
    return jsonify(token=token, user=_user().name, **made.as_dict()), 201


@bp.post("/jobs/draft")
def start_draft():
    """Queue a draft of one language: {"lang", "engine"?, "slugs"?} → 202 with the job."""
    body = _body()
    lang = _field(body, "lang", str, required=True, limit=40)
    engine = _field(body, "engine", str, limit=40) or None
    names = _slugs(body)
    tag = _language(lang, "draft")
    job = tasks.start_draft(_ctx().workspace, tag, engine, names, _user().name)
    return _accepted(job)


@bp.post("/jobs/check")
def start_check():
    """Queue the QA checks of one language: {"lang", "slugs"?} → 202 with the job (reviewers and up)."""
    body = _body()
    tag = _language(_field(body, "lang", str, required=True, limit=40), "approve")
    job = tasks.start_check(_ctx().workspace, tag, _slugs(body), _user().name)
    return _accepted(job)


@bp.post("/jobs/extract")
def start_extract():
    """Queue extracting the templates again and merging every catalog: {"slugs"?} → 202 (editors)."""
    body = _body()
    _require_everywhere("draft")
    job = tasks.start_extract(_ctx().workspace, _slugs(body), _user().name)
    return _accepted(job)


@bp.post("/jobs/import")
def start_import():
    """Queue merging a .po file (form fields ``lang``, ``slug``, ``file``) as the user's saves → 202."""
    lang, name, sent = request.form.get("lang", ""), request.form.get("slug", ""), request.files.get("file")
    if not lang or not name or sent is None:
        raise BadInput("send the form fields 'lang', 'slug' and 'file' (the catalog)")
    tag = _language(lang[:40], "save")
    ctx = _ctx()
    ctx.review.path(tag, name[:200])   # 404 for a catalog that is not there
    data = sent.read(work.MAX_UPLOAD + 1)
    if len(data) > work.MAX_UPLOAD:
        return _error(413, f"the catalog is larger than {work.MAX_UPLOAD:,} bytes")
    job = tasks.start_import(ctx.workspace, tag, name, data, sent.filename, _user().name)
    return _accepted(job)


def _slugs(body: dict) -> list[str]:
    names = _field(body, "slugs", list) or []
    if not all(isinstance(n, str) for n in names) or len(names) > 1000:
        raise BadInput("'slugs' must be a list of article names")
    return names


def _require_everywhere(right: str) -> None:
    for lang in [None, *_ctx().workspace.settings.languages]:
        _user().require(right, lang)


def _accepted(job: tasks.Job):
    response = jsonify(job=job.as_dict())
    response.status_code = 202
    response.headers["Location"] = url_for("api.job", job_id=job.id)
    return response


@bp.get("/jobs/<job_id>")
def job(job_id: str):
    found = tasks.Jobs.of(_ctx().workspace.root).get(job_id) if len(job_id) <= 64 else None
    if found is None:
        raise NotFound(f"no job {job_id[:64]!r}")
    if found.kind in ("article", "extract"):   # seen by those who may start one (draft in every language)
        _require_everywhere("draft")
    else:
        _user().require("view", found.language)
    return jsonify(job=found.as_dict())


def _comment(c) -> dict:
    return {"id": c.id, "at": c.at, "user": c.user, "text": c.text}


def _public(user: User) -> dict:
    return {"name": user.name, "role": user.role, "languages": list(user.languages), "roles": dict(user.roles)}

