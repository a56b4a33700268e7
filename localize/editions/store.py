"""The editions folder: where each edition's files are, written atomically, and the index of what is published.

::

    <editions>/<lang>/<slug>.html   the HTML edition
    <editions>/<lang>/<slug>.pdf    the PDF edition, made from that HTML
    <editions>/<lang>/<slug>.json   its manifest: what it was made from, written last
    <editions>/previews/<lang>/…    previews (drafts shown): never published, never listed
    <editions>/index.json           every published edition, by article and language

Readers and the static site only go through :func:`published` and
:func:`find`, which accept an edition only if the index lists it: a language
code or slug from a URL never becomes a path before that.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .. import catalog, languages, workspace
from ..errors import LocalizeError

INDEX = "index.json"
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

    Writers hold the editions folder's lock, so a temporary name made of the
    process id is unique; a leftover from an interrupted writer is replaced.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
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


def write_json(path: Path, data) -> None:
    write(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")


def locked(folder: Path):
    """The editions folder's lock: one export at a time writes in it."""
    folder.mkdir(parents=True, exist_ok=True)
    return catalog.locked(folder / ".editions", clean=False)


# -- the index of published editions ------------------------------------------------------

def read_index(folder: Path) -> dict:
    """``{"source_language": …, "articles": {slug: {lang: {title, direction, pdf, reviewed}}}}``."""
    path = folder / INDEX
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"source_language": None, "articles": {}}
    except (OSError, ValueError) as exc:
        raise LocalizeError(f"{path}: cannot read the index of editions: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("articles"), dict):
        raise LocalizeError(f"{path}: not an index of editions")
    return data


def withdraw(folder: Path, lang: str, slug: str, relink=None) -> bool:
    """Take an edition out of the index, atomically, under the editions lock; False if it was not listed.

    ``relink(remaining)`` is called under the same lock with the article's languages still published,
    before the index is written: it may refuse by raising, and nothing changes.
    """
    if not (folder / INDEX).is_file():
        return False
    with locked(folder):
        index = read_index(folder)
        langs = index["articles"].get(slug, {})
        if lang not in langs:
            return False
        del langs[lang]
        if not langs:
            del index["articles"][slug]
        if relink is not None:
            relink(order(langs, index.get("source_language")))
        write_json(folder / INDEX, index)
    return True


def index_entry(manifest: dict) -> dict:
    return {"title": manifest["title"], "direction": manifest["direction"],
            "pdf": "pdf" in manifest["files"], "reviewed": manifest["last_reviewed"]}


def order(langs, source: str | None) -> list[str]:
    """Languages as switchers list them: the source first, then by code."""
    return sorted(langs, key=lambda tag: (tag != source, tag))


_SEEN: dict[Path, tuple[tuple[int, int, int], dict]] = {}


def _current_index(folder: Path) -> dict:
    """The index as readers see it, read again only when the file changed (readers ask on every request)."""
    path = folder / INDEX
    try:
        stat = path.stat()
    except FileNotFoundError:
        return read_index(folder)
    stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    seen = _SEEN.get(path)
    if seen is None or seen[0] != stamp:
        seen = _SEEN[path] = (stamp, read_index(folder))
    return seen[1]


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
