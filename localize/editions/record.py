"""The record of publications, and where each edition stands.

Every publish and withdraw is a row of a ``publications`` table in the
store's database (``LOCALIZE_DATABASE``, else ``instance/localize.sqlite3``): who,
when, what (language, article, formats), and the SHA-256 of the manifest the
export wrote, so an edition on disk can be matched with the act that put it
there. :func:`states` tells, per article and language, whether an edition is
published, since when and by whom, and whether the article or the catalog
changed since (outdated); :func:`withdraw` takes an edition off the site.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Column, Double, Index, Integer, MetaData, Table, Text, text

from .. import catalog, glossary, languages, workspace
from ..db import open_database
from ..errors import LocalizeError
from ..workspace import Workspace
from . import gate, store
from .config import Config, config

PUBLISH, WITHDRAW = "publish", "withdraw"
COMMAND_LINE = ""               # who published an edition the record does not know of (``localize export``)

METADATA = MetaData()
PUBLICATIONS = Table(
    "publications", METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Double, nullable=False),
    Column("user", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("slug", Text, nullable=False),
    Column("manifest_sha256", Text, nullable=False, server_default=""),
    Column("formats", Text, nullable=False, server_default=""),
    Column("job", Text),
    Index("publications_edition", "language", "slug", "id"),
    sqlite_autoincrement=True,
)


class NotListed(LocalizeError):
    """There is no such published edition to withdraw (HTTP 404)."""

    exit_code = 1


@dataclass(frozen=True)
class Publication:
    """One act on the published site: an edition published or withdrawn."""

    id: int
    at: float
    user: str
    action: str
    language: str
    slug: str
    manifest_sha256: str
    formats: tuple[str, ...]
    job: str | None


class Publications:
    """The publications table, in the store's database (a SQLite file, or PostgreSQL: :mod:`localize.db`)."""

    def __init__(self, address: Path | str):
        from .. import schema

        self.db = open_database(address)
        schema.ready(address)

    @classmethod
    def of(cls, root: Path) -> "Publications":
        from .. import history

        return cls(history.database(root))

    def add(self, user: str, action: str, language: str, slug: str, manifest_sha256: str = "",
            formats: Iterable[str] = (), job: str | None = None, at: float | None = None) -> Publication:
        """Record one act; the row as stored."""
        return self.add_many([(user, action, language, slug, manifest_sha256, tuple(formats), job, at)])[0]

    def add_many(self, acts: list[tuple]) -> list[Publication]:
        """Record acts ``(user, action, language, slug, manifest_sha256, formats, job, at)`` in one transaction
        (an export of many articles: one commit, not one per edition); the rows as stored."""
        rows = []
        for user, action, language, slug, manifest_sha256, formats, job, at in acts:
            if action not in (PUBLISH, WITHDRAW):
                raise ValueError(f"no publication action {action!r}")
            rows.append({"at": time.time() if at is None else at, "user": user, "action": action,
                         "language": language, "slug": slug, "manifest_sha256": manifest_sha256,
                         "formats": " ".join(formats), "job": job})
        if not rows:
            return []
        insert = text('INSERT INTO publications (at, "user", action, language, slug, manifest_sha256, formats, job) '
                      "VALUES (:at, :user, :action, :language, :slug, :manifest_sha256, :formats, :job) RETURNING id")
        with self.db.write() as conn:
            made = [conn.execute(insert, row).scalar_one() for row in rows]
        return [Publication(id_, row["at"], row["user"], row["action"], row["language"], row["slug"],
                            row["manifest_sha256"], tuple(row["formats"].split()), row["job"])
                for id_, row in zip(made, rows)]

    def history(self, language: str | None = None, slug: str | None = None, limit: int = 50) -> list[Publication]:
        """The newest acts first, of one edition or all."""
        where, args = [], {"limit": limit}
        for column, value in (("language", language), ("slug", slug)):
            if value is not None:
                where.append(f"{column} = :{column}")
                args[column] = value
        clause = f"WHERE {' AND '.join(where)} " if where else ""
        with self.db.read() as conn:
            rows = conn.execute(text(f"SELECT * FROM publications {clause}ORDER BY id DESC LIMIT :limit"),
                                args).mappings().all()
        return [_publication(row) for row in rows]

    def latest(self) -> dict[tuple[str, str], Publication]:
        """{(language, slug): the last act} of every edition ever published or withdrawn."""
        with self.db.read() as conn:
            rows = conn.execute(text("SELECT p.* FROM publications p JOIN (SELECT MAX(id) AS id FROM publications "
                                     "GROUP BY language, slug) last ON p.id = last.id")).mappings().all()
        return {(row["language"], row["slug"]): _publication(row) for row in rows}


def _publication(row) -> Publication:
    return Publication(row["id"], row["at"], row["user"], row["action"], row["language"], row["slug"],
                       row["manifest_sha256"], tuple(row["formats"].split()), row["job"])


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- acts ------------------------------------------------------------------------------------

def command_line_user() -> str:
    """Who acts from the command line, as the record names them: the login, marked as not an account."""
    import getpass

    try:
        login = getpass.getuser()
    except (KeyError, OSError):   # no login name and no passwd entry (a bare container)
        login = "unknown"
    return f"{login} (command line)"


def published(ws: Workspace, outcomes, user: str, job: str | None = None,
              out: Path | None = None) -> list[Publication]:
    """Record the editions an export published (``outcomes`` of its report), each with its manifest's hash."""
    cfg = config(ws, out)
    acts = []
    for outcome in outcomes:
        if outcome.status != "published" or getattr(outcome, "unchanged", False):
            continue   # refused, or left as it was published: no new act
        digest = getattr(outcome, "manifest_sha256", "") or \
            file_sha256(store.files(cfg.folder, outcome.language, outcome.slug).manifest)
        formats = tuple(f for f in store.FORMATS if any(p.suffix == f".{f}" for p in outcome.files))
        acts.append((user, PUBLISH, outcome.language, outcome.slug, digest, formats, job, None))
    return Publications.of(ws.root).add_many(acts) if acts else []


def withdraw(ws: Workspace, lang: str, slug: str, user: str | None = None, *, out: Path | None = None,
             job: str | None = None) -> Publication:
    """Take an edition off the published site: out of the index (readers get the not-published page), the
    language switchers of the article's other editions brought up to date, the act recorded. Its files
    stay where they were, unlisted. The source-language edition goes last, once no translation is left."""
    from .export import relink as relink_siblings

    cfg = config(ws, out)
    source = ws.settings.source_language
    tag, slug = languages.validate(lang), workspace.slug(slug)
    manifest = store.files(cfg.folder, tag, slug).manifest

    def relink(remaining: list[str]) -> None:
        if tag == source and remaining:
            raise LocalizeError(f"{tag}/{slug} is the original the other editions fall back on: "
                                f"withdraw {', '.join(remaining)} first")
        relink_siblings(cfg, slug, remaining, remaining)

    if not store.withdraw(cfg.folder, tag, slug, relink):
        raise NotListed(f"{tag}/{slug} is not published")
    digest = file_sha256(manifest) if manifest.is_file() else ""
    return Publications.of(ws.root).add(user or command_line_user(), WITHDRAW, tag, slug, digest, (), job)


# -- where an edition stands -------------------------------------------------------------------

@dataclass
class State:
    """An edition as the dashboard and the publish page show it."""

    language: str
    slug: str
    published: bool = False
    at: float | None = None          # when the edition on the site was made
    by: str | None = None            # who published it (COMMAND_LINE: not from the UI)
    manifest_sha256: str = ""
    formats: tuple[str, ...] = ()
    outdated: list[str] = field(default_factory=list)   # "source", "catalog": changed since
    withdrawn: Publication | None = None                 # the last withdrawal, if that is the last act

    @property
    def pdf(self) -> bool:
        return "pdf" in self.formats


def states(ws: Workspace, pairs: Iterable[tuple[str, str]], cfg: Config | None = None) -> dict[tuple[str, str], State]:
    """{(language, slug): State} of the given editions."""
    cfg = cfg or config(ws)
    try:
        listed = store.listing(cfg.folder) if cfg.folder.is_dir() else {}
    except LocalizeError:   # a torn index: the dashboard still shows the rest
        listed = {}
    acts = Publications.of(ws.root).latest()
    found = {}
    for lang, slug in pairs:
        state = State(lang, slug)
        last = acts.get((lang, slug))
        if slug in listed and lang in listed[slug]:
            _published(ws, cfg, state, last)
        elif last is not None and last.action == WITHDRAW:
            state.withdrawn = last
        found[lang, slug] = state
    return found


def _published(ws: Workspace, cfg: Config, state: State, last: Publication | None) -> None:
    path = store.files(cfg.folder, state.language, state.slug).manifest
    try:
        data = path.read_bytes()
        manifest = json.loads(data)
    except (OSError, ValueError):
        return   # listed, but its manifest is gone: not served (store.find checks the files too)
    state.published = True
    state.manifest_sha256 = hashlib.sha256(data).hexdigest()
    state.formats = tuple(f for f in store.FORMATS if f in manifest.get("files", {}))
    state.at = _timestamp(manifest.get("created"))
    if last is not None and last.action == PUBLISH and (state.at is None or state.at <= last.at + 1):
        state.by, state.at = last.user, last.at
    else:
        state.by = COMMAND_LINE   # made since by `localize export`, which has no account
    state.outdated = outdated(ws, state.language, state.slug, manifest)


def _timestamp(text) -> float | None:
    from datetime import datetime

    try:
        return datetime.fromisoformat(text).timestamp()
    except (TypeError, ValueError):
        return None


def outdated(ws: Workspace, lang: str, slug: str, manifest: dict) -> list[str]:
    """What changed since the edition was made: ``source`` (the article), ``catalog`` (its translations)."""
    changed = []
    made_from = (manifest.get("source") or {}).get("sha256")
    if made_from != _sha256(ws.source_path(slug), text=False):
        changed.append("source")
    if lang != ws.settings.source_language:
        made_from = (manifest.get("catalog") or {}).get("sha256")
        if made_from != _sha256(ws.catalog_path(lang, slug), text=True):
            changed.append("catalog")
    return changed


_HASHES: dict[tuple[Path, bool], tuple[tuple[int, int, int], str | None]] = {}


def _sha256(path: Path, *, text: bool) -> str | None:
    """A file's SHA-256 as the manifest records it (a catalog: of its text as UTF-8), read again only when
    the file changed."""
    try:
        stat = path.stat()
    except OSError:
        return None
    stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    seen = _HASHES.get((path, text))
    if seen is None or seen[0] != stamp:
        try:
            data = catalog.read_text(path).encode("utf-8") if text else path.read_bytes()
        except (OSError, LocalizeError):
            digest = None
        else:
            digest = hashlib.sha256(data).hexdigest()
        seen = _HASHES[(path, text)] = (stamp, digest)
    return seen[1]


def verdict(ws: Workspace, lang: str, slug: str, cfg: Config | None = None) -> gate.Verdict:
    """The publish gate's verdict on an edition as it would be made now, as ``localize export`` judges it."""
    from .export import judge

    cfg = cfg or config(ws)
    return judge(ws, cfg, languages.parse(lang), slug, False, glossary.for_workspace(ws))[-1]
