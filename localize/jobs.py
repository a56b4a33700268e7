"""The workspace jobs behind the command line: extract, update, render, import, status, check."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from . import article, catalog, languages, po
from .errors import CatalogError, WorkspaceError
from .workspace import Workspace, slug

_CREATION = "POT-Creation-Date"


@dataclass
class Outcome:
    """What a job did, for the summary line."""

    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    units: int = 0


# Below this many articles a job stays in one process: starting workers costs more.
PARALLEL_FROM = 16


def default_jobs() -> int:
    """Worker processes for jobs over many articles: LOCALIZE_JOBS, else one per core."""
    value = os.environ.get("LOCALIZE_JOBS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def share_out(work: Callable[[list], list], items: list, jobs: int | None, *,
              parallel_from: int = PARALLEL_FROM) -> list:
    """``work`` over chunks of ``items``, in order, on up to ``jobs`` processes; results joined.

    Fewer than ``parallel_from`` items stay in this process: starting workers costs more.
    """
    jobs = min(jobs or default_jobs(), max(1, len(items)))
    if jobs <= 1 or len(items) < parallel_from:
        return work(items)
    size = max(1, len(items) // (jobs * 4))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        return [result for part in pool.map(work, chunks) for result in part]


def template_for(page: Path, reference: str, *, name: str) -> po.Catalog:
    """Split one HTML page into its template."""
    try:
        data = page.read_bytes()
    except OSError as exc:
        raise WorkspaceError(f"cannot read {page}: {exc.strerror}") from None
    tree = article.parse(data, str(page))
    units = article.split(tree)
    return catalog.template(name, units, reference, created=catalog.now())


def save_template(path: Path, pot: po.Catalog) -> bool:
    """Write a template unless only its creation date would change.

    The caller holds the templates' lock (:func:`templates_locked`). A template
    is made from its article and can be made again, so it is replaced
    atomically but not flushed to disk.
    """
    text = po.dumps(pot)
    if path.exists():
        old = path.read_text(encoding="utf-8", errors="replace")
        if _without_date(old) == _without_date(text):
            return False
    catalog.write_atomic(path, text, durable=False)
    return True


def templates_locked(folder: Path):
    """One lock for every template in a folder: only extraction writes them."""
    return catalog.locked(folder / ".templates", clean=False)


def _without_date(text: str) -> str:
    head, sep, rest = text.partition(f'"{_CREATION}: ')
    return head + sep + rest.partition("\n")[2] if sep else text


def extract(ws: Workspace, names: list[str], jobs: int | None = None) -> Outcome:
    """source/<slug>.html → locales/<slug>.pot for the named articles (default: all)."""
    names = [*map(_known(ws), names)] if names else ws.slugs()
    if not names:
        raise WorkspaceError(f"no articles in {ws.source_dir}")
    ws.template_path(names[0])  # the folder is checked before anything is written in it
    outcome = Outcome()
    with templates_locked(ws.locales_dir):
        catalog.sweep(ws.locales_dir, held=True)
        for path, units, written in share_out(partial(_extract_some, ws), names, jobs):
            outcome.units += units
            if written:
                outcome.written.append(path)
            else:
                outcome.unchanged += 1
    return outcome


def _extract_some(ws: Workspace, names: list[str]) -> list[tuple[Path, int, bool]]:
    done = []
    for name in names:
        pot = template_for(ws.source_path(name), ws.reference(name), name=name)
        path = ws.template_path(name)
        done.append((path, len(pot.entries), save_template(path, pot)))
    return done


def _known(ws: Workspace):
    def check(name: str) -> str:
        if not ws.source_path(name).is_file():
            raise WorkspaceError(f"no article {name!r}: {ws.source_path(name)} does not exist")
        return name
    return check


def update_catalog(path: Path, pot: po.Catalog, language: languages.Language,
                   batch: catalog.Batch) -> bool:
    """Create or merge one language's catalog under its lock; True if it will be written."""
    batch.lock(path)
    if path.exists():
        original = catalog.read_text(path)
        merged = catalog.merge(po.parse(original, str(path)), pot)
    else:
        original, merged = None, catalog.translation_catalog(pot, language, created=catalog.now())
    text = po.dumps(merged)
    if text == original:
        return False
    batch.write(path, text)
    return True


def update(ws: Workspace, langs: list[str], jobs: int | None = None) -> Outcome:
    """Merge every template into every requested language's catalog."""
    names = [n for n in ws.slugs() if ws.template_path(n).is_file()]
    if not names:
        raise WorkspaceError("no templates yet: run 'localize extract' first")
    targets = [languages.parse(code) for code in ws.languages(langs)]
    if not targets:
        raise WorkspaceError("no target languages: list them in [tool.localize] languages or pass --lang")
    outcome = Outcome()
    for language in targets:
        catalog.sweep(ws.catalog_path(language.tag, names[0]).parent)
    for path, written in share_out(partial(_update_some, ws, targets), names, jobs):
        if written:
            outcome.written.append(path)
        else:
            outcome.unchanged += 1
    return outcome


def _update_some(ws: Workspace, targets: list[languages.Language], names: list[str]) -> list[tuple[Path, bool]]:
    done = []
    with catalog.Batch() as batch:
        for name in names:
            pot = catalog.read(ws.template_path(name))
            for language in targets:
                path = ws.catalog_path(language.tag, name)
                done.append((path, update_catalog(path, pot, language, batch)))
    return done


def render_page(page: Path, cat: po.Catalog | None, *, source_language: str, target: str,
                include_drafts: bool) -> str:
    """One page in the target language, from the source page and a catalog."""
    language = languages.parse(target)
    tree = article.parse(page.read_bytes(), str(page))
    found = catalog.translations(cat, include_drafts=include_drafts) if cat else {}
    article.render(tree, found, source_language=source_language, target_language=language.tag,
                   direction=language.direction)
    return article.serialize(tree)


def render(ws: Workspace, lang: str, names: list[str], out: Path | None, *,
           include_drafts: bool, jobs: int | None = None) -> Outcome:
    """Render articles in one language into ``out/<lang>/<slug>.html``."""
    target = languages.validate(lang)
    names = [*map(_known(ws), names)] if names else ws.slugs()
    if target != ws.settings.source_language:
        for name in names:
            if not ws.catalog_path(target, name).exists():
                raise WorkspaceError(f"no {target} catalog for {name}: run 'localize update --lang {target}'")
    folder = (out or ws.output_dir / "render") / target
    work = partial(_render_some, ws, target, folder, include_drafts)
    return Outcome(written=share_out(work, names, jobs))


def _render_some(ws: Workspace, target: str, folder: Path, include_drafts: bool,
                 names: list[str]) -> list[Path]:
    done = []
    for name in names:
        cat = None
        if target != ws.settings.source_language:
            cat = catalog.read(ws.catalog_path(target, name))
        html = render_page(ws.source_path(name), cat, source_language=ws.settings.source_language,
                           target=target, include_drafts=include_drafts)
        dest = folder / f"{name}.html"
        catalog.write_atomic(dest, html, durable=False)
        done.append(dest)
    return done


@dataclass
class ImportReport:
    updated: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def import_catalog(ws: Workspace, lang: str, file: Path, name: str | None) -> ImportReport:
    """Bring in a catalog edited elsewhere, entry by entry, never overwriting approved work."""
    language = languages.parse(lang)
    name = name or _slug_of(file)
    target = ws.catalog_path(language.tag, name)
    if not target.exists():
        raise WorkspaceError(f"no {language.tag} catalog for {name!r}: run 'localize update' first")
    incoming = catalog.validate(file)
    declared = incoming.header.get("Language")
    if declared and languages.validate(declared) != language.tag:
        raise CatalogError(f"this catalog is for {declared!r}, not {language.tag}", file)
    nplurals = incoming.nplurals
    if nplurals is not None and nplurals != language.nplurals:
        raise CatalogError(f"Plural-Forms says {nplurals} forms; {language.tag} has {language.nplurals}", file)
    report = ImportReport()
    with catalog.transaction(target) as current:
        index = current.index()
        for entry in incoming.entries:
            if entry.obsolete or not entry.translated:
                continue
            mine = index.get(entry.key)
            if mine is None:
                report.unknown.append(entry.msgid)
            elif mine.msgstr == entry.msgstr and mine.msgstr_plural == entry.msgstr_plural \
                    and mine.fuzzy == entry.fuzzy:
                report.unchanged += 1
            elif mine.state == po.APPROVED and (mine.msgstr != entry.msgstr
                                                or mine.msgstr_plural != entry.msgstr_plural):
                report.conflicts.append(mine.msgid)
            else:
                mine.msgstr = entry.msgstr
                if mine.msgid_plural is not None:
                    mine.msgstr_plural = dict(entry.msgstr_plural or {})
                mine.set_flag("fuzzy", entry.fuzzy)
                if not entry.fuzzy:
                    mine.previous_msgid = mine.previous_msgctxt = None
                report.updated += 1
    return report


def _slug_of(file: Path) -> str:
    try:
        return slug(file.name.removesuffix(".po"))
    except WorkspaceError:
        raise WorkspaceError(f"cannot tell which article {file.name} belongs to: pass --slug") from None


def status(ws: Workspace, langs: list[str]) -> list[dict]:
    """Per article and language: units, words and how many are in each state."""
    rows = []
    targets = ws.languages(langs)
    for name in ws.slugs():
        if not ws.template_path(name).is_file():
            continue
        for lang in targets:
            path = ws.catalog_path(lang, name)
            if path.exists():
                counts = catalog.statistics(catalog.read(path))
            else:
                counts = catalog.statistics(catalog.read(ws.template_path(name)))
            rows.append({"article": name, "language": lang, **counts})
    return rows
