"""The review pages: dashboard, a catalog's queue, the entry editor and its actions, the preview;
a catalog's download and upload, and the stored suggestions of an entry."""

from __future__ import annotations

import html
import os
from collections import Counter
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from flask import (Blueprint, abort, current_app, flash, jsonify, make_response, redirect, render_template,
                   request, url_for)
from markupsafe import Markup
from flask_babel import format_datetime, get_locale, gettext as _, lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

from localize import article, changes, checks, editions, history as histories, jobs as work, languages
from localize.editions import record, store
from localize.accounts import PermissionDenied
from localize.engines import EngineError
from localize.errors import BadInput, LocalizeError
from localize.records import Decided
from localize.review import BULK, LOCK_WAIT, MAX_BULK, RIGHT, Blocked, Conflict, Item, NotFound, Suggested

from . import present, preview as previews, progress, qa_text, suggest
from .auth import account, require_login
from .errors import TITLES, message_of, status_of, wants_json, workspace_relative
from .security import PREVIEW_POLICY

bp = Blueprint("review", __name__)
bp.before_request(require_login)
FORM_SLACK = 64 * 1024     # bytes a form adds around an uploaded file


@bp.record_once
def _csrf_after_the_size_check(state) -> None:
    # The upload checks its CSRF token itself, once it has allowed a body as large as a catalog may be.
    csrf = state.app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt("web.review.upload")


def _local():
    return current_app.extensions["localize"]


def _open(lang: str, slug: str, right: str = "view") -> str:
    """The language tag of an existing catalog the account may use this way; 404 or 403 otherwise."""
    try:
        _local().review.path(lang, slug)
    except BadInput:
        abort(404)
    tag = languages.validate(lang)
    if not account().may(right, tag):
        abort(403)
    return tag


@lru_cache(maxsize=256)
def _language_name(tag: str, ui: str) -> str:
    return languages.parse(tag).locale.get_display_name(ui) or tag


def language_name(tag: str) -> str:
    return _language_name(tag, str(get_locale()))


@lru_cache(maxsize=512)
def _title_in(path: str, mtime: int) -> str | None:
    try:
        root = article.parse(Path(path).read_bytes(), path).getroot()
    except (OSError, LocalizeError):
        return None
    for heading in (root.find(".//title"), root.find(".//h1")):
        text = " ".join("".join(heading.itertext()).split()) if heading is not None else ""
        if text:
            return text
    return None


def article_title(slug: str) -> str:
    """The article's title as its source page gives it (``<title>``, else the first ``<h1>``), else its slug."""
    try:
        path = _local().workspace.source_path(slug)
        mtime = os.stat(path).st_mtime_ns
    except (OSError, LocalizeError):
        return slug
    return _title_in(str(path), mtime) or slug


@bp.app_template_global()
def when(at: float) -> str:
    return format_datetime(datetime.fromtimestamp(at, timezone.utc), "medium")


@bp.app_template_global()
def iso_time(at: float) -> str:
    """A moment as a ``<time datetime>`` gives it (UTC, to the second)."""
    return datetime.fromtimestamp(at, timezone.utc).isoformat(timespec="seconds")


bp.add_app_template_global(present.state_label, "state_label")
bp.add_app_template_global(present.state_class, "state_class")
bp.add_app_template_global(language_name, "language_name")
bp.add_app_template_global(present.role_label, "role_label")
bp.add_app_template_global(present.action_label, "action_label")
bp.add_app_template_global(article_title, "article_title")


@bp.app_template_global()
def ignorable(check: str, action: str = "override") -> bool:
    """Whether a check's finding may be overridden, or (``action="ignore"``) ignored: ``pseudo`` and ``unsafe``
    never are, and only a warning is ignored."""
    found = checks.CHECKS.get(check)
    if found is None or not found.ignorable:
        return False
    return action != "ignore" or found.severity == checks.WARNING


@bp.app_template_global()
def bdi(text) -> Markup:
    """Text isolated from the direction around it: a name, a slug, a reference."""
    return Markup("<bdi>{}</bdi>").format(text)


bp.add_app_template_global(present.pieces, "pieces")
bp.add_app_template_global(present.numbered, "numbered")
bp.add_app_template_global(present.translation, "translation")
bp.add_app_template_global(present.placeholder, "placeholder")

# The kinds of source change (localize.changes.CHANGES), as the editor names them.
CHANGES = {"whitespace": _l("whitespace"), "typography": _l("typography"), "case": _l("letter case"),
           "markup": _l("markup"), "wording": _l("wording"), "numbers": _l("numbers"),
           "citations": _l("citations"), "names": _l("names"), "links": _l("link targets")}


def change_label(kinds) -> str:
    return ", ".join(str(CHANGES.get(kind, kind)) for kind in kinds)


# -- dashboard -----------------------------------------------------------------------------

@bp.get("/")
def dashboard():
    ws = _local().workspace
    user = account()
    langs = [tag for tag in ws.settings.languages if user.may("view", tag)]
    rows, errors = progress.figures(ws, langs)
    cfg = editions.config(ws)
    states = record.states(ws, [(row["language"], row["article"]) for row in rows], cfg)
    articles: dict[str, list[dict]] = {}
    for row in rows:
        key = row["language"], row["article"]
        edition = {"state": states[key], "may_publish": user.may("publish", row["language"]),
                   "preview": store.files(cfg.folder, *key, preview=True).html.is_file()}
        articles.setdefault(row["article"], []).append(_cell(row, errors[row["article"], row["language"]], edition))
    return render_template("review/dashboard.html", articles=articles, langs=langs, columns=present.COLUMNS,
                           source_lang=ws.settings.source_language)


def _cell(row: dict, errors: int, edition: dict | None = None) -> dict:
    """A dashboard cell: progress by state, QA errors, and (``edition``) the edition on the site: its
    record.State, whether the account may publish it, whether a drafts preview exists."""
    if "unreadable" in row:   # one broken file is shown where it is; the other catalogs still count
        return {"lang": row["language"], "unreadable": workspace_relative(row["unreadable"]), "edition": edition}
    total = row["units"] or 1
    start, bars = 0.0, []
    for key, css, label in present.COLUMNS:
        width = 100.0 * row[key] / total
        bars.append({"key": key, "css": css, "label": label, "count": row[key], "x": start, "width": width})
        start += width
    to_review = row["needs review"] + row["machine drafts"]
    return {"lang": row["language"], "units": row["units"], "words": row["words"], "bars": bars,
            "errors": errors, "to_review": to_review, "machine": row["machine drafts"],
            "done": 100 * row["approved"] // total, "edition": edition}


# -- queue ---------------------------------------------------------------------------------

def _filters() -> tuple[str, str]:
    state = request.args.get("state", "")
    return (state if state in present.FILTERS else ""), request.args.get("q", "").strip()[:200]


def _matches(item: Item, state: str, query: str = "") -> bool:
    if state == "errors" and not item.errors:
        return False
    if state and state != "errors" and item.state not in present.FILTERS[state][1]:
        return False
    if query:
        needle = query.casefold()
        return needle in html.unescape(item.msgid).casefold() or needle in html.unescape(item.msgstr).casefold()
    return True


@bp.get("/review/<lang>/<slug>")
def queue(lang: str, slug: str):
    tag = _open(lang, slug)
    return _queue(tag, slug)


def _queue(tag: str, slug: str, *, status: int = 200, error: str | None = None):
    local = _local()
    items = local.review.items(tag, slug)
    state, query = _filters()
    counts = {name: sum(_matches(i, name) for i in items) for name in present.FILTERS}
    shown = [i for i in items if _matches(i, state, query)]
    suggested = Counter(s.entry for s in local.review.suggestions(tag, slug))
    source = languages.parse(local.workspace.settings.source_language)
    user = account()
    bulk = {action: user.may(RIGHT[action], tag) for action in BULK}
    page = render_template("review/queue.html", lang=tag, slug=slug, title=article_title(slug), items=shown,
                           total=len(items), bulk=bulk if any(bulk.values()) else None,
                           counts=counts, state=state, query=query, filters=present.FILTERS,
                           direction=languages.parse(tag).direction, authors=_authors(tag, slug, shown),
                           source_lang=source.tag, source_dir=source.direction, suggested=suggested,
                           may_upload=account().may("save", tag), error=error,
                           upload_limit=work.MAX_UPLOAD // (1024 * 1024))
    return page, status


# -- bulk actions on the entries a queue shows -----------------------------------------------

# What each bulk action is called on its button and its confirmation page.
BULK_BUTTONS = {"approve": _l("Approve the shown entries with no problems"),
                "machine": _l("Approve machine drafts with no warnings"),
                "reject": _l("Reject the shown entries…"), "review": _l("Mark the shown entries for review")}


def _bulk_entries() -> list[tuple[str, str]]:
    """The (entry id, version) pairs a bulk form sent, each as ``id:version``; BadInput for anything else."""
    sent = request.form.getlist("entry")
    if len(sent) > MAX_BULK:
        raise BadInput(f"a bulk action takes at most {MAX_BULK:,} entries")
    pairs = []
    for value in sent:
        ident, colon, version = value.partition(":")
        if not (colon and ident.isalnum() and version.isalnum() and ident.isascii() and version.isascii()
                and len(ident) <= 64 and len(version) <= 64):
            raise BadInput("each entry of a bulk action is named by its id and version")
        pairs.append((ident, version))
    return pairs


@bp.post("/review/<lang>/<slug>/bulk")
def bulk(lang: str, slug: str):
    """Approve, reject or mark for review the entries checked in a queue: a confirmation page first (with the
    count and the action), then the library's report: what was done, what was skipped and why."""
    tag = _open(lang, slug)
    action = request.form.get("action", "")
    if action not in BULK:
        raise BadInput(f"no bulk action {action[:20]!r}; bulk actions: {', '.join(BULK)}")
    if not account().may(RIGHT[action], tag):
        abort(403)
    pairs = _bulk_entries()
    reason = request.form.get("reason", "").strip()
    if not pairs:
        return _queue(tag, slug, status=400, error=_("Check at least one entry to act on."))
    if action == "reject" and not reason:
        return _queue(tag, slug, status=422,
                      error=_("Say why you reject these entries: the translators see the reason."))
    local = _local()
    known = {item.id: item for item in local.review.items(tag, slug)}
    state, query = _filters()
    button = BULK_BUTTONS["machine" if action == "approve" and state == "machine" else action]
    back = url_for("review.queue", lang=tag, slug=slug, state=state or None, q=query or None)
    page = {"lang": tag, "slug": slug, "title": article_title(slug), "action": action, "button": button,
            "pairs": pairs, "known": known, "reason": reason, "back": back, "state": state, "query": query,
            "source_lang": local.workspace.settings.source_language}
    if request.form.get("confirm") != "1" and not wants_json():
        return render_template("review/bulk.html", report=None, **page)
    try:
        report = local.review.bulk(account(), tag, slug, action, pairs, reason=reason or None)
    except NotFound:
        raise
    except PermissionDenied:
        abort(403)
    except BadInput as exc:
        return _queue(tag, slug, status=400, error=message_of(exc))
    if wants_json():
        return jsonify(language=tag, article=slug, **report.as_dict())
    page["known"] = {item.id: item for item in local.review.items(tag, slug)}   # the states they are in now
    return render_template("review/bulk.html", report=report, **page)


class _Changes:
    """One catalog's history read once, answering as the store does for one entry."""

    def __init__(self, store, language: str, slug: str):
        self.store = store
        self.by_entry: dict[str, list] = {}
        for change in store.history(language, slug):
            self.by_entry.setdefault(change.entry, []).append(change)

    def history(self, language: str, slug: str, entry: str) -> list:
        return self.by_entry.get(entry, [])

    def suggestion(self, suggestion: int):
        return self.store.suggestion(suggestion)


def _authors(tag: str, slug: str, items: list[Item]) -> dict[str, str]:
    """Who wrote the translation of each entry a person wrote (machine drafts and untranslated entries left out)."""
    known = _Changes(_local().store, tag, slug)
    found = {}
    for item in items:
        if item.msgstr and item.state != "machine draft":
            author = histories.author(known, tag, slug, item.id, item.msgstr)
            if author:
                found[item.id] = author
    return found


# -- the catalog as a file: download to edit elsewhere, upload -----------------------------

@bp.get("/review/<lang>/<slug>/catalog")
def download(lang: str, slug: str):
    """The catalog as a .po file, stamped with the history's newest change (an upload compares against it)."""
    tag = _open(lang, slug)
    return catalog_file(work.download_catalog(_local().workspace, tag, slug, timeout=LOCK_WAIT), slug)


@bp.get("/review/<lang>/<slug>/catalog.xlf")
def download_xliff(lang: str, slug: str):
    """The catalog as XLIFF 2.0, for a CAT tool (its upload comes back through the same form)."""
    from localize import po, xliff

    tag = _open(lang, slug)
    ws = _local().workspace
    cat = po.parse(work.download_catalog(ws, tag, slug, timeout=LOCK_WAIT))
    data = xliff.dumps(cat, source_language=ws.settings.source_language, language=tag,
                       original=str(ws.reference(slug)))
    response = make_response(data)
    response.headers["Content-Type"] = "application/xliff+xml"
    response.headers["Content-Disposition"] = f'attachment; filename="{xliff.file_name(slug, tag)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def catalog_file(text: str, slug: str):
    """A catalog's text as a .po file to save, never kept by a cache."""
    response = make_response(text)
    response.headers["Content-Type"] = "text/x-gettext-translation; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}.po"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/review/<lang>/<slug>/catalog")
def upload(lang: str, slug: str):
    """A .po file from the queue's form: checked whole, merged as the uploader's saves; what would
    replace approved work or work done since the file was taken is kept as suggestions."""
    tag = _open(lang, slug, "save")
    limit = work.MAX_UPLOAD + FORM_SLACK
    if request.content_length is not None and request.content_length > limit:
        return _too_large()
    request.max_content_length = limit
    try:
        current_app.extensions["csrf"].protect()
        sent = request.files.get("file")
        data = sent.read(work.MAX_UPLOAD + 1) if sent is not None and sent.filename else None
    except RequestEntityTooLarge:
        return _too_large()
    if data is None:
        return _queue(tag, slug, status=400, error=_("Choose a catalog (a .po or .xlf file) to upload."))
    if len(data) > work.MAX_UPLOAD:
        return _too_large()
    try:
        report = work.upload_catalog(_local().workspace, account(), tag, slug, data, sent.filename,
                                     timeout=LOCK_WAIT)
    except BadInput as exc:
        return _queue(tag, slug, status=400,
                      error=_("The catalog was not uploaded: %(reason)s", reason=message_of(exc)))
    kept = len(report.conflicts) + len(report.changed)
    message = _("Uploaded %(name)s: %(updated)d updated, %(unchanged)d unchanged, %(kept)d kept as suggestions, "
                "%(unknown)d not in the article.", name=work.upload_name(sent.filename), updated=report.updated,
                unchanged=report.unchanged, kept=kept, unknown=len(report.unknown))
    if wants_json():
        return jsonify(ok=True, message=message, **report.as_dict())
    flash(message, "success")
    if report.converted_from:
        flash(_("The file was read as %(charset)s, as its header declares, and stored as UTF-8.",
                charset=report.converted_from), "info")
    if kept:
        flash(_("Translations that would have replaced approved work, or work done since your copy was taken, "
                "are kept as suggestions for a reviewer."), "warning")
    return redirect(url_for("review.queue", lang=tag, slug=slug))


def _too_large():
    message = _("The catalog is larger than %(size)d MB: it was not uploaded.",
                size=work.MAX_UPLOAD // (1024 * 1024))
    if wants_json():
        return jsonify(error=str(TITLES[413]), status=413, message=message), 413
    return render_template("error.html", code=413, title=TITLES[413], message=message), 413


# -- the editor ----------------------------------------------------------------------------

def _find(items: list[Item], entry: str) -> Item:
    for item in items:
        if item.id == entry:
            return item
    abort(404)


def _entry_url(lang: str, slug: str, item: Item | None, **extra) -> str | None:
    if item is None:
        return None
    state, query = _filters()
    return url_for("review.editor", lang=lang, slug=slug, entry=item.id, state=state or None,
                   q=query or None, **extra)


def _neighbours(items: list[Item], item: Item) -> tuple[Item | None, Item | None]:
    """The entries before and after this one in the queue as filtered (this one need not be in it)."""
    state, query = _filters()
    shown = [i for i in items if _matches(i, state, query)]
    before = [i for i in shown if i.position < item.position]
    after = [i for i in shown if i.position > item.position]
    return (before[-1] if before else None), (after[0] if after else None)


def _context(tag: str, slug: str, items: list[Item], item: Item) -> list[dict]:
    """The units just before and after this one in the article, to read while translating it."""
    found = []
    for where, at in (("before", item.position - 1), ("after", item.position + 1)):
        if 0 <= at < len(items):
            unit = items[at]
            found.append({"where": where, "item": unit, "url": _entry_url(tag, slug, unit),
                          "source": present.numbered(unit.msgid),
                          "translation": present.translation(unit.msgstr, unit.msgid)})
    return found


def _history(tag: str, slug: str, item: Item) -> dict:
    """What the history fragment of the editor shows: every change of the entry, newest first, as word diffs."""
    local = _local()
    changes_ = list(reversed(local.store.history(tag, slug, item.id)))
    suggested = {s.id: s for s in local.store.suggestions(tag, slug, item.id, status=None)}
    shown = []
    for change in changes_:
        told = suggested.get(change.suggestion) if change.action in ("suggest", "dismiss") else None
        shown.append({"change": change,
                      "suggested": present.shown(present.editable(told.text, item.msgid), item.msgid) if told else None,
                      "diff": None if told else present.history_diff(change.old_msgstr, change.new_msgstr, item.msgid)})
    return {"history": shown}


def _last_change(tag: str, slug: str, entry: str) -> dict | None:
    """Who made the newest change of an entry, and when, as the history knows it."""
    found = _local().store.history(tag, slug, entry)
    if not found:
        return None
    return {"user": found[-1].user, "at": found[-1].at, "when": when(found[-1].at),
            "action": present.action_label(found[-1].action)}


def _shown_text(text: str, msgid: str) -> str:
    """Text sent from the translation box, as the box shows it again (placeholders for the source's tags)."""
    try:
        return present.editable(present.stored(text, msgid), msgid)
    except BadInput:
        return text


def _editor(tag: str, slug: str, items: list[Item], item: Item, *, status: int = 200, text: str | None = None,
            conflict: dict | None = None, error: str | None = None, problems=None, draft=None, unsaved: bool = False):
    local = _local()
    before, after = _neighbours(items, item)
    state, query = _filters()
    rights = _rights(tag)
    diff = None
    if item.state == "stale" and item.previous_msgid:
        diff = present.word_diff(html.unescape(item.previous_msgid), html.unescape(item.msgid))
    language = languages.parse(tag)
    source = languages.parse(local.workspace.settings.source_language)
    box = present.editable(item.msgstr, item.msgid) if text is None else _shown_text(text, item.msgid)
    page = render_template(
        "review/editor.html", lang=tag, slug=slug, title=article_title(slug), item=item, total=len(items), text=box,
        saved_text=present.editable(item.msgstr, item.msgid),
        source=present.numbered(item.msgid), diff=diff, rights=rights, conflict=conflict, error=error,
        change=change_label(item.change), in_form=all(kind in changes.TRIVIAL for kind in item.change),
        problems=item.problems if problems is None else problems, unsaved=unsaved,
        draft=draft and draft._replace(text=present.editable(draft.text, item.msgid)),
        matches=[(m, present.editable(m.translation, item.msgid))
                 for m in suggest.memory_matches(local.workspace, tag, slug, item.msgid)],
        stored=[(s, present.editable(s.text, item.msgid)) for s in local.review.suggestions(tag, slug, item.id)],
        comments=local.store.comments(tag, slug, item.id), context=_context(tag, slug, items, item),
        prev_url=_entry_url(tag, slug, before), next_url=_entry_url(tag, slug, after),
        queue_url=url_for("review.queue", lang=tag, slug=slug, state=state or None, q=query or None),
        direction=language.direction, action_url=_entry_url(tag, slug, item), state=state, query=query,
        source_lang=source.tag, source_dir=source.direction, shown=present.shown,
        preview_url=url_for("review.preview", lang=tag, slug=slug, current=item.id),
        **_history(tag, slug, item))
    return page, status


@bp.get("/review/<lang>/<slug>/<entry>")
def editor(lang: str, slug: str, entry: str):
    tag = _open(lang, slug)
    items = _local().review.items(tag, slug)
    return _editor(tag, slug, items, _find(items, entry))


def _change_id() -> int | None:
    value = request.form.get("change", "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise BadInput("the change to revert must be a number")
    return int(value)


def _sent(item: Item) -> str | None:
    """The translation the form sent, as the catalog holds it; the entry's own text when the box was left as shown."""
    text = request.form.get("text")
    if text is None:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text == present.editable(item.msgstr, item.msgid):
        return item.msgstr
    return present.stored(text, item.msgid)


DONE = {"save": _l("Saved: the translation needs review."), "approve": _l("Approved."),
        "reject": _l("Rejected: the translation was cleared."), "revert": _l("Reverted."),
        "review": _l("Marked for review: the translation needs review again.")}
# An override or an ignored warning, recorded or taken back: said with the check's name.
MARKED = {("override", False): _l("%(check)s: overridden for this translation, with your reason."),
          ("override", True): _l("%(check)s: override taken back; the check counts again."),
          ("ignore", False): _l("%(check)s: ignored for this translation."),
          ("ignore", True): _l("%(check)s: the warning is shown again.")}
ENTRY_ACTIONS = (*DONE, "override", "ignore")
KEPT = _l("Kept as a suggestion: the approved translation stays until a reviewer accepts yours.")


def _off() -> bool:
    return request.form.get("off", "").strip().lower() in ("1", "true", "on", "yes")


def _note(action: str) -> str | None:
    """The reason a form sent: ``note`` (or ``reason``, the editor's rejection field)."""
    if action not in ("reject", "override", "ignore"):
        return None
    return request.form.get("note") or request.form.get("reason")


@bp.post("/review/<lang>/<slug>/<entry>")
def act(lang: str, slug: str, entry: str):
    """save, approve, reject, revert, mark for review, override or ignore a check's finding (a form, or fetch()
    asking for JSON); skip goes on."""
    tag = _open(lang, slug)
    local = _local()
    action = request.form.get("action", "")
    items = local.review.items(tag, slug)
    current = _find(items, entry)
    if action in ("skip", "discard"):
        sent = request.form.get("text")
        if (action == "skip" and sent is not None and account().may("save", tag)
                and _shown_text(sent, current.msgid) != present.editable(current.msgstr, current.msgid)):
            return _editor(tag, slug, items, current, text=sent, unsaved=True)
        after = _neighbours(items, current)[1]
        return redirect(_entry_url(tag, slug, after) or url_for("review.queue", lang=tag, slug=slug))
    if action == "suggest":
        try:
            text = _sent(current) or ""
        except BadInput as exc:
            return _refused(tag, slug, entry, exc, request.form.get("text"))
        return _suggest(tag, slug, entry, text)
    if action not in ENTRY_ACTIONS:
        raise BadInput(f"no action {action[:20]!r}; actions: {', '.join(ENTRY_ACTIONS)}, suggest, skip")
    text = None
    marking = action in ("override", "ignore")
    check = request.form.get("check", "")[:64] if marking else None
    off = marking and _off()
    try:
        if action in ("save", "approve"):
            text = _sent(current)
        item = local.review.act(account(), tag, slug, entry, action, based_on=request.form.get("version", ""),
                                text=text, change=_change_id(), note=_note(action), check=check, off=off)
    except NotFound:
        raise
    except (Conflict, Blocked, PermissionDenied, BadInput) as exc:
        return _refused(tag, slug, entry, exc, request.form.get("text") if action in ("save", "approve") else None)
    if isinstance(item, Suggested):   # a translator's text over approved work waits for a reviewer
        message = str(KEPT)
        if wants_json():
            return jsonify(ok=True, message=message, suggested=True, item=qa_text.item_dict(item.item),
                           state_label=present.state_label(item.item.state), text=request.form.get("text", ""),
                           errors=len(item.item.errors), history=_history_html(tag, slug, item.item),
                           qa=_qa_html(tag, slug, item.item), next=None)
        flash(message, "success")
        return redirect(url_for("review.editor", lang=tag, slug=slug, entry=entry, _anchor="stored-suggestions"))
    if marking:
        message = str(MARKED[action, off]) % {"check": qa_text.check_label(check)}
    else:
        message = str(DONE[action])
    items = local.review.items(tag, slug)
    after = _neighbours(items, item)[1]
    next_url = _entry_url(tag, slug, after)
    if wants_json():
        moving = action == "approve" and next_url is not None
        if moving:   # said again on the page it goes to
            flash(message, "success")
        return jsonify(ok=True, message=message, item=qa_text.item_dict(item), state_label=present.state_label(item.state),
                       text=present.editable(item.msgstr, item.msgid), errors=len(item.errors),
                       history=_history_html(tag, slug, item), qa=_qa_html(tag, slug, item),
                       next=next_url if moving else None)
    flash(message, "success")
    if action == "approve":
        return redirect(next_url or url_for("review.queue", lang=tag, slug=slug))
    return redirect(_entry_url(tag, slug, item, _anchor="qa-heading" if marking else None))


def _rights(tag: str) -> dict[str, bool]:
    user = account()
    return {right: user.may(right, tag) for right in ("save", "approve", "reject", "revert", "comment")}


def _qa_html(tag: str, slug: str, item: Item, problems=None) -> str:
    """The editor's list of QA findings, with the overrides and ignored warnings of the entry and what the
    account may do about each."""
    return render_template("review/_qa.html", item=item, rights=_rights(tag),
                           problems=item.problems if problems is None else problems,
                           action_url=_entry_url(tag, slug, item))


def _history_html(tag: str, slug: str, item: Item) -> str:
    rights = {"revert": account().may("revert", tag)}
    return render_template("review/_history.html", item=item, lang=tag, rights=rights,
                           direction=languages.parse(tag).direction, action_url=_entry_url(tag, slug, item),
                           **_history(tag, slug, item))


def _suggest(tag: str, slug: str, entry: str, text: str):
    """Store the text as a suggestion for the entry, leaving its translation as it is."""
    local = _local()
    try:
        made = local.review.suggest(account(), tag, slug, entry, text)
    except NotFound:
        raise
    except (PermissionDenied, BadInput) as exc:
        return _refused(tag, slug, entry, exc, text)
    message = _("Suggestion stored: the translation is as it was; a reviewer can accept the suggestion.")
    if wants_json():
        return jsonify(ok=True, message=message, suggestion=made.as_dict()), 201
    flash(message, "success")
    return redirect(url_for("review.editor", lang=tag, slug=slug, entry=entry, _anchor="stored-suggestions"))


@bp.post("/review/<lang>/<slug>/suggestions/<int:suggestion>")
def decide(lang: str, slug: str, suggestion: int):
    """Accept (approve its text) or dismiss a stored suggestion."""
    tag = _open(lang, slug)
    local = _local()
    found = local.store.suggestion(suggestion)
    if found is None or (found.language, found.slug) != (tag, slug):
        abort(404)
    action = request.form.get("action", "")
    try:
        if action == "accept":
            item = local.review.accept(account(), tag, slug, suggestion, based_on=request.form.get("version", ""))
            message = _("Suggestion accepted: the translation is approved.")
        elif action == "dismiss":
            local.review.dismiss(account(), tag, slug, suggestion)
            item, message = None, _("Suggestion dismissed.")
        else:
            raise BadInput(f"no action {action[:20]!r} for a suggestion; actions: accept, dismiss")
    except NotFound:
        raise
    except (Conflict, Blocked, PermissionDenied, BadInput, Decided) as exc:
        return _refused(tag, slug, found.entry, exc, found.text if action == "accept" else None)
    if wants_json():
        return jsonify(ok=True, message=message, item=qa_text.item_dict(item) if item else None,
                       suggestion=local.store.suggestion(suggestion).as_dict())
    flash(message, "success")
    return redirect(url_for("review.editor", lang=tag, slug=slug, entry=found.entry))


def _refused(tag: str, slug: str, entry: str, exc: LocalizeError, text: str | None):
    """An action the library refused: JSON with the reason, or the editor again showing it."""
    code = status_of(exc)
    if wants_json():
        extra = {}
        if isinstance(exc, Conflict):
            extra = {"current": exc.current.as_dict(), "yours": text,
                     "state_label": present.state_label(exc.current.state),
                     "current_text": present.editable(exc.current.msgstr, exc.current.msgid),
                     "changed": _last_change(tag, slug, entry)}
        if isinstance(exc, Blocked):
            current = _find(_local().review.items(tag, slug), entry)
            extra = {"problems": [qa_text.as_dict(p) for p in exc.problems],
                     "qa": _qa_html(tag, slug, current, exc.problems)}
        return jsonify(error=str(TITLES.get(code, code)), status=code, message=message_of(exc), **extra), code
    items = _local().review.items(tag, slug)
    item = _find(items, entry)
    if isinstance(exc, Conflict):
        conflict = {"theirs": present.translation(exc.current.msgstr, exc.current.msgid), "yours": text or "",
                    "theirs_text": present.editable(exc.current.msgstr, exc.current.msgid),
                    "state": exc.current.state, "version": exc.current.version,
                    "changed": _last_change(tag, slug, entry)}
        return _editor(tag, slug, items, item, status=code, text=text, conflict=conflict)
    problems = tuple(exc.problems) if isinstance(exc, Blocked) else None
    return _editor(tag, slug, items, item, status=code, text=text, error=message_of(exc), problems=problems)


@bp.post("/review/<lang>/<slug>/<entry>/draft")
def fresh_draft(lang: str, slug: str, entry: str):
    """A new machine draft of one entry, shown as a suggestion with its origin; nothing is saved."""
    tag = _open(lang, slug, "save")
    local = _local()
    items = local.review.items(tag, slug)
    item = _find(items, entry)
    try:
        found = suggest.engine_draft(local.workspace, tag, slug, item.msgid)
    except LocalizeError as exc:   # no engine, an engine that failed, or a draft that lost its markup
        code = 502 if isinstance(exc, EngineError) else 422
        if wants_json():
            return jsonify(error=_("No draft"), status=code, message=message_of(exc)), code
        return _editor(tag, slug, items, item, status=code, text=request.form.get("text"), error=message_of(exc))
    if wants_json():
        return jsonify(ok=True, text=found.text, editable=present.editable(found.text, item.msgid),
                       origin=found.origin)
    return _editor(tag, slug, items, item, text=request.form.get("text"), draft=found)


@bp.post("/review/<lang>/<slug>/<entry>/comments")
def comment(lang: str, slug: str, entry: str):
    tag = _open(lang, slug, "comment")
    local = _local()
    item = _find(local.review.items(tag, slug), entry)
    added = local.store.add_comment(account().name, tag, slug, item.id, request.form.get("text", ""))
    if wants_json():
        return jsonify(ok=True, comment={"id": added.id, "user": added.user, "at": added.at, "when": when(added.at),
                                         "text": added.text}), 201
    flash(_("Comment added."), "success")
    return redirect(_entry_url(tag, slug, item, _anchor="comments"))


# -- the preview ---------------------------------------------------------------------------

@bp.get("/review/<lang>/<slug>/preview")
def preview(lang: str, slug: str):
    """The article in the target language with drafts, never running its scripts (CSP, sandbox)."""
    tag = _open(lang, slug)
    ws = _local().workspace
    if not ws.source_path(slug).is_file():
        abort(404)
    page = previews.render(ws, tag, slug, stylesheet=url_for("static", filename="preview.css"),
                           current=request.args.get("current"))
    response = make_response(page)
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    response.headers["Cache-Control"] = "no-store"
    return response
