"""The publish gate: one snapshot of an article and its catalog, and whether it may be published.

A snapshot is the source page's bytes and the catalog's text, each read once
and hashed; the gate, the HTML and the PDF are all made from it, so the two
formats of an edition cannot come from different catalog states.

An edition is published only when the approved share of the article's units
reaches the threshold (a stricter one for headings and FAQ questions and
answers), no unit is stale or missing from the catalog, and no QA error is
left that nobody overrode. Units are counted as the article's render met
them, so a catalog that was not updated after the article changed cannot
pass. Only the checks that can block (errors) are run: warnings never stop
publishing, and ``localize check`` lists them.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import article, catalog, checks, glossary, po, qa
from ..catalog import MACHINE
from ..languages import Language
from ..workspace import Workspace
from .config import Config

# Units held to the stricter threshold: what a reader skims first, and what
# search engines quote as answers.
STRICT_KINDS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6", "faq question", "faq answer"))
MISSING = "missing"   # a unit of the article that the catalog does not have yet


@dataclass
class Snapshot:
    """An article and its catalog as they were read, once, for one edition."""

    language: Language
    slug: str
    source_language: str
    source_path: Path
    source: bytes
    catalog_path: Path | None = None
    catalog_text: str | None = None
    catalog: po.Catalog | None = None

    @property
    def source_sha256(self) -> str:
        return hashlib.sha256(self.source).hexdigest()

    @property
    def catalog_sha256(self) -> str | None:
        if self.catalog_text is None:
            return None
        return hashlib.sha256(self.catalog_text.encode("utf-8")).hexdigest()

    def tree(self):
        """A fresh parse of the source page (rendering changes the tree in place)."""
        return article.parse(self.source, str(self.source_path))

    def entries(self) -> dict[str, po.Entry]:
        """The catalog's current entries without context, by source text."""
        if self.catalog is None:
            return {}
        return {e.msgid: e for e in self.catalog.entries if not e.obsolete and e.msgctxt is None}


def take(ws: Workspace, language: Language, slug: str, page: tuple[Path, bytes] | None = None) -> Snapshot:
    """Read the article (unless ``page`` gives its path and bytes, as read) and, for a target language,
    its catalog."""
    source_path, source = page if page is not None else (ws.source_path(slug), None)
    if source is None:
        source = source_path.read_bytes()
    origin = ws.settings.source_language
    if language.tag == origin:
        return Snapshot(language, slug, origin, source_path, source)
    path = ws.catalog_path(language.tag, slug)
    text = catalog.read_text(path)
    return Snapshot(language, slug, origin, source_path, source, path, text, po.parse(text, str(path)))


def kind_of(kinds: Iterable[str]) -> str:
    """The one kind a unit is counted as, its FAQ role first (a text can be extracted from several places)."""
    kinds = list(kinds)
    for role in ("faq question", "faq answer"):
        if role in kinds:
            return role
    return next((k for k in kinds if k in STRICT_KINDS), kinds[0] if kinds else "")


@dataclass
class Verdict:
    """What the gate found: counts by state, the stricter share, QA errors, and what blocks."""

    counts: dict[str, int]
    strict: tuple[int, int]                 # approved, all: headings and FAQ
    engines: dict[str, int]                 # approved units by the engine that drafted them ("human": none)
    errors: list[checks.Problem] = field(default_factory=list)
    overridden: int = 0
    blocks: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)   # units the render showed untranslated, and why

    @property
    def passed(self) -> bool:
        return not self.blocks


def _engine(entry: po.Entry) -> str:
    origin = entry.draft_origin
    return origin.split(";")[0].split()[0] if origin and origin.split() else "human"


def judge(snapshot: Snapshot, units: list[article.Unit], refs: article.References, cfg: Config,
          terms: glossary.Glossary | None = None, entries: Mapping[str, po.Entry] | None = None,
          links: dict[str, str] | None = None) -> Verdict:
    """Count the article's units by state, run the QA checks that can block, and say what blocks publishing."""
    distinct: dict[str, str] = {}
    for unit in units:
        distinct.setdefault(unit.text, unit.kind)
    strict_all = sum(kind in STRICT_KINDS for kind in distinct.values())
    counts = Counter({"units": len(distinct), "words": sum(map(catalog.words, distinct)), po.APPROVED: 0,
                      po.NEEDS_REVIEW: 0, MACHINE: 0, po.STALE: 0, po.UNTRANSLATED: 0, MISSING: 0})
    if snapshot.catalog is None:   # the source language: every unit is the approved original
        counts[po.APPROVED] = len(distinct)
        return Verdict(dict(counts), (strict_all, strict_all), {})
    index = snapshot.entries() if entries is None else entries
    engines: Counter = Counter()
    strict_ok = 0
    for text, kind in distinct.items():
        entry = index.get(text)
        state = MISSING if entry is None else entry.state
        if state == po.NEEDS_REVIEW and entry.draft_origin is not None:
            state = MACHINE
        counts[state] += 1
        if state == po.APPROVED:
            engines[_engine(entry)] += 1
            strict_ok += kind in STRICT_KINDS
    context = qa._context(snapshot.language, snapshot.source_language, refs, terms or glossary.Glossary(), links)
    problems = errors(snapshot.catalog.entries, context, snapshot.slug)
    verdict = Verdict(dict(counts), (strict_ok, strict_all), dict(engines), checks.blocking(problems),
                      overridden=sum(p.overridden for p in problems))
    verdict.blocks = _blocks(verdict, cfg)
    return verdict


def errors(entries: Iterable[po.Entry], context: checks.Context, slug: str) -> list[checks.Problem]:
    """The per-entry checks of severity *error* over the entries with a translation, as ``checks.run`` runs
    them (``ignore-<id>`` flags, blank translations, plural forms, ``qa-override`` comments)."""
    return checks.run(entries, context, article=slug, severity=checks.ERROR)


def _share(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 100.0


def _blocks(v: Verdict, cfg: Config) -> list[str]:
    """What keeps an edition from being published, one phrase each."""
    blocks = []
    units, approved = v.counts["units"], v.counts[po.APPROVED]
    if approved * 100 < cfg.threshold * units:
        blocks.append(f"{approved} of {units} units approved ({_share(approved, units):.0f} %; "
                      f"the threshold is {cfg.threshold:g} %)")
    ok, whole = v.strict
    if ok * 100 < cfg.strict * whole:
        blocks.append(f"{ok} of {whole} headings and FAQ units approved ({_share(ok, whole):.0f} %; "
                      f"the threshold is {cfg.strict:g} %)")
    if v.counts[po.STALE]:
        blocks.append(f"{v.counts[po.STALE]} stale units (their source changed: review them)")
    if v.counts[MISSING]:
        blocks.append(f"{v.counts[MISSING]} units of the article are not in the catalog (run 'localize update')")
    if v.errors:
        ids = ", ".join(sorted({p.check for p in v.errors}))
        blocks.append(f"{len(v.errors)} QA errors ({ids}; see 'localize check')")
    return blocks
