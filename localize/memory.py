"""Translation memory: exact and fuzzy matches from approved entries of every catalog of a language.

Only approved work is remembered: drafts and stale entries are not. A match
carries its score (rapidfuzz's ``ratio``, 0-100; 100 is the same source text)
and where it was found.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rapidfuzz import fuzz, process

from . import catalog, po
from .engines import Draft, Engine
from .errors import CatalogError
from .workspace import Workspace

CUTOFF = 75  # below this, a match costs a translator more than it saves


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
        self.unreadable: list[str] = []

    def add(self, language: str, source: str, translation: str, where: str = "") -> None:
        self._units.setdefault(language, {}).setdefault(source, (translation, where))

    def units(self, language: str) -> dict[str, tuple[str, str]]:
        if language not in self._units:
            self._units[language] = {}
            if self.workspace is not None:
                self._load(language)
        return self._units[language]

    def prime(self, language: str) -> None:
        """Say the caller fills this language's memory itself (with :meth:`remember`)."""
        self._units.setdefault(language, {})

    def remember(self, language: str, found: po.Catalog, where: str = "") -> None:
        """The approved entries of one catalog."""
        for entry in found.entries:
            if entry.state == po.APPROVED and entry.msgid and entry.msgid_plural is None and not entry.obsolete:
                self.add(language, entry.msgid, entry.msgstr, where)

    def _load(self, language: str) -> None:
        for name in self.workspace.slugs():
            path = self.workspace.catalog_path(language, name)
            if not path.is_file():
                continue
            try:
                found = catalog.read(path)
            except CatalogError as exc:
                self.unreadable.append(str(exc))  # a broken catalog is reported by check; it adds nothing
                continue
            self.remember(language, found, name)

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
        found = process.extract(text, units.keys(), scorer=fuzz.ratio, score_cutoff=self.cutoff, limit=limit)
        return [Match(int(score), source, *units[source]) for source, score, _ in found]

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[Draft | None]:
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
