"""The inline markup of one unit: serialize it, read it back, keep it safe.

A unit's text is an HTML fragment: text escaped as HTML escapes it (``&amp;``,
``&lt;``, ``&gt;``) and the unit's inline elements written as tags. A
translation may use exactly the inline elements of its source unit (same tag,
same attributes, in any order); any other tag it holds comes back as text.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from lxml import etree

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


def unescape(text: str) -> str:
    """A piece of unit text as the text it stands for: entities decoded, and any character a page
    cannot hold (a noncharacter written into a catalog) shown as U+FFFD."""
    if "&" in text:
        text = html.unescape(text)
    return text if text.isprintable() else _NOT_XML.sub("\ufffd", text)


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


def element_key(el) -> tuple[str, frozenset]:
    return local_name(el.tag), frozenset(el.attrib.items())


def inline_elements(nodes: Iterable) -> list:
    """Every element of a run, depth first, in document order.

    The content of a ``translate="no"`` element is not the translator's to
    change, so its descendants are not listed.
    """
    found = []
    for node in nodes:
        if isinstance(node.tag, str):
            found.append(node)
            if node.get("translate", "").strip().lower() != "no":
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


def build(translation: str, sources: Sequence) -> etree._Element:
    """A translation as a ``<div>`` holding text and copies of source elements.

    A tag becomes an element only when it is properly nested and the source run
    has an unused element with the same name and attributes; then the copy takes
    the source element's attributes (and, under ``translate="no"``, its content).
    Every other tag is kept as literal text, so it is shown, never obeyed.
    """
    tokens = tags(translation)
    pairs = _pair(tokens)
    pool: dict[tuple, list] = {}
    for el in sources:
        pool.setdefault(element_key(el), []).append(el)
    accepted: dict[int, object] = {}  # token index -> source element
    for i in sorted(pairs):
        candidates = pool.get(tokens[i].key)
        if candidates and not tokens[i].closing:
            accepted[i] = candidates.pop(0)
    closers = {pairs[i]: i for i in accepted if pairs[i] != i}

    root = etree.Element("div")
    stack = [root]

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
        if i in accepted:
            src = accepted[i]
            el = etree.SubElement(stack[-1], src.tag, dict(src.attrib))
            if src.get("translate", "").strip().lower() == "no":
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
        else:
            add_text(_NOT_XML.sub("\ufffd", translation[tok.start:tok.end]))
        i += 1
    add_text(unescape(translation[pos:]))
    return root


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
