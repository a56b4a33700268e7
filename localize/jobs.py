"""The workspace jobs behind the command line: extract, update, render, import (and upload), status, check."""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from typing import TYPE_CHECKING

from . import article, catalog, changes, languages, markup, po
from .errors import CatalogError, LanguageError, WorkspaceError
from .lazy import Lazy
from .workspace import Workspace, slug

if TYPE_CHECKING:
    from .accounts import User

history = Lazy(".history")   # the store: SQLAlchemy, which extracting and rendering never need

_CREATION = "POT-Creation-Date"


@dataclass
class Outcome:
    """What a job did, for the summary line."""

    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    units: int = 0
    warnings: list[str] = field(default_factory=list)   # "file:line: what", one per unit shown in the source


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


def template_for(page: Path, reference: str, *, name: str, references: bool = False) -> po.Catalog:
    """Split one HTML page into its template (the reference list's units too with ``references``)."""
    try:
        data = page.read_bytes()
    except OSError as exc:
        raise WorkspaceError(f"cannot read {page}: {exc.strerror}") from None
    tree = article.parse(data, str(page))
    units = article.split(tree, references=references)
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
        pot = template_for(ws.source_path(name), ws.reference(name), name=name,
                           references=ws.settings.translate_references)
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
                   batch: catalog.Batch, recorder: history.Recorder | None = None) -> bool:
    """Create or merge one language's catalog under its lock; True if it will be written.

    With a ``recorder``, what the merge changes in entries (stale drafts of
    changed units, entries gone obsolete or back) goes into the history first.
    """
    batch.lock(path)
    if path.exists():
        original = catalog.read_text(path)
        old = po.parse(original, str(path))
        before = history.snapshot(old) if recorder is not None else None
        merged = catalog.merge(old, pot)
    else:
        original, merged = None, catalog.translation_catalog(pot, language, created=catalog.now())
    text = po.dumps(merged)
    if text == original:
        return False
    if recorder is not None and original is not None:
        recorder.record(language.tag, path.name.removesuffix(".po"), before, merged, path=path, text=text)
    batch.write(path, text)
    return True


def update(ws: Workspace, langs: list[str], jobs: int | None = None) -> Outcome:
    """Merge every template into every requested language's catalog.

    A language not in ``[tool.localize] languages`` is refused, as ``export`` refuses it: nothing written.
    """
    targets = [languages.parse(code) for code in ws.languages(langs)]
    names = [n for n in ws.slugs() if ws.template_path(n).is_file()]
    if not names:
        raise WorkspaceError("no templates yet: run 'localize extract' first")
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
    recorder = history.Recorder.of(ws.root, action="update")
    with history.kept(recorder), catalog.Batch() as batch:
        for name in names:
            pot = catalog.read(ws.template_path(name))
            for language in targets:
                path = ws.catalog_path(language.tag, name)
                done.append((path, update_catalog(path, pot, language, batch, recorder)))
    return done


def render_page(page: Path, cat: po.Catalog | None, *, source_language: str, target: str,
                include_drafts: bool, references: bool = False, links: dict[str, str] | None = None,
                warnings: list[str] | None = None, shown_as: str | None = None) -> str:
    """One page in the target language, from the source page and a catalog.

    A unit whose translation the page cannot take is shown in the source
    language; ``warnings`` gets a line for each (the page, as ``shown_as``
    names it, line, unit, reason).
    """
    language = languages.parse(target)
    tree = article.parse(page.read_bytes(), str(page))
    found = catalog.translations(cat, include_drafts=include_drafts) if cat else {}
    refused: list[article.Refusal] = []
    article.render(tree, found, source_language=source_language, target_language=language.tag,
                   direction=language.direction, references=references, links=links, refused=refused)
    if warnings is not None:
        warnings.extend(describe_refusal(shown_as or page, r) for r in refused)
    return article.serialize(tree)


def describe_refusal(page: Path | str, refusal: article.Refusal) -> str:
    """``source/a.html:12: "See <a …>…": why``: a unit shown in the source language, for people."""
    text = refusal.text if len(refusal.text) <= 60 else refusal.text[:57] + "…"
    shown = "is shown untranslated" if refusal.fallback else "is shown translated, but"
    return f"{page}:{refusal.line}: {text!r} {shown}: {refusal.reason}"


def render(ws: Workspace, lang: str, names: list[str], out: Path | None, *,
           include_drafts: bool, jobs: int | None = None, strict: bool = False) -> Outcome:
    """Render articles in one language into ``out/<lang>/<slug>.html``."""
    target = languages.validate(lang)
    names = [*map(_known(ws), names)] if names else ws.slugs()
    if target != ws.settings.source_language:
        for name in names:
            if not ws.catalog_path(target, name).exists():
                raise WorkspaceError(f"no {target} catalog for {name}: run 'localize update --lang {target}'")
    folder = (out or ws.output_dir / "render") / target
    work = partial(_render_some, ws, target, folder, include_drafts, strict)
    done = share_out(work, names, jobs)
    return Outcome(written=[path for path, _ in done if path is not None],
                   warnings=[line for _, lines in done for line in lines])


def _render_some(ws: Workspace, target: str, folder: Path, include_drafts: bool, strict: bool,
                 names: list[str]) -> list[tuple[Path | None, list[str]]]:
    """Each page's path (None when ``strict`` kept it back) and its warnings."""
    done = []
    for name in names:
        cat = None
        if target != ws.settings.source_language:
            cat = catalog.read(ws.catalog_path(target, name))
        warnings: list[str] = []
        html = render_page(ws.source_path(name), cat, source_language=ws.settings.source_language,
                           target=target, include_drafts=include_drafts,
                           references=ws.settings.translate_references, links=ws.settings.links(target),
                           warnings=warnings, shown_as=ws.reference(name))
        if strict and warnings:
            done.append((None, warnings))
            continue
        dest = folder / f"{name}.html"
        catalog.write_atomic(dest, html, durable=False)
        done.append((dest, warnings))
    return done


# A catalog handed out for editing elsewhere (downloaded from the UI or the API) carries the id of
# the newest change of the history at that moment: what changed after it, the file has not seen.
REVISION = "X-Localize-Revision"
MAX_UPLOAD = 8 * 1024 * 1024      # bytes of an uploaded catalog


@dataclass
class ImportReport:
    """What an import or an upload did, entry by entry (the lists hold source texts)."""

    updated: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)   # approved translations kept
    changed: list[str] = field(default_factory=list)     # changed since the file was taken: kept
    unknown: list[str] = field(default_factory=list)     # not in the article
    suggestions: list[int] = field(default_factory=list)  # stored suggestions made of the two kinds kept
    converted_from: str | None = None   # the charset the file declared, when it was not UTF-8
    approved: int = 0                   # of the updated, how many came in approved (``import --approved``)
    overrides: list[str] = field(default_factory=list)          # "[check] source": overrides, ignore flags kept
    overrides_refused: list[str] = field(default_factory=list)  # "[check] source: why" of those left out

    def as_dict(self) -> dict:
        return {"updated": self.updated, "unchanged": self.unchanged, "conflicts": self.conflicts,
                "changed": self.changed, "unknown": self.unknown, "suggestions": self.suggestions,
                "converted_from": self.converted_from, "approved": self.approved, "overrides": self.overrides,
                "overrides_refused": self.overrides_refused}


def import_catalog(ws: Workspace, lang: str, file: Path, name: str | None, *, approved: bool = False) -> ImportReport:
    """Bring in a catalog edited elsewhere, entry by entry, never overwriting approved work.

    Its translations come in as needing review; with ``approved``, as the file
    marks them (an entry without ``fuzzy`` is approved).
    """
    language = languages.parse(lang)
    name = name or _slug_of(file)
    target = ws.catalog_path(language.tag, name)
    if not target.exists():
        raise WorkspaceError(f"no {language.tag} catalog for {name!r}: run 'localize update' first")
    incoming = catalog.validate(file)
    report = merge_catalog(ws, language, name, incoming, str(file), user=history.SYSTEM, action="import",
                           review=not approved)
    report.converted_from = incoming.converted_from
    return report


def upload_catalog(ws: Workspace, user: User, lang: str, name: str, data: bytes, filename: str | None, *,
                   timeout: float | None = None) -> ImportReport:
    """A catalog uploaded from the web UI or the API: checked as ``import`` checks a file, merged as
    the user's saves (every translation it brings needs review); ``timeout`` as for a save."""
    language = languages.parse(lang)
    user.require("save", language.tag)
    name = slug(name)
    if not ws.catalog_path(language.tag, name).exists():
        raise WorkspaceError(f"no {language.tag} catalog for {name!r}")
    shown = upload_name(filename)
    if len(data) > MAX_UPLOAD:
        raise CatalogError(f"larger than {MAX_UPLOAD // (1024 * 1024)} MB", shown)
    from . import xliff

    if xliff.looks_like(data, filename):   # from a CAT tool: refused whole unless it matches the article
        incoming = xliff.incoming(ws, language.tag, name, data, shown)
    else:
        incoming = read_upload(data, shown)
    report = merge_catalog(ws, language, name, incoming, shown, user=user.name, action="upload", review=True,
                           timeout=timeout, rights=user)
    report.converted_from = incoming.converted_from
    return report


def upload_name(filename: str | None) -> str:
    """An uploaded file's name as messages show it: its last part, printable, short."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable())[:100].strip()
    return name or "upload.po"


def read_upload(data: bytes, name: str) -> po.Catalog:
    """Check an uploaded catalog with every check ``import`` makes of a file; errors name the upload (an XLIFF
    file: only that it is XLIFF, which the article's catalog is needed to check further)."""
    from . import xliff

    if xliff.looks_like(data, name):
        xliff.parse(data, name)
        return po.Catalog()
    with tempfile.TemporaryDirectory(prefix="localize-upload-") as folder:
        path = Path(folder) / "upload.po"
        path.write_bytes(data)
        try:
            return catalog.validate(path)
        except CatalogError as exc:
            error = CatalogError(str(exc).replace(str(path), name))
            error.path, error.line = name, exc.line
            raise error from None


def merge_catalog(ws: Workspace, language: languages.Language, name: str, incoming: po.Catalog, where: str, *,
                  user: str, action: str, review: bool = False, timeout: float | None = None,
                  rights: User | None = None) -> ImportReport:
    """Merge a checked catalog from outside into one of the workspace, under its lock.

    A translation that would overwrite approved work, or work done on the entry
    since the file was taken, is kept out: it becomes a stored suggestion (where
    the workspace keeps a history) and is reported. The file was taken at the
    change its ``X-Localize-Revision`` names: an entry it holds as it was then
    was not edited in it, and is left as it is now. A file without a revision
    has not seen another person's work, whenever that was done. ``review``:
    every translation brought in needs review, as a save does; otherwise the
    file's state is kept (``localize import --approved``). The history
    records every change.

    The file's QA marks on an entry that ends up holding the file's text are
    kept where ``rights`` (the uploader; None: the command line) allow: a
    ``qa-override <check>: <reason>`` needs the right to approve, an
    ``ignore-<check>`` flag is for warnings only; a check that can never be
    overridden, or an override without a reason, is left out. What was kept
    and left out is reported, and the history records each mark kept. A
    translation brought in over another text drops that text's marks.
    """
    tag = language.tag
    target = ws.catalog_path(tag, name)
    _check_fits(incoming, language, where)
    store = history.store_of(ws.root)
    base = _revision(incoming, where, store)
    recorder = history.Recorder(store, user, action) if store is not None else None
    report = ImportReport()
    held: list[tuple[po.Entry, po.Entry, str]] = []   # kept out: mine, the file's, the entry's id
    marked: list[tuple[po.Entry, str, str]] = []       # marks kept: the entry, action, note
    may_override = rights is None or rights.may("approve", tag)
    with catalog.locked(target, timeout=timeout):
        original = catalog.read_text(target)
        current = po.parse(original, str(target))
        before = history.snapshot(current)
        since = store.changed_since(tag, name, base) if store is not None and base is not None else None
        index = current.index()
        for entry in incoming.entries:
            if entry.obsolete or not entry.msgid or not entry.translated:
                continue
            mine = index.get(entry.key)
            if mine is None or (mine.msgid_plural is None) != (entry.msgid_plural is None):
                report.unknown.append(entry.msgid)
                continue
            same = mine.msgstr == entry.msgstr and mine.msgstr_plural == entry.msgstr_plural
            ident = history.entry_id(mine.msgctxt, mine.msgid)
            if same and (review or mine.fuzzy == entry.fuzzy):
                report.unchanged += 1
                _take_marks(mine, entry, may_override, report, marked)
            elif since is not None and ident in since and mine.msgid_plural is None \
                    and entry.msgstr == since[ident]:
                report.unchanged += 1      # the file holds what it was given; the entry moved on since
            elif mine.state == po.APPROVED and not same:
                report.conflicts.append(mine.msgid)
                held.append((mine, entry, ident))
            elif _changed_since(mine, ident, since, store, tag, name, user):
                report.changed.append(mine.msgid)
                if not same:
                    held.append((mine, entry, ident))
            else:
                _bring_in(mine, entry, review)
                report.updated += 1
                report.approved += mine.state == po.APPROVED
                _take_marks(mine, entry, may_override, report, marked)
        text = po.dumps(current)
        if text != original:
            with history.kept(recorder):   # the history's rows stand only if the catalog is written
                if recorder is not None:
                    after = history.snapshot(current)
                    extra = [_mark_row(after, mine, act, note) for mine, act, note in marked]
                    recorder.record(tag, name, before, after, path=target, text=text, extra=extra)
                catalog.write_atomic(target, text)
        if store is not None:
            for mine, entry, ident in held:
                if mine.msgid_plural is not None:
                    continue   # a suggestion is one text
                made, _ = store.suggest({
                    "user": user, "language": tag, "slug": name, "entry": ident,
                    "msgctxt": mine.msgctxt, "msgid": mine.msgid, "msgstr": mine.msgstr,
                    "state": history.state_of(mine)}, entry.msgstr, action)
                report.suggestions.append(made.id)
    return report


def _check_fits(incoming: po.Catalog, language: languages.Language, where: str) -> None:
    declared = incoming.header.get("Language")
    if declared:
        try:
            tag = languages.validate(declared)
        except LanguageError as exc:
            raise CatalogError(f"Language: {exc}", where, incoming.field_line("Language")) from None
        if tag != language.tag:
            raise CatalogError(f"this catalog is for {declared!r}, not {language.tag}", where,
                               incoming.field_line("Language"))
    nplurals = incoming.nplurals
    if nplurals is not None and nplurals != language.nplurals:
        raise CatalogError(f"Plural-Forms says {nplurals} forms; {language.tag} has {language.nplurals}", where,
                           incoming.field_line("Plural-Forms"))


def _revision(incoming: po.Catalog, where: str, store) -> int | None:
    value = incoming.header.get(REVISION)
    if value is None or store is None:
        return None
    value = value.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 18 or int(value) > store.last_change():
        raise CatalogError(f"{REVISION}: {value[:20]!r} is no revision this server handed out", where,
                           incoming.field_line(REVISION))
    return int(value)


def _changed_since(mine: po.Entry, ident: str, since: dict[str, str] | None, store, tag: str, name: str,
                   user: str) -> bool:
    """Whether the entry holds work the file has not seen.

    With the file's revision: any change of the entry after it. Without: a
    translation another person wrote (an engine's draft or a command's change
    is not a person's work).
    """
    if since is not None:
        return ident in since
    if store is None or not mine.translated:
        return False
    return history.author(store, tag, name, ident, mine.msgstr) not in (None, user)


def _bring_in(mine: po.Entry, entry: po.Entry, review: bool) -> None:
    from .review import lapse

    if mine.msgstr != entry.msgstr or mine.msgstr_plural != entry.msgstr_plural:
        lapse(mine)   # the marks were for the text replaced
    mine.msgstr = entry.msgstr
    if mine.msgid_plural is not None:
        mine.msgstr_plural = dict(entry.msgstr_plural or {})
    history.unmark_rejected(mine)
    mine.comments = [c for c in mine.comments if not c.startswith(po.DRAFT_COMMENT)]
    if review:    # the uploader's text, to be reviewed; a stale entry stays stale, as after a save
        mine.set_flag("fuzzy")
        return
    if entry.draft_origin is not None:
        mine.comments.append(po.DRAFT_COMMENT + entry.draft_origin)
    mine.set_flag("fuzzy", entry.fuzzy)
    if not entry.fuzzy:
        mine.previous_msgid = mine.previous_msgctxt = None


def _take_marks(mine: po.Entry, entry: po.Entry, may_override: bool, report: ImportReport,
                marked: list[tuple[po.Entry, str, str]]) -> None:
    """Put the file's overrides and ignore flags on the entry (which holds the file's text), as far as allowed."""
    if not entry.comments and not any(f.startswith("ignore-") for f in entry.flags):
        return
    from . import checks

    shown = mine.msgid if len(mine.msgid) <= 60 else mine.msgid[:59] + "…"
    kept = checks.overrides(mine) if mine.comments else {}
    for check, reason in checks.overrides(entry).items():
        if not may_override:
            report.overrides_refused.append(f"[{check}] {shown}: only a reviewer overrides a check")
        elif kept.get(check) != reason:
            checks.add_override(mine, check, reason)
            report.overrides.append(f"[{check}] {shown}")
            marked.append((mine, "override", f"{check}: {reason}"))
    for comment in entry.comments:
        check = checks.overridden_check(comment)
        if check is not None:
            if check not in checks.overrides(entry):
                why = ("no such check" if check not in checks.CHECKS
                       else "it can never be overridden" if not checks.CHECKS[check].ignorable
                       else "an override needs a reason")
                report.overrides_refused.append(f"[{check}] {shown}: {why}")
    for name in checks.ignored(entry):
        check = checks.CHECKS.get(name)
        if check is None or not check.ignorable or check.severity != checks.WARNING:
            why = ("no such check" if check is None else "it can never be ignored" if not check.ignorable
                   else "an error is not ignored: a reviewer overrides it with a reason")
            report.overrides_refused.append(f"[{name}] {shown}: {why}")
        elif checks.IGNORE + name not in mine.flags:
            mine.set_flag(checks.IGNORE + name)
            report.overrides.append(f"[{check.id}] {shown}")
            marked.append((mine, "ignore", check.id))


def _mark_row(after: history.Snapshot, entry: po.Entry, action: str, note: str) -> dict:
    """The history row of a QA mark an import or upload kept: the entry's text and state as written."""
    ident = history.entry_id(entry.msgctxt, entry.msgid)
    _, _, msgstr, state = after[ident]
    return {"entry": ident, "msgctxt": entry.msgctxt, "msgid": entry.msgid, "action": action, "old_msgstr": msgstr,
            "new_msgstr": msgstr, "old_state": state, "new_state": state, "note": note}


def download_catalog(ws: Workspace, lang: str, name: str, *, timeout: float | None = None) -> str:
    """A catalog's text to edit elsewhere, stamped with the history's newest change (X-Localize-Revision).

    Read under the catalog's lock: every change the stamp covers is in the text.
    """
    tag = languages.validate(lang)
    path = ws.catalog_path(tag, slug(name))
    store = history.store_of(ws.root)
    with catalog.locked(path, timeout=timeout):
        text = catalog.read_text(path)
        revision = store.last_change() if store is not None else None
    if revision is None:
        return text
    cat = po.parse(text, str(path))
    cat.header[REVISION] = str(revision)
    return po.dumps(cat)


def _slug_of(file: Path) -> str:
    try:
        return slug(file.name.removesuffix(".po"))
    except WorkspaceError:
        raise WorkspaceError(f"cannot tell which article {file.name} belongs to: pass --slug") from None


def status(ws: Workspace, langs: list[str], *, keep_going: bool = False) -> list[dict]:
    """Per article and language: units, words, how many are in each state (``rejected`` apart from
    ``untranslated``), how many approved
    translations the page cannot take (``shown untranslated``: their markup is refused), and under
    ``source changes`` how many carry each kind of source change nobody has looked at yet.

    A catalog that cannot be read stops the count, or with ``keep_going`` gets
    a row of its own whose ``unreadable`` says why (a dashboard shows the rest).
    """
    rows = []
    targets = ws.languages(langs)
    for name in ws.slugs():
        if not ws.template_path(name).is_file():
            continue
        for lang in targets:
            path = ws.catalog_path(lang, name)
            try:
                cat = catalog.read(path if path.exists() else ws.template_path(name))
            except CatalogError as exc:
                if not keep_going:
                    raise
                rows.append({"article": name, "language": lang, "unreadable": str(exc)})
                continue
            counts = catalog.statistics(cat)
            rejected = sum(1 for e in cat.entries if not e.obsolete and history.state_of(e) == history.REJECTED)
            counts[po.UNTRANSLATED] -= rejected
            rows.append({"article": name, "language": lang, **counts, history.REJECTED: rejected,
                         "shown untranslated": _refused(cat, ws.settings.links(lang)),
                         "source changes": changes.change_counts(cat, partial(_protected, ws, name))})
    return rows


def _refused(cat: po.Catalog, links: dict[str, str]) -> int:
    """Approved entries whose markup the page cannot take: their units are shown in the source language."""
    return sum(1 for e in cat.entries if e.state == po.APPROVED and e.msgid_plural is None
               and ("<" in e.msgid or "<" in e.msgstr) and markup.refusal(e.msgid, e.msgstr, links))


def _protected(ws: Workspace, name: str) -> tuple[tuple[str, ...], frozenset[str] | None]:
    """An article's names never translated and its citation links, as the checks know them.

    Without them (an article or a glossary that cannot be read, which
    ``localize check`` reports) the counts keep to what ``update`` recorded.
    """
    from . import glossary   # only a catalog with stale units needs it

    try:
        refs = article.read_references(ws.source_path(name))
        keep = glossary.load(glossary.path_for(ws)).keep
    except (CatalogError, WorkspaceError, article.ArticleError):
        return (), None
    return (*refs.authors, *keep), frozenset(refs.citations) or None
