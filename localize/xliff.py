"""XLIFF, what CAT tools (Trados, memoQ, Phrase, OmegaT, Okapi) read: a catalog out, and its translations back.

Out (:func:`dumps`): one file per article and language, XLIFF 2.0 (or 1.2), one unit per entry of
the catalog, its id the entry's (:func:`localize.history.entry_id`), the same in every language.
Each unit carries notes (the kind of text it is, its context, where it comes from, the
translator's comments) and a state: untranslated is ``initial`` with no target, a machine draft
``initial`` with its target (``subState="localize:machine"``), other work to review
``translated``, stale work ``initial`` (``localize:stale``), approved work ``final``.

A unit's inline markup becomes inline codes, so that the CAT tool protects it: an element with
content ``<pc>`` (1.2: ``<g>``), an empty one (``<br>``, ``<img>``) ``<ph>`` (1.2: ``<x>``), and an
element marked ``translate="no"`` one ``<ph>`` with all its content, which the translator cannot
change. In 2.0 the tags themselves are in the unit's ``<originalData>``; a translation whose tag
differs from the source's (a link to the localized page) has its own ``<data>``.

In (:func:`read`): the file is parsed with no DTD, no entity and no network, and refused whole
when it does not match the article (a unit that is not an entry of the catalog, a source that is
not the entry's) or when a target's codes are not its source's, or its markup would be refused
on the page (:func:`localize.markup.refusal`). What it holds comes in as a catalog that
``import`` merges as it merges a PO file (:func:`localize.jobs.merge_catalog`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from . import history, markup, po
from .errors import CatalogError

XLIFF2 = "urn:oasis:names:tc:xliff:document:2.0"
XLIFF12 = "urn:oasis:names:tc:xliff:document:1.2"
VERSIONS = ("2.0", "1.2")
SUFFIX = ".xlf"
MAX_BYTES = 50 * 1024 * 1024   # an article's XLIFF is well under a megabyte
_STATE_PREFIX = "localize:"


class XliffError(CatalogError):
    """An XLIFF file that cannot be taken: it names the file and, where there is one, the unit."""


# -- a unit's text as inline codes -------------------------------------------------------------

@dataclass
class _Code:
    """One inline code of a source text: an element with content (``pc``), or one without (``ph``)."""

    id: str
    kind: str          # "pc" or "ph"
    start: str         # the start tag as written (ph: the whole element when it is translate="no")
    end: str = ""      # the end tag (pc)
    name: str = ""


def _pieces(text: str) -> list:
    """A unit's HTML as a list of strings (text, unescaped) and tuples ("open", tag, raw) / ("close", raw) /
    ("ph", raw, name): ``translate="no"`` elements whole, as one ``ph``."""
    tokens = markup.tags(text)
    pairs = markup._pair(tokens)
    out: list = []
    at, i = 0, 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.start > at:
            out.append(markup.unescape(text[at:tok.start]))
        raw = text[tok.start:tok.end]
        if tok.closing:
            out.append(("close", raw))
        elif pairs.get(i) == i:   # void, or written self-closing
            out.append(("ph", raw, tok.name))
        elif markup.protected(dict(tok.attrs)) and i in pairs:
            j = pairs[i]
            out.append(("ph", text[tok.start:tokens[j].end], tok.name))
            at, i = tokens[j].end, j + 1
            continue
        elif i in pairs:
            out.append(("open", tok.name, raw))
        else:   # a start tag that is never closed: kept as it is, as the page keeps it
            out.append(("ph", raw, tok.name))
        at, i = tok.end, i + 1
    if at < len(text):
        out.append(markup.unescape(text[at:]))
    return out


def _codes(text: str) -> list[_Code]:
    """The inline codes of a source text, numbered in order."""
    codes: list[_Code] = []
    stack: list[_Code] = []
    for piece in _pieces(text):
        if isinstance(piece, str):
            continue
        if piece[0] == "open":
            code = _Code(str(len(codes) + 1), "pc", piece[2], name=piece[1])
            codes.append(code)
            stack.append(code)
        elif piece[0] == "close":
            if stack:
                stack.pop().end = piece[1]
        else:
            codes.append(_Code(str(len(codes) + 1), "ph", piece[1], name=piece[2]))
    return codes


def _match_codes(source: list[_Code], translation: str) -> list | None:
    """The translation's pieces with each tag given the id of the source's code it stands for (the same tag
    first, else one of the same element); None when a tag matches no code of the source."""
    free = list(source)
    pieces = []
    stack: list[_Code] = []
    for piece in _pieces(translation):
        if isinstance(piece, str):
            pieces.append(piece)
            continue
        if piece[0] == "close":
            if not stack:
                return None
            code = stack.pop()
            pieces.append(("close", code, piece[1]))
            continue
        kind = "pc" if piece[0] == "open" else "ph"
        raw, name = (piece[2], piece[1]) if kind == "pc" else (piece[1], piece[2])
        code = next((c for c in free if c.kind == kind and c.start == raw), None) or \
            next((c for c in free if c.kind == kind and c.name == name), None)
        if code is None:
            return None
        free.remove(code)
        pieces.append((kind, code, raw))
        if kind == "pc":
            stack.append(code)
    return None if stack else pieces


# -- writing -------------------------------------------------------------------------------

def _state(entry: po.Entry) -> tuple[str, str | None]:
    """(XLIFF 2.0 state, subState) of an entry."""
    state = entry.state
    if state == po.APPROVED:
        return "final", None
    if state == po.STALE:
        return "initial", _STATE_PREFIX + "stale"
    if state == po.NEEDS_REVIEW:
        return ("initial", _STATE_PREFIX + "machine") if entry.draft_origin else ("translated", None)
    return "initial", None


_STATE_12 = {"final": "final", "translated": "translated", "initial": "needs-translation"}


def _notes(entry: po.Entry) -> list[tuple[str, str]]:
    notes = [("kind", kind) for kind in entry.extracted]
    if entry.msgctxt is not None:
        notes.append(("context", entry.msgctxt))
    notes += [("location", ref) for ref in entry.references]
    notes += [("comment", c) for c in entry.comments if c.strip()]
    return notes


def dumps(cat: po.Catalog, *, source_language: str, language: str, original: str, version: str = "2.0") -> bytes:
    """The catalog as an XLIFF document (UTF-8 bytes): one unit per current entry with a source text."""
    if version not in VERSIONS:
        raise ValueError(f"XLIFF {version}: use {' or '.join(VERSIONS)}")
    entries = [e for e in cat.entries if not e.obsolete and e.msgid and e.msgid_plural is None]
    if version == "1.2":
        return _dumps_12(entries, source_language, language, original)
    ns = f"{{{XLIFF2}}}"
    root = etree.Element(ns + "xliff", nsmap={None: XLIFF2}, version="2.0", srcLang=source_language,
                         trgLang=language)
    file_el = etree.SubElement(root, ns + "file", id="f1", original=original)
    for entry in entries:
        ident = history.entry_id(entry.msgctxt, entry.msgid)
        unit = etree.SubElement(file_el, ns + "unit", id="u" + ident)
        notes = _notes(entry)
        if notes:
            holder = etree.SubElement(unit, ns + "notes")
            for category, text in notes:
                etree.SubElement(holder, ns + "note", category=category).text = markup.xml_text(text)
        codes = _codes(entry.msgid)
        target = None
        if entry.translated:
            target = _match_codes(codes, entry.msgstr)
        data: dict[str, str] = {}   # data id → tag
        by_tag: dict[str, str] = {}

        def data_id(tag: str) -> str:
            if tag not in by_tag:
                by_tag[tag] = f"d{len(by_tag) + 1}"
                data[by_tag[tag]] = tag
            return by_tag[tag]

        source_pieces = _match_codes(codes, entry.msgid) or []
        if codes:
            for c in codes:   # the source's tags first, in order
                data_id(c.start)
                if c.kind == "pc":
                    data_id(c.end)
            if target is not None:
                for piece in target:
                    if isinstance(piece, tuple) and piece[0] != "close":
                        data_id(piece[2])
            original_data = etree.SubElement(unit, ns + "originalData")
            for key, tag in data.items():
                etree.SubElement(original_data, ns + "data", id=key).text = markup.xml_text(tag)
        state, sub = _state(entry)
        segment = etree.SubElement(unit, ns + "segment", state=state if target is not None else "initial")
        if sub and target is not None:
            segment.set("subState", sub)
        _fill_2(etree.SubElement(segment, ns + "source"), source_pieces, by_tag, ns)
        if target is not None:
            _fill_2(etree.SubElement(segment, ns + "target"), target, by_tag, ns)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _fill(parent, pieces: list, code) -> None:
    """Put a text's pieces (:func:`_match_codes`) into a source or target: text as text, and each tag as the
    inline element ``code(parent, kind, code, tag)`` makes ("close": the element the end tag closes)."""
    stack = [parent]
    last = None   # the element whose tail the next text extends, or None: the current parent's text
    for piece in pieces:
        if isinstance(piece, str):
            piece = markup.xml_text(piece)
            if last is None:
                stack[-1].text = (stack[-1].text or "") + piece
            else:
                last.tail = (last.tail or "") + piece
            continue
        kind, found, raw = piece
        if kind == "close":
            last = stack.pop()
            code(last, kind, found, raw)
        else:
            el = code(stack[-1], kind, found, raw)
            if kind == "pc":
                stack.append(el)
                last = None
            else:
                last = el


def _fill_2(parent, pieces: list, by_tag: dict[str, str], ns: str) -> None:
    def code(current, kind, found, raw):
        if kind == "close":
            current.set("dataRefEnd", by_tag[raw])
            return current
        if kind == "pc":
            return etree.SubElement(current, ns + "pc", id=found.id, dataRefStart=by_tag[raw])
        return etree.SubElement(current, ns + "ph", id=found.id, dataRef=by_tag[raw])
    _fill(parent, pieces, code)


def _dumps_12(entries: list[po.Entry], source_language: str, language: str, original: str) -> bytes:
    ns = f"{{{XLIFF12}}}"
    root = etree.Element(ns + "xliff", nsmap={None: XLIFF12}, version="1.2")
    file_el = etree.SubElement(root, ns + "file", original=original, datatype="html",
                               **{"source-language": source_language, "target-language": language})
    body = etree.SubElement(file_el, ns + "body")
    for entry in entries:
        unit = etree.SubElement(body, ns + "trans-unit", id="u" + history.entry_id(entry.msgctxt, entry.msgid))
        codes = _codes(entry.msgid)
        target = _match_codes(codes, entry.msgstr) if entry.translated else None
        _fill_12(etree.SubElement(unit, ns + "source"), _match_codes(codes, entry.msgid) or [], ns)
        if target is not None:
            state, sub = _state(entry)
            target_el = etree.SubElement(unit, ns + "target", state=_STATE_12[state])
            if sub:
                target_el.set("state-qualifier", "fuzzy-match" if sub.endswith("machine") else "x-stale")
            _fill_12(target_el, target, ns)
            if state == "final":
                unit.set("approved", "yes")
        for category, text in _notes(entry):
            etree.SubElement(unit, ns + "note", **{"from": category}).text = markup.xml_text(text)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _fill_12(parent, pieces: list, ns: str) -> None:
    def code(current, kind, found, raw):
        if kind == "close":
            return current
        return etree.SubElement(current, ns + ("g" if kind == "pc" else "x"), id=found.id, ctype=_ctype(found.name))
    _fill(parent, pieces, code)


def _ctype(name: str) -> str:
    known = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underlined", "a": "link",
             "br": "lb", "img": "image"}
    return known.get(name, f"x-html-{name}")




# -- reading -------------------------------------------------------------------------------

@dataclass
class Document:
    """What an XLIFF file holds for one article: its languages, the article it names, and its units."""

    version: str
    source_language: str
    language: str
    original: str
    # (id, source, target or None, state): HTML in 2.0; in 1.2 the elements, whose codes only the article's
    # catalog can turn back into tags (:func:`to_catalog`)
    units: list[tuple]


_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                       huge_tree=False, remove_comments=True, remove_pis=True)


def parse(data: bytes, where: str) -> Document:
    """Read an XLIFF file, refusing what is not plain XLIFF: a DTD (and so any entity), another vocabulary,
    more than one file, a unit with no id."""
    if len(data) > MAX_BYTES:
        raise XliffError(f"larger than {MAX_BYTES // (1024 * 1024)} MB", where)
    if re.search(rb"<!(?:DOCTYPE|ENTITY)", data, re.I):
        raise XliffError("a DTD or entity declaration: XLIFF needs none, and none is read", where)
    try:
        root = etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError as exc:
        raise XliffError(f"not well-formed XML: {exc.msg}", where, exc.lineno) from None
    if root.tag == f"{{{XLIFF2}}}xliff":
        return _parse_2(root, where)
    if root.tag == f"{{{XLIFF12}}}xliff":
        return _parse_12(root, where)
    raise XliffError("not an XLIFF 2.0 or 1.2 document (its root is "
                     f"{etree.QName(root).localname!r} in {etree.QName(root).namespace or 'no namespace'})", where)


def _one_file(root, ns: str, where: str):
    files = root.findall(ns + "file")
    if len(files) != 1:
        raise XliffError(f"{len(files)} <file> elements: one article's file holds exactly one", where)
    return files[0]


def _parse_2(root, where: str) -> Document:
    ns = f"{{{XLIFF2}}}"
    if root.get("version") not in ("2.0", "2.1", "2.2"):
        raise XliffError(f"XLIFF version {root.get('version')!r}: 2.0 or 1.2 is read", where)
    file_el = _one_file(root, ns, where)
    units = []
    for unit in file_el.iter(ns + "unit"):
        ident = unit.get("id")
        if not ident:
            raise XliffError("a <unit> without an id", where, unit.sourceline)
        data = {d.get("id"): d.text or "" for d in unit.iterfind(f"{ns}originalData/{ns}data")}
        segments = unit.findall(f"{ns}segment")
        if len(segments) != 1:
            raise XliffError(f"unit {ident}: {len(segments)} segments; each unit is one segment of the article",
                             where, unit.sourceline)
        segment = segments[0]
        source, target = segment.find(ns + "source"), segment.find(ns + "target")
        if source is None:
            raise XliffError(f"unit {ident}: no <source>", where, segment.sourceline)
        units.append((ident, _html_2(source, data, ns, where, ident),
                      None if target is None else _html_2(target, data, ns, where, ident),
                      segment.get("state", "initial")))
    return Document("2.0", root.get("srcLang", ""), root.get("trgLang", ""), file_el.get("original", ""), units)


def _html_2(el, data: dict[str, str], ns: str, where: str, ident: str) -> str:
    """The HTML of a source or target: text escaped, each code's tag from the unit's original data."""
    out = [markup.escape_text(el.text or "")]
    for child in el:
        name = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if child.tag == ns + "pc":
            start, end = data.get(child.get("dataRefStart")), data.get(child.get("dataRefEnd"))
            if start is None or end is None:
                raise XliffError(f"unit {ident}: a <pc> whose tags are not in the unit's originalData",
                                 where, child.sourceline)
            out.append(start + _html_2(child, data, ns, where, ident) + end)
        elif child.tag == ns + "ph":
            tag = data.get(child.get("dataRef"))
            if tag is None:
                raise XliffError(f"unit {ident}: a <ph> whose code is not in the unit's originalData",
                                 where, child.sourceline)
            out.append(tag)
        elif child.tag == ns + "mrk":   # an annotation (a term, a comment): its text is the text
            out.append(_html_2(child, data, ns, where, ident))
        else:
            raise XliffError(f"unit {ident}: <{name}> in a segment (codes come from the source: <pc>, <ph>)",
                             where, child.sourceline)
        out.append(markup.escape_text(child.tail or ""))
    return "".join(out)


def _parse_12(root, where: str) -> Document:
    ns = f"{{{XLIFF12}}}"
    if root.get("version") != "1.2":
        raise XliffError(f"XLIFF version {root.get('version')!r}: 2.0 or 1.2 is read", where)
    file_el = _one_file(root, ns, where)
    units = []
    for unit in file_el.iter(ns + "trans-unit"):
        ident = unit.get("id")
        if not ident:
            raise XliffError("a <trans-unit> without an id", where, unit.sourceline)
        source, target = unit.find(ns + "source"), unit.find(ns + "target")
        if source is None:
            raise XliffError(f"unit {ident}: no <source>", where, unit.sourceline)
        state = "initial"
        if target is not None:
            state = {"final": "final", "signed-off": "final", "translated": "translated",
                     "needs-review-translation": "translated"}.get(target.get("state", ""), "translated")
            if unit.get("approved") == "yes":
                state = "final"
        units.append((ident, source, target, state))
    return Document("1.2", file_el.get("source-language", ""), file_el.get("target-language", ""),
                    file_el.get("original", ""), units)


def _html_12(el, codes: dict[str, _Code], ns: str, where: str, ident: str) -> str:
    """The HTML of a 1.2 source or target, each ``<g>``/``<x>`` the tag of the source's code of that id."""
    out = [markup.escape_text(el.text or "")]
    for child in el:
        code = codes.get(child.get("id", ""))
        if child.tag in (ns + "g", ns + "x") and code is not None and (code.kind == "pc") == (child.tag == ns + "g"):
            out.append(code.start + (_html_12(child, codes, ns, where, ident) + code.end if code.kind == "pc" else ""))
        elif child.tag == ns + "mrk":
            out.append(_html_12(child, codes, ns, where, ident))
        else:
            name = etree.QName(child).localname if isinstance(child.tag, str) else "?"
            raise XliffError(f"unit {ident}: <{name} id={child.get('id')!r}> is no inline code of the source",
                             where, child.sourceline)
        out.append(markup.escape_text(child.tail or ""))
    return "".join(out)


def to_catalog(doc: Document, current: po.Catalog, where: str, *, source_language: str, language: str,
               links: dict[str, str] | None = None) -> po.Catalog:
    """The file's translations as a catalog to merge into ``current``, refused whole when the file does not
    match the article: every unit must be an entry of the catalog with the same source, and every target's
    markup the source's (as the page would take it)."""
    if doc.source_language and doc.source_language.lower() != source_language.lower():
        raise XliffError(f"its source language is {doc.source_language!r}, the articles' {source_language}", where)
    if doc.language and doc.language.lower() != language.lower():
        raise XliffError(f"it is for {doc.language!r}, not {language}", where)
    entries = {"u" + history.entry_id(e.msgctxt, e.msgid): e for e in current.entries
               if not e.obsolete and e.msgid and e.msgid_plural is None}
    incoming = []
    for ident, source, target, state in doc.units:
        mine = entries.get(ident)
        if mine is None:
            raise XliffError(f"unit {ident} is no entry of the article's catalog (made from another version "
                             "of it?): nothing was imported", where)
        if doc.version == "1.2":
            codes = {c.id: c for c in _codes(mine.msgid)}
            ns = f"{{{XLIFF12}}}"
            source = _html_12(source, codes, ns, where, ident)
            target = None if target is None else _html_12(target, codes, ns, where, ident)
        if source != mine.msgid:
            raise XliffError(f"unit {ident}: its source is not the article's ({source[:60]!r}): nothing was "
                             "imported", where)
        if target is None or not target.strip():
            continue
        why = markup.refusal(mine.msgid, target, links)
        if why is not None:
            raise XliffError(f"unit {ident}: the translation's markup would be refused ({why}): nothing was "
                             "imported", where)
        entry = po.Entry(mine.msgid, target, msgctxt=mine.msgctxt)
        if state not in ("final", "reviewed"):
            entry.flags.append("fuzzy")
        incoming.append(entry)
    header = dict(current.header)
    header.pop("X-Localize-Revision", None)
    return po.Catalog(header=header, entries=incoming)


def file_name(slug: str, language: str) -> str:
    return f"{slug}.{language}{SUFFIX}"


def is_xliff(path: Path) -> bool:
    return path.suffix.lower() in (".xlf", ".xliff")


# -- the workspace -------------------------------------------------------------------------

def export(ws, langs: list[str], names: list[str], out: Path, *, version: str = "2.0") -> list[Path]:
    """Write ``<out>/<slug>.<lang>.xlf`` for each article and language (each catalog read under its lock)."""
    from . import catalog, jobs, languages

    source = ws.settings.source_language
    tags = [t for t in ws.languages(langs or ws.settings.languages) if t != source]
    names = [*map(jobs._known(ws), names)] if names else ws.slugs()
    written = []
    for tag in tags:
        tag = languages.validate(tag)
        for name in names:
            path = ws.catalog_path(tag, name)
            if not path.exists():
                raise CatalogError(f"no {tag} catalog for {name}: run 'localize update --lang {tag}'", path)
            with catalog.locked(path):
                cat = po.parse(catalog.read_text(path), str(path))
            data = dumps(cat, source_language=source, language=tag, version=version,
                         original=str(ws.reference(name)))
            target = out / file_name(name, tag)
            catalog.write_atomic(target, data.decode("utf-8"), durable=False)
            written.append(target)
    return written


def incoming(ws, tag: str, name: str, data: bytes, where: str) -> po.Catalog:
    """An XLIFF file's translations for one article's catalog in ``tag``, as a catalog to merge (refused whole
    when it does not match the article)."""
    from . import catalog

    doc = parse(data, where)
    target = ws.catalog_path(tag, name)
    if not target.exists():
        raise CatalogError(f"no {tag} catalog for {name!r}: run 'localize update' first", target)
    current = po.parse(catalog.read_text(target), str(target))
    return to_catalog(doc, current, where, source_language=ws.settings.source_language, language=tag,
                      links=ws.settings.links(tag))


def import_file(ws, path: Path, lang: str | None, name: str | None, *, approved: bool = False):
    """Bring in an XLIFF file's translations as ``import`` brings in a PO file's; the import's report."""
    from . import history as history_, jobs, languages

    try:
        if path.stat().st_size > MAX_BYTES:   # refused before it is read
            raise XliffError(f"larger than {MAX_BYTES // (1024 * 1024)} MB", path)
        data = path.read_bytes()
    except OSError as exc:
        raise XliffError(f"cannot read it: {exc.strerror}", path) from None
    tag = languages.validate(lang or parse(data, str(path)).language or "")
    if name is None:   # <slug>.<lang>.xlf, as export names it
        stem = path.name[:-len(path.suffix)]
        name = stem[:-len(tag) - 1] if stem.lower().endswith("." + tag.lower()) else stem
    name = jobs._known(ws)(name)
    return jobs.merge_catalog(ws, languages.parse(tag), name, incoming(ws, tag, name, data, str(path)), str(path),
                              user=history_.SYSTEM, action="import", review=not approved)


def looks_like(data: bytes, filename: str | None = None) -> bool:
    """Whether an upload is XLIFF rather than PO: its name, else its first bytes."""
    if filename and Path(filename.replace("\\", "/")).suffix.lower() in (".xlf", ".xliff"):
        return True
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<?xml") or head.startswith(b"<xliff")
