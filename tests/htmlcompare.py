"""Pages as a browser reads them, for comparing them independently of localize's own parser.

A page is parsed with tinyhtml5 (the WHATWG HTML parsing algorithm, as
browsers run it), never with :mod:`localize.article`, so that a test built on
this module judges our parser and serializer instead of agreeing with them.

:func:`tokens` turns a page into a list of tokens a reader's browser would
tell apart: the doctype, comments (where they are), elements with their
attributes (values exact, order aside) and text. Whitespace is compared the
way it renders: runs of HTML whitespace are one space, and whitespace next to a
block boundary (where it shows nothing) is dropped; inside ``pre``,
``textarea``, ``script`` and ``style`` text is compared exactly.
"""

from __future__ import annotations

import difflib
import re
import xml.etree.ElementTree as ET

from tinyhtml5.parser import HTMLParser

_WS = re.compile(r"[ \t\n\r\f]+")  # HTML's whitespace: a no-break space is text

# Phrasing content (HTML § 3.2.5.2.5) and the obsolete inline elements pages still use:
# whitespace between two of these shows as a space.
PHRASING = frozenset(
    "a abbr area audio b bdi bdo br button canvas cite code data datalist del dfn em embed "
    "i iframe img input ins kbd label map mark math meter noscript object output picture "
    "progress q ruby rb rp rt rtc s samp select slot small span strong sub sup svg "
    "textarea time u var video wbr font tt big nobr acronym strike blink".split()
)
# Where whitespace is content, not layout.
VERBATIM = frozenset("pre textarea listing plaintext script style xmp".split())
_COMMENT = ET.Comment
_DOCTYPE = "<!DOCTYPE>"


def document(page: bytes | str):
    """The whole parsed document (doctype and comments outside ``<html>`` included).

    Bytes that are UTF-8 are read as UTF-8 (the encoding localize writes and
    reads first); other bytes go through the browser's encoding sniffing (a
    ``<meta charset>`` or ``http-equiv`` declaration), as a browser would.
    """
    if isinstance(page, bytes):
        data = page[3:] if page.startswith(b"\xef\xbb\xbf") else page
        try:
            page = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return HTMLParser(namespace_html_elements=False).parse(page, full_tree=True)


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def html_element(doc):
    return next(child for child in doc if isinstance(child.tag, str) and local(child.tag) == "html")


def raw_tokens(doc) -> list[tuple]:
    """The document in order: ('doctype', name, public, system), ('comment', data),
    ('start', name, attrs), ('end', name), ('text', text, verbatim)."""
    out: list[tuple] = []

    def text(value, verbatim):
        if value:
            if out and out[-1][0] == "text":
                out[-1] = ("text", out[-1][1] + value, verbatim)
            else:
                out.append(("text", value, verbatim))

    def walk(node, verbatim):
        if node.tag is _COMMENT:
            out.append(("comment", node.text or ""))
        elif node.tag == _DOCTYPE:
            out.append(("doctype", node.text, node.get("publicId"), node.get("systemId")))
        else:
            name = local(node.tag)
            attrs = tuple(sorted((local(k), v) for k, v in node.attrib.items()))
            out.append(("start", name, attrs))
            inner = verbatim or name in VERBATIM
            text(node.text, inner)
            for child in node:
                walk(child, inner)
            out.append(("end", name))
        text(node.tail, verbatim)

    for child in doc:
        walk(child, False)
    return out


def _boundary(items: list[tuple], i: int, step: int) -> bool:
    """Is the first token from i on (comments skipped) a block boundary?"""
    while 0 <= i < len(items) and items[i][0] == "comment":
        i += step
    if not 0 <= i < len(items):
        return True
    kind = items[i][0]
    if kind == "text":
        return False
    if kind == "doctype":
        return True
    return items[i][1] not in PHRASING


def tokens(page) -> list[tuple]:
    """The page as a reader tells it apart (see the module's docstring).

    ``page`` is bytes, text, or a document from :func:`document`.
    """
    doc = document(page) if isinstance(page, (bytes, str)) else page
    items = raw_tokens(doc)
    result: list[tuple] = []
    for i, item in enumerate(items):
        if item[0] != "text":
            result.append(item)
            continue
        _, value, verbatim = item
        if not verbatim:
            value = _WS.sub(" ", value)
            if _boundary(items, i - 1, -1):
                value = value.lstrip(" ")
            if _boundary(items, i + 1, 1):
                value = value.rstrip(" ")
        if value:
            result.append(("text", value))
    return result


def difference(actual: list[tuple], expected: list[tuple], context: int = 2) -> str | None:
    """A unified diff of two token lists, expected first ('-') and ours second ('+'); None if equal."""
    if actual == expected:
        return None
    lines = difflib.unified_diff([repr(t) for t in expected], [repr(t) for t in actual],
                                 "expected", "ours", n=context, lineterm="")
    return "\n".join(lines)
