"""TBX-Basic, how terminology travels between tools: the glossary out, a termbase in.

Out (:func:`dumps`): one ``<termEntry>`` per source term, its source-language ``<langSet>``, then one per
language that has it: the required translation as the preferred term
(``preferredTerm-admn-sts``), each forbidden one as a deprecated term (``deprecatedTerm-admn-sts``);
a term kept as it is in one language is its own preferred translation there, and a term kept in
every language (``keep``) an entry of the source language alone, noted ``localize: keep``.

In (:func:`read`, :func:`merge`): the file is read with no DTD, no entity and no network; per entry,
its source-language term, and per other language the first preferred (or admitted, or unmarked) term
as the required translation and the deprecated or superseded ones as forbidden; an entry of the
source language alone is kept in every language. What it holds is written into the glossary file
(:func:`localize.glossary.edit`), which stays the file of record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import glossary, languages
from .errors import CatalogError, LanguageError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFERRED, ADMITTED, DEPRECATED, SUPERSEDED = (f"{s}Term-admn-sts" for s in ("preferred", "admitted", "deprecated",
                                                                             "superseded"))
KEEP_NOTE = "localize: keep"
MAX_BYTES = 50 * 1024 * 1024


class TbxError(CatalogError):
    """A TBX file that cannot be taken, named, with the line where there is one."""


def dumps(terms: glossary.Glossary, source_language: str, langs: list[str] | None = None) -> bytes:
    """The glossary (its languages, or ``langs``) as a TBX-Basic document."""
    root = etree.Element("martif", {"type": "TBX-Basic", XML_LANG: source_language})
    header = etree.SubElement(root, "martifHeader")
    etree.SubElement(etree.SubElement(etree.SubElement(header, "fileDesc"), "sourceDesc"), "p").text = \
        "the glossary of a localize workspace"
    etree.SubElement(etree.SubElement(header, "encodingDesc"), "p", type="XCSURI").text = "TBXBasicXCSV02.xcs"
    body = etree.SubElement(etree.SubElement(root, "text"), "body")
    wanted = sorted(set(terms.translations) | set(terms.forbidden)) if langs is None else langs
    entries: dict[str, dict[str, list[tuple[str, str]]]] = {}   # term: {lang: [(term, status)]}
    for lang in wanted:
        for term, value in terms.translations.get(lang, {}).items():
            entries.setdefault(term, {}).setdefault(lang, []).append((value, PREFERRED))
        for term, values in terms.forbidden.get(lang, {}).items():
            entries.setdefault(term, {}).setdefault(lang, []).extend((v, DEPRECATED) for v in values)
    number = 0
    for term in terms.keep:
        number += 1
        entry = etree.SubElement(body, "termEntry", id=f"t{number}")
        etree.SubElement(entry, "note").text = KEEP_NOTE
        _lang_set(entry, source_language, [(term, PREFERRED)])
    for term in sorted(entries, key=str.lower):
        number += 1
        entry = etree.SubElement(body, "termEntry", id=f"t{number}")
        _lang_set(entry, source_language, [(term, PREFERRED)])
        for lang in sorted(entries[term]):
            _lang_set(entry, lang, entries[term][lang])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _lang_set(entry, lang: str, terms: list[tuple[str, str]]) -> None:
    lang_set = etree.SubElement(entry, "langSet", {XML_LANG: lang})
    for text, status in terms:
        tig = etree.SubElement(lang_set, "tig")
        etree.SubElement(tig, "term").text = text
        etree.SubElement(tig, "termNote", type="administrativeStatus").text = status


@dataclass
class Termbase:
    """What a TBX file holds, as the glossary keeps it."""

    keep: list[str] = field(default_factory=list)
    required: dict[str, dict[str, str]] = field(default_factory=dict)           # lang: {term: translation}
    forbidden: dict[str, dict[str, list[str]]] = field(default_factory=dict)    # lang: {term: [translations]}
    skipped: list[str] = field(default_factory=list)                           # why entries were left out

    def only(self, langs: list[str]) -> "Termbase":
        """The part of the termbase for these languages (terms to keep in every language left out)."""
        wanted = {languages.validate(lang) for lang in langs}
        return Termbase([], {t: v for t, v in self.required.items() if t in wanted},
                        {t: v for t, v in self.forbidden.items() if t in wanted}, self.skipped)

    def count(self) -> int:
        return (len(self.keep) + sum(map(len, self.required.values()))
                + sum(len(v) for terms in self.forbidden.values() for v in terms.values()))


def read(data: bytes, where: str, source_language: str) -> Termbase:
    """Read a TBX file (TBX-Basic, or TBX with ``tig`` or ``ntig`` terms), refusing what is not plain XML."""
    if len(data) > MAX_BYTES:
        raise TbxError(f"larger than {MAX_BYTES // (1024 * 1024)} MB", where)
    if re.search(rb"<!ENTITY|<!DOCTYPE[^>]*\[", data, re.I):
        raise TbxError("an internal DTD or entity declaration: TBX needs none, and none is read", where)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise TbxError(f"not well-formed XML: {exc.msg}", where, exc.lineno) from None
    if etree.QName(root).localname not in ("martif", "tbx"):
        raise TbxError(f"not a TBX document (its root is {etree.QName(root).localname!r})", where)
    found = Termbase()
    for entry in root.iter("{*}termEntry", "{*}conceptEntry"):
        _entry(entry, source_language, found)
    return found


def _terms(lang_set) -> list[tuple[str, str]]:
    """(term, administrative status or "") of a langSet, in order."""
    found = []
    for holder in lang_set.iter("{*}tig", "{*}termGrp", "{*}termSec"):
        term = holder.find("{*}term")
        if term is None:
            continue
        status = next((n.text or "" for n in holder.iter("{*}termNote")
                       if n.get("type") == "administrativeStatus"), "")
        text = " ".join("".join(term.itertext()).split())
        if text:
            found.append((text, status.strip()))
    return found


def _tag(lang_set) -> str | None:
    code = lang_set.get(XML_LANG) or lang_set.get("lang") or ""
    try:
        return languages.validate(code)
    except LanguageError:
        return None


def _entry(entry, source_language: str, found: Termbase) -> None:
    sets = [(ls, _tag(ls)) for ls in entry.iterfind("{*}langSet")]
    base = source_language.split("-")[0].lower()
    source = next((ls for ls, tag in sets if tag and tag.split("-")[0].lower() == base), None)
    ident = entry.get("id") or f"line {entry.sourceline}"
    if source is None or not _terms(source):
        found.skipped.append(f"{ident}: no {source_language} term")
        return
    term = _terms(source)[0][0]
    others = [(ls, tag) for ls, tag in sets if ls is not source]
    if not others:
        found.keep.append(term)
        return
    for lang_set, tag in others:
        if tag is None:
            found.skipped.append(f"{ident}: a language that is no BCP 47 tag")
            continue
        terms = _terms(lang_set)
        good = [t for t, status in terms if status not in (DEPRECATED, SUPERSEDED)]
        bad = [t for t, status in terms if status in (DEPRECATED, SUPERSEDED)]
        preferred = next((t for t, status in terms if status == PREFERRED), good[0] if good else None)
        if preferred is not None:
            found.required.setdefault(tag, {})[term] = preferred
        if bad:
            found.forbidden.setdefault(tag, {}).setdefault(term, []).extend(b for b in bad if b != preferred)


def merge(path: Path, termbase: Termbase) -> glossary.Glossary:
    """Write a termbase into the glossary file: its required translations replace the file's for the same
    term, its forbidden ones and terms to keep are added."""
    def change(document):
        if termbase.keep:
            keep = [str(t) for t in document.get("keep", [])]
            document["keep"] = keep + [t for t in termbase.keep if t not in keep]
        for tag, terms in termbase.required.items():
            table = glossary._table(document, "translations", tag)
            for term, value in terms.items():
                table[term] = value
        for tag, terms in termbase.forbidden.items():
            table = glossary._table(document, "forbidden", tag)
            for term, values in terms.items():
                have = table.get(term)
                have = [str(have)] if isinstance(have, str) else [str(v) for v in (have or [])]
                table[term] = [*have, *(v for v in values if v not in have)]
    return glossary.edit(path, change)
