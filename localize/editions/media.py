"""An article's images, copied into the editions' own assets.

An article in ``source/`` may show images that sit beside it
(``<img src="figures/sleep.png">``). Every edition of the article shows the
same files, so they are copied once per article into
``<editions>/assets/media/<slug>/`` and each edition points there, by the
readers' address layout (``<lang>/<slug>/``): ``../../assets/media/<slug>/…``,
a relative address that holds on any host. The PDF maker reads them from the
assets folder, the only folder it may read.

Only image files inside the article's folder are copied. A path that leads
elsewhere (``../../etc/passwd``, a link out of the folder) or names a file
that is not there is dropped from the edition, its ``alt`` text kept, and
reported. Addresses with a scheme (``https:``, ``data:``) are left as written:
the reader's browser may load them; the PDF maker never does.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from . import store

MEDIA = "media"
IMAGES = frozenset((".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg"))
PREFIX = f"../../assets/{MEDIA}/"   # from an edition's address to the media folder


def _local(value: str) -> str | None:
    """The path a relative address names, or None for an address with a scheme, a host or a root."""
    parts = urlsplit(value.strip())
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    return unquote(parts.path)


def _copy(source: Path, target: Path) -> None:
    """Copy a file unless the copy is already there and current."""
    try:
        there, here = target.stat(), source.stat()
        if there.st_size == here.st_size and there.st_mtime >= here.st_mtime:
            return
    except OSError:
        pass
    store.write(target, source.read_bytes())


def gather(tree, source_dir: Path, assets: Path, slug: str) -> list[str]:
    """Copy the images a rendered article shows into the assets folder and point the page at them;
    returns one warning per image left out."""
    folder = source_dir.resolve()
    warnings: list[str] = []
    for img in tree.getroot().iter("img"):
        if img.get("srcset") is not None:   # candidates by width: the plain src serves every reader
            del img.attrib["srcset"]
        value = img.get("src")
        if value is None:
            continue
        relative = _local(value)
        if relative is None:
            continue
        path = Path(os.path.normpath(folder / relative))
        problem = None
        if not path.is_relative_to(folder) or not path.resolve().is_relative_to(folder):
            problem = "leads outside the article's folder"
        elif path.suffix.lower() not in IMAGES:
            problem = "is not an image file"
        elif not path.is_file():
            problem = "is not there"
        if problem:
            warnings.append(f"image {value!r} {problem}: left out")
            del img.attrib["src"]
            continue
        name = path.relative_to(folder).as_posix()
        _copy(path, assets / MEDIA / slug / name)
        img.set("src", PREFIX + quote(f"{slug}/{name}"))
    return warnings


def for_print(value: str) -> str | None:
    """An image address of an edition as the PDF maker, whose base is the assets folder, reads it."""
    if value.startswith(PREFIX):
        return value[len("../../assets/"):]
    return None
