"""Backing a workspace up into one file, and restoring it only from a backup that verifies.

A backup is a gzip'd tar holding ``localize-backup.json`` (what it holds, each
file with its size and SHA-256), the store (the accounts, history, jobs and
publishing record): ``database.sqlite3``, copied with SQLite's online backup,
or ``database.pgdump``, PostgreSQL's ``pg_dump`` (both a consistent snapshot
while the server runs), and ``workspace/``: ``pyproject.toml``, the
glossary, the sources, the catalogs and, unless left out, the published
editions (previews are made again, never kept).

A restore reads the whole archive and checks everything before it touches the
target: every member a plain file under a known name and listed, every digest
right, nothing missing, the database passing ``PRAGMA integrity_check``, every
catalog read by the catalog reader, the settings read. Only then are the
files put in place: a refused backup leaves the target as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import __version__, catalog, glossary, history
from .db import is_url, shown
from .errors import BadInput, LocalizeError, WorkspaceError
from .workspace import CONFIG, Workspace

FORMAT = "localize-backup/1"
MANIFEST = "localize-backup.json"
DATABASE = "database.sqlite3"
DUMP = "database.pgdump"          # a PostgreSQL store: pg_dump's custom format
TREE = "workspace"
CHUNK = 1 << 20


class BackupError(BadInput):
    """A backup that cannot be made, or one that does not verify: nothing was changed."""


@dataclass(frozen=True)
class Summary:
    files: int
    bytes: int
    database: bool


# -- backing up -----------------------------------------------------------------------------------

def backup(ws: Workspace, file: Path, *, editions: bool = True, force: bool = False) -> Summary:
    """Write the workspace's backup to ``file`` (atomically: a temporary file renamed at the end)."""
    file = Path(file)
    if file.exists() and not force:
        raise BackupError(f"{file} exists: choose another name, or --force to replace it")
    if not file.parent.is_dir():
        raise BackupError(f"{file.parent} is not a folder")
    members = _workspace_files(ws, editions)
    staging = Path(tempfile.mkdtemp(prefix=".localize-backup-", dir=file.parent))
    try:
        database = _snapshot_database(ws, staging)
        listed: dict[str, dict] = {}
        if database:
            listed[database] = _describe(staging / database)
        for name, path in members:
            listed[name] = _describe(path)
        manifest = {"format": FORMAT, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "localize": __version__, "source-language": ws.settings.source_language,
                    "languages": list(ws.settings.languages), "files": listed}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
        partial = staging / "archive.tar.gz"
        with tarfile.open(partial, "w:gz", format=tarfile.PAX_FORMAT) as tar:
            tar.add(staging / MANIFEST, MANIFEST, recursive=False, filter=_plain)
            if database:
                tar.add(staging / database, database, recursive=False, filter=_plain)
            for name, path in members:
                tar.add(path, name, recursive=False, filter=_plain)
        with partial.open("rb") as f:
            os.fsync(f.fileno())
        os.replace(partial, file)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Summary(len(listed), sum(v["size"] for v in listed.values()), bool(database))


def _plain(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o644
    return info


def _workspace_files(ws: Workspace, editions: bool) -> list[tuple[str, Path]]:
    """(name in the archive, path) of every file the workspace is made of."""
    found = [(f"{TREE}/{CONFIG}", ws.root / CONFIG)]
    words = glossary.path_for(ws)
    if words.is_file():
        found.append((f"{TREE}/{words.relative_to(ws.root).as_posix()}", words))
    folders = [(ws.source_dir, None), (ws.locales_dir, None)]
    if editions:
        from .editions import config, store

        folder = config(ws).folder
        if folder.is_dir() and folder.resolve().is_relative_to(ws.root.resolve()):
            folders.append((folder, store.PREVIEWS))   # drafts previews: made again by `export --allow-drafts`
    for folder, skipped in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_symlink() or not path.is_file() or path.suffix in (".tmp", ".lock") \
                    or path.name.startswith("."):   # locks, temporary files: no part of the workspace
                continue
            if skipped is not None and path.relative_to(folder).parts[0] == skipped:
                continue
            found.append((f"{TREE}/{path.relative_to(ws.root).as_posix()}", path))
    return found


def _snapshot_database(ws: Workspace, staging: Path) -> str | None:
    """The workspace's store copied into ``staging`` (SQLite's online backup, or pg_dump): its member name;
    None if it has no database yet."""
    source = history.database(ws.root)
    if is_url(source):
        _postgres("pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  f"--file={staging / DUMP}", f"--dbname={libpq(source)}", what=f"{shown(source)}: pg_dump")
        return DUMP
    if not source.is_file():
        return None
    try:
        live = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
        copy = sqlite3.connect(staging / DATABASE)
        try:
            live.backup(copy)
        finally:
            copy.close()
            live.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{source}: the database could not be read: {exc}") from None
    return DATABASE


def libpq(url: str) -> str:
    """A PostgreSQL URL as libpq (pg_dump, pg_restore) takes it: no SQLAlchemy driver name."""
    scheme, rest = url.split("://", 1)
    return f"postgresql://{rest}"


def _postgres(program: str, *args: str, what: str) -> str:
    found = shutil.which(program)
    if found is None:
        raise BackupError(f"{what}: {program} is not installed (Debian: postgresql-client)")
    done = subprocess.run([found, *args], capture_output=True, text=True, timeout=3600)
    if done.returncode:
        said = " ".join(done.stderr.split())[:400]
        raise BackupError(f"{what} failed: {said}")
    return done.stdout


def _describe(path: Path) -> dict:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {"size": size, "sha256": digest.hexdigest()}


# -- restoring ------------------------------------------------------------------------------------

def restore(file: Path, target: Path, *, force: bool = False) -> Summary:
    """Put the backup ``file`` in place in the folder ``target``, once all of it verifies."""
    file, target = Path(file), Path(target)
    if not file.is_file():
        raise BackupError(f"{file}: no such backup file")
    target.mkdir(parents=True, exist_ok=True)
    if _occupied(target) and not force:
        raise BackupError(f"{target} already holds a workspace: restore into an empty folder, "
                          "or --force to replace it")
    staging = Path(tempfile.mkdtemp(prefix=".localize-restore-", dir=target))
    try:
        manifest = _unpack(file, staging)
        tree = staging / TREE
        if not (tree / CONFIG).is_file():
            raise BackupError(f"{file}: it holds no {CONFIG}")
        try:
            ws = Workspace.open(tree)
        except WorkspaceError as exc:
            raise BackupError(f"{file}: its settings do not read: {exc}") from None
        for path in sorted(p for p in ws.locales_dir.rglob("*") if p.suffix in (".po", ".pot")):
            try:
                catalog.read(path)
            except LocalizeError as exc:
                said = str(exc).replace(f"{tree}{os.sep}", "")   # named as in the workspace
                raise BackupError(f"{file}: {path.relative_to(tree)} does not read: {said}") from None
        store = history.database(target)
        has_database = DATABASE in manifest["files"] or DUMP in manifest["files"]
        if DATABASE in manifest["files"]:
            if is_url(store):
                raise BackupError(f"{file} holds a SQLite store, and LOCALIZE_DATABASE names PostgreSQL "
                                  f"({shown(store)}): restore it where the store is a file")
            _check_database(file, staging / DATABASE)
        if DUMP in manifest["files"]:
            if not is_url(store):
                raise BackupError(f"{file} holds a PostgreSQL store (pg_dump): set LOCALIZE_DATABASE to the "
                                  "PostgreSQL database to restore it into")
            _postgres("pg_restore", "--list", str(staging / DUMP), what=f"{file}: reading its pg_dump")
            # one transaction: a restore that fails leaves the database, and then the files, as they were
            _postgres("pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                      f"--dbname={libpq(store)}", str(staging / DUMP), what=f"{shown(store)}: pg_restore")
        _swap(staging, target, DATABASE in manifest["files"])
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    files = manifest["files"]
    return Summary(len(files), sum(v["size"] for v in files.values()), has_database)


def _occupied(target: Path) -> bool:
    store = history.database(target)
    return any((target / name).exists() for name in (CONFIG, "source", "locales")) \
        or (not is_url(store) and store.exists())


def _unpack(file: Path, staging: Path) -> dict:
    """Every member read, checked against the manifest and written under ``staging``; the manifest."""
    try:
        with tarfile.open(file, "r:gz") as tar:
            manifest = _manifest(file, tar)
            listed = manifest["files"]
            seen = set()
            for info in tar:
                if info.name == MANIFEST:
                    continue
                name = _member_name(file, info)
                if name not in listed:
                    raise BackupError(f"{file}: {name} is not in its manifest")
                if name in seen:
                    raise BackupError(f"{file}: {name} is in it twice")
                seen.add(name)
                path = staging.joinpath(*PurePosixPath(name).parts)
                path.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                source = tar.extractfile(info)
                with path.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                if size != listed[name]["size"] or digest.hexdigest() != listed[name]["sha256"]:
                    raise BackupError(f"{file}: {name} is not the file that was backed up (its SHA-256 differs)")
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:   # truncated, not gzip, not tar
        raise BackupError(f"{file}: not a complete backup archive ({type(exc).__name__}: {exc})") from None
    missing = sorted(set(listed) - seen)
    if missing:
        raise BackupError(f"{file}: {len(missing)} files of its manifest are missing, the first: {missing[0]}")
    return manifest


def _manifest(file: Path, tar: tarfile.TarFile) -> dict:
    try:
        info = tar.getmember(MANIFEST)
    except KeyError:
        raise BackupError(f"{file}: no {MANIFEST}: not a localize backup") from None
    if not info.isfile() or info.size > 64 << 20:
        raise BackupError(f"{file}: its {MANIFEST} is not a manifest")
    try:
        manifest = json.loads(tar.extractfile(info).read().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{file}: its {MANIFEST} does not read: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{file}: not a {FORMAT} backup")
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(
            isinstance(v, dict) and isinstance(v.get("size"), int) and isinstance(v.get("sha256"), str)
            for v in files.values()):
        raise BackupError(f"{file}: its {MANIFEST} lists its files wrongly")
    return manifest


def _member_name(file: Path, info: tarfile.TarInfo) -> str:
    """A member's name, if it is a plain file at a name a backup holds; refused otherwise."""
    name = info.name
    parts = PurePosixPath(name).parts
    if not info.isfile():
        raise BackupError(f"{file}: {name!r} is not a plain file (links and devices are refused)")
    if (name.startswith("/") or "\\" in name or ".." in parts or "." in parts or not parts
            or (name not in (DATABASE, DUMP) and (parts[0] != TREE or len(parts) == 1))):
        raise BackupError(f"{file}: {name!r} is not a name a backup holds")
    return name


def _check_database(file: Path, path: Path) -> None:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
            db.execute("SELECT count(*) FROM users").fetchone()
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{file}: its database does not read: {exc}") from None
    if verdict != "ok":
        raise BackupError(f"{file}: its database fails SQLite's integrity check: {verdict}")


def _swap(staging: Path, target: Path, has_database: bool) -> None:
    """Move the verified files into ``target``: what they replace aside first, put back if a move fails."""
    aside = Path(tempfile.mkdtemp(prefix=".localize-replaced-", dir=target))
    moved: list[tuple[Path, Path | None, bool]] = []   # (path, what it held set aside, whether a new one is there)
    tree = staging / TREE
    database = history.database(target)
    items = [(tree / name, target / name) for name in sorted(os.listdir(tree))]
    if has_database:
        items.append((staging / DATABASE, database))

    def set_aside(path: Path) -> Path | None:
        if not path.exists():
            return None
        kept = aside / f"{len(moved)}-{path.name}"
        os.replace(path, kept)
        return kept

    try:
        for new, old in items:
            if old == database:
                old.parent.mkdir(parents=True, exist_ok=True)
                for journal in (Path(f"{old}-wal"), Path(f"{old}-shm")):   # the former database's, never the new's
                    moved.append((journal, set_aside(journal), False))
            moved.append((old, set_aside(old), True))
            shutil.move(str(new), str(old))
    except BaseException:
        for path, kept, placed in reversed(moved):
            if placed and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            elif placed:
                path.unlink(missing_ok=True)
            if kept is not None:
                os.replace(kept, path)
        raise
    finally:
        shutil.rmtree(aside, ignore_errors=True)
