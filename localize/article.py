"""Split an HTML article into units, and render it back from translations.

One walk serves both directions: :func:`walk` yields every unit of a parsed
page in document order; :func:`split` only reads them, :func:`render` puts
translations back in place as the walk goes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from . import markup
from .errors import ArticleError, LocalizeError
from .markup import INLINE_TAGS, local_name

# Never extracted, passed through untouched with everything inside them.
SKIPPED_TAGS = frozenset(
    "script style pre template svg math textarea iframe object embed canvas "
    "video audio map link base noframes".split()
)
# Attribute text readers see; each becomes a unit of its own.
TRANSLATABLE_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
# <meta name|property=…> whose content is shown by browsers and search engines.
TRANSLATABLE_META = frozenset(
    "description og:title og:description twitter:title twitter:description".split()
)
FAQ_QUESTION_TAGS = frozenset(("dt", "summary", "h3", "h4"))
_SPACE = " \t\n\r\f"  # HTML's whitespace; a no-break space is text


class Unit(NamedTuple):
    """One translatable piece of an article: its text, kind and source line."""

    text: str
    kind: str
    line: int


# -- parsing --------------------------------------------------------------------

def parse(data: bytes | str, name: str = "<page>") -> etree._ElementTree:
    """Parse a page the way browsers do; refuse what the parser cannot read whole."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        encoding = None  # let the parser follow the page's own <meta charset>
    parser = etree.HTMLParser(encoding=encoding, remove_comments=False,
                              remove_blank_text=False, no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.LxmlError as exc:
        raise ArticleError(f"{name}: cannot parse HTML: {exc}") from None
    for err in parser.error_log:
        if err.level_name == "FATAL" or err.type_name == "ERR_RESOURCE_LIMIT":
            raise ArticleError(f"{name}:{err.line}: cannot read the page whole: {err.message}")
    if root is None:
        raise ArticleError(f"{name}: the page is empty")
    _hoist_void_content(root)
    return root.getroottree()


def _hoist_void_content(root) -> None:
    """Move what the parser put inside a void element (``<wbr>``) after it, as browsers do."""
    for el in root.iter(*markup.VOID_TAGS):
        if el.text or len(el):
            parent, index = el.getparent(), el.getparent().index(el)
            moved = list(el)
            tail = el.tail
            el.tail = el.text
            el.text = None
            for offset, child in enumerate(moved, 1):
                parent.insert(index + offset, child)
            if moved:
                moved[-1].tail = (moved[-1].tail or "") + (tail or "")
            else:
                el.tail = (el.tail or "") + (tail or "")


def serialize(tree: etree._ElementTree) -> str:
    return etree.tostring(tree, method="html", encoding="unicode") + "\n"


# -- the walk -------------------------------------------------------------------

class TextUnit:
    """A run of inline content in one element; it can put a translation in its place."""

    __slots__ = ("parent", "prev", "nodes", "text", "kind", "line")

    def __init__(self, parent, prev, nodes, text, kind, line):
        self.parent, self.prev, self.nodes = parent, prev, nodes
        self.text, self.kind, self.line = text, kind, line

    def _slot(self) -> str:
        return (self.parent.text if self.prev is None else self.prev.tail) or ""

    def _set_slot(self, value: str | None) -> None:
        if self.prev is None:
            self.parent.text = value
        else:
            self.prev.tail = value

    def apply(self, translation: str) -> None:
        """Replace the run's content with a translation, keeping its outer whitespace."""
        first = self._slot()
        last = self.nodes[-1].tail or "" if self.nodes else first
        lead = first[: len(first) - len(first.lstrip(_SPACE))]
        trail = last[len(last.rstrip(_SPACE)):] if last.strip(_SPACE) else ""
        if not self.nodes and "<" not in translation:  # plain text: nothing to match
            self._set_slot(lead + (html.unescape(translation) if "&" in translation else translation) + trail)
            return
        pieces = markup.texts_in_order(translation, self.text)
        slots = _text_slots(self.nodes) if pieces is not None else None
        if slots is not None and len(slots) == len(pieces) - 1:
            # the same tags in the same order: the text goes into the elements in place
            self._set_slot(lead + pieces[0] + ("" if slots else trail))
            for number, ((element, where), piece) in enumerate(zip(slots, pieces[1:]), 1):
                setattr(element, where, (piece + trail if number == len(slots) else piece) or None)
            return
        fragment = markup.build(translation, markup.inline_elements(self.nodes))
        index = 0 if self.prev is None else self.parent.index(self.prev) + 1
        for node in self.nodes:
            self.parent.remove(node)
        new = list(fragment)
        self._set_slot(lead + (fragment.text or "") + (trail if not new else ""))
        for offset, node in enumerate(new):
            self.parent.insert(index + offset, node)
        if new:
            new[-1].tail = (new[-1].tail or "") + trail
        self.nodes = new

    def mark_language(self, lang: str, direction: str | None = None) -> None:
        """Say that this run is still in the source language: on its element, or on a span around it.

        ``direction`` is set too when the page's direction differs from the source's.
        """
        if self.prev is None and len(self.parent) == len(self.nodes):  # the run is all the element holds
            self.parent.set("lang", lang)
            if direction:
                self.parent.set("dir", direction)
            return
        span = etree.Element("span", lang=lang)
        if direction:
            span.set("dir", direction)
        first = self._slot()
        body = first.lstrip(_SPACE)
        self._set_slot(first[: len(first) - len(body)])
        index = 0 if self.prev is None else self.parent.index(self.prev) + 1
        for node in self.nodes:
            span.append(node)  # moves it, with its tail
        if len(span):
            span.text = body
            last = span[-1]
            tail = last.tail or ""
            last.tail = tail.rstrip(_SPACE)
            span.tail = tail[len(last.tail):]
        else:
            span.text = body.rstrip(_SPACE)
            span.tail = body[len(span.text):]
        self.parent.insert(index, span)
        self.nodes = [span]


def _text_slots(nodes: list) -> list[tuple[object, str]] | None:
    """Where a run's text goes, in document order: each element's text (unless void), then its tail.

    These are the places between the tags of the unit's text, one for one. None
    when the run holds a comment or a ``translate`` attribute (its text differs
    from its tree there, or its content is not the translator's).
    """
    slots: list[tuple[object, str]] = []

    def visit(element) -> bool:
        if not isinstance(element.tag, str) or element.get("translate") is not None:
            return False
        if _name(element.tag) not in markup.VOID_TAGS:
            slots.append((element, "text"))
            for child in element:
                if not visit(child):
                    return False
        slots.append((element, "tail"))
        return True

    return slots if all(visit(node) for node in nodes) else None


class AttributeUnit:
    """A translatable attribute of one element."""

    __slots__ = ("element", "attribute", "text", "kind", "line")

    def __init__(self, element, attribute, text, kind, line):
        self.element, self.attribute = element, attribute
        self.text, self.kind, self.line = text, kind, line

    def apply(self, translation: str) -> None:
        # attribute values are text: the parser decodes entities, lxml escapes on output
        self.element.set(self.attribute, html.unescape(translation))

    def mark_language(self, lang: str, direction: str | None = None) -> None:
        """An attribute cannot carry its own language; nothing to mark."""


def walk(tree: etree._ElementTree, visit: Callable[[TextUnit | AttributeUnit], None]) -> None:
    """Call ``visit`` with every unit of a page, in document order.

    ``visit`` may call ``apply`` on the unit it is given; the walk then goes on
    over the new content (the attribute units of the inline elements it put in).
    """
    root = tree.getroot()
    _walk(root, local_name(root.tag), _translates(root, True), 0, visit)


def _translates(el, inherited: bool) -> bool:
    value = el.get("translate")
    if value is None:
        return inherited
    return value.strip().lower() != "no"


_NAMES: dict[str, str] = {}
_IN_FAQ, _IN_ANSWER = 1, 2  # 0: outside any FAQ


def _name(tag: str) -> str:
    name = _NAMES.get(tag)
    if name is None:
        name = _NAMES[tag] = local_name(tag)
    return name


def _walk(el, name: str, translate: bool, faq: int, visit) -> None:
    """The units of one element that is not inline: runs of inline content, and its blocks."""
    if translate and (name == "meta" or el.keys()):
        _attribute_units(el, name, visit)
    if not len(el):  # a leaf block, the most common unit: no run to gather
        text = el.text
        if translate and text and not text.isspace():
            visit(TextUnit(el, None, [], markup.escape_text(markup.normalize_space(text)).strip(" "),
                           _kind(el, name, faq), el.sourceline or 0))
        return
    run: list = []
    prev = None
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):  # a comment or processing instruction travels with its run
            run.append(child)
            continue
        child_name = _NAMES.get(tag) or _name(tag)
        if child_name in INLINE_TAGS or "-" in child_name:  # custom elements are inline
            run.append(child)
            continue
        if run:
            _run_units(el, name, prev, run, translate, faq, visit)
            run = []
        else:
            text = el.text if prev is None else prev.tail
            if text and not text.isspace():
                _run_units(el, name, prev, run, translate, faq, visit)
        prev = child
        if child_name not in SKIPPED_TAGS:
            child_faq = faq
            classes = child.get("class")
            if classes and "faq" in classes.split():
                child_faq = _IN_FAQ
            elif faq and child_name == "dd":
                child_faq = _IN_ANSWER
            child_translate = translate if child.get("translate") is None else _translates(child, translate)
            _walk(child, child_name, child_translate, child_faq, visit)
    if run:
        _run_units(el, name, prev, run, translate, faq, visit)
    else:
        text = el.text if prev is None else prev.tail
        if text and not text.isspace():
            _run_units(el, name, prev, run, translate, faq, visit)


def _run_units(el, name: str, prev, nodes: list, translate: bool, faq: int, visit) -> None:
    if not translate:
        return
    first = el.text if prev is None else prev.tail
    if nodes:
        text = markup.serialize(first, nodes)
        own = bool(text) and _has_own_text(first, nodes)
    else:
        own = bool(first) and not first.isspace()
        text = markup.escape_text(markup.normalize_space(first)).strip(" ") if own else ""
    if own:
        if prev is None:
            line = el.sourceline
        elif nodes and isinstance(nodes[0].tag, str):
            line = nodes[0].sourceline
        else:
            line = prev.sourceline
        unit = TextUnit(el, prev, nodes, text, _kind(el, name, faq), line or 0)
        visit(unit)
        nodes = unit.nodes
    if nodes:
        for element in markup.inline_elements(nodes):
            if element.keys() and element.get("translate", "").strip().lower() != "no":
                _attribute_units(element, _name(element.tag), visit)


def _has_own_text(first: str | None, nodes: list) -> bool:
    """A run is a unit only if it has text a translator can change."""
    if first and not first.isspace():
        return True
    for node in nodes:
        if node.tail and not node.tail.isspace():
            return True
        if isinstance(node.tag, str) and node.get("translate", "").strip().lower() != "no":
            if _name(node.tag) not in SKIPPED_TAGS and _has_own_text(node.text, list(node)):
                return True
    return False


def _attribute_units(el, name: str, visit) -> None:
    if name == "meta":
        key = (el.get("name") or el.get("property") or "").strip().lower()
        content = el.get("content")
        if key in TRANSLATABLE_META and content and content.strip():
            visit(AttributeUnit(el, "content", markup.escape_text(markup.normalize_space(content).strip()),
                                f"meta {key}", el.sourceline or 0))
        return
    for attr in TRANSLATABLE_ATTRIBUTES:
        value = el.get(attr)
        if value and value.strip():
            visit(AttributeUnit(el, attr, markup.escape_text(markup.normalize_space(value).strip()),
                                f"{name} {attr}", el.sourceline or 0))


def _kind(el, name: str, faq: int) -> str:
    """What a unit is, for translators: its element, or its role in the article."""
    classes = el.get("class")
    if classes:
        for role in ("kicker", "byline"):
            if role in classes.split():
                return role
    if faq:
        if name in FAQ_QUESTION_TAGS:
            return "faq question"
        if faq == _IN_ANSWER or name in ("p", "dd"):
            return "faq answer"
    return name


# -- the two directions ----------------------------------------------------------

def split(tree: etree._ElementTree) -> list[Unit]:
    """Every unit of a page, in document order (duplicates included)."""
    units: list[Unit] = []
    add = units.append
    walk(tree, lambda u: add(Unit(u.text, u.kind, u.line)))
    return units


def render(
    tree: etree._ElementTree,
    translate: Callable[[str], str | None] | Mapping[str, str],
    *,
    source_language: str,
    target_language: str,
    direction: str = "ltr",
) -> etree._ElementTree:
    """Put translations into the page, in place; return the same tree.

    A unit without translation keeps its source text and, when the target
    language differs from the source, says so with ``lang``.
    """
    lookup = translate.get if isinstance(translate, Mapping) else translate
    mark = target_language != source_language
    source_direction = _direction(source_language) if mark else direction
    turn = source_direction if source_direction != direction else None

    def visit(unit: TextUnit | AttributeUnit) -> None:
        translation = lookup(unit.text)
        if translation:
            unit.apply(translation)
        elif mark:
            unit.mark_language(source_language, turn)

    walk(tree, visit)
    root = tree.getroot()
    root.set("lang", target_language)
    if root.get("{http://www.w3.org/XML/1998/namespace}lang") is not None:
        root.set("{http://www.w3.org/XML/1998/namespace}lang", target_language)
    elif root.get("xml:lang") is not None:
        root.set("xml:lang", target_language)
    if direction == "rtl" or root.get("dir") is not None:
        root.set("dir", direction)
    return tree


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
