"""The workspace jobs behind the command line: extract, update, render, import, status."""

from __future__ import annotations

from dataclasses import dataclass, field
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


def template_for(page: Path, reference: str, *, name: str, previous: Path | None = None) -> po.Catalog:
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


def extract(ws: Workspace, names: list[str]) -> Outcome:
    """source/<slug>.html → locales/<slug>.pot for the named articles (default: all)."""
    names = [*map(_known(ws), names)] if names else ws.slugs()
    if not names:
        raise WorkspaceError(f"no articles in {ws.source_dir}")
    outcome = Outcome()
    with templates_locked(ws.locales_dir):
        catalog.sweep(ws.locales_dir, held=True)
        for name in names:
            pot = template_for(ws.source_path(name), ws.reference(name), name=name)
            outcome.units += len(pot.entries)
            path = ws.template_path(name)
            if save_template(path, pot):
                outcome.written.append(path)
            else:
                outcome.unchanged += 1
    return outcome


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
        original = catalog.decode(path.read_bytes(), str(path))
        merged = catalog.merge(po.parse(original, str(path)), pot)
    else:
        original, merged = None, catalog.translation_catalog(pot, language, created=catalog.now())
    text = po.dumps(merged)
    if text == original:
        return False
    batch.write(path, text)
    return True


def update(ws: Workspace, langs: list[str]) -> Outcome:
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
    with catalog.Batch() as batch:
        for name in names:
            pot = catalog.read(ws.template_path(name))
            for language in targets:
                path = ws.catalog_path(language.tag, name)
                if update_catalog(path, pot, language, batch):
                    outcome.written.append(path)
                else:
                    outcome.unchanged += 1
    return outcome


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
           include_drafts: bool) -> Outcome:
    """Render articles in one language into ``out/<lang>/<slug>.html``."""
    target = languages.validate(lang)
    names = [*map(_known(ws), names)] if names else ws.slugs()
    folder = (out or ws.output_dir / "render") / target
    outcome = Outcome()
    for name in names:
        cat = None
        if target != ws.settings.source_language:
            path = ws.catalog_path(target, name)
            if not path.exists():
                raise WorkspaceError(f"no {target} catalog for {name}: run 'localize update --lang {target}'")
            cat = catalog.read(path)
        html = render_page(ws.source_path(name), cat, source_language=ws.settings.source_language,
                           target=target, include_drafts=include_drafts)
        dest = folder / f"{name}.html"
        catalog.write_atomic(dest, html, durable=False)
        outcome.written.append(dest)
    return outcome


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
