"""The review actions, shared by the web UI, its JSON API and the command line.

An entry is named by a stable id (a hash of its context and source text) and
carries a *version* (a hash of its translation and state). Every action names
the version it was based on; if the entry changed meanwhile, :class:`Conflict`
(HTTP 409) carries the current one and nothing is written.

An accepted change is first appended to the history (SQLite), then written to
the catalog under its lock, atomically; if the catalog cannot be written, the
history row is taken back.

Actions: ``save`` (the entry needs review; a translator's new text for an
approved entry is kept as a suggestion instead, and the entry stays approved),
``approve`` (QA errors nobody overrode block it; a reviewer does not approve
their own translation unless the workspace allows it), ``reject`` (with a
reason: the translation is cleared, the entry is *rejected* until someone
writes another, the history keeps the text), ``revert`` (to the text before a
change of the history, with its author), ``review`` (an approved entry needs
review again), ``override`` (a reviewer records why a check's finding does not
apply: ``# qa-override <check>: <reason>``) and ``ignore`` (a translator
switches a warning off for the entry: ``#, ignore-<check>``). An override or
an ignore flag lapses when the translation's text changes. :meth:`Review.bulk`
approves, rejects or marks for review many entries of a catalog at once, each
under the same rules, in one write.

A *suggestion* is a translation proposed for an entry without replacing its
current one: made in the editor or the API, or by an upload or import whose
translation would have overwritten approved work or work done since the file
was taken. It is stored with its author; a reviewer accepts it (an ``approve``
of its text, with the same version check, QA gate and four eyes: its author
wrote it) or dismisses it. The history records both.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import article, catalog, changes, checks, glossary, history, languages, po, qa
from .accounts import PermissionDenied, Store, User
from .errors import BadInput, ConflictError, LocalizeError
from .history import MACHINE, REJECTED, entry_id, settle, snapshot, state_of
from .records import ACCEPTED, DISMISSED, OPEN, Decided, Suggestion
from .said import Said, said
from .workspace import Workspace, slug as check_slug

__all__ = ["ACTIONS", "BULK", "Blocked", "BulkReport", "Conflict", "Decided", "Item", "MACHINE", "NotFound",
           "REJECTED", "ReasonRequired", "Review", "Suggested", "entry_id", "lapse", "state_of", "version"]

ACTIONS = ("save", "approve", "reject", "revert", "review", "override", "ignore")
# the account's right each action needs, in the entry's language
RIGHT = {"save": "save", "approve": "approve", "reject": "reject", "revert": "revert", "review": "approve",
         "override": "approve", "ignore": "save"}
BULK = ("approve", "reject", "review")   # the actions :meth:`Review.bulk` does
MAX_TEXT = 100_000
MAX_REASON = 2_000   # characters of a reason (a rejection's, an override's)
MAX_BULK = 5_000     # entries of one bulk action
LOCK_WAIT = 5.0   # seconds a save waits for a catalog another process holds, then Busy (HTTP 503)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class NotFound(BadInput):
    """No such article, catalog or entry (HTTP 404)."""


class Blocked(LocalizeError):
    """QA errors nobody overrode block approval (HTTP 422); ``problems`` lists them."""

    def __init__(self, message: str, problems: list):
        super().__init__(message)
        self.problems = problems


class ReasonRequired(BadInput):
    """A rejection or an override without a written reason (HTTP 422 in the API)."""


class Conflict(ConflictError):
    """The entry changed since it was loaded (HTTP 409); ``current`` is how it is now."""

    def __init__(self, current: "Item"):
        super().__init__(f"the entry changed since you loaded it (now: {current.state})")
        self.current = current


def version(entry: po.Entry) -> str:
    """What an edit was based on: the translation, its state, its recorded origin, its QA marks and rejection."""
    parts = (entry.msgstr, "fuzzy" if entry.fuzzy else "", entry.previous_msgid or "", entry.draft_origin or "",
             *_marks(entry))
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:12]


def _marks(entry: po.Entry) -> tuple[str, ...]:
    """What a reviewer or translator recorded on an entry besides its text: overrides, ignore flags, a rejection."""
    found = [c.strip() for c in entry.comments
             if c.startswith(history.REJECTED_COMMENT) or checks.overridden_check(c) is not None]
    found += [f for f in entry.flags if f.startswith(checks.IGNORE)]
    return tuple(sorted(found))


def lapse(entry: po.Entry) -> None:
    """The translation's text changes: the overrides and ignore flags recorded for the old one lapse."""
    checks.remove_overrides(entry)
    entry.flags = [f for f in entry.flags if not f.startswith(checks.IGNORE)]


@dataclass(frozen=True)
class Item:
    """One entry as a reviewer sees it."""

    id: str
    position: int                 # in the article
    msgctxt: str | None
    msgid: str
    msgstr: str
    state: str                    # approved, needs review, machine draft, stale, untranslated
    version: str
    kind: str = ""                # h2, p, faq question, img alt …
    origin: str | None = None     # where a machine draft came from
    previous_msgid: str | None = None
    notes: tuple[str, ...] = ()   # translator comments other than the draft origin, the source change,
                                  # overrides and a rejection (shown apart)
    change: tuple[str, ...] = ()  # the kinds of source change nobody has looked at yet (changes.CHANGES)
    problems: tuple = ()          # checks.Problem of this entry
    overrides: tuple[tuple[str, str], ...] = ()   # (check id, reason) of the entry's qa-override comments
    ignored: tuple[str, ...] = ()                 # check ids the entry's ignore- flags switch off
    # a rejected entry: {"by", "at", "reason", "text", "change"} (from the history's last reject)
    rejected: dict | None = field(default=None, compare=False)

    @property
    def errors(self) -> list:
        return [p for p in self.problems if p.severity == checks.ERROR and not p.overridden]

    @property
    def warnings(self) -> list:
        return [p for p in self.problems if p.severity == checks.WARNING and not p.overridden]

    def as_dict(self) -> dict:
        return {
            "id": self.id, "position": self.position, "msgctxt": self.msgctxt, "msgid": self.msgid,
            "msgstr": self.msgstr, "state": self.state, "version": self.version, "kind": self.kind,
            "origin": self.origin, "previous_msgid": self.previous_msgid, "notes": list(self.notes),
            "source_change": list(self.change),
            "problems": [{"check": p.check, "severity": p.severity, "message": p.message,
                          "overridden": p.overridden, "ignorable": _ignorable(p.check)} for p in self.problems],
            "overrides": dict(self.overrides), "ignored": list(self.ignored), "rejected": self.rejected,
        }


def _ignorable(check: str) -> bool:
    found = checks.CHECKS.get(check)
    return bool(found and found.ignorable)


@dataclass(frozen=True)
class Suggested:
    """A translator's new text for an approved entry: kept as a stored suggestion; the entry stays as it was."""

    item: Item
    suggestion: Suggestion

    def as_dict(self) -> dict:
        return {"entry": self.item.as_dict(), "suggestion": self.suggestion.as_dict()}


@dataclass
class BulkReport:
    """What a bulk action did: the entries done, and those skipped with the reason for each."""

    action: str
    done: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)   # (entry id, why)

    def as_dict(self) -> dict:
        return {"action": self.action, "count": len(self.done), "done": self.done,
                "skipped": [{"id": ident, "reason": why} for ident, why in self.skipped]}


@dataclass
class _Context:
    key: tuple
    context: checks.Context


@dataclass
class Review:
    """The review actions over one workspace, with one accounts-and-history store."""

    workspace: Workspace
    store: Store
    self_approval: bool | None = None   # None: [tool.localize] self-approval (default false)
    _contexts: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        if self.self_approval is None:
            value = self.workspace.settings.extra.get("self-approval", False)
            if not isinstance(value, bool):
                raise BadInput(f"{self.workspace.root / 'pyproject.toml'}: [tool.localize] self-approval "
                               "must be true or false")
            self.self_approval = value

    # -- reading ---------------------------------------------------------------------

    def path(self, language: str, slug: str) -> Path:
        tag = languages.validate(language)
        if tag not in self.workspace.settings.languages:
            raise NotFound(f"{tag} is not a language of this workspace")
        name = check_slug(slug)
        path = self.workspace.catalog_path(tag, name)
        if not path.is_file():
            raise NotFound(f"no {tag} catalog for {name!r}")
        return path

    def context(self, language: str, slug: str) -> checks.Context:
        """The QA context of a catalog, as ``localize check`` makes it (its article's references and units,
        the glossary, the link counterparts), cached by the files' mtimes."""
        ws = self.workspace
        source, template = ws.source_path(slug), ws.template_path(slug)
        terms_file = glossary.path_for(ws)
        key = (_mtime(source), _mtime(template), _mtime(terms_file))
        found = self._contexts.get((language, slug))
        if found is None or found.key != key:
            refs = article.read_references(source) if source.is_file() else None
            texts = [e.msgid for e in catalog.read(template).entries if e.msgid] if template.is_file() else ()
            context = qa._context(languages.parse(language), ws.settings.source_language, refs,
                                  glossary.load(terms_file), ws.settings.links(language), texts=texts)
            found = self._contexts[(language, slug)] = _Context(key, context)
        return found.context

    def items(self, language: str, slug: str) -> list[Item]:
        """Every entry of a catalog, in the article's order, with its QA results."""
        path = self.path(language, slug)
        cat = catalog.read(path)
        tag = languages.validate(language)
        context = self.context(tag, slug)
        live = [e for e in cat.entries if not e.obsolete and e.msgid]
        problems: dict = {}
        for problem in checks.run(live, context, article=slug):
            problems.setdefault((problem.msgctxt, problem.msgid), []).append(problem)
        return [_item(e, i, problems.get(e.key, ()), context, self._rejected(tag, slug, e))
                for i, e in enumerate(live)]

    def item(self, language: str, slug: str, entry: str) -> Item:
        for found in self.items(language, slug):
            if found.id == entry:
                return found
        raise NotFound(f"no entry {entry!r} in the {language} catalog of {slug!r}")

    def author(self, language: str, slug: str, entry: str, msgstr: str) -> str | None:
        """Who wrote this translation of the entry, as the history knows it (None: an engine, a command, or outside)."""
        return history.author(self.store, language, slug, entry, msgstr)

    def suggestions(self, language: str, slug: str, entry: str | None = None) -> list[Suggestion]:
        """The open suggestions of a catalog, or of one of its entries."""
        tag = languages.validate(language)
        self.path(tag, slug)
        return self.store.suggestions(tag, check_slug(slug), entry)

    def _rejected(self, tag: str, slug: str, entry: po.Entry) -> dict | None:
        """Who rejected a rejected entry's translation, when, why, and the text (from the history's last reject)."""
        reason = history.rejection(entry)
        if reason is None:
            return None
        ident = entry_id(entry.msgctxt, entry.msgid)
        for change in reversed(self.store.history(tag, check_slug(slug), ident)):
            if change.action == "reject":
                return {"by": change.user, "at": change.at, "reason": change.note or reason,
                        "text": change.old_msgstr, "change": change.id}
        return {"by": None, "at": None, "reason": reason, "text": None, "change": None}

    # -- acting ----------------------------------------------------------------------

    def act(self, user: User, language: str, slug: str, entry: str, action: str, *, based_on: str,
            text: str | None = None, change: int | None = None, note: str | None = None,
            check: str | None = None, off: bool = False) -> Item | Suggested:
        """Do one action on one entry; the entry as it is after.

        ``note``: the reason (required to ``reject`` and ``override``, kept in
        the history). ``check`` names the check to ``override`` or ``ignore``;
        ``off`` takes the override or the ignore flag back. A translator's
        ``save`` of a new text over an approved entry stores it as a suggestion
        and returns :class:`Suggested` (the entry unchanged).
        """
        if action not in ACTIONS:
            raise BadInput(f"no action {action!r}; actions: {', '.join(ACTIONS)}")
        tag = languages.validate(language)
        user.require(RIGHT[action], tag)
        if text is not None:
            text = _clean(text)
        reason = _reason(note, required=action == "reject" or (action == "override" and not off), action=action)
        recorded, note = action, reason
        if action in ("override", "ignore"):
            _marking(action, check, off)
            recorded = action + ("-off" if off else "")
            note = check + (f": {reason}" if reason else "")   # the history says which check, and why
        elif check is not None:
            raise BadInput(said("%(action)s takes no check", action=action))

        def apply(target: po.Entry, context: checks.Context) -> str | None:
            edged = _edges(text, target.msgid) if text is not None else None
            if action == "save" and edged is not None and state_of(target) == po.APPROVED \
                    and not user.may("approve", tag):
                if edged == target.msgstr:
                    return None   # the approved text as it is: nothing to do
                if not edged.strip():
                    raise PermissionDenied(f"{user.name} may not clear an approved translation: "
                                           "a reviewer rejects it")
                return edged      # kept as a suggestion for a reviewer
            self._apply(user, tag, slug, entry, target, action, edged, change, context, note=reason, check=check,
                        off=off)
            return None

        return self._change(user, tag, slug, entry, recorded, based_on, apply, note=note)

    def override(self, user: User, language: str, slug: str, entry: str, check: str, reason: str, *,
                 based_on: str, off: bool = False) -> Item:
        """Record why a check's finding does not apply to the entry's text (reviewers and up; a reason required)."""
        return self.act(user, language, slug, entry, "override", based_on=based_on, check=check, note=reason,
                        off=off)

    def ignore(self, user: User, language: str, slug: str, entry: str, check: str, *, based_on: str,
               off: bool = False, reason: str | None = None) -> Item:
        """Switch a warning off for the entry's text, or back on (translators and up)."""
        return self.act(user, language, slug, entry, "ignore", based_on=based_on, check=check, note=reason,
                        off=off)

    def accept(self, user: User, language: str, slug: str, suggestion: int, *, based_on: str) -> Item:
        """Approve a stored suggestion's text, as ``approve`` does (its author wrote it); the suggestion closes."""
        tag = languages.validate(language)
        user.require("approve", tag)
        found = self._suggestion(tag, slug, suggestion)
        text = _clean(found.text)

        def apply(target: po.Entry, context: checks.Context) -> None:
            self._apply(user, tag, found.slug, found.entry, target, "approve", _edges(text, target.msgid), None,
                        context, writer=found.user)

        return self._change(user, tag, found.slug, found.entry, "approve", based_on, apply,
                            suggestion=found.id, decides=ACCEPTED)

    def suggest(self, user: User, language: str, slug: str, entry: str, text: str, *,
                origin: str = "") -> Suggestion:
        """Store a translation proposed for an entry, leaving its current one as it is."""
        tag = languages.validate(language)
        user.require("save", tag)
        text = _clean(text)
        if not text.strip():
            raise BadInput("an empty suggestion")
        path = self.path(tag, slug)
        with catalog.locked(path, timeout=LOCK_WAIT):
            cat = catalog.read(path)
            target = next((e for e in cat.entries if not e.obsolete and e.msgid
                           and entry_id(e.msgctxt, e.msgid) == entry), None)
            if target is None:
                raise NotFound(f"no entry {entry!r} in the {tag} catalog of {slug!r}")
            return self._store_suggestion(user, tag, slug, entry, target, _edges(text, target.msgid), origin)

    def _store_suggestion(self, user: User, tag: str, slug: str, entry: str, target: po.Entry, text: str,
                          origin: str = "") -> Suggestion:
        made, _ = self.store.suggest({
            "user": user.name, "language": tag, "slug": check_slug(slug), "entry": entry,
            "msgctxt": target.msgctxt, "msgid": target.msgid, "msgstr": target.msgstr,
            "state": state_of(target)}, text, origin)
        return made

    def dismiss(self, user: User, language: str, slug: str, suggestion: int) -> Suggestion:
        """Close a suggestion without using it: reviewers and up, or its author."""
        tag = languages.validate(language)
        user.require("view", tag)
        found = self._suggestion(tag, slug, suggestion)
        if found.user != user.name:
            user.require("approve", tag)
        path = self.path(tag, found.slug)
        with catalog.locked(path, timeout=LOCK_WAIT):
            now = snapshot(catalog.read(path)).get(found.entry)
            msgstr, state = (now[2], now[3]) if now else ("", po.UNTRANSLATED)
            self.store.record({
                "user": user.name, "language": tag, "slug": found.slug, "entry": found.entry,
                "msgctxt": found.msgctxt, "msgid": found.msgid, "action": "dismiss", "old_msgstr": msgstr,
                "new_msgstr": msgstr, "old_state": state, "new_state": state, "suggestion": found.id},
                decides=DISMISSED)
        return self.store.suggestion(found.id)

    def bulk(self, user: User, language: str, slug: str, action: str, entries: Iterable[tuple[str, str]], *,
             reason: str | None = None) -> BulkReport:
        """Approve, reject or mark for review many entries of one catalog: (entry id, version) pairs.

        Each entry goes through the rules of its single action: its version,
        four eyes (a reviewer's own translations are skipped), the QA gate
        (``approve`` takes only entries with no warning or error left), a
        reason to ``reject``; ``review`` takes approved entries back to needs
        review. One history row per entry done, one catalog write for all,
        under one lock; a failed write takes every row back.
        """
        if action not in BULK:
            raise BadInput(f"no bulk action {action!r}; bulk actions: {', '.join(BULK)}")
        tag = languages.validate(language)
        user.require(RIGHT[action], tag)
        note = _reason(reason, required=action == "reject", action=action)
        wanted = _pairs(entries)
        report = BulkReport(action)
        path = self.path(tag, slug)
        name = check_slug(slug)
        with catalog.locked(path, timeout=LOCK_WAIT):
            original = catalog.read_text(path)
            cat = po.parse(original, str(path))
            live = {entry_id(e.msgctxt, e.msgid): e for e in cat.entries if not e.obsolete and e.msgid}
            place = {id(e): n for n, e in enumerate(cat.entries)}
            context = self.context(tag, name)
            rows = []
            for ident, based_on in wanted:
                target = live.get(ident)
                why = None
                if target is None:
                    why = said("no such entry")
                elif version(target) != based_on:
                    why = said("changed since it was loaded (now: %(state)s)", state=state_of(target))
                if why is None:
                    trial = copy.deepcopy(target)
                    try:
                        why = self._bulk_one(user, tag, name, ident, trial, action, note, context)
                    except (PermissionDenied, Blocked, BadInput) as exc:
                        why = exc.args[0] if exc.args and isinstance(exc.args[0], Said) else str(exc)
                if why is not None:
                    report.skipped.append((ident, why))
                    continue
                cat.entries[place[id(target)]] = live[ident] = trial
                rows.append({"user": user.name, "language": tag, "slug": name, "entry": ident,
                             "msgctxt": trial.msgctxt, "msgid": trial.msgid, "action": action,
                             "old_msgstr": target.msgstr, "new_msgstr": trial.msgstr,
                             "old_state": state_of(target), "new_state": state_of(trial), "note": note})
                report.done.append(ident)
            if rows:
                settle(self.store, tag, name, path)
                ids = self.store.record_many(rows, pending=True)
                try:
                    catalog.save(path, cat, original=original)
                except BaseException:
                    self.store.forget_many(ids)
                    raise
                self.store.settle(ids)
        return report

    def _bulk_one(self, user: User, tag: str, slug: str, ident: str, trial: po.Entry, action: str,
                  note: str | None, context: checks.Context) -> str | None:
        """Do one entry's part of a bulk action on ``trial`` (a copy): None, or why it is skipped."""
        state = state_of(trial)
        if action == "approve":
            if state == po.APPROVED:
                return said("already approved")
            self._apply(user, tag, slug, ident, trial, "approve", None, None, context)
            left = [p for p in checks.run([trial], context, article=slug) if not p.overridden]
            if left:
                return said("QA findings: %(checks)s", checks=list(dict.fromkeys(p.check for p in left)))
        else:
            self._apply(user, tag, slug, ident, trial, action, None, None, context, note=note)
        return None

    def _suggestion(self, tag: str, slug: str, suggestion: int) -> Suggestion:
        name = check_slug(slug)
        self.path(tag, name)
        found = self.store.suggestion(suggestion) if isinstance(suggestion, int) else None
        if found is None or (found.language, found.slug) != (tag, name):
            raise NotFound(f"no suggestion {suggestion!r} for the {tag} catalog of {name!r}")
        if found.status != OPEN:
            raise Decided(f"this suggestion was already {found.status}")
        return found

    def _change(self, user: User, tag: str, slug: str, entry: str, action: str, based_on: str, apply, *,
                suggestion: int | None = None, decides: str | None = None,
                note: str | None = None) -> Item | Suggested:
        """Under the catalog's lock: check the version, ``apply`` the action, record it, write the catalog.

        ``apply`` may return a text instead of changing the entry: it is stored
        as the user's suggestion, and :class:`Suggested` returned.
        """
        path = self.path(tag, slug)
        with catalog.locked(path, timeout=LOCK_WAIT):
            original = catalog.read_text(path)
            cat = po.parse(original, str(path))
            live = [e for e in cat.entries if not e.obsolete and e.msgid]
            target = next((e for e in live if entry_id(e.msgctxt, e.msgid) == entry), None)
            if target is None:
                raise NotFound(f"no entry {entry!r} in the {tag} catalog of {slug!r}")
            context = self.context(tag, slug)
            if version(target) != based_on:
                raise Conflict(self._item(tag, slug, target, live, context))
            old_msgstr, old_state, old_marks = target.msgstr, state_of(target), _marks(target)
            unseen = changes.source_change(target)
            proposed = apply(target, context)
            if proposed is not None:
                made = self._store_suggestion(user, tag, slug, entry, target, proposed)
                return Suggested(self._item(tag, slug, target, live, context), made)
            new_state = state_of(target)
            looked = bool(unseen) and not changes.source_change(target)   # saving the same text says "checked"
            if target.msgstr == old_msgstr and new_state == old_state and _marks(target) == old_marks \
                    and action != "approve" and not looked:
                return self._item(tag, slug, target, live, context)  # nothing changed: nothing recorded
            settle(self.store, tag, slug, path)   # what a writer killed mid-save left recorded
            row = self.store.record({
                "user": user.name, "language": tag, "slug": slug, "entry": entry,
                "msgctxt": target.msgctxt, "msgid": target.msgid, "action": action,
                "old_msgstr": old_msgstr, "new_msgstr": target.msgstr,
                "old_state": old_state, "new_state": new_state, "suggestion": suggestion, "note": note},
                decides=decides, pending=True)
            try:
                catalog.save(path, cat, original=original)
            except BaseException:
                self.store.forget(row)
                raise
            self.store.settle([row])
            return self._item(tag, slug, target, live, context)

    def _apply(self, user: User, tag: str, slug: str, entry: str, target: po.Entry, action: str,
               text: str | None, change: int | None, context: checks.Context, *, writer: str | None = None,
               note: str | None = None, check: str | None = None, off: bool = False) -> None:
        if action == "save":
            if text is None:
                raise BadInput(said("save needs the translation text"))
            _human(target, text, fuzzy=bool(text))
        elif action == "approve":
            changes.forget_change(target)   # approving is looking: the change no longer blocks
            if text is not None and text != target.msgstr:
                _human(target, text, fuzzy=True)
                author = writer or user.name
            else:
                author = self.author(tag, slug, entry, target.msgstr)
            if not target.msgstr:
                raise BadInput(said("there is no translation to approve"))
            if author == user.name and not self.self_approval:
                raise PermissionDenied(said("%(user)s wrote this translation: another reviewer approves it "
                                            "(or set [tool.localize] self-approval = true)", user=user.name))
            blocking = [p for p in checks.run([_approved(target)], context, article=slug)
                        if p.severity == checks.ERROR and not p.overridden]
            if blocking:
                raise Blocked("QA errors block approval: " + "; ".join(
                    f"[{p.check}] {p.message}" for p in blocking), blocking)
            target.set_flag("fuzzy", False)
            target.previous_msgid = target.previous_msgctxt = target.previous_msgid_plural = None
        elif action == "reject":
            if not target.msgstr:
                raise BadInput(said("there is nothing to reject"))
            lapse(target)
            target.comments = [c for c in target.comments if not c.startswith(po.DRAFT_COMMENT)]
            changes.forget_change(target)
            history.mark_rejected(target, note or "")
        elif action == "revert":
            found = self.store.change(change) if change is not None else None
            if found is None or (found.language, found.slug, found.entry) != (tag, slug, entry):
                raise NotFound(f"no change {change!r} of this entry")
            _human(target, found.old_msgstr, fuzzy=bool(found.old_msgstr))
        elif action == "review":
            if state_of(target) != po.APPROVED:
                raise BadInput(said("only an approved translation is marked for review"))
            target.set_flag("fuzzy", True)
        elif action in ("override", "ignore"):
            _mark(target, action, check, note, off, context, slug)

    def _item(self, tag: str, slug: str, target: po.Entry, live: list[po.Entry], context: checks.Context) -> Item:
        position = next(i for i, e in enumerate(live) if e is target)
        return _item(target, position, tuple(checks.run([target], context, article=slug)), context,
                     self._rejected(tag, slug, target))


def _item(entry: po.Entry, position: int, problems, context: checks.Context, rejected: dict | None = None) -> Item:
    return Item(
        id=entry_id(entry.msgctxt, entry.msgid), position=position, msgctxt=entry.msgctxt,
        msgid=entry.msgid, msgstr=entry.msgstr, state=state_of(entry), version=version(entry),
        kind=entry.extracted[0] if entry.extracted else "", origin=entry.draft_origin,
        previous_msgid=entry.previous_msgid,
        notes=tuple(c for c in entry.comments
                    if not c.startswith((po.DRAFT_COMMENT, changes.SOURCE_CHANGE, history.REJECTED_COMMENT))
                    and checks.overridden_check(c) is None),
        change=changes.unseen_change(entry, names=context.protected, citations=context.citations or None),
        problems=tuple(problems),
        overrides=tuple(sorted(checks.overrides(entry).items())) if entry.comments else (),
        ignored=checks.ignored(entry),
        rejected=rejected)


def _human(entry: po.Entry, text: str, *, fuzzy: bool) -> None:
    """A person's text: it replaces a machine draft's origin, and the person has seen the source as it is.
    A new text ends a rejection, and the overrides and ignore flags of the old one lapse."""
    if text != entry.msgstr:
        lapse(entry)
    entry.msgstr = text
    entry.set_flag("fuzzy", fuzzy)
    entry.comments = [c for c in entry.comments if not c.startswith(po.DRAFT_COMMENT)]
    changes.forget_change(entry)
    if text:
        history.unmark_rejected(entry)
    else:
        entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None


def _marking(action: str, check: str | None, off: bool = False) -> None:
    """Refuse a check that cannot be overridden or ignored (BadInput), before the catalog is read."""
    if not check or not isinstance(check, str):
        raise BadInput(said("%(action)s needs the id of a check", action=action))
    found = checks.CHECKS.get(check)
    if found is None:
        raise BadInput(f"no check {check[:40]!r}")
    if not found.ignorable:
        raise BadInput(said("[%(check)s] can never be overridden or ignored", check=check))
    if action == "ignore" and found.severity != checks.WARNING and not off:   # a flag put there by hand may go
        raise BadInput(said("[%(check)s] finds errors: a reviewer overrides it with a reason, it is not ignored",
                            check=check))


def _mark(target: po.Entry, action: str, check: str, note: str | None, off: bool, context: checks.Context,
          slug: str) -> None:
    """Record or take back an override or an ignore flag on the entry's current text."""
    if not target.translated:
        raise BadInput(said("the entry has no translation to check"))
    if action == "ignore":
        target.set_flag(checks.IGNORE + check, not off)
        return
    if off:
        checks.remove_overrides(target, check)
        return
    found = checks.CHECKS[check]
    if found.scope == checks.ENTRY:
        seen = {p.check for p in checks.run([target, _approved(target)], context, article=slug)}
        if check not in seen:
            raise BadInput(said("[%(check)s] finds nothing in this translation: there is nothing to override",
                                check=check))
    checks.add_override(target, check, note or "")


def _reason(note: str | None, *, required: bool, action: str) -> str | None:
    """A reason as the history keeps it: trimmed, bounded, printable; ReasonRequired when one is needed."""
    if note is not None and not isinstance(note, str):
        raise BadInput("the reason must be text")
    note = (note or "").replace("\r\n", "\n").strip()
    if not note:
        if required:
            raise ReasonRequired(said("%(action)s needs a written reason", action=action))
        return None
    if len(note) > MAX_REASON:
        raise BadInput(f"a reason is at most {MAX_REASON:,} characters")
    if _CONTROL.search(note):
        raise BadInput("the reason holds control characters")
    return note


def _pairs(entries: Iterable) -> list[tuple[str, str]]:
    """(entry id, version) pairs of a bulk action, each entry once."""
    found: dict[str, str] = {}
    for pair in entries:
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
            raise BadInput("a bulk action names each entry by its id and version")
        found.setdefault(pair[0], pair[1])
        if len(found) > MAX_BULK:
            raise BadInput(f"a bulk action takes at most {MAX_BULK:,} entries")
    if not found:
        raise BadInput("no entries were named")
    return list(found.items())


def _approved(entry: po.Entry) -> po.Entry:
    """The entry as it would be once approved, for the checks that gate approval."""
    return dataclasses.replace(entry, flags=[f for f in entry.flags if f != "fuzzy"])


def _edges(text: str, msgid: str) -> str:
    """The newlines at the ends of a translation follow its source's, as gettext requires."""
    if not text:
        return text
    body = text.strip("\n")
    lead = "\n" if msgid.startswith("\n") else ""
    trail = "\n" if msgid.endswith("\n") else ""
    return lead + body + trail


def _clean(text: str) -> str:
    if not isinstance(text, str):
        raise BadInput("the translation must be text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_TEXT:
        raise BadInput(f"a translation is at most {MAX_TEXT:,} characters")
    if _CONTROL.search(text):
        raise BadInput("the translation holds control characters")
    return text


def _mtime(path: Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0
