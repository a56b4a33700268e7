"""The change history of entries, kept by every writer of a catalog, so that it replays to the catalogs.

A review action records its own change (:mod:`localize.review`). The jobs that
write catalogs in bulk record theirs here: ``update`` after a re-extraction (a
changed unit's stale draft, an entry gone obsolete), drafts, imports and
uploads. One row per entry whose translation or state changed, written under
the catalog's lock before the catalog is, as a review action does: for any one
catalog, the order of the rows is the order of the writes.

The history lives in the accounts database (``instance/localize.sqlite3`` of
the workspace, or ``LOCALIZE_DATABASE``). A workspace without one records
nothing: the command line works without the web UI.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from . import po
from .accounts import Store
from .db import is_url
from .errors import LocalizeError

MACHINE = "machine draft"   # the state of a needs-review entry drafted by an engine
REJECTED = "rejected"       # a translation a reviewer turned down, with a reason, until someone writes another
OBSOLETE = "obsolete"       # an entry the article no longer has (#~), kept with its translation
SYSTEM = "localize"         # who made a change by command rather than from an account

# A rejected entry has no translation (nothing rejected is previewed or published) and says why
# in a translator comment, which every PO tool keeps, until someone saves a new text:
#   # rejected: the citation is missing
REJECTED_COMMENT = "rejected: "
# The history's actions that change an entry's QA marks (overrides, ignore- flags), not its text or state.
MARK_ACTIONS = ("override", "override-off", "ignore", "ignore-off")

# id → (msgctxt, msgid, msgstr, state): what the history needs to know of a catalog's entries.
Snapshot = dict[str, tuple[str | None, str, str, str]]


def entry_id(msgctxt: str | None, msgid: str) -> str:
    """A stable id for an entry of a catalog: safe in URLs, the same in every language."""
    key = (msgctxt or "") + "\x04" + msgid
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def state_of(entry: po.Entry) -> str:
    """The entry's state as reviewers see it: a machine draft apart from other work to review,
    a rejected entry apart from one nobody translated."""
    state = entry.state
    if state == po.NEEDS_REVIEW and entry.draft_origin is not None:
        return MACHINE
    if state == po.UNTRANSLATED and entry.comments and rejection(entry) is not None:
        return REJECTED
    return state


def rejection(entry: po.Entry) -> str | None:
    """Why a reviewer rejected the entry's translation, if it is rejected (None otherwise)."""
    if entry.translated:
        return None
    for comment in entry.comments:
        if comment.startswith(REJECTED_COMMENT):
            return comment[len(REJECTED_COMMENT):].strip()
    return None


def mark_rejected(entry: po.Entry, reason: str) -> None:
    """Clear the translation and say why on the entry (one line: a comment cannot hold a line break)."""
    entry.msgstr = ""
    if entry.msgstr_plural is not None:
        entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
    entry.set_flag("fuzzy", False)
    entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None
    unmark_rejected(entry)
    entry.comments.append(REJECTED_COMMENT + " ".join(reason.split()))


def unmark_rejected(entry: po.Entry) -> None:
    """Someone wrote a new text: the rejection no longer needs saying."""
    entry.comments = [c for c in entry.comments if not c.startswith(REJECTED_COMMENT)]


_CHOSEN: dict[Path, Path | str] = {}   # workspace: the database an app of this process was configured with


def database(root: Path) -> Path | str:
    """Where the accounts, history, jobs and publishing record of a workspace are: the database an app of
    this process was configured with (:func:`choose_database`), else ``LOCALIZE_DATABASE`` (a SQLite file,
    or a ``postgresql://`` URL), else the workspace's ``instance/localize.sqlite3``."""
    chosen = _CHOSEN.get(Path(root).resolve()) if _CHOSEN else None
    if chosen is not None:
        return chosen
    return address(os.environ.get("LOCALIZE_DATABASE")) or Path(root) / "instance" / "localize.sqlite3"


def address(value: str | Path | None) -> Path | str | None:
    """A database setting as :mod:`localize.db` takes it: a PostgreSQL URL as it is, else a file path."""
    if value is None or str(value).strip() == "":
        return None
    return str(value).strip() if is_url(str(value).strip()) else Path(value)


def choose_database(root: Path, where: Path | str) -> None:
    """The workspace's database in this process is ``where`` (the web app's ``LOCALIZE_DATABASE`` setting)."""
    _CHOSEN[Path(root).resolve()] = address(where)


def store_of(root: Path) -> Store | None:
    """The workspace's accounts and history store, or None if it has none (nothing is created)."""
    where = database(root)
    return Store(where) if is_url(where) or where.is_file() else None


def snapshot(catalog: po.Catalog) -> Snapshot:
    """Every entry's translation and state, obsolete ones included, by entry id."""
    found: Snapshot = {}
    for entry in sorted(catalog.entries, key=lambda e: not e.obsolete):   # a live entry wins over its #~ twin
        if entry.msgid:
            state = OBSOLETE if entry.obsolete else state_of(entry)
            found[entry_id(entry.msgctxt, entry.msgid)] = (entry.msgctxt, entry.msgid, entry.msgstr, state)
    return found


def author(store: Store, language: str, slug: str, entry: str, msgstr: str) -> str | None:
    """Who wrote this translation of the entry, as the history knows it.

    None: an engine, a command, or a PO editor outside (the text came from
    elsewhere since the last change the history has). The author of an
    accepted suggestion is the person who suggested it; the author of a text
    a revert brought back is whoever wrote it before it was replaced, not the
    person who reverted.
    """
    return _author(store, store.history(language, slug, entry), msgstr)


def _author(store: Store, changes: list, msgstr: str) -> str | None:
    for at in range(len(changes) - 1, -1, -1):
        change = changes[at]
        if change.new_msgstr != msgstr:
            return None
        if change.action == "revert":
            if change.old_msgstr == msgstr:
                continue
            # the text came back: the last change that replaced it shows who had written it
            for back in range(at - 1, -1, -1):
                if changes[back].old_msgstr == msgstr and changes[back].new_msgstr != msgstr:
                    return _author(store, changes[:back], msgstr)
            return None
        if change.action == "save" or change.old_msgstr != msgstr:
            if change.suggestion is not None:
                found = store.suggestion(change.suggestion)
                return found.user if found else None
            return None if change.user == SYSTEM else change.user
    return None


_NOTHING = ("", po.UNTRANSLATED)


def differences(before: Snapshot, after: Snapshot) -> list[tuple[str, tuple, tuple, tuple]]:
    """(id, (msgctxt, msgid), (old msgstr, old state), (new msgstr, new state)) of every entry that changed.

    An entry that is not there counts as untranslated: a new empty unit, or an
    empty one dropped by a merge, changes nothing.
    """
    found = []
    for ident in [*before, *(i for i in after if i not in before)]:
        old, new = before.get(ident), after.get(ident)
        was = (old[2], old[3]) if old else _NOTHING
        now = (new[2], new[3]) if new else _NOTHING
        if was != now:
            key = (new or old)[:2]
            found.append((ident, key, was, now))
    return found


class Recorder:
    """Records the changes one writer (``user`` doing ``action``) makes to catalogs."""

    def __init__(self, store: Store, user: str = SYSTEM, action: str = "update"):
        self.store, self.user, self.action = store, user, action
        self._staged: list[tuple[Path, str, list[int]]] = []

    @classmethod
    def of(cls, root: Path, user: str = SYSTEM, action: str = "update") -> "Recorder | None":
        """A recorder for a workspace, or None if the workspace keeps no history."""
        store = store_of(root)
        return cls(store, user, action) if store is not None else None

    def record(self, language: str, slug: str, before: Snapshot, after: po.Catalog | Snapshot, *,
               path: Path, text: str, extra: list[dict] = ()) -> list[int]:
        """Append a row for every entry that differs between two states of one catalog; their ids.

        ``extra`` rows follow (changes of QA marks: their own action, user and
        note). The caller holds the catalog's lock and, inside :func:`kept`,
        writes ``text`` to ``path`` after this: the rows stay pending until
        then, and are taken back if the catalog does not end up holding ``text``.
        """
        if isinstance(after, po.Catalog):
            after = snapshot(after)
        settle(self.store, language, slug, path)
        rows = [{"user": self.user, "language": language, "slug": slug, "entry": ident, "msgctxt": key[0],
                 "msgid": key[1], "action": self.action, "old_msgstr": was[0], "new_msgstr": now[0],
                 "old_state": was[1], "new_state": now[1]}
                for ident, key, was, now in differences(before, after)]
        rows += [{"user": self.user, "language": language, "slug": slug, **row} for row in extra]
        ids = self.store.record_many(rows, pending=True) if rows else []
        if ids:
            self._staged.append((path, text, ids))
        return ids

    def _close(self, failed: bool) -> None:
        """Show the rows of every catalog written; after a failure, take back those of the others."""
        landed, lost = [], []
        for path, text, ids in self._staged:
            (lost if failed and not _holds(path, text) else landed).extend(ids)
        self.store.settle(landed)
        if lost:
            self.store.forget_many(lost)
        self._staged.clear()


def _holds(path: Path, text: str) -> bool:
    try:
        return path.read_bytes().decode("utf-8", "replace") == text
    except OSError:
        return False


@contextlib.contextmanager
def kept(recorder: Recorder | None) -> Iterator[None]:
    """Around a batch of writes: if it fails, the rows of every catalog it did not write are taken back."""
    try:
        yield
    except BaseException:
        if recorder is not None:
            recorder._close(failed=True)
        raise
    if recorder is not None:
        recorder._close(failed=False)


def settle(store: Store, language: str, slug: str, path: Path) -> int:
    """Settle the pending changes of one catalog against the catalog itself; how many were taken back.

    The caller holds the catalog's lock, so no write of it is under way: a
    pending change is one whose writer died between recording it and writing
    the catalog, or just after. If the catalog holds what the change says,
    the write landed and the change stays; otherwise it is taken back.
    """
    waiting = store.pending(language, slug)
    if not waiting:
        return 0
    try:
        cat = po.parse(path.read_bytes().decode("utf-8"), str(path))
    except (OSError, UnicodeDecodeError, LocalizeError):
        return 0   # unreadable: left for a later writer, who must repair the file first
    now = snapshot(cat)
    landed, lost = [], []
    for change in waiting:
        found = now.get(change.entry)
        holds = (found[2], found[3]) if found else ("", po.UNTRANSLATED)
        done = holds == (change.new_msgstr, change.new_state)
        if done and change.action in MARK_ACTIONS:
            done = _holds_mark(cat, change)
        (landed if done else lost).append(change.id)
    store.settle(landed)
    store.forget_many(lost)
    return len(lost)


def _holds_mark(cat: po.Catalog, change) -> bool:
    """Whether the catalog's entry holds the QA mark a change of :data:`MARK_ACTIONS` made or took off."""
    check = (change.note or "").partition(":")[0].strip()
    entry = next((e for e in cat.entries if not e.obsolete and e.msgid
                  and entry_id(e.msgctxt, e.msgid) == change.entry), None)
    if entry is None or not check:
        return False
    if change.action.startswith("ignore"):
        present = f"ignore-{check}" in entry.flags
    else:
        present = any(c.strip().startswith(f"qa-override {check}:") or c.strip().startswith(f"qa-override {check} ")
                      for c in entry.comments)
    return present != change.action.endswith("-off")


def settle_all(store: Store, paths: Callable[[str, str], Path], *, timeout: float = 0.0) -> int:
    """Settle every catalog with pending changes (at start: writers killed before it); how many were taken back.
    A catalog whose lock is held is left to its writer."""
    from . import catalog
    from .errors import Busy

    taken = 0
    for language, slug in dict.fromkeys((c.language, c.slug) for c in store.pending()):
        try:
            path = paths(language, slug)
            with catalog.locked(path, timeout=timeout):
                taken += settle(store, language, slug, path)
        except (Busy, OSError, LocalizeError):
            continue
    return taken
