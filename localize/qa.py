"""The QA checks as a job: over a workspace's catalogs, or over one catalog file."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from . import article, catalog, checks, glossary, languages, po
from .checks import machine
from .errors import CatalogError, WorkspaceError
from .jobs import _known, default_jobs, share_out
from .workspace import Workspace


def check(ws: Workspace, langs: list[str], names: list[str], jobs: int | None = None) -> list[checks.Problem]:
    """QA checks over the catalogs of the named articles (default: all) in the requested languages.

    Every catalog gets the per-entry checks with its article's reference list
    (author names, citation links) and the workspace glossary; then the
    catalogs of each language are compared with one another.
    """
    names = [*map(_known(ws), names)] if names else ws.slugs()
    targets = [languages.parse(code) for code in ws.languages(langs)]
    if not targets:
        raise WorkspaceError("no target languages: list them in [tool.localize] languages or pass --lang")
    terms = glossary.for_workspace(ws)
    found = share_out(partial(_check_some, ws, targets, terms), names, jobs)
    if not found:
        raise WorkspaceError("no catalogs to check: run 'localize extract' and 'localize update' first")
    problems: list[checks.Problem] = []
    approved: dict[str, dict[str, list[po.Entry]]] = {language.tag: {} for language in targets}
    for name, tag, entry_problems, entries in found:
        problems.extend(entry_problems)
        approved[tag][name] = entries
    for language in targets:
        problems.extend(checks.run_across(approved[language.tag], language.tag))
    order = {name: i for i, name in enumerate(names)}
    rank = {language.tag: i for i, language in enumerate(targets)}
    return sorted(problems, key=lambda p: (order.get(p.article, 0), rank.get(p.language, 0)))


def _check_some(ws: Workspace, targets: list[languages.Language], terms: glossary.Glossary,
                names: list[str]) -> list[tuple[str, str, list[checks.Problem], list[po.Entry]]]:
    done = []
    for name in names:
        refs = None
        for language in targets:
            path = ws.catalog_path(language.tag, name)
            if not path.exists():
                continue
            if refs is None:
                refs = article.read_references(ws.source_path(name))
            cat = catalog.read(path)
            context = _context(language, ws.settings.source_language, refs, terms, ws.settings.links(language.tag),
                               texts=[e.msgid for e in cat.entries if not e.obsolete and e.msgid])
            approved = [e for e in cat.entries if not e.obsolete and not e.fuzzy and e.translated]
            done.append((name, language.tag, checks.run(cat.entries, context, article=name), approved))
    return done


def _context(language: languages.Language, source_language: str, refs: article.References | None,
             terms: glossary.Glossary, links: dict[str, str] | None = None, *,
             texts: Iterable[str] = ()) -> checks.Context:
    """The checks' context of one catalog; ``texts``, the source texts of the article's units, let the
    machine-output checks know the words and names of the whole article."""
    return checks.Context(language, source_language,
                          authors=refs.authors if refs else (), keep=terms.keep,
                          required=terms.required(language.tag), forbidden=terms.forbidden_for(language.tag),
                          citations=frozenset(refs.citations if refs else ()), links=links or {},
                          article=machine.article(texts) if texts else None)


def check_file(file: Path, lang: str, *, page: Path | None = None, glossary_file: Path | None = None,
               source_language: str = "en", jobs: int | None = None) -> list[checks.Problem]:
    """QA checks on one catalog outside any workspace; PAGE.html gives its reference list.

    The catalog is read with the strict reader (``check`` writes nothing, so
    msgfmt need not judge it too). Keys are unique in one catalog, so nothing
    in it can be inconsistent with itself: ``inconsistent`` compares catalogs.
    """
    language = languages.parse(lang)
    if glossary_file is not None and not glossary_file.is_file():
        raise WorkspaceError(f"no glossary {glossary_file}")
    terms = glossary.load(glossary_file) if glossary_file is not None else glossary.Glossary()
    refs = article.read_references(page) if page is not None else None
    context = _context(language, languages.validate(source_language), refs, terms)
    name = file.name.removesuffix(".po")
    text = catalog.read_text(file)
    jobs = jobs or default_jobs()
    with _collector_paused():
        if jobs > 1 and len(text) >= PIECES_FROM:
            found = _check_in_pieces(text, str(file), context, name, jobs)
            if found is not None:
                return found
        return checks.run(po.parse(text, str(file)).entries, context, article=name)


@contextlib.contextmanager
def _collector_paused():
    """No cyclic garbage collection while a big catalog is read: it makes no cycles, and the
    collector would walk every entry again and again as they pile up."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# From this many characters on, one catalog is read and checked in pieces, one per worker.
PIECES_FROM = 2_000_000
_PIECES: tuple | None = None   # (text, header, file name, context, article): what forked workers read


def _check_in_pieces(text: str, path: str, context: checks.Context, name: str,
                     jobs: int) -> list[checks.Problem] | None:
    """Read and check a big catalog in pieces cut between entries, on worker processes.

    Each piece is read with the catalog's header in front. None when a piece
    does not read alone, or keys repeat across pieces: the caller then reads
    the file whole, which names the problem (file and line) as always.
    """
    global _PIECES
    head_end = text.find("\n\n")
    if head_end < 0:
        return None
    head = text[:head_end + 1]
    try:
        first = po.parse(head, path)
    except CatalogError:
        return None
    if first.entries:   # no header: nothing to repeat in front of each piece
        head = ""
    bounds = [0]
    for i in range(1, jobs):
        cut = text.find("\n\n", max(len(text) * i // jobs, bounds[-1], head_end + 1))
        if cut < 0:
            break
        bounds.append(cut + 2)
    bounds.append(len(text))
    pieces = [(start, end) for start, end in zip(bounds, bounds[1:]) if end > start]
    if len(pieces) < 2:
        return None
    _PIECES = (text, head, path, context, name)
    try:
        with ProcessPoolExecutor(max_workers=len(pieces), mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_check_piece, pieces))
    except CatalogError:
        return None
    finally:
        _PIECES = None
    keys = [k for _, piece_keys in results for k in piece_keys]
    if len(set(keys)) != len(keys):
        return None
    return [p for problems, _ in results for p in problems]


def _check_piece(piece: tuple[int, int]) -> tuple[list[checks.Problem], list[int]]:
    text, head, path, context, name = _PIECES
    start, end = piece
    cat = po.parse(head + "\n" + text[start:end] if start else text[start:end], path)
    # hashes agree across forked workers (same seed); equal keys have equal hashes
    keys = [hash(e.key) for e in cat.entries if not e.obsolete]
    return checks.run(cat.entries, context, article=name), keys
