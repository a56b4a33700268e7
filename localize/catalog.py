"""Catalog files: create, merge, read and write them safely, count their states.

Every write is atomic and serialized across processes: an exclusive lock on a
sidecar ``.lock`` file (never on the catalog, whose inode changes), the
catalog re-read under the lock, a temporary file in the same folder, fsync,
``os.replace``, fsync of the folder. A write that fails (a full disk) raises
:class:`WriteError` and leaves the old file as it was, with no temporary file.
Temporary files an interrupted writer left are removed by the next writer of
the catalog, and by :func:`sweep_catalogs` when a service starts.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import errno
import fcntl
import io
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

from . import __version__, po
from .changes import TRIVIAL, change_kinds, normal_form, record_change
from .errors import Busy, CatalogError, LocalizeError
from .languages import Language
from .po import APPROVED, NEEDS_REVIEW, STALE, UNTRANSLATED, Catalog, Entry

# How alike an old source text must be to a new one for its translation to be
# offered as a fuzzy draft (0-100, rapidfuzz's normalized InDel ratio; GNU
# msgmerge uses 60 on a similar scale).
FUZZY_CUTOFF = 70.0
_TAGS = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


# -- reading and writing -----------------------------------------------------------

def decode(data: bytes, name: str) -> str:
    """A catalog file's text: UTF-8 (a BOM is dropped) or the charset its header declares,
    which the reader turns to UTF-8 (``Catalog.converted_from``); the error names the line."""
    return po.decode(data, name)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CatalogError("no such catalog", path) from None
    except OSError as exc:
        raise CatalogError(f"cannot read: {exc.strerror}", path) from None


def read_text(path: Path) -> str:
    """A catalog file's text: UTF-8 or its declared charset (see :func:`decode`); errors name the file."""
    return decode(_read_bytes(path), str(path))


def read(path: Path) -> Catalog:
    """Read and check one catalog file."""
    return po.parse(read_text(path), str(path))


MSGFMT_TIMEOUT = 60  # seconds; msgfmt reads even hostile catalogs in well under one
_MSGFMT_ERROR = re.compile(r"<stdin>:(\d+):(?:\d+:)? *(.*)")


def msgfmt_check(path: Path, data: bytes | None = None) -> None:
    """Let GNU msgfmt judge a catalog (``data``: the file's bytes, as read), where gettext is installed.

    msgfmt reads the bytes in the charset the file declares, as we do.
    """
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return
    if data is None:
        data = _read_bytes(path)
    data = data.removeprefix(b"\xef\xbb\xbf")   # a BOM, which we drop and msgfmt calls a syntax error
    try:
        result = subprocess.run([msgfmt, "--check", "-o", os.devnull, "-"], input=data,
                                capture_output=True, timeout=MSGFMT_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise CatalogError(f"msgfmt --check took more than {MSGFMT_TIMEOUT} seconds", path) from None
    if result.returncode != 0:
        lines = [line.removeprefix(msgfmt + ": ").removeprefix("msgfmt: ")
                 for line in result.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
        # the first error, "<stdin>:LINE[:COLUMN]: message", named as our own errors are
        for line in lines:
            m = _MSGFMT_ERROR.match(line)
            if m and not m.group(2).startswith("warning:"):
                raise CatalogError(f"{m.group(2)} (msgfmt --check)", path, int(m.group(1)))
        first = next((line for line in lines if "warning:" not in line), lines[0] if lines else "rejected")
        raise CatalogError(f"msgfmt --check: {first.replace('<stdin>', str(path))}", path)


def validate(path: Path) -> Catalog:
    """Read a catalog that comes from outside, refusing anything doubtful."""
    data = _read_bytes(path)
    catalog = po.parse(decode(data, str(path)), str(path))
    msgfmt_check(path, data)
    return catalog


class WriteError(LocalizeError):
    """A file could not be written (a full disk, a failing device); the old file is as it was."""

    def __init__(self, path, reason: str, code: int | None = None):
        self.path, self.reason, self.errno = path, reason, code
        super().__init__(f"{path}: cannot write: {reason}; the file is left as it was")

    def __reduce__(self):   # whole across a worker process's pipe
        return type(self), (self.path, self.reason, self.errno)

    @property
    def no_space(self) -> bool:
        """The disk (or the account's quota) is full."""
        return self.errno in (errno.ENOSPC, errno.EDQUOT)


def _failed(path: Path, exc: OSError) -> WriteError:
    return WriteError(path, exc.strerror or str(exc), exc.errno)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_temporary(path: Path, text: str | Iterable[str], *, sync: bool, keep_open: bool = False):
    """Write text (or its pieces, one at a time) to a new temporary file beside ``path``; return its name.

    With ``keep_open``, return ``(name, descriptor)``, the file still open, so
    that a later fsync reports an error the writing back met. A failure (no
    space, no inode, an I/O error) removes the temporary file and raises
    :class:`WriteError` naming ``path``.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _failed(path, exc) from None
    is_open = True
    try:
        with os.fdopen(fd, "wb", closefd=False) as handle:
            for piece in (text,) if isinstance(text, str) else text:
                handle.write(piece.encode("utf-8"))
        if sync:
            os.fsync(fd)
        os.fchmod(fd, 0o644)
        if not keep_open:
            is_open = False
            os.close(fd)
    except BaseException as exc:
        if is_open:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _failed(path, exc) from None
        raise
    return (tmp, fd) if keep_open else tmp


def write_atomic(path: Path, text: str | Iterable[str], *, durable: bool = True) -> None:
    """Replace a file with new content so that readers see the old or the new, never a part.

    ``durable=False`` skips the flushes to disk, for files made from others
    (rendered pages) that can be made again.
    """
    tmp = _write_temporary(path, text, sync=durable)
    try:
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _failed(path, exc) from None
        raise
    if durable:
        _fsync_dir(path.parent)


class Batch:
    """Many catalog writes with one flush to disk, for jobs over a whole workspace.

    Each catalog is locked before it is read (:meth:`lock`), which removes
    what an interrupted writer of it left, and stays locked until
    :meth:`flush`, which makes every new file durable with one ``os.sync()``
    before putting it in place with ``os.replace``. One fsync per file would
    cost more than the rest of the job; an fsync of each still-open file after
    the sync costs little and reports what the sync cannot: a file whose data
    did not reach the disk (no space, an I/O error), and then no file of the
    batch is replaced. A batch never waits for a lock while holding others: it
    flushes first, so two jobs cannot deadlock.

    ``durable=False`` skips the flush to disk for files that can be made again
    from others (templates come from the articles): they are still replaced
    atomically, so no reader ever sees a torn file.
    """

    def __init__(self, size: int = 128, *, durable: bool = True):
        self.size = size
        self.durable = durable
        self._locks: dict[Path, int] = {}
        self._shared = None                               # the locks held beyond this host, while any is held
        self._pending: list[tuple[Path, str, int]] = []   # catalog, temporary file, its descriptor
        self._leftovers: dict[Path, dict[str, list[Path]]] = {}   # folder: catalog name: temporaries

    def __enter__(self) -> "Batch":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.flush()
        else:
            self._abandon()

    def lock(self, path: Path) -> None:
        if path in self._locks:
            return
        if len(self._locks) >= self.size:
            self.flush()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self.flush()
                fcntl.flock(fd, fcntl.LOCK_EX)
            if self._shared is None:
                self._shared = _shared_locks()
            if not self._shared.hold(path, wait=False):   # held on another host: never wait holding others
                self.flush()
                self._shared = _shared_locks()
                self._shared.hold(path)
        except BaseException:
            os.close(fd)
            raise
        self._locks[path] = fd
        self._clean(path)

    def _clean(self, path: Path) -> None:
        """Remove what an interrupted writer of this catalog left (it is locked: no writer is at work).

        The folder is listed once per batch: one listing per catalog would make
        a job over a large folder quadratic.
        """
        listed = self._leftovers.get(path.parent)
        if listed is None:
            listed = self._leftovers[path.parent] = {}
            for tmp in _temporaries(path.parent):
                listed.setdefault(_catalog_name(tmp), []).append(tmp)
        for tmp in listed.pop(path.name, ()):
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()

    def write(self, path: Path, text: str) -> None:
        """Stage new content for a catalog this batch holds locked."""
        if path not in self._locks:
            raise RuntimeError(f"{path} is written without its lock")
        self._pending.append((path, *_write_temporary(path, text, sync=False, keep_open=True)))

    def flush(self) -> None:
        try:
            if self._pending:
                if self.durable:
                    os.sync()
                    for path, _, fd in self._pending:
                        try:
                            os.fsync(fd)
                        except OSError as exc:
                            raise _failed(path, exc) from None
                for path, tmp, _ in self._pending:
                    try:
                        os.replace(tmp, path)
                    except OSError as exc:
                        raise _failed(path, exc) from None
                if self.durable:
                    for folder in {path.parent for path, _, _ in self._pending}:
                        _fsync_dir(folder)
                for _, _, fd in self._pending:
                    os.close(fd)
                self._pending.clear()
        finally:
            self._abandon()

    def _abandon(self) -> None:
        for _, tmp, fd in self._pending:
            os.close(fd)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        self._pending.clear()
        if self._shared is not None:
            self._shared.release()
            self._shared = None
        for fd in self._locks.values():
            os.close(fd)
        self._locks.clear()


class _NoSharedLocks:
    """Catalog locks no further than ``flock``: one host, or a store without a shared lock service."""

    def hold(self, path: Path, wait: bool = True) -> bool:
        return True

    def release(self) -> None:
        pass


_shared_locks: Callable[[], object] = _NoSharedLocks


def share_locks(session_factory: Callable[[], object]) -> None:
    """Hold every catalog lock of this process in a lock service shared by every host as well as with
    ``flock``: ``session_factory()`` gives an object whose ``hold(path, wait=True)`` takes that catalog's
    lock (waiting for it, or saying False at once if ``wait`` is False and another holds it) and whose
    ``release()`` lets go of all it holds (a PostgreSQL store: :meth:`localize.db.Database.catalog_locks`)."""
    global _shared_locks
    _shared_locks = session_factory


def _temporaries(folder: Path, name: str = "*") -> list[Path]:
    return list(folder.glob(f".{name}.*.tmp"))


def _catalog_name(tmp: Path) -> str:
    """The file a temporary file was to become: ``.es.po.k3j9x_a.tmp`` → ``es.po``."""
    return tmp.name[1:].rsplit(".", 2)[0]


def sweep(folder: Path, *, held: bool = False) -> int:
    """Remove temporary files interrupted writers left in a folder; return how many.

    A temporary file is only removed while its catalog's lock is free, so a
    writer at work is never disturbed; ``held`` says the caller holds a lock
    that covers every file of the folder.
    """
    removed = 0
    for tmp in _temporaries(folder):
        lock = folder / f"{_catalog_name(tmp)}.lock"
        if held or not lock.exists():  # writers take the lock before they write
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
                removed += 1
            continue
        fd = os.open(lock, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue
        else:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
                removed += 1
        finally:
            os.close(fd)
    return removed


def sweep_catalogs(locales: Path) -> int:
    """Remove the temporary files interrupted writers left beside every language's catalogs.

    For a service's start (the web app): a catalog nobody writes again would
    otherwise keep its leftovers. Writers at work are left alone (see :func:`sweep`);
    a folder this process may not write in is left as it is (it can still serve it).
    """
    removed = 0
    for folder in sorted(locales.glob("*/LC_MESSAGES")):
        with contextlib.suppress(OSError):
            removed += sweep(folder)
    return removed


@contextlib.contextmanager
def locked(path: Path, *, clean: bool = True, timeout: float | None = None) -> Iterator[None]:
    """Hold the catalog's exclusive lock (a sidecar file, so it survives replacement).

    Under the lock, temporary files an interrupted writer of this catalog left
    are removed, unless ``clean`` is False (a batch job sweeps the folder once
    instead, with :func:`sweep`). With ``timeout``, :class:`Busy` is raised if
    the lock is not free within that many seconds (a stuck writer).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    shared = None
    try:
        if timeout is None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        else:
            _lock_within(fd, path, timeout)
        shared = _shared_locks()
        shared.hold(path)
        if clean:
            for leftover in _temporaries(path.parent, glob_escape(path.name)):
                if _catalog_name(leftover) != path.name:
                    continue  # another catalog's, whose name starts like this one's
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
        yield
    finally:
        if shared is not None:
            shared.release()
        os.close(fd)


def _lock_within(fd: int, path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pause = 0.005
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise Busy(f"{path.name} is being written by another process; try again in a moment",
                           retry_after=max(1, int(timeout))) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.1)


def glob_escape(name: str) -> str:
    return re.sub(r"([*?[])", r"[\1]", name)


def save(path: Path, catalog: Catalog, *, original: str | None = None) -> bool:
    """Write a catalog (the caller holds the lock); False when nothing changed (``original``: the file's text,
    if the caller read it).

    The text is made and written a piece at a time (:func:`po.pieces`), and compared with the file's a
    piece at a time first: a big catalog is never held whole as text, nor as bytes.
    """
    if _same_text(path, catalog, original):
        return False
    write_atomic(path, po.pieces(catalog))
    return True


def _same_text(path: Path, catalog: Catalog, original: str | None) -> bool:
    """Whether the catalog's text is the file's (or ``original``), read no further than the first difference."""
    try:
        handle = io.StringIO(original) if original is not None else \
            path.open(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise _failed(path, exc) from None
    with handle:
        for piece in po.pieces(catalog):
            if handle.read(len(piece)) != piece:
                return False
        return handle.read(1) == ""


@contextlib.contextmanager
def transaction(path: Path, create: Callable[[], Catalog] | None = None) -> Iterator[Catalog]:
    """Lock, read the current catalog, let the caller change it, write it if it changed.

    If the caller raises, nothing is written.
    """
    with locked(path):
        if path.exists():
            original = read_text(path)
            catalog = po.parse(original, str(path))
        elif create is not None:
            original, catalog = None, create()
        else:
            raise CatalogError("no such catalog", path)
        yield catalog
        save(path, catalog, original=original)


# -- creating ----------------------------------------------------------------------

def now() -> datetime:
    return datetime.now(timezone.utc)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M%z")


def template(name: str, units: Iterable, reference: str, *, created: datetime) -> Catalog:
    """The .pot of one article: one entry per distinct unit text.

    ``units`` have ``text``, ``kind`` and ``line``; ``reference`` is the path
    written in ``#:`` comments.
    """
    entries: dict[str, Entry] = {}
    for unit in units:
        entry = entries.get(unit.text)
        if entry is None:
            entry = entries[unit.text] = Entry(unit.text)
        if unit.kind not in entry.extracted:
            entry.extracted.append(unit.kind)
        entry.references.append(f"{reference}:{unit.line}")
    catalog = Catalog(
        header_comments=[f"Translations template for {name}.",
                         "This file is generated from the article; edit the article, not this file."],
        header={
            "Project-Id-Version": name,
            "Report-Msgid-Bugs-To": "",
            "POT-Creation-Date": _stamp(created),
            "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
            "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
            "Language-Team": "LANGUAGE <LL@li.org>",
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Generated-By": f"localize {__version__}",
        },
        entries=list(entries.values()),
    )
    return catalog


def translation_catalog(pot: Catalog, language: Language, *, created: datetime) -> Catalog:
    """A new, empty .po for one language, from a template."""
    header = dict(pot.header)
    header.update({
        "PO-Revision-Date": _stamp(created),
        "Last-Translator": "localize",
        "Language-Team": f"{language.english_name} <>",
        "Language": language.gettext,
        "Plural-Forms": language.plural_forms,
    })
    name = pot.header.get("Project-Id-Version")
    catalog = Catalog(header=_ordered_header(header),
                      header_comments=[f"{language.english_name} translations for {name}." if name
                                       else f"{language.english_name} translations."])
    return merge(catalog, pot)


_HEADER_ORDER = ("Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date",
                 "PO-Revision-Date", "Last-Translator", "Language-Team", "Language",
                 "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Plural-Forms",
                 "Generated-By")


def _ordered_header(header: dict[str, str]) -> dict[str, str]:
    ordered = {k: header[k] for k in _HEADER_ORDER if k in header}
    ordered.update((k, v) for k, v in header.items() if k not in ordered)
    return ordered


# -- merging -----------------------------------------------------------------------

def merge(old: Catalog, pot: Catalog, *, cutoff: float = FUZZY_CUTOFF, names: Iterable[str] = (),
          citations: Iterable[str] | None = None) -> Catalog:
    """Bring a translation catalog up to date with a new template, the gettext way.

    Unchanged units keep their translation and state. A unit whose source
    changed only in whitespace, typography or letter case keeps them too, the
    new source recorded silently; a unit changed otherwise takes the
    translation of the most similar old unit as a fuzzy draft with the old
    source as ``#| msgid``. Either way the kind of change is recorded on the
    entry (:func:`.changes.record_change`); ``names`` (never translated: the reference
    list's authors, the glossary's keep terms) and ``citations`` (the hrefs
    that cite the reference list; by default ``#ref-…``) tell which changes a
    person must look at. Old units no longer in the template become obsolete
    (``#~``) and come back if their text returns. Nothing is dropped but
    empty, untranslated entries.
    """
    current = {e.key: e for e in old.entries if not e.obsolete}
    retired = {e.key: e for e in old.entries if e.obsolete}
    used: set[int] = set()
    merged: list[Entry] = []
    unmatched: list[Entry] = []
    forms = old.nplurals
    for tmpl in pot.entries:
        source = current.get(tmpl.key) or retired.get(tmpl.key)
        entry = _from_template(tmpl, forms)
        if source is not None:
            used.add(id(source))
            if tmpl.key in retired:  # an old obsolete copy is superseded, not kept twice
                used.add(id(retired[tmpl.key]))
            _carry(source, entry)
        else:
            unmatched.append(entry)
        merged.append(entry)
    if unmatched:
        kinds = partial(change_kinds, names=tuple(names),
                        citations=None if citations is None else frozenset(citations))
        unmatched = _match_in_form(unmatched, old, used, kinds)
        _match_fuzzy(unmatched, old, used, kinds, cutoff)
    for entry in old.entries:
        if id(entry) not in used and entry.translated:
            gone = copy.copy(entry)
            gone.obsolete = True
            gone.references, gone.extracted = [], []
            merged.append(gone)
    header = dict(old.header)
    for key in ("POT-Creation-Date", "Project-Id-Version"):
        if key in pot.header:
            header[key] = pot.header[key]
    # the header entry stays as the file had it (comments, flags, text, place), its dates brought up to date
    return dataclasses.replace(old, header=_ordered_header(header), header_comments=list(old.header_comments),
                               header_flags=list(old.header_flags), entries=merged,
                               header_index=min(old.header_index, len(merged)),
                               trailing_comments=list(old.trailing_comments), converted_from=None)


def _candidates(old: Catalog, used: set[int]) -> list[Entry]:
    """Old entries whose translation a changed unit may take: translated, singular, not taken yet."""
    return [e for e in old.entries if id(e) not in used and e.translated and e.msgid_plural is None and e.msgid]


def _match_in_form(unmatched: list[Entry], old: Catalog, used: set[int], kinds) -> list[Entry]:
    """Give each changed unit the old unit that reads the same once whitespace, typography and case
    are set aside; return the units still without one.

    Live entries are preferred to obsolete ones, as for an exact match.
    """
    alike: dict[tuple[str | None, str], list[Entry]] = {}
    for e in sorted(_candidates(old, used), key=lambda e: e.obsolete):
        alike.setdefault((e.msgctxt, normal_form(e.msgid)), []).append(e)
    left = []
    for entry in unmatched:
        found = alike.get((entry.msgctxt, normal_form(entry.msgid))) if entry.msgid_plural is None else None
        source = next((e for e in found or () if id(e) not in used), None)
        if source is None:
            left.append(entry)
            continue
        used.add(id(source))
        change = kinds(source.msgid, entry.msgid)
        if change[0] in TRIVIAL:
            _carry(source, entry)
            entry.msgstr = _follow_edges(entry.msgstr, entry.msgid)
            record_change(entry, change)
        else:   # a name or a link target differs only in case: that is no mere form
            _make_stale(entry, source, change)
    return left


EXHAUSTIVE = 200_000   # pairs of changed and old units compared one by one; above, a shortlist per unit


def _match_fuzzy(unmatched: list[Entry], old: Catalog, used: set[int], kinds, cutoff: float) -> None:
    """Give each changed unit the translation of the most similar old unit, as a stale draft.

    Similarity is rapidfuzz's ``ratio`` (msgmerge's measure, an edit distance), at least ``cutoff``.
    A small catalog compares every pair. A big one would compare every changed unit with every old
    one, growing as the square of its size: each changed unit is compared with a shortlist of old
    units (:class:`localize.similar.Shortlist`).
    """
    # an old unit kept as it is elsewhere in the article still lends its translation (msgmerge's way)
    candidates = [e for e in old.entries if e.translated and e.msgid_plural is None and e.msgid
                  and (id(e) not in used or not e.obsolete)]
    wanted = [entry for entry in unmatched if entry.msgid_plural is None]
    if not candidates or not wanted:
        return
    from rapidfuzz import fuzz, process  # only a changed article needs it

    from .similar import Shortlist

    choices = [e.msgid for e in candidates]
    shortlist = None if len(choices) * len(wanted) <= EXHAUSTIVE else Shortlist(choices)
    for entry in wanted:
        if shortlist is None:
            best = process.extractOne(entry.msgid, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
            found = None if best is None else best[2]
        else:
            found = shortlist.best(entry.msgid, cutoff)
        if found is None:
            continue
        source = candidates[found]
        used.add(id(source))
        _make_stale(entry, source, kinds(source.msgid, entry.msgid))


def _make_stale(entry: Entry, source: Entry, change: tuple[str, ...]) -> None:
    """The old unit's translation as a draft of the changed one, its source kept as ``#| msgid``."""
    entry.msgstr = source.msgstr
    entry.comments = list(source.comments)
    entry.set_flag("fuzzy")
    entry.previous_msgctxt = source.msgctxt
    entry.previous_msgid = source.msgid
    record_change(entry, change)


def _from_template(tmpl: Entry, forms: int | None = None) -> Entry:
    """A new entry for a template's unit; a plural one has as many forms as the catalog's language
    (``forms``, its header's nplurals), else as the template."""
    return Entry(tmpl.msgid, msgctxt=tmpl.msgctxt, msgid_plural=tmpl.msgid_plural,
                 msgstr_plural=(None if tmpl.msgid_plural is None
                                else dict.fromkeys(range(forms or len(tmpl.msgstr_plural or {}) or 2), "")),
                 extracted=list(tmpl.extracted), references=list(tmpl.references),
                 flags=[f for f in tmpl.flags if f != "fuzzy"])


def _carry(source: Entry, entry: Entry) -> None:
    """Keep the translation, state and notes of an unchanged unit.

    A unit that became plural (or singular), or whose plural text changed, keeps its translation
    as a draft to review, the old texts as ``#|`` (msgmerge's way): its first form (or the first
    one written) becomes the singular's text, or the other way round.
    """
    entry.comments = list(source.comments)
    for flag in source.flags:
        entry.set_flag(flag)
    entry.previous_msgctxt = source.previous_msgctxt
    entry.previous_msgid = source.previous_msgid
    entry.previous_msgid_plural = source.previous_msgid_plural
    if source.msgid_plural == entry.msgid_plural:
        entry.msgstr = source.msgstr
        if source.msgstr_plural is not None:
            entry.msgstr_plural = dict(source.msgstr_plural)
        return
    if entry.msgid_plural is None:   # its first form, or the first one written
        forms = source.msgstr_plural or {}
        entry.msgstr = forms.get(0) or next((text for _, text in sorted(forms.items()) if text), "")
    elif source.msgid_plural is None:
        entry.msgstr_plural[0] = source.msgstr
    else:
        entry.msgstr_plural = {**entry.msgstr_plural, **(source.msgstr_plural or {})}
    if entry.translated:
        entry.set_flag("fuzzy")
        entry.previous_msgctxt, entry.previous_msgid = source.msgctxt, source.msgid
        entry.previous_msgid_plural = source.msgid_plural


def _follow_edges(text: str, msgid: str) -> str:
    """A translation begins and ends with a newline where its source does, as msgfmt --check requires."""
    if not text:
        return text
    body = text.strip("\n")
    return ("\n" if msgid.startswith("\n") else "") + body + ("\n" if msgid.endswith("\n") else "")


# -- states ------------------------------------------------------------------------

def words(text: str) -> int:
    """Words of a unit's text, markup left out."""
    return len(_WORD.findall(_TAGS.sub(" ", text)))


MACHINE = "machine drafts"  # needs review, drafted by an engine or the memory, untouched by people
COLUMNS = (APPROVED, NEEDS_REVIEW, MACHINE, STALE, UNTRANSLATED)


def statistics(catalog: Catalog) -> dict[str, int]:
    """Units, source words and how many units are in each state; machine drafts apart from human work."""
    counts = {"units": 0, "words": 0, APPROVED: 0, NEEDS_REVIEW: 0, MACHINE: 0, STALE: 0, UNTRANSLATED: 0}
    for entry in catalog.entries:
        if entry.obsolete:
            continue
        counts["units"] += 1
        counts["words"] += words(entry.msgid)
        state = entry.state
        if state == NEEDS_REVIEW and entry.draft_origin is not None:
            state = MACHINE
        counts[state] += 1
    return counts


def translations(catalog: Catalog, *, include_drafts: bool = False) -> dict[str, str]:
    """msgid → msgstr of the entries a page may show: approved ones, and drafts if asked."""
    allowed = {APPROVED, NEEDS_REVIEW, STALE} if include_drafts else {APPROVED}
    return {e.msgid: e.msgstr for e in catalog.entries
            if not e.obsolete and e.msgctxt is None and e.state in allowed}
