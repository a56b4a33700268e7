"""Split an HTML article into units, and render it back from translations.

One walk serves both directions: :func:`walk` yields every unit of a parsed
page in document order; :func:`split` only reads them, :func:`render` puts
translations back in place as the walk goes. The page's way in and out is
:mod:`localize.document`; the walk is :mod:`localize.walk`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from . import document
from .document import MAX_PAGE_BYTES, doctype, serialize  # noqa: F401 (the article's own API)
from .errors import ArticleError, LocalizeError
from .walk import (AttributeUnit, TextUnit, _translates, is_reference_list,  # noqa: F401
                   walk)


class Unit(NamedTuple):
    """One translatable piece of an article: its text, kind and source line."""

    text: str
    kind: str
    line: int


def parse(data: bytes | str, name: str = "<page>") -> etree._ElementTree:
    """Parse an article (:func:`localize.document.parse`); a ``.md`` file is Markdown, made HTML first
    (:mod:`localize.markdown`)."""
    if name.endswith(".md"):
        from . import markdown

        if isinstance(data, str):
            data = data.encode("utf-8", "surrogatepass")
        if len(data) > MAX_PAGE_BYTES:
            raise ArticleError(f"{name}: {len(data) / 1048576:.1f} MB is too big for an article "
                               f"(at most {MAX_PAGE_BYTES // 1048576} MB)")
        data = markdown.to_html(data, name)
    return document.parse(data, name)


# -- the two directions ----------------------------------------------------------

def split(tree: etree._ElementTree, *, references: bool = False) -> list[Unit]:
    """Every unit of a page, in document order (duplicates included); the reference list's only with
    ``references``."""
    units: list[Unit] = []
    add = units.append
    walk(tree, lambda u: add(Unit(u.text, u.kind, u.line)), references=references)
    return units


class Refusal(NamedTuple):
    """A translation a page could not take as it is: its unit, the unit's source line, and why."""

    text: str
    line: int
    reason: str
    fallback: bool = True    # the unit is shown in the source language (else only a link kept its target)


# Code stays left to right in a right-to-left page.
CODE_TAGS = ("code", "kbd", "samp", "pre")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def render(
    tree: etree._ElementTree,
    translate: Callable[[str], str | None] | Mapping[str, str],
    *,
    source_language: str,
    target_language: str,
    direction: str = "ltr",
    references: bool = False,
    links: Mapping[str, str] | None = None,
    refused: list[Refusal] | None = None,
) -> etree._ElementTree:
    """Put translations into the page, in place; return the same tree.

    A unit without translation keeps its source text and, when the target
    language differs from the source, says so with ``lang`` (and ``dir``), as
    does all content that stays in the source language (``translate="no"``,
    the reference list). A translation whose markup the unit cannot take
    (:func:`markup.match`) is left out the same way, and listed in
    ``refused``; so is a translated link to an anchor the page does not have,
    which keeps the source's target.
    """
    lookup = translate.get if isinstance(translate, Mapping) else translate
    mark = target_language != source_language
    source_direction = _direction(source_language) if mark else direction
    turn = source_direction if source_direction != direction else None
    refusals: list[Refusal] = [] if refused is None else refused
    moved: list[tuple[object, str, str | None, TextUnit]] = []   # (element, attribute, source value, unit)

    def visit(unit: TextUnit | AttributeUnit) -> None:
        translation = lookup(unit.text)
        if translation:
            reason = unit.apply(translation, links)
            if reason is None:
                if unit.__class__ is TextUnit and unit.origins:
                    moved.extend((new, attr, old.get(attr), unit) for new, old in unit.origins.items()
                                 for attr in _LINKING if new.get(attr) != old.get(attr))
                return
            refusals.append(Refusal(unit.text, unit.line, reason))
        if mark:
            unit.mark_language(source_language, turn)

    walk(tree, visit, references=references)
    root = tree.getroot()
    if moved:
        _mend_links(root, moved, refusals)
    if mark or root.get("lang") is not None:
        root.set("lang", target_language)
    if root.get(_XML_LANG) is not None:
        root.set(_XML_LANG, target_language)
    elif root.get("xml:lang") is not None:
        root.set("xml:lang", target_language)
    if mark:   # a left-to-right edition says so too, as every other page of the site does
        root.set("dir", direction)
    if mark:
        _mark_kept(root, source_language, turn, direction == "rtl", not references)
    return tree


_LINKING = ("href", "id", "name")


# What may stay in the source language: elements that say translate="…" (the outermost "no" is taken), and
# lists that may be the reference list (is_reference_list decides); code, which runs left to right whatever
# the page's direction.
_TRANSLATE = etree.XPath("//*[@translate]")
_LISTS = etree.XPath("//ol[not(@translate)] | //ul[not(@translate)] | //dl[not(@translate)]")
_CODE = etree.XPath("//code[not(@dir)] | //kbd[not(@dir)] | //samp[not(@dir)] | //pre[not(@dir)]")


def _mark_kept(root, lang: str, turn: str | None, rtl: bool, lock_refs: bool) -> None:
    """Give what stays in the source language (``translate="no"``, the reference list) its ``lang`` and
    ``dir``, and code its left-to-right direction in a right-to-left page."""
    kept = [el for el in _TRANSLATE(root) if not _translates(el, True) and not any(
        not _translates(up, True) for up in el.iterancestors(etree.Element) if up.get("translate") is not None)]
    if lock_refs:
        kept += [el for el in _LISTS(root) if is_reference_list(el)]
    for el in kept:
        if el.get("lang") is None and el.get(_XML_LANG) is None:
            el.set("lang", lang)
        if turn and el.get("dir") is None:
            el.set("dir", turn)
    if rtl:
        for el in _CODE(root):
            el.set("dir", "ltr")


def _fragment(href: str | None) -> str | None:
    if not href or not href.startswith("#"):
        return None
    from urllib.parse import unquote

    return unquote(href[1:])


def _mend_links(root, moved: list, refusals: list[Refusal]) -> None:
    """Links a translation pointed at an anchor the page does not have keep the source's target; anchors a
    translation renamed while links still point at the old name keep their old name."""
    anchors = {v for el in root.iter(etree.Element) for v in (el.get("id"), el.get("name")) if v}
    for element, attr, old, unit in moved:
        target = _fragment(element.get(attr)) if attr == "href" else None
        if target is not None and target not in anchors:
            element.set(attr, old) if old is not None else element.attrib.pop(attr)
            refusals.append(Refusal(unit.text, unit.line, f'the link to "#{target}" has no anchor in the page: '
                                                          f'it keeps "{old}"', False))
    renamed = {old: (element, attr, unit) for element, attr, old, unit in moved
               if attr != "href" and old is not None}
    if not renamed:
        return
    anchors = {v for el in root.iter(etree.Element) for v in (el.get("id"), el.get("name")) if v}
    for el in root.iter(etree.Element):
        target = _fragment(el.get("href"))
        if target is not None and target not in anchors and target in renamed:
            element, attr, unit = renamed.pop(target)
            new = element.get(attr)
            element.set(attr, target)
            anchors.add(target)
            refusals.append(Refusal(unit.text, unit.line, f'the anchor "{target}" renamed "{new}" while links '
                                                          f'still point at "#{target}": it keeps "{target}"', False))


# -- the reference list ------------------------------------------------------------

class References(NamedTuple):
    """What a page's reference list protects: author surnames and the links that cite it."""

    authors: tuple[str, ...]
    citations: tuple[str, ...]   # "#ref-1": hrefs that point at a reference


# "Levant, R. F., Hall, R. J., & Hasan, N. T. (2009)": a surname is the text
# before the comma that precedes an author's initials.
_AUTHOR = re.compile(r"([^\W\d_]+(?:[ '’-][^\W\d_]+)*),\s*(?:[^\W\d_]{1,2}\.[\s-]*)+")
_JOINER = re.compile(r"^(?:and|&|et|und|y)\s+")


def references(tree: etree._ElementTree) -> References:
    """The author surnames and citation hrefs of the page's reference list.

    The list is the ``li`` items (usually ``translate="no"``) under an element
    whose id or class is ``references``; an item's authors are what comes
    before its year in parentheses.
    """
    authors: dict[str, None] = {}
    citations: dict[str, None] = {}
    seen: set = set()
    for holder in tree.getroot().iter():
        if not isinstance(holder.tag, str):
            continue
        if holder.get("id") != "references" and "references" not in (holder.get("class") or "").split():
            continue
        for li in holder.iter("li"):
            if li in seen:
                continue
            seen.add(li)
            if li.get("id"):
                citations["#" + li.get("id")] = None
            text = "".join(li.itertext())
            names = text.split("(", 1)[0] if "(" in text else text
            for m in _AUTHOR.finditer(names):
                authors[_JOINER.sub("", m.group(1))] = None
    return References(tuple(authors), tuple(citations))


def read_references(page: Path) -> References:
    """The reference list of an article file."""
    try:
        data = page.read_bytes()
    except OSError as exc:
        raise ArticleError(f"cannot read {page}: {exc.strerror}") from None
    return references(parse(data, str(page)))


def _direction(code: str) -> str:
    from . import languages

    try:
        return languages.parse(code).direction
    except LocalizeError:
        return "ltr"
