"""The editions folder: where each edition's files are, written atomically, and the index of what is published.

::

    <editions>/<lang>/<slug>.html   the HTML edition
    <editions>/<lang>/<slug>.pdf    the PDF edition, made from that HTML
    <editions>/<lang>/<slug>.json   its manifest: what it was made from, written last
    <editions>/previews/<lang>/…    previews (drafts shown): never published, never listed
    <editions>/index/<slug>.json    the index of one article: its published editions, by language
    <editions>/index/_site.json     the source language, and a generation that every change bumps

An export or a withdrawal holds the lock of its article only (:func:`locked`),
so workers on several hosts publish different articles at once; writing an
article's index and bumping the generation is one short step under the
folder's lock. Readers keep the index in memory and read again only the
articles whose file changed, when the generation moved. An ``index.json`` of
an earlier release (the whole index in one file) is split the first time the
folder is written, and read as it is until then.

Readers and the static site only go through :func:`published` and
:func:`find`, which accept an edition only if the index lists it: a language
code or slug from a URL never becomes a path before that.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from .. import catalog, languages, workspace
from ..errors import LocalizeError

INDEX = "index.json"      # the whole index in one file, as earlier releases wrote it
SHARDS = "index"          # <editions>/index/<slug>.json
SITE = "_site.json"       # in SHARDS: not a slug (a slug begins with a letter or digit)
LOCKS = ".locks"
PREVIEWS = "previews"
FORMATS = ("html", "pdf")


@dataclass(frozen=True)
class Files:
    """The files of one edition."""

    html: Path
    pdf: Path
    manifest: Path


def files(folder: Path, lang: str, slug: str, *, preview: bool = False) -> Files:
    base = (folder / PREVIEWS if preview else folder) / lang
    return Files(base / f"{slug}.html", base / f"{slug}.pdf", base / f"{slug}.json")


def write(path: Path, data: bytes | str) -> None:
    """Replace a file atomically: readers see the old one or the new one, never a part.

    Writers hold the lock of the file's article (or of the folder), so a temporary name made of the
    process and thread is unique; a leftover from an interrupted writer is replaced.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def dumps(data) -> bytes:
    """JSON as the folder keeps it: a dict's keys one per line, each value on its line (the C encoder:
    ``indent`` would take the pure-Python one, several times slower for a manifest)."""
    if not isinstance(data, dict) or not data:
        return (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")
    lines = ",\n".join(f"  {json.dumps(str(key), ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)}"
                       for key, value in data.items())
    return ("{\n" + lines + "\n}\n").encode("utf-8")


def write_json(path: Path, data) -> bytes:
    """Write JSON atomically (:func:`dumps`); the bytes written."""
    encoded = dumps(data)
    write(path, encoded)
    return encoded


def locked(folder: Path, slug: str | None = None):
    """The lock of one article's editions (``slug``), or of the whole folder: one writer at a time.

    With a PostgreSQL store it is also an advisory lock (:func:`localize.catalog.locked`), for writers on
    several hosts of one shared volume. Never take the folder's lock while holding an article's and
    then wait for another article's.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if slug is None:
        return catalog.locked(folder / ".editions", clean=False)
    (folder / LOCKS).mkdir(exist_ok=True)
    return catalog.locked(folder / LOCKS / workspace.slug(slug), clean=False)


# -- the index of published editions ------------------------------------------------------

def _shard(folder: Path, slug: str) -> Path:
    return folder / SHARDS / f"{slug}.json"


def _read_json(path: Path, what: str):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise LocalizeError(f"{path}: cannot read the index of editions ({what}): {exc}") from None


def _legacy(folder: Path) -> dict | None:
    """The whole index as an earlier release wrote it, if the folder has not been written since."""
    if (folder / SHARDS).is_dir():
        return None
    data = _read_json(folder / INDEX, "all articles")
    if data is None:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("articles"), dict):
        raise LocalizeError(f"{folder / INDEX}: not an index of editions")
    return data


def _split_legacy(folder: Path) -> None:
    """Split an earlier release's ``index.json`` into one file per article (the caller holds the folder lock)."""
    data = _legacy(folder)
    if data is None:
        return
    shards = folder / SHARDS
    staging = folder / f".{SHARDS}.{os.getpid()}.{threading.get_ident()}"
    staging.mkdir()
    for slug, langs in data["articles"].items():
        write_json(staging / f"{workspace.slug(slug)}.json", {"languages": langs})
    write_json(staging / SITE, {"source_language": data.get("source_language"), "generation": 1})
    os.replace(staging, shards)   # all the articles appear at once
    (folder / INDEX).unlink(missing_ok=True)


def site(folder: Path) -> dict:
    """``{"source_language", "generation"}`` of the folder's index."""
    data = _read_json(folder / SHARDS / SITE, "the site")
    return data if isinstance(data, dict) else {"source_language": None, "generation": 0}


def article(folder: Path, slug: str) -> dict[str, dict]:
    """{lang: entry} of one article's published editions (the caller holds its lock to change them)."""
    legacy = _legacy(folder)
    if legacy is not None:
        return dict(legacy["articles"].get(slug, {}))
    data = _read_json(_shard(folder, slug), slug)
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("languages"), dict):
        raise LocalizeError(f"{_shard(folder, slug)}: not an index of editions")
    return data["languages"]


def prepare(folder: Path) -> None:
    """Make the folder's index ready to be written article by article (an earlier release's split)."""
    if not (folder / SHARDS).is_dir():
        with locked(folder):
            _split_legacy(folder)
            (folder / SHARDS).mkdir(exist_ok=True)


def set_article(folder: Path, slug: str, langs: dict[str, dict], source_language: str | None = None, *,
                bump: bool = True) -> None:
    """Write one article's index (no languages: it is unlisted); with ``bump``, bump the generation readers
    look at too (an export of many articles bumps it once, at its end: :func:`bump_generation`).

    The caller holds the article's lock.
    """
    prepare(folder)
    if langs:
        write_json(_shard(folder, slug), {"languages": langs})
    else:
        _shard(folder, slug).unlink(missing_ok=True)
    if bump:
        bump_generation(folder, source_language)


def bump_generation(folder: Path, source_language: str | None = None) -> None:
    """Tell readers the index changed (and its source language), in one short step under the folder's lock."""
    with locked(folder):
        now = site(folder)
        source = source_language or now.get("source_language")
        write_json(folder / SHARDS / SITE, {"source_language": source, "generation": now.get("generation", 0) + 1})


def read_index(folder: Path) -> dict:
    """``{"source_language": …, "articles": {slug: {lang: {title, direction, pdf, reviewed}}}}``, read now."""
    legacy = _legacy(folder)
    if legacy is not None:
        return legacy
    shards = folder / SHARDS
    articles = {}
    if shards.is_dir():
        for entry in sorted(os.scandir(shards), key=lambda e: e.name):
            if entry.name.endswith(".json") and entry.name != SITE and not entry.name.startswith("."):
                slug = entry.name[:-5]
                langs = article(folder, slug)
                if langs:
                    articles[slug] = langs
    return {"source_language": site(folder).get("source_language"), "articles": articles}


def withdraw(folder: Path, lang: str, slug: str, relink=None) -> bool:
    """Take an edition out of the index, atomically, under its article's lock; False if it was not listed.

    ``relink(remaining)`` is called under the same lock with the article's languages still published,
    before the index is written: it may refuse by raising, and nothing changes.
    """
    if not (folder / SHARDS).is_dir() and not (folder / INDEX).is_file():
        return False
    with locked(folder, slug):
        langs = article(folder, slug)
        if lang not in langs:
            return False
        del langs[lang]
        if relink is not None:
            relink(order(langs, site(folder).get("source_language") or (_legacy(folder) or {}).get("source_language")))
        set_article(folder, slug, langs)
    return True


def index_entry(manifest: dict) -> dict:
    return {"title": manifest["title"], "direction": manifest["direction"],
            "pdf": "pdf" in manifest["files"], "reviewed": manifest["last_reviewed"]}


def order(langs, source: str | None) -> list[str]:
    """Languages as switchers list them: the source first, then by code."""
    return sorted(langs, key=lambda tag: (tag != source, tag))


class _Seen:
    """The index as one process last read it: each article's file stamp and languages, and the generation."""

    def __init__(self):
        self.stamp: tuple | None = None
        self.files: dict[str, tuple[tuple[int, int, int], dict]] = {}
        self.data: dict = {"source_language": None, "articles": {}}


_SEEN: dict[Path, _Seen] = {}
_SEEN_LOCK = threading.Lock()


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _current_index(folder: Path) -> dict:
    """The index as readers see it (they ask on every request): read again only when its generation moved,
    and then only the articles whose file changed."""
    legacy = folder / INDEX
    site_stamp = _stamp(folder / SHARDS / SITE)
    stamp = ("shards", site_stamp) if site_stamp is not None else ("legacy", _stamp(legacy))
    with _SEEN_LOCK:
        seen = _SEEN.setdefault(folder, _Seen())
        if seen.stamp == stamp:
            return seen.data
        if site_stamp is None:
            seen.files.clear()
            seen.data = read_index(folder)
            seen.stamp = stamp
            return seen.data
        files: dict[str, tuple[tuple[int, int, int], dict]] = {}
        for entry in os.scandir(folder / SHARDS):
            if not entry.name.endswith(".json") or entry.name == SITE or entry.name.startswith("."):
                continue
            slug = entry.name[:-5]
            stat = entry.stat()
            mark = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
            known = seen.files.get(slug)
            files[slug] = known if known is not None and known[0] == mark else (mark, article(folder, slug))
        seen.files = files
        seen.data = {"source_language": site(folder).get("source_language"),
                     "articles": {slug: langs for slug, (_, langs) in sorted(files.items()) if langs}}
        seen.stamp = stamp
        return seen.data


def listing(folder: Path) -> dict[str, dict[str, dict]]:
    """{slug: {lang: entry}} as readers see it (kept in memory between changes): not to be changed."""
    return _current_index(folder)["articles"]


def published(folder: Path) -> dict[str, dict[str, dict]]:
    """{slug: {lang: entry}} of every published edition, languages in switcher order."""
    data = _current_index(folder)
    source = data.get("source_language")
    return {slug: {lang: langs[lang] for lang in order(langs, source)}
            for slug, langs in sorted(data["articles"].items())}


def source_language(folder: Path) -> str | None:
    return _current_index(folder).get("source_language")


def find(folder: Path, lang: str, slug: str, fmt: str = "html") -> Path | None:
    """The file of a published edition, or None; ``lang`` and ``slug`` may come from anywhere."""
    if fmt not in FORMATS:
        return None
    try:
        slug = workspace.slug(slug)
        lang = languages.validate(lang)
    except LocalizeError:
        return None
    entry = _current_index(folder)["articles"].get(slug, {}).get(lang)
    if entry is None or (fmt == "pdf" and not entry.get("pdf")):
        return None
    path = getattr(files(folder, lang, slug), fmt)
    return path if path.is_file() else None
