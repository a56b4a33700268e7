"""The export job: for each article and language, snapshot → gate → HTML → PDF → manifest.

Articles are shared out among worker processes (``-j``); each process keeps
one warm PDF renderer for all the PDFs it makes. The editions folder is locked
for the whole job, and the index of published editions is written once at
the end. Publishing a language also (re)makes the source-language edition of
the article when it is missing or was made from another revision of the
article, so that readers always have the original to fall back on; and the
other published editions of the article get their language switcher and
``hreflang`` links brought up to date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from functools import partial
from pathlib import Path

from .. import __version__, article, catalog, glossary, languages, po
from ..errors import LocalizeError, WorkspaceError
from ..jobs import PARALLEL_FROM, _known, describe_refusal, share_out
from ..languages import Language
from ..workspace import Workspace
from . import gate, media, page, pdf, store
from .config import Config, config

PUBLISHED, PREVIEW, REFUSED = "published", "preview", "refused"


class NotPublished(LocalizeError):
    """The gate refused an edition (exit status 1); the message names what blocks it."""


@dataclass
class Outcome:
    """What happened to one edition."""

    language: str
    slug: str
    status: str
    files: list[Path] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    entry: dict | None = None   # its line in the index of published editions
    relinked: list[Path] = field(default_factory=list)
    unchanged: bool = False     # published already from the same inputs: nothing was written
    manifest_sha256: str = ""   # of the manifest as written

    def describe(self) -> str:
        return f"{self.language}/{self.slug}"


@dataclass
class Report:
    editions: list[Outcome]
    folder: Path

    @property
    def refused(self) -> list[Outcome]:
        return [e for e in self.editions if e.status == REFUSED]


def formats_of(value: str | tuple | list) -> tuple[str, ...]:
    """``"html,pdf"`` → ("html", "pdf"); the HTML is always made, since the PDF is made from it."""
    names = value.split(",") if isinstance(value, str) else list(value)
    names = [n.strip().lower() for n in names if n.strip()]
    unknown = [n for n in names if n not in store.FORMATS]
    if unknown or not names:
        raise WorkspaceError(f"unknown format {', '.join(unknown) or repr(value)}: use html, pdf or html,pdf")
    return tuple(f for f in store.FORMATS if f in names)


def export(ws: Workspace, langs: list[str] | tuple[str, ...], names: list[str] | tuple[str, ...] = (), *,
           formats: tuple[str, ...] = store.FORMATS, out: Path | None = None, allow_drafts: bool = False,
           jobs: int | None = None, now: datetime | None = None, strict: bool = False,
           force: bool = False) -> Report:
    """Make the editions of the named articles (default: all) in the given languages (default: all).

    An edition published from the same inputs as now (:func:`inputs`: its source, catalog, reviewers,
    glossary, settings, the code that makes it) and listing the same languages is left as it is
    (``unchanged``), unless ``force``."""
    cfg = config(ws, out)
    source = ws.settings.source_language
    targets = [languages.parse(code) for code in ws.languages(langs or [source, *ws.settings.languages], source=True)]
    names = [*map(_known(ws), names)] if names else ws.slugs()
    if not names:
        raise WorkspaceError(f"no articles in {ws.source_dir}")
    for language in targets:   # a missing catalog is bad input, found before anything is written
        if language.tag != source and not ws.catalog_path(language.tag, names[0]).exists():
            raise WorkspaceError(f"no {language.tag} catalog for {names[0]}: run 'localize update --lang {language.tag}'")
    if not allow_drafts:   # what is published is on the record: its catalogs committed first
        cfg = _committed(ws, cfg, [t.tag for t in targets if t.tag != source], names)
    now = now or datetime.now(timezone.utc)
    history = _history(ws, [t.tag for t in targets], names)
    terms = glossary.for_workspace(ws)
    work = partial(_export_some, ws, cfg, targets, formats, allow_drafts, now, history, terms, strict, force)
    if "pdf" in formats:   # one renderer warmed before any worker is forked: each inherits it
        pdf.preload(cfg.folder / "assets", tuple(dict.fromkeys([source, *(t.tag for t in targets)])))
    # a PDF costs so much more than starting a worker that two articles are worth sharing out
    outcomes = share_out(work, names, jobs, parallel_from=2 if "pdf" in formats else PARALLEL_FROM)
    return Report(outcomes, cfg.folder)


def _history(ws: Workspace, tags: list[str], names: list[str]) -> dict[tuple[str, str], tuple[list[str], float]]:
    """{(language, slug): (reviewers, time of the last approval)} from the review history, if there is one:
    the approvals of the articles exported only, not the language's whole history."""
    from ..history import store_of

    store_ = store_of(ws.root)   # the workspace's store, SQLite or PostgreSQL
    if store_ is None:
        return {}
    found = {}
    for tag in tags:
        for start in range(0, len(names), 500):   # a bounded list of names a query
            for slug, approved in store_.approvals(tag, names[start:start + 500]).items():
                found[(tag, slug)] = approved
    return found


def _committed(ws: Workspace, cfg: Config, tags: list[str], names: list[str]) -> Config:
    """With git turned on: the catalogs and sources to publish committed, and the commit in ``cfg``."""
    from .. import gitrecord

    repo = gitrecord.Repository.of(ws)
    if repo is None:
        return cfg
    with repo.lock():
        gitrecord.commit_held(ws, repo, tags, names)
        return replace(cfg, commit=repo.head())


# -- one process's share ---------------------------------------------------------------

def _export_some(ws: Workspace, cfg: Config, targets: list[Language], formats: tuple[str, ...], preview: bool,
                 now: datetime, history: dict, terms: glossary.Glossary, strict: bool, force: bool,
                 names: list[str]) -> list[Outcome]:
    done = []
    shared = _Shared(ws, cfg, formats, terms)
    if not preview:
        store.prepare(cfg.folder)
    try:
        for slug in names:
            with store.locked(cfg.folder, slug):   # this article's editions: others are made meanwhile
                done += _export_one(ws, cfg, targets, formats, preview, now, history, terms, strict, slug,
                                    None if force or preview else shared)
    finally:   # what was published is shown to readers at once, also when a later article failed
        if any(o.status == PUBLISHED and not o.unchanged for o in done):
            store.bump_generation(cfg.folder, ws.settings.source_language)
    return done


def _export_one(ws: Workspace, cfg: Config, targets: list[Language], formats: tuple[str, ...], preview: bool,
                now: datetime, history: dict, terms: glossary.Glossary, strict: bool, slug: str,
                shared: "_Shared | None" = None) -> list[Outcome]:
    """Make one article's editions, relink its others, and list what was published (under its lock);
    with ``shared``, leave as they are the editions whose inputs did not change."""
    done: list[Outcome] = []
    source = ws.settings.source_language
    page_path = ws.source_path(slug)
    page_bytes = page_path.read_bytes()   # one read: every edition of the article is made from it
    wanted = list(targets)
    if not preview and source not in {t.tag for t in wanted} and \
            _source_outdated(cfg, source, slug, page_bytes, formats):
        wanted.insert(0, languages.parse(source))
    listed = store.article(cfg.folder, slug)
    before = list(listed)
    kept: dict[str, dict] = {}   # language: the manifest of an edition whose inputs did not change
    if shared is not None:
        for language in wanted:
            if language.tag not in listed:
                continue
            digest = shared.inputs(language, slug, page_bytes, history.get((language.tag, slug)),
                                   shared.catalog_sha256(language, slug))
            previous = _previous(store.files(cfg.folder, language.tag, slug).manifest)
            if previous.get("inputs") == digest and _intact(cfg, language.tag, slug, previous):
                kept[language.tag] = previous
    judged = [judge(ws, cfg, language, slug, preview, terms, (page_path, page_bytes), strict)
              for language in wanted if language.tag not in kept]
    passing = [s.language.tag for s, *_, v in judged if v.passed] + list(kept)
    now_published = store.order(set(before) | set(passing), source)
    for tag in [tag for tag, manifest in kept.items() if manifest.get("alternates") != now_published]:
        del kept[tag]   # its language links change: made again
        judged.append(judge(ws, cfg, languages.parse(tag), slug, preview, terms, (page_path, page_bytes), strict))
    unmade: set[str] = set()
    for tag, manifest in kept.items():
        paths = store.files(cfg.folder, tag, slug)
        done.append(Outcome(tag, slug, PUBLISHED, files=[getattr(paths, fmt) for fmt in manifest["files"]]
                            + [paths.manifest], counts=manifest.get("counts", {}),
                            entry=store.index_entry(manifest), unchanged=True))
    for snapshot, tree, units, approved, verdict in judged:
        tag = snapshot.language.tag
        if not preview and not verdict.passed:
            done.append(Outcome(tag, slug, REFUSED, blocks=verdict.blocks, counts=verdict.counts))
            continue
        try:
            digest = None if shared is None else shared.inputs(snapshot.language, slug, page_bytes,
                                                               history.get((tag, slug)), snapshot.catalog_sha256)
            done.append(_make(cfg, snapshot, tree, units, approved, verdict, formats, preview, now,
                              history.get((tag, slug)), now_published, digest))
        except pdf.MissingGlyphs as exc:   # that edition only: nothing of it is written, the others go on
            done.append(Outcome(tag, slug, REFUSED, blocks=[str(exc)], counts=verdict.counts))
            unmade.add(tag)
    if preview:
        return done
    made = [tag for tag in passing if tag not in unmade]
    final = store.order(set(before) | set(made), source)
    if unmade:   # the editions made list a language that did not come: every published one is relinked
        done[-1].relinked.extend(relink(cfg, slug, final, final))
        for outcome in done:   # their manifests were written again: the record reads them
            outcome.manifest_sha256 = ""
    elif final != store.order(before, source):
        done[-1].relinked.extend(relink(cfg, slug, [l for l in before if l not in set(made)], final))
    published = [o for o in done if o.status == PUBLISHED and not o.unchanged]
    if published:
        for o in published:
            listed[o.language] = o.entry
        store.set_article(cfg.folder, slug, listed, source, bump=False)   # the export bumps it once, at its end
    return done


def judge(ws: Workspace, cfg: Config, language: Language, slug: str, preview: bool, terms: glossary.Glossary,
           page: tuple[Path, bytes] | None = None, strict: bool = False):
    """Snapshot an edition, render the article from it, and put it to the gate.

    The render and the count of units are one walk: the units the gate counts
    are those the page shows. A refused edition's render is simply dropped.
    """
    snapshot = gate.take(ws, language, slug, page)
    tree = snapshot.tree()
    refs = article.references(tree)   # before rendering: the reference list as the source has it
    references = ws.settings.translate_references
    if snapshot.catalog is None:
        units = article.split(tree, references=references)
        approved = {u.text: u.text for u in units}
        article.render(tree, {}, source_language=snapshot.source_language, target_language=language.tag,
                       direction=language.direction, references=references)
        return snapshot, tree, units, approved, gate.judge(snapshot, units, refs, cfg, terms)
    entries = snapshot.entries()
    approved = {text: e.msgstr for text, e in entries.items() if e.state == po.APPROVED}
    shown = catalog.translations(snapshot.catalog, include_drafts=True) if preview else approved
    units: list[article.Unit] = []

    def lookup(text: str) -> str | None:
        entry = entries.get(text)
        units.append(article.Unit(text, gate.kind_of(entry.extracted) if entry is not None else "", 0))
        return shown.get(text)

    links = ws.settings.links(language.tag)
    refused: list[article.Refusal] = []
    article.render(tree, lookup, source_language=snapshot.source_language, target_language=language.tag,
                   direction=language.direction, references=references, links=links, refused=refused)
    verdict = gate.judge(snapshot, units, refs, cfg, terms, entries, links)
    verdict.refused = [describe_refusal(ws.reference(slug), r) for r in refused]
    for refusal in refused:   # the page shows the source there: so do its title and structured data
        if refusal.fallback:
            approved.pop(refusal.text, None)
    if strict and refused:
        verdict.blocks.append(f"{len(refused)} units would be shown untranslated, their markup refused "
                              f"(--strict): {verdict.refused[0]}")
    return snapshot, tree, units, approved, verdict


def _source_outdated(cfg: Config, source: str, slug: str, page: bytes, formats: tuple[str, ...]) -> bool:
    """Whether the source-language edition is missing, or made from another revision of the article."""
    import hashlib

    try:
        manifest = json.loads(store.files(cfg.folder, source, slug).manifest.read_text(encoding="utf-8"))
        made_from = manifest["source"]["sha256"]
        has = set(manifest["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return True
    return made_from != hashlib.sha256(page).hexdigest() or not set(formats) <= has


def _make(cfg: Config, snapshot: gate.Snapshot, tree, units, approved: dict[str, str], verdict: gate.Verdict,
          formats: tuple[str, ...], preview: bool, now: datetime, reviewed_by: tuple[list[str], float] | None,
          published: list[str], inputs: str | None = None) -> Outcome:
    """Write one edition from its rendered tree: its HTML, its PDF from that HTML, and its manifest last."""
    language, slug = snapshot.language, snapshot.slug
    paths = store.files(cfg.folder, language.tag, slug, preview=preview)
    approved_sha256 = _approved_hash(approved)
    reviewed = _reviewed(snapshot, reviewed_by, now, _previous(paths.manifest), approved_sha256)
    images = media.gather(tree, snapshot.source_path.parent, cfg.folder / "assets", slug)
    provenance = (any(engine != "human" and n for engine, n in verdict.engines.items()),
                  len(reviewed_by[0]) if reviewed_by else 0) if cfg.provenance else None
    previous = _previous(paths.manifest)
    first_published = _date(previous.get("first_published") or previous.get("created")) \
        if previous.get("status") == PUBLISHED else None
    first_published = first_published or now.astimezone(timezone.utc).date()
    root = tree.getroot()
    authors = [" ".join(m.get("content", "").split()) for m in root.iter("meta")
               if (m.get("name") or "").lower() == "author" and (m.get("content") or "").strip()]
    image = next((img.get("src") for img in root.iter("img") if img.get("src")), None)
    info = page.Page(language, snapshot.source_language, slug, published, reviewed, approved,
                     units, cfg.site_url, preview, "pdf" in formats, provenance, cfg.publisher, first_published,
                     authors, image)
    html = page.build(tree, info)
    title_el = tree.getroot().find("head/title")
    title = " ".join((title_el.text or "").split()) if title_el is not None else slug
    outcome = Outcome(language.tag, slug, PREVIEW if preview else PUBLISHED, counts=verdict.counts)
    data = None
    if "pdf" in formats:   # made before anything is written: a PDF that cannot be made leaves the edition as it was
        address = page.href(language.tag, slug, cfg.site_url) if cfg.site_url and not preview else None
        data, warnings = pdf.renderer(cfg.folder / "assets").render(page.for_print(tree, address), language.tag)
        outcome.warnings = list(dict.fromkeys(verdict.refused + images + warnings))
    written = {"html": _file_record(paths.html, html.encode("utf-8"))}
    if data is not None:
        written["pdf"] = _file_record(paths.pdf, data)
    else:
        outcome.warnings = verdict.refused + images
        paths.pdf.unlink(missing_ok=True)   # an edition never mixes files of two snapshots
    manifest = {
        "format": 1,
        "language": language.tag,
        "slug": slug,
        "status": outcome.status,
        "title": title,
        "direction": language.direction,
        "source_language": snapshot.source_language,
        "created": now.astimezone(timezone.utc).isoformat(timespec="seconds"),
        "last_reviewed": reviewed.isoformat(),
        "source": {"file": _relative(snapshot.source_path, cfg), "sha256": snapshot.source_sha256},
        "catalog": None if snapshot.catalog_path is None else
                   {"file": _relative(snapshot.catalog_path, cfg), "sha256": snapshot.catalog_sha256},
        "counts": verdict.counts,
        "threshold": {"units": cfg.threshold, "headings and FAQ": cfg.strict},
        "qa": {"errors": len(verdict.errors), "overridden": verdict.overridden},
        "shown untranslated": verdict.refused,
        "reviewers": reviewed_by[0] if reviewed_by else [],
        "approved_sha256": approved_sha256,
        "first_published": first_published.isoformat(),
        "engines": dict(sorted(verdict.engines.items())),
        "files": {fmt: {"name": record[0].name, "sha256": record[1], "bytes": record[2]}
                  for fmt, record in written.items()},
        "generator": f"localize {__version__}",
    }
    if cfg.commit:
        manifest["commit"] = cfg.commit
    if not preview:
        manifest["alternates"] = published
        if inputs is not None:
            manifest["inputs"] = inputs
    outcome.manifest_sha256 = _sha256(store.write_json(paths.manifest, manifest))
    outcome.files = [record[0] for record in written.values()] + [paths.manifest]
    outcome.entry = store.index_entry(manifest)
    return outcome


class _Shared:
    """What every edition of an export is made from besides its own article and catalog, hashed once."""

    def __init__(self, ws: Workspace, cfg: Config, formats: tuple[str, ...], terms: glossary.Glossary):
        self.ws = ws
        glossary_file = glossary.path_for(ws)
        settings = {"formats": sorted(formats), "threshold": cfg.threshold, "strict": cfg.strict,
                    "site_url": cfg.site_url, "provenance": cfg.provenance, "publisher": cfg.publisher,
                    "references": ws.settings.translate_references, "source": ws.settings.source_language,
                    "glossary": _sha256(glossary_file.read_bytes()) if glossary_file.is_file() else None,
                    "code": code_digest()}
        self.base = json.dumps(settings, sort_keys=True, default=str)

    def catalog_sha256(self, language: Language, slug: str) -> str | None:
        """The catalog as the gate's snapshot hashes it (None: the source language has none)."""
        if language.tag == self.ws.settings.source_language:
            return None
        try:
            return _sha256(catalog.read_text(self.ws.catalog_path(language.tag, slug)).encode("utf-8"))
        except (OSError, LocalizeError):
            return "unreadable"

    def inputs(self, language: Language, slug: str, page: bytes, reviewed_by, catalog_sha: str | None) -> str:
        """The digest of everything an edition is made from: the same digest, the same edition."""
        mine = json.dumps([self.base, language.tag, _sha256(page), catalog_sha, self.ws.settings.links(language.tag),
                           reviewed_by], sort_keys=True, default=str)
        return _sha256(mine.encode("utf-8"))


_CODE: list[str] = []


def code_digest() -> str:
    """A digest of the code, templates, labels, styles and fonts' list that make an edition (once a process)."""
    if not _CODE:
        import hashlib

        digest = hashlib.sha256(__version__.encode("utf-8"))
        here = Path(__file__).parent
        for path in sorted(p for p in here.rglob("*") if p.is_file() and p.suffix in (".py", ".css", ".json", ".toml",
                                                                                        ".po", ".html", ".js")):
            digest.update(path.relative_to(here).as_posix().encode("utf-8") + b"\0" + path.read_bytes())
        _CODE.append(digest.hexdigest())
    return _CODE[0]


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _intact(cfg: Config, lang: str, slug: str, manifest: dict) -> bool:
    """Whether an edition's files are all there as its manifest lists them (sizes; a file changed by hand
    or half written is made again)."""
    paths = store.files(cfg.folder, lang, slug)
    try:
        return manifest.get("status") == PUBLISHED and all(
            getattr(paths, fmt).stat().st_size == record["bytes"] for fmt, record in manifest["files"].items())
    except (OSError, KeyError, TypeError, AttributeError):
        return False


def _file_record(path: Path, data: bytes) -> tuple[Path, str, int]:
    import hashlib

    store.write(path, data)
    return path, hashlib.sha256(data).hexdigest(), len(data)


def _relative(path: Path, cfg: Config) -> str:
    """A workspace file as the manifest names it: relative to the workspace."""
    for candidate in (path, path.resolve()):   # the workspace's own paths need no walk through the disk
        if candidate.is_relative_to(cfg.root):
            return str(candidate.relative_to(cfg.root))
    return str(path)


def _approved_hash(approved: dict[str, str]) -> str:
    """What the approved text is, as one hash: whether it changed since the last edition."""
    import hashlib

    return hashlib.sha256(json.dumps(sorted(approved.items()), ensure_ascii=False).encode("utf-8")).hexdigest()


def _previous(path: Path) -> dict:
    """The manifest an edition had before this export, or {}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _reviewed(snapshot: gate.Snapshot, reviewed_by, now: datetime, previous: dict | None = None,
              approved_sha256: str | None = None) -> date:
    """When the edition's text was last approved.

    The last approval in the review history, when there is one. Otherwise the
    catalog says it only in part: its ``PO-Revision-Date`` is what a PO editor
    stamps, but ``import`` and ``draft`` leave it as it was. So the date is the
    later of that and the day the approved text as it is now was last written,
    at the latest: the previous edition's date if its approved text was the
    same (its manifest's hash), else the day the catalog file last changed.
    """
    if reviewed_by and reviewed_by[1]:
        return datetime.fromtimestamp(reviewed_by[1], timezone.utc).date()
    if snapshot.catalog is None:
        try:
            return datetime.fromtimestamp(snapshot.source_path.stat().st_mtime, timezone.utc).date()
        except OSError:
            return now.astimezone(timezone.utc).date()
    found = []
    stamp = snapshot.catalog.header.get("PO-Revision-Date", "")
    try:
        found.append(datetime.strptime(stamp.strip(), "%Y-%m-%d %H:%M%z").astimezone(timezone.utc).date())
    except ValueError:
        pass
    previous = previous or {}
    same = approved_sha256 is not None and previous.get("approved_sha256") == approved_sha256
    seen = _date(previous.get("last_reviewed")) if same else None
    if seen is None and snapshot.catalog_path is not None:
        try:
            seen = datetime.fromtimestamp(snapshot.catalog_path.stat().st_mtime, timezone.utc).date()
        except OSError:
            seen = None
    if seen is not None:
        found.append(seen)
    return max(found) if found else now.astimezone(timezone.utc).date()


def relink(cfg: Config, slug: str, others: list[str], published: list[str]) -> list[Path]:
    """Bring the switcher and alternates of an article's other published editions up to date."""
    import hashlib

    changed = []
    for lang in others:
        paths = store.files(cfg.folder, lang, slug)
        try:
            text = paths.html.read_text(encoding="utf-8")
            manifest = json.loads(paths.manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        new = page.relink(text, slug, published, cfg.site_url).encode("utf-8")
        store.write(paths.html, new)
        manifest["files"]["html"].update(sha256=hashlib.sha256(new).hexdigest(), bytes=len(new))
        manifest["alternates"] = published
        store.write_json(paths.manifest, manifest)
        changed.append(paths.html)
    return changed
