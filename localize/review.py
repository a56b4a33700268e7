"""The review actions, shared by the web UI, its JSON API and the command line.

An entry is named by a stable id (a hash of its context and source text) and
carries a *version* (a hash of its translation and state). Every action names
the version it was based on; if the entry changed meanwhile, :class:`Conflict`
(HTTP 409) carries the current one and nothing is written.

An accepted change is first appended to the history (SQLite), then written to
the catalog under its lock, atomically; if the catalog cannot be written, the
history row is taken back.

Actions: ``save`` (the entry needs review), ``approve`` (QA errors nobody
overrode block it; a reviewer does not approve their own translation unless the
workspace allows it), ``reject`` (the draft is cleared), ``revert`` (to the text
before a change of the history).

A *suggestion* is a translation proposed for an entry without replacing its
current one: made in the editor or the API, or by an upload or import whose
translation would have overwritten approved work or work done since the file
was taken. It is stored with its author; a reviewer accepts it (an ``approve``
of its text, with the same version check, QA gate and four eyes: its author
wrote it) or dismisses it. The history records both.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import article, catalog, changes, checks, glossary, history, languages, po
from .accounts import ACCEPTED, DISMISSED, OPEN, Decided, PermissionDenied, Store, Suggestion, User
from .errors import BadInput, ConflictError, LocalizeError
from .history import MACHINE, entry_id, settle, snapshot, state_of
from .workspace import Workspace, slug as check_slug

__all__ = ["ACTIONS", "Blocked", "Conflict", "Decided", "Item", "MACHINE", "NotFound", "Review", "entry_id",
           "state_of", "version"]

ACTIONS = ("save", "approve", "reject", "revert")
RIGHT = {"save": "save", "approve": "approve", "reject": "reject", "revert": "revert"}
MAX_TEXT = 100_000
LOCK_WAIT = 5.0   # seconds a save waits for a catalog another process holds, then Busy (HTTP 503)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class NotFound(BadInput):
    """No such article, catalog or entry (HTTP 404)."""


class Blocked(LocalizeError):
    """QA errors nobody overrode block approval (HTTP 422); ``problems`` lists them."""

    def __init__(self, message: str, problems: list):
        super().__init__(message)
        self.problems = problems


class Conflict(ConflictError):
    """The entry changed since it was loaded (HTTP 409); ``current`` is how it is now."""

    def __init__(self, current: "Item"):
        super().__init__(f"the entry changed since you loaded it (now: {current.state})")
        self.current = current


def version(entry: po.Entry) -> str:
    """What an edit was based on: the translation, its state, its recorded origin."""
    parts = (entry.msgstr, "fuzzy" if entry.fuzzy else "", entry.previous_msgid or "", entry.draft_origin or "")
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:12]


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
    notes: tuple[str, ...] = ()   # translator comments other than the draft origin and the source change
    change: tuple[str, ...] = ()  # the kinds of source change nobody has looked at yet (changes.CHANGES)
    problems: tuple = ()          # checks.Problem of this entry

    @property
    def errors(self) -> list:
        return [p for p in self.problems if p.severity == checks.ERROR and not p.overridden]

    def as_dict(self) -> dict:
        return {
            "id": self.id, "position": self.position, "msgctxt": self.msgctxt, "msgid": self.msgid,
            "msgstr": self.msgstr, "state": self.state, "version": self.version, "kind": self.kind,
            "origin": self.origin, "previous_msgid": self.previous_msgid, "notes": list(self.notes),
            "source_change": list(self.change),
            "problems": [{"check": p.check, "severity": p.severity, "message": p.message,
                          "overridden": p.overridden} for p in self.problems],
        }


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
        """The QA context of a catalog: its article's references and the glossary, cached by mtime."""
        source = self.workspace.source_path(slug)
        terms_file = glossary.path_for(self.workspace)
        key = (_mtime(source), _mtime(terms_file))
        found = self._contexts.get((language, slug))
        if found is None or found.key != key:
            refs = article.read_references(source) if source.is_file() else None
            terms = glossary.load(terms_file)
            context = checks.Context(languages.parse(language), self.workspace.settings.source_language,
                                     authors=refs.authors if refs else (), keep=terms.keep,
                                     required=terms.required(language),
                                     citations=frozenset(refs.citations if refs else ()))
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
        return [_item(e, i, problems.get(e.key, ()), context) for i, e in enumerate(live)]

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

    # -- acting ----------------------------------------------------------------------

    def act(self, user: User, language: str, slug: str, entry: str, action: str, *, based_on: str,
            text: str | None = None, change: int | None = None) -> Item:
        """Do one action on one entry; the entry as it is after."""
        if action not in ACTIONS:
            raise BadInput(f"no action {action!r}; actions: {', '.join(ACTIONS)}")
        tag = languages.validate(language)
        user.require(RIGHT[action], tag)
        if text is not None:
            text = _clean(text)

        def apply(target: po.Entry, context: checks.Context) -> None:
            edged = _edges(text, target.msgid) if text is not None else None
            self._apply(user, tag, slug, entry, target, action, edged, change, context)

        return self._change(user, tag, slug, entry, action, based_on, apply)

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
            made, _ = self.store.suggest({
                "user": user.name, "language": tag, "slug": check_slug(slug), "entry": entry,
                "msgctxt": target.msgctxt, "msgid": target.msgid, "msgstr": target.msgstr,
                "state": state_of(target)}, _edges(text, target.msgid), origin)
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
                suggestion: int | None = None, decides: str | None = None) -> Item:
        """Under the catalog's lock: check the version, ``apply`` the action, record it, write the catalog."""
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
                raise Conflict(self._item(target, live, context, slug))
            old_msgstr, old_state = target.msgstr, state_of(target)
            unseen = changes.source_change(target)
            apply(target, context)
            new_state = state_of(target)
            looked = bool(unseen) and not changes.source_change(target)   # saving the same text says "checked"
            if target.msgstr == old_msgstr and new_state == old_state and action != "approve" and not looked:
                return self._item(target, live, context, slug)  # nothing changed: nothing recorded
            settle(self.store, tag, slug, path)   # what a writer killed mid-save left recorded
            row = self.store.record({
                "user": user.name, "language": tag, "slug": slug, "entry": entry,
                "msgctxt": target.msgctxt, "msgid": target.msgid, "action": action,
                "old_msgstr": old_msgstr, "new_msgstr": target.msgstr,
                "old_state": old_state, "new_state": new_state, "suggestion": suggestion}, decides=decides,
                pending=True)
            try:
                catalog.save(path, cat, original=original)
            except BaseException:
                self.store.forget(row)
                raise
            self.store.settle([row])
            return self._item(target, live, context, slug)

    def _apply(self, user: User, tag: str, slug: str, entry: str, target: po.Entry, action: str,
               text: str | None, change: int | None, context: checks.Context, *, writer: str | None = None) -> None:
        if action == "save":
            if text is None:
                raise BadInput("save needs the translation text")
            _human(target, text, fuzzy=bool(text))
        elif action == "approve":
            changes.forget_change(target)   # approving is looking: the change no longer blocks
            if text is not None and text != target.msgstr:
                _human(target, text, fuzzy=True)
                author = writer or user.name
            else:
                author = self.author(tag, slug, entry, target.msgstr)
            if not target.msgstr:
                raise BadInput("there is no translation to approve")
            if author == user.name and not self.self_approval:
                raise PermissionDenied(f"{user.name} wrote this translation: another reviewer approves it "
                                       "(or set [tool.localize] self-approval = true)")
            blocking = [p for p in checks.run([_approved(target)], context, article=slug)
                        if p.severity == checks.ERROR and not p.overridden]
            if blocking:
                raise Blocked("QA errors block approval: " + "; ".join(
                    f"[{p.check}] {p.message}" for p in blocking), blocking)
            target.set_flag("fuzzy", False)
            target.previous_msgid = target.previous_msgctxt = target.previous_msgid_plural = None
        elif action == "reject":
            if not target.msgstr:
                raise BadInput("there is nothing to reject")
            _human(target, "", fuzzy=False)
        elif action == "revert":
            found = self.store.change(change) if change is not None else None
            if found is None or (found.language, found.slug, found.entry) != (tag, slug, entry):
                raise NotFound(f"no change {change!r} of this entry")
            _human(target, found.old_msgstr, fuzzy=bool(found.old_msgstr))

    def _item(self, target: po.Entry, live: list[po.Entry], context: checks.Context, slug: str) -> Item:
        position = next(i for i, e in enumerate(live) if e is target)
        return _item(target, position, tuple(checks.run([target], context, article=slug)), context)


def _item(entry: po.Entry, position: int, problems, context: checks.Context) -> Item:
    return Item(
        id=entry_id(entry.msgctxt, entry.msgid), position=position, msgctxt=entry.msgctxt,
        msgid=entry.msgid, msgstr=entry.msgstr, state=state_of(entry), version=version(entry),
        kind=entry.extracted[0] if entry.extracted else "", origin=entry.draft_origin,
        previous_msgid=entry.previous_msgid,
        notes=tuple(c for c in entry.comments
                    if not c.startswith(po.DRAFT_COMMENT) and not c.startswith(changes.SOURCE_CHANGE)),
        change=changes.unseen_change(entry, names=context.protected, citations=context.citations or None),
        problems=tuple(problems))


def _human(entry: po.Entry, text: str, *, fuzzy: bool) -> None:
    """A person's text: it replaces a machine draft's origin, and the person has seen the source as it is."""
    entry.msgstr = text
    entry.set_flag("fuzzy", fuzzy)
    entry.comments = [c for c in entry.comments if not c.startswith(po.DRAFT_COMMENT)]
    changes.forget_change(entry)
    if not text:
        entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None


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
