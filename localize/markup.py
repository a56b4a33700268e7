"""The inline markup of one unit: serialize it, read it back, keep it safe.

A unit's text is an HTML fragment: text escaped as HTML escapes it (``&amp;``,
``&lt;``, ``&gt;``) and the unit's inline elements written as tags. A
translation may use the inline elements of its source unit, in any order, and
change in them only what a translator needs to (:func:`match`): the text of
human-readable attributes, a link to the localized page or to a renamed
anchor, ``lang``/``dir``. A translation with any other markup is refused
whole (:class:`Refused`); it is never shown as text.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from lxml import etree

from .said import said

# Elements that live inside a unit's text. Unknown (custom) elements are
# inline too, as browsers treat them.
INLINE_TAGS = frozenset(
    "a abbr acronym b bdi bdo big br button cite code data del dfn em font i img "
    "input ins kbd label mark meter output progress q rb rp rt rtc ruby s samp "
    "small span strike strong sub sup time tt u var wbr".split()
)
VOID_TAGS = frozenset("area base br col embed hr img input link meta source track wbr".split())

_WS = re.compile(r"[ \t\n\r\f]+")
_TAG = re.compile(
    r"""<(/?)([A-Za-z][A-Za-z0-9:_-]*)((?:\s+[^\s/>"'=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(/?)>"""
)
_ATTR = re.compile(r"""([^\s/>"'=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


def local_name(tag: str) -> str:
    """The element's name without namespace or prefix, lower case."""
    if tag[0] == "{":
        tag = tag.rpartition("}")[2]
    return tag.rpartition(":")[2].lower()


def escape_text(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def escape_attr(value: str) -> str:
    return (value.replace("&", "&amp;").replace('"', "&quot;")
            .replace("<", "&lt;").replace(">", "&gt;"))


# What an XML tree (lxml) cannot hold: C0 controls but tab, line feed and
# carriage return, lone surrogates, and the noncharacters U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text an XML document can hold: a character it cannot (which a catalog may) as U+FFFD."""
    return text if text.isprintable() else _NOT_XML.sub("\ufffd", text)


def unescape(text: str) -> str:
    """A piece of unit text as the text it stands for: entities decoded, and any character a page
    cannot hold (a noncharacter written into a catalog) shown as U+FFFD."""
    if "&" in text:
        text = html.unescape(text)
    return xml_text(text)


def normalize_space(text: str) -> str:
    """Collapse runs of HTML whitespace (not no-break spaces) into one space."""
    if "\n" in text or "\t" in text or "  " in text or "\r" in text or "\f" in text:
        return _WS.sub(" ", text)
    return text


def start_tag(el) -> str:
    """The start tag of an element as a unit writes it."""
    name = local_name(el.tag)
    attrs = "".join(f' {k}="{escape_attr(v)}"' for k, v in el.attrib.items())
    return f"<{name}{attrs}>"


def serialize(text: str | None, nodes: Iterable) -> str:
    """A run of inline content (leading text, then elements with their tails) as unit text."""
    out = _Writer()
    out.text(text)
    for node in nodes:
        _serialize_node(node, out)
    return out.result()


class _Writer:
    """Collects tags and text; adjacent text (around a dropped comment) is joined."""

    __slots__ = ("parts", "pending")

    def __init__(self):
        self.parts: list[str] = []
        self.pending: list[str] = []

    def text(self, value: str | None) -> None:
        if value:
            self.pending.append(value)

    def tag(self, value: str) -> None:
        self._flush()
        self.parts.append(value)

    def _flush(self) -> None:
        if self.pending:
            self.parts.append(escape_text(normalize_space("".join(self.pending))))
            self.pending.clear()

    def result(self) -> str:
        self._flush()
        return "".join(self.parts).strip(" ")


def _serialize_node(node, out: _Writer) -> None:
    if isinstance(node.tag, str):
        name = local_name(node.tag)
        out.tag(start_tag(node))
        if name not in VOID_TAGS:
            out.text(node.text)
            for child in node:
                _serialize_node(child, out)
            out.tag(f"</{name}>")
    # comments and processing instructions inside a unit are not part of its text
    out.text(node.tail)


# -- reading a unit's text back -------------------------------------------------

class Tag(NamedTuple):
    """One tag of a unit's text: its position, name and attributes."""

    start: int
    end: int
    name: str
    attrs: tuple[tuple[str, str], ...]
    closing: bool
    self_closing: bool

    @property
    def key(self) -> tuple[str, frozenset]:
        return self.name, frozenset(self.attrs)


def tags(text: str) -> list[Tag]:
    """Every tag in a unit's text, in order."""
    found = []
    for m in _TAG.finditer(text):
        attrs = tuple(
            (a.group(1).lower(), html.unescape(next((g for g in a.group(2, 3, 4) if g is not None), "")))
            for a in _ATTR.finditer(m.group(3))
        )
        found.append(Tag(m.start(), m.end(), m.group(2).lower().rpartition(":")[2], attrs,
                         bool(m.group(1)), bool(m.group(4))))
    return found


def protected(attrs) -> bool:
    """Whether an element (or its attributes) says ``translate="no"``: its content is never translated."""
    return (attrs.get("translate") or "").strip().lower() == "no"


def inline_elements(nodes: Iterable) -> list:
    """Every element of a run, depth first, in document order.

    The content of a ``translate="no"`` element is not the translator's to
    change, so its descendants are not listed.
    """
    found = []
    for node in nodes:
        if isinstance(node.tag, str):
            found.append(node)
            if not protected(node):
                found.extend(inline_elements(node))
    return found


def _pair(tokens: list[Tag]) -> dict[int, int]:
    """Pair start and end tags that nest properly; {start index: end index}."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for i, tok in enumerate(tokens):
        if tok.closing:
            for depth in range(len(stack) - 1, -1, -1):
                if tokens[stack[depth]].name == tok.name:
                    pairs[stack[depth]] = i
                    del stack[depth:]
                    break
        elif tok.name in VOID_TAGS or tok.self_closing:
            pairs[i] = i
        else:
            stack.append(i)
    return pairs


# In the text of a translation, the start of a tag, comment or declaration that the tag grammar did not read.
_TAG_LIKE = re.compile(r"<[A-Za-z/!?]")


class Refused(Exception):
    """A translation whose markup cannot be put into the page safely; the reason says why."""


def build(translation: str, sources: Sequence, links: Mapping[str, str] | None = None
          ) -> tuple[etree._Element, list[tuple[object, object]]]:
    """A translation as a ``<div>`` holding text and copies of source elements, with (copy, source) pairs.

    Each start tag of the translation is paired (:func:`match`) with an element
    of the source run of the same name; the copy takes the source element's
    attributes, changed only where a translator may change them (and, under
    ``translate="no"``, the source's content). A translation with any other
    tag, or tags badly nested, is refused: its markup is never shown as text,
    nor obeyed.
    """
    tokens, pairs, matched = _taken(translation, [(local_name(el.tag), el.attrib) for el in sources], links)
    closers = {pairs[i]: i for i in matched if pairs[i] != i}

    root = etree.Element("div")
    stack = [root]
    made: list[tuple[object, object]] = []

    def add_text(s: str) -> None:
        if not s:
            return
        parent = stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + s
        else:
            parent.text = (parent.text or "") + s

    pos = i = 0
    while i < len(tokens):
        tok = tokens[i]
        add_text(unescape(translation[pos:tok.start]))
        pos = tok.end
        if i in matched:
            src = sources[matched[i]]
            el = etree.SubElement(stack[-1], src.tag, _attributes(src.attrib, tok))
            made.append((el, src))
            if protected(src):
                # protected content comes from the source, whatever the translation holds (even <code/>)
                el.text = src.text
                for child in src:
                    el.append(copy.deepcopy(child))
                if pairs[i] != i:
                    i = pairs[i]
                    pos = tokens[i].end
            elif pairs[i] != i:
                stack.append(el)
        elif i in closers:
            stack.pop()
        else:   # a closing tag of an element the translation could not open: refused above
            raise Refused(f"badly nested: {translation[tok.start:tok.end]}")
        i += 1
    add_text(unescape(translation[pos:]))
    return root, made


def _taken(translation: str, sources: Sequence[tuple[str, Mapping[str, str]]], links: Mapping[str, str] | None
           ) -> tuple[list[Tag], dict[int, int], dict[int, int]]:
    """A translation's tags, their pairs and the source element each start tag stands for; raises
    :class:`Refused` when the markup cannot go into the page as it is."""
    tokens = tags(translation)
    pos = 0
    for tok in (*tokens, None):
        between = translation[pos:tok.start if tok is not None else len(translation)]
        odd = _TAG_LIKE.search(between)
        if odd is not None:   # what a browser would read as markup, and we cannot: never shown as text
            raise Refused(f"markup that cannot be read: {between[odd.start():odd.start() + 40]!r}")
        pos = tok.end if tok is not None else pos
    pairs = _pair(tokens)
    matched, reason = match(sources, tokens, links, pairs)
    if reason is not None:
        raise Refused(reason)
    ends = set(pairs.values())
    for i, tok in enumerate(tokens):
        if i not in ends if tok.closing else i not in pairs:
            raise Refused(f"badly nested: {translation[tok.start:tok.end]}")
    return tokens, pairs, matched


def refusal(source: str, translation: str, links: Mapping[str, str] | None = None) -> str | None:
    """Why a page would show a unit's source instead of this translation (None: it takes it)."""
    if "<" not in translation and "<" not in source:
        return None
    if _RAW_TAG.findall(translation) == _RAW_TAG.findall(source):
        return None   # the source's very tags: the text goes in place
    opened = [(t.name, dict(t.attrs)) for t in tags(source) if not t.closing]
    try:
        _taken(translation, opened, links)
    except Refused as refused:
        return str(refused)
    return None


def _attributes(source: Mapping[str, str], tok: Tag) -> dict[str, str]:
    """A copy's attributes: the source element's, with the changes :func:`match` let the translation make."""
    attrs = dict(source)
    given = dict(tok.attrs)
    for name in [k for k in attrs if k.lower() not in given]:
        del attrs[name]
    for name, value in given.items():
        attrs[name] = _NOT_XML.sub("\ufffd", value)
    return attrs


# -- what a translation may change in its markup ------------------------------------

# The text of these attributes is for readers (HTML's human-readable attributes): a translator changes it.
TEXT_ATTRIBUTES = frozenset(
    "abbr alt aria-description aria-label aria-placeholder aria-roledescription aria-valuetext "
    "label placeholder summary title".split()
)
# A translation may say that a piece of it is in another language, or runs in another direction.
LANGUAGE_ATTRIBUTES = frozenset(("lang", "dir", "xml:lang"))
# Anchors may be renamed (footnotes renumbered); the links to them are checked over the whole page.
ANCHOR_ATTRIBUTES = frozenset(("id", "name"))
BUTTON_TYPES = frozenset(("button", "submit", "reset"))
_LANGUAGE_VALUE = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|")
_DIRECTIONS = frozenset(("ltr", "rtl", "auto"))
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_URL_JUNK = re.compile(r"[\x00-\x20\x7f]+")


def is_text_attribute(element: str, name: str, attrs: Mapping[str, str]) -> bool:
    """Whether an attribute's value is text for readers: the human-readable ones, and a button's label."""
    if name in TEXT_ATTRIBUTES:
        return True
    return name == "value" and element == "input" and (attrs.get("type") or "").strip().lower() in BUTTON_TYPES


def link_change(old: str, new: str, links: Mapping[str, str] | None = None) -> str | None:
    """Why a link may not point at ``new`` instead of ``old`` (None: it may).

    It may point at the target's localized counterpart (a ``links`` mapping or a
    relative URL such as ``install.es.html``), another page of the same site, or
    an anchor of the page (which the render checks exists).
    """
    if links and links.get(old) == new:
        return None
    bare = _URL_JUNK.sub("", new)
    scheme = _SCHEME.match(bare)
    if bare.startswith("#"):
        return None
    if scheme is None and not bare.startswith(("//", "\\\\", "/\\", "\\/")):
        return None   # relative: the same site
    if scheme is not None and scheme.group(1).lower() in ("http", "https", "ftp"):   # a mail address has no site
        if _site(old) is not None and _site(old) == _site(new):
            return None
    return said('href points elsewhere: "%(old)s" -> "%(new)s"', old=old, new=new)


def _site(url: str) -> tuple[str, str] | None:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    return parts.scheme.lower(), parts.netloc.lower()


def attribute_change(element: str, source: Mapping[str, str], name: str, old: str | None, new: str | None,
                     links: Mapping[str, str] | None = None) -> str | None:
    """Why a translation may not change attribute ``name`` of an inline element from ``old`` to ``new``
    (None stands for absent); None when it may."""
    if is_text_attribute(element, name, source):
        return None
    if name in LANGUAGE_ATTRIBUTES and new is not None:
        ok = new.strip().lower() in _DIRECTIONS if name == "dir" else _LANGUAGE_VALUE.fullmatch(new.strip())
        if ok:
            return None
    if name in ANCHOR_ATTRIBUTES and old is not None and new and new.strip() and not new.isspace():
        return None
    if name == "href" and old is not None and new is not None:
        return link_change(old, new, links)
    if new is None:
        return said('%(name)s="%(value)s" is missing', name=name, value=old)
    if old is None:
        return said('%(name)s="%(value)s" is not in the source', name=name, value=new)
    return said('%(name)s changed: "%(old)s" -> "%(new)s"', name=name, old=old, new=new)


def attributes_change(element: str, source: Mapping[str, str], target: Mapping[str, str],
                      links: Mapping[str, str] | None = None) -> str | None:
    """Why an element of a translation may not have ``target`` attributes where its source has ``source``."""
    for name in dict.fromkeys((*source, *target)):
        old, new = source.get(name), target.get(name)
        if old != new:
            reason = attribute_change(element, source, name, old, new, links)
            if reason is not None:
                return reason
    return None


def match(sources: Sequence[tuple[str, Mapping[str, str]]], tokens: Sequence[Tag],
          links: Mapping[str, str] | None = None, pairs: Mapping[int, int] | None = None
          ) -> tuple[dict[int, int], str | None]:
    """Pair each start tag of a translation with a source element of the same name.

    An unused element with the very same attributes is taken first, else the
    first one whose attributes differ only as a translator may change them; an
    element may stand twice (a translation that repeats a name). Returns
    {token index: source index} and, when a tag has no such element, why.
    Given the tags' ``pairs`` (:func:`_pair`), the tags inside an element
    matched to a ``translate="no"`` one are not matched: its content will come
    from the source.
    """
    by_name: dict[str, list[int]] = {}
    for index, (name, _) in enumerate(sources):
        by_name.setdefault(name, []).append(index)
    used: set[int] = set()
    matched: dict[int, int] = {}
    inside_until = -1   # the end tag of the protected element being skipped
    for t, tok in enumerate(tokens):
        if tok.closing or t < inside_until:
            continue
        candidates = by_name.get(tok.name)
        if not candidates:
            return matched, said("%(tag)s is not in the source", tag=f"<{tok.name}>")
        attrs = dict(tok.attrs)
        # unused elements first; then one used already (a translation may say a name twice, as languages do)
        ordered = [c for c in candidates if c not in used] + [c for c in candidates if c in used]
        best = next((c for c in ordered if dict(sources[c][1]) == attrs), None)
        first_reason = None
        if best is None:
            for c in ordered:
                reason = attributes_change(tok.name, sources[c][1], attrs, links)
                if reason is None:
                    best = c
                    break
                first_reason = first_reason or reason
        if best is None:
            return matched, first_reason
        used.add(best)
        matched[t] = best
        if pairs is not None and protected(sources[best][1]):
            inside_until = pairs.get(t, t)
    return matched, None


_RAW_TAG = re.compile(r"<[^<>]*>")


def texts_in_order(translation: str, source_text: str) -> list[str] | None:
    """The text between the tags of a translation that keeps every tag of its source as written, in order.

    Such a translation has the source's very structure, so its text can go into
    the source's own elements. None when the tags differ in any way.
    """
    raw = _RAW_TAG.findall(translation)
    if raw != _RAW_TAG.findall(source_text):
        return None
    return [unescape(text) for text in _RAW_TAG.split(translation)]

def raw_tags(text: str) -> list[str]:
    """Every tag of a unit's text as written, in order; cheaper than :func:`tags`."""
    return [m.group() for m in _TAG.finditer(text)]


def without_tags(text: str, replacement: str = "") -> str:
    """A unit's text with every tag replaced (entities are left as they are)."""
    return _TAG.sub(replacement, text)
