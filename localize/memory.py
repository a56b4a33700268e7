"""Translation memory: exact and fuzzy matches from approved entries of every catalog of a language.

Only approved work is remembered: drafts and stale entries are not. Memories imported from TMX files
(:mod:`localize.tmx`, ``memory/*.json``) come after the workspace's own work, each match from them
saying which memory it came from. A match
carries its score (rapidfuzz's ``ratio``, 0-100; 100 is the same source text)
and where it was found.

What a workspace's catalogs hold is kept per process and language, each
catalog's part by the file's identity (inode, size, modification time): a
translator's next editor view stats the catalogs and reads only those that
changed, not every catalog of the language again.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from rapidfuzz import fuzz, process

from . import catalog, po, tmx
from .engines import Draft, Engine
from .errors import CatalogError
from .workspace import Workspace

CUTOFF = 75  # below this, a match costs a translator more than it saves
EXHAUSTIVE = 2_000   # units of a language compared one by one with a text; above, a shortlist (localize.similar)
PARALLEL_FROM = 1_000   # texts to draft from a big memory: shared out among processes from this many


class _Shelf:
    """One language's approved units of one workspace, by catalog file, as last read."""

    def __init__(self):
        self.lock = threading.Lock()
        self.files: dict[Path, tuple[tuple[int, int, int], list[tuple[str, str]], str | None]] = {}
        self.order: list[tuple[Path, str]] = []
        self.units: dict[str, tuple[str, str]] | None = None   # source → (translation, article)


_SHELVES: dict[tuple[Path, str], _Shelf] = {}
_SHELVES_LOCK = threading.Lock()
_INDEX: dict[tuple, tuple] = {}   # (workspace, language) → (units, their number, sources, Shortlist)
_INDEX_LOCK = threading.Lock()


def _approved(found: po.Catalog) -> list[tuple[str, str]]:
    return [(e.msgid, e.msgstr) for e in found.entries
            if e.state == po.APPROVED and e.msgid and e.msgid_plural is None and not e.obsolete]


class Match(NamedTuple):
    score: int
    source: str
    translation: str
    where: str


class Memory(Engine):
    """Approved translations of one workspace, per target language, read when first asked for."""

    name = "memory"
    online = False
    batch_size = 100_000
    max_chars = None

    def __init__(self, workspace: Workspace | None = None, *, cutoff: int = CUTOFF):
        self.workspace = workspace
        self.cutoff = cutoff
        self._units: dict[str, dict[str, tuple[str, str]]] = {}  # lang → {source: (translation, where)}
        self._shared: set[str] = set()   # languages whose units are the process's shelf: copied before a change
        self._own_index: dict[str, tuple] = {}   # lang → the index of units this memory changed (not shared)
        self.unreadable: list[str] = []

    def add(self, language: str, source: str, translation: str, where: str = "") -> None:
        if language in self._shared:
            self._units[language] = dict(self._units[language])
            self._shared.discard(language)
        self._units.setdefault(language, {}).setdefault(source, (translation, where))

    def units(self, language: str) -> dict[str, tuple[str, str]]:
        if language not in self._units:
            if self.workspace is None:
                self._units[language] = {}
            else:
                self._units[language] = self._load(language)
                self._shared.add(language)
        return self._units[language]

    def remember_imported(self, language: str) -> None:
        """The units of the memories imported into the workspace (:mod:`localize.tmx`), after those
        remembered so far: a text the workspace translated keeps its own translation."""
        if self.workspace is None:
            return
        for path in tmx.outside(self.workspace.root):
            try:
                where, pairs = tmx.load(path, language)
            except CatalogError as exc:
                self.unreadable.append(str(exc))
                continue
            for source, translation in pairs:
                self.add(language, source, translation, where)

    def own_units(self, language: str) -> dict[str, tuple[str, str]]:
        """The workspace's own approved units of a language, imported memories left out."""
        outside = {f"{p.stem}.tmx" for p in tmx.outside(self.workspace.root)} if self.workspace else set()
        return {source: kept for source, kept in self.units(language).items() if kept[1] not in outside}

    def prime(self, language: str) -> None:
        """Say the caller fills this language's memory itself (with :meth:`remember`)."""
        self._units.setdefault(language, {})

    def remember(self, language: str, found: po.Catalog, where: str = "") -> None:
        """The approved entries of one catalog."""
        for source, translation in _approved(found):
            self.add(language, source, translation, where)

    def _load(self, language: str) -> dict[str, tuple[str, str]]:
        """Every catalog's approved units, the articles in order (the first translation of a text wins);
        catalogs unchanged since this process last read them are not read again."""
        key = (self.workspace.root, language)
        with _SHELVES_LOCK:
            shelf = _SHELVES.setdefault(key, _Shelf())
        with shelf.lock:
            order, changed = [], False
            for name in self.workspace.slugs():
                path = self.workspace.catalog_path(language, name)
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
                order.append((path, name))
                kept = shelf.files.get(path)
                if kept is not None and kept[0] == stamp:
                    continue
                try:
                    shelf.files[path] = (stamp, _approved(catalog.read(path)), None)
                except CatalogError as exc:   # a broken catalog is reported by check; it adds nothing
                    shelf.files[path] = (stamp, [], str(exc))
                changed = True
            for path in tmx.outside(self.workspace.root):   # imported memories, after the workspace's own work
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
                kept = shelf.files.get(path)
                if kept is None or kept[0] != stamp:
                    try:
                        where, pairs = tmx.load(path, language)
                        shelf.files[path] = (stamp, pairs, None, where)
                    except CatalogError as exc:
                        shelf.files[path] = (stamp, [], str(exc), path.stem)
                    changed = True
                order.append((path, shelf.files[path][3]))
            if changed or order != shelf.order or shelf.units is None:
                for gone in set(shelf.files) - {path for path, _ in order}:
                    del shelf.files[gone]
                units: dict[str, tuple[str, str]] = {}
                for path, name in order:
                    for source, translation in shelf.files[path][1]:
                        units.setdefault(source, (translation, name))
                shelf.order, shelf.units = order, units
            self.unreadable = [error for path, _ in order if (error := shelf.files[path][2])]
            return shelf.units   # rebuilt, never changed in place: a lookup holding it reads a whole state

    def supports(self, source: str, target: str) -> bool:
        return source != target

    def lookup(self, text: str, language: str, *, limit: int = 1) -> list[Match]:
        """The best matches for a source text, best first."""
        units = self.units(language)
        if not units or not text:
            return []
        exact = units.get(text)
        if exact is not None and limit == 1:
            return [Match(100, text, *exact)]
        if len(units) <= EXHAUSTIVE:
            found = process.extract(text, units.keys(), scorer=fuzz.ratio, score_cutoff=self.cutoff, limit=limit)
            return [Match(int(score), source, *units[source]) for source, score, _ in found]
        sources, shortlist = self._shortlist(language, units)
        ranked = shortlist.ranked(text, self.cutoff, limit)
        if exact is not None and not any(sources[i] == text for i, _ in ranked):
            ranked = [(sources.index(text), 100.0), *ranked][:limit]
        return [Match(int(score), sources[i], *units[sources[i]]) for i, score in ranked]

    def _shortlist(self, language: str, units: dict[str, tuple[str, str]]):
        """The language's sources and their index: kept by the process while the units are the same (every
        request's memory of a workspace shares them), made again when they changed."""
        from .similar import Shortlist

        shared = self.workspace is not None and language in self._shared
        cache = _INDEX if shared else self._own_index
        key = (self.workspace.root, language) if shared else language
        with _INDEX_LOCK:
            kept = cache.get(key)
            if kept is None or kept[0] is not units or kept[1] != len(units):
                sources = list(units)
                kept = cache[key] = (units, len(units), sources, Shortlist(sources, rarest=64, shortlist=512))
        return kept[2], kept[3]

    def translate(self, texts: Sequence[str], source: str, target: str, *,
                  jobs: int | None = None) -> list[Draft | None]:
        """The best match of each text as a draft (None: no match at the cutoff). Many texts to look up
        in a big memory are shared out among worker processes (``jobs``, default one per core), the
        memory's index made first, so that each inherits it."""
        units = self.units(target)
        fuzzy = [text for text in texts if text and text not in units]
        if len(fuzzy) >= PARALLEL_FROM and len(units) > EXHAUSTIVE:
            from .jobs import share_out

            self._shortlist(target, units)   # made once, before the workers are forked
            with _FORKED_LOCK:   # the workers find this memory where they were forked, not in a pickle
                _FORKED[:] = [self, target]
                try:
                    found = dict(zip(fuzzy, share_out(_draft_forked, fuzzy, jobs)))
                finally:
                    _FORKED.clear()
            return [found[text] if text in found else self._drafts(target, [text])[0] for text in texts]
        return self._drafts(target, texts)

    def _drafts(self, target: str, texts: Sequence[str]) -> list[Draft | None]:
        drafts: list[Draft | None] = []
        for text in texts:
            best = self.lookup(text, target)
            if best:
                match = best[0]
                where = f" ({match.where})" if match.where else ""
                drafts.append(Draft(match.translation, f"memory {match.score}%{where}", score=match.score))
            else:
                drafts.append(None)
        return drafts


_FORKED: list = []   # [memory, language] while a translate shares its lookups out
_FORKED_LOCK = threading.Lock()


def _draft_forked(texts: list[str]) -> list[Draft | None]:
    memory, language = _FORKED
    return memory._drafts(language, texts)
