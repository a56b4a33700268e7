"""TMX 1.4b, how translation memories travel between tools: ours out, a publisher's own memories in.

Out (:func:`dumps`): the approved translations of one language or of all, one ``<tu>`` per source
text and language, the article it was approved in as a ``<prop type="x-localize-article">``. A
unit's inline markup is kept as TMX keeps native codes: a start tag as ``<bpt>``, its end tag as
``<ept>`` (paired by ``i``), an empty element as ``<ph>``, each holding the tag as written.

In (:func:`read`, :func:`add`): a TMX file from elsewhere is read with no DTD, no entity and no
network, its units turned back into our units' HTML, and kept apart from the workspace's own
memory, as ``memory/<name>.json`` (one file per imported memory: its name, what it was imported
from, its units per language). The drafting memory and the editor's suggestions consult the
workspace's approved work first, then these, each match saying where it came from
(:mod:`localize.memory`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from . import __version__, languages, markup
from .errors import CatalogError, LocalizeError

FOLDER = "memory"
MAX_BYTES = 500 * 1024 * 1024   # a 100,000-unit memory is some 50 MB
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class TmxError(CatalogError):
    """A TMX file that cannot be taken, named, with the line where there is one."""


# -- out ---------------------------------------------------------------------------------------

def _seg(parent, text: str) -> None:
    """A unit's HTML as a TMX ``<seg>``: text as text, tags as native codes."""
    seg = etree.SubElement(parent, "seg")
    last = None
    opened: list[int] = []
    number = 0
    tokens = markup.tags(text)
    pairs = markup._pair(tokens)
    closing = {end: start for start, end in pairs.items() if end != start}
    at = 0

    def add_text(piece: str) -> None:
        piece = markup.unescape(piece)   # entities decoded, what XML cannot hold as U+FFFD
        if last is None:
            seg.text = (seg.text or "") + piece
        else:
            last.tail = (last.tail or "") + piece

    for i, tok in enumerate(tokens):
        add_text(text[at:tok.start])
        raw = text[tok.start:tok.end]
        if i in closing:
            last = etree.SubElement(seg, "ept", i=str(opened.pop() if opened else 0))
        elif pairs.get(i) not in (None, i):
            number += 1
            opened.append(number)
            last = etree.SubElement(seg, "bpt", i=str(number))
        else:
            last = etree.SubElement(seg, "ph")
        last.text = markup.xml_text(raw)
        at = tok.end
    add_text(text[at:])


def dumps(units: dict[str, list[tuple[str, str, str]]], source_language: str) -> bytes:
    """``{language: [(source, translation, where)]}`` as a TMX 1.4b document; ``where`` is the article a unit
    was approved in, or the imported memory it came from (``<name>.tmx``)."""
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", creationtool="localize", creationtoolversion=__version__,
                     datatype="html", segtype="paragraph", adminlang="en", srclang=source_language,
                     **{"o-tmf": "PO", "creationdate": datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")})
    body = etree.SubElement(root, "body")
    for language in sorted(units):
        for source, translation, article in units[language]:
            tu = etree.SubElement(body, "tu")
            if article:
                kind = "x-localize-memory" if article.endswith(".tmx") else "x-localize-article"
                etree.SubElement(tu, "prop", type=kind).text = markup.xml_text(article)
            for lang, text in ((source_language, source), (language, translation)):
                tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
                _seg(tuv, text)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True,
                          doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">')




# -- in ----------------------------------------------------------------------------------------

@dataclass
class Memory:
    """What a TMX file holds: its source language and, per target language, (source, translation) pairs."""

    source_language: str
    units: dict[str, list[tuple[str, str]]]


def _html(seg, verbatim: bool = False) -> str:
    """A ``<seg>`` back as a unit's HTML: native codes as the tags they hold; text escaped, or, from a memory
    whose datatype is not HTML (Translate Toolkit's po2tmx writes PO units as "PlainText"), as it is."""
    escape = (lambda text: text) if verbatim else markup.escape_text
    out = [escape(seg.text or "")]
    for child in seg:
        name = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if name in ("bpt", "ept", "ph", "it"):
            out.append("".join(child.itertext()))   # the native code, as written
        elif name in ("hi", "sub"):
            out.append(_html(child, verbatim))
        out.append(escape(child.tail or ""))
    return markup.normalize_space("".join(out)).strip()


def read(path: Path, source_language: str) -> Memory:
    """Read a TMX file (1.4b; 1.1 to 1.3 read alike), refusing what is not plain TMX."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TmxError(f"cannot read it: {exc.strerror}", path) from None
    if size > MAX_BYTES:
        raise TmxError(f"larger than {MAX_BYTES // (1024 * 1024)} MB", path)
    with path.open("rb") as handle:
        head = handle.read(4096)
    if re.search(rb"<!ENTITY|<!DOCTYPE[^>]*\[", head, re.I):
        raise TmxError("an internal DTD or entity declaration: TMX needs none, and none is read", path)
    units: dict[str, list[tuple[str, str]]] = {}
    declared = None
    verbatim = False
    parser_options = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True, remove_pis=True)
    try:
        for event, el in etree.iterparse(str(path), events=("start", "end"), **parser_options):
            if event == "start":
                if el.tag == "header":
                    declared = el.get("srclang")
                    verbatim = (el.get("datatype") or "html").strip().lower() not in ("html", "xhtml")
                continue
            if el.tag == "tu":
                _unit(el, source_language, units, verbatim)
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
    except etree.XMLSyntaxError as exc:
        raise TmxError(f"not well-formed XML: {exc.msg}", path, exc.lineno) from None
    if declared is None:
        raise TmxError("no TMX <header> (is it a TMX file?)", path)
    return Memory(source_language, units)


def _lang(tuv) -> str:
    return (tuv.get(XML_LANG) or tuv.get("lang") or "").strip()


def _same_language(tag: str, wanted: str) -> bool:
    """``en-US`` is English; ``*all*`` (a TMX's source language for any) is whatever is wanted."""
    tag, wanted = tag.lower(), wanted.lower()
    return tag == wanted or tag.split("-")[0] == wanted.split("-")[0] or tag == "*all*"


def _unit(tu, source_language: str, units: dict, verbatim: bool) -> None:
    variants = [(t, _lang(t)) for t in tu.iterfind("tuv")]
    source = next((t for t, lang in variants if _same_language(lang, source_language)), None)
    if source is None or source.find("seg") is None:
        return   # a unit without our source language: nothing to look up by
    text = _html(source.find("seg"), verbatim)
    if not text:
        return
    for tuv, lang in variants:
        if tuv is source or not lang or _same_language(lang, source_language) or tuv.find("seg") is None:
            continue
        translation = _html(tuv.find("seg"), verbatim)
        if translation:
            try:
                tag = languages.validate(lang)
            except LocalizeError:
                continue
            units.setdefault(tag, []).append((text, translation))


# -- kept in the workspace ---------------------------------------------------------------------

def folder(root: Path) -> Path:
    return root / FOLDER


def name_of(value: str) -> str:
    if not _NAME.fullmatch(value or ""):
        raise LocalizeError(f"{value!r} is no memory name: letters, digits, '.', '_' and '-', 64 at most")
    return value


def add(root: Path, path: Path, source_language: str, name: str | None = None) -> tuple[Path, dict[str, int]]:
    """Keep a TMX file's units as an outside memory of the workspace (replacing one of the same name); the
    file written and the units per language."""
    from .catalog import write_atomic

    name = name_of(name or re.sub(r"[^A-Za-z0-9._-]", "-", path.stem).strip(".-_") or "memory")
    found = read(path, source_language)
    if not found.units:
        raise TmxError(f"no unit with {source_language} and another language", path)
    kept = {"name": name, "imported_from": path.name, "source_language": source_language,
            "imported": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "units": {lang: [list(pair) for pair in pairs] for lang, pairs in sorted(found.units.items())}}
    target = folder(root) / f"{name}.json"
    write_atomic(target, json.dumps(kept, ensure_ascii=False, separators=(",", ":")))
    return target, {lang: len(pairs) for lang, pairs in found.units.items()}


def outside(root: Path) -> list[Path]:
    """The outside memories kept in the workspace, by name."""
    return sorted(folder(root).glob("*.json"))


def load(path: Path, language: str) -> tuple[str, list[tuple[str, str]]]:
    """(where matches say they came from, the (source, translation) pairs of one language) of a kept memory."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return f"{data['name']}.tmx", [(s, t) for s, t in data["units"].get(language, [])]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CatalogError(f"not a memory this version keeps ({exc})", path) from None
