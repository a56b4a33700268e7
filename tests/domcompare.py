"""Compare two HTML pages as a reader's browser sees them, not byte for byte."""

import re

from lxml import etree

from localize.article import parse
from localize.markup import INLINE_TAGS, local_name

_WS = re.compile(r"[ \t\n\r\f]+")


def tokens(html):
    """The page as a list of tags and text; comments and layout whitespace dropped."""
    root = parse(html).getroot()
    out = []
    _walk(root, out)
    result = []
    for i, (kind, value) in enumerate(out):
        if kind != "text":
            result.append((kind, value))
            continue
        text = _WS.sub(" ", value)
        if _is_block(out, i - 1):
            text = text.lstrip()
        if _is_block(out, i + 1):
            text = text.rstrip()
        if text:
            result.append(("text", text))
    return result


def _is_block(out, i):
    if i < 0 or i >= len(out):
        return True
    kind, value = out[i]
    return kind in ("start", "end") and value[0] not in INLINE_TAGS


def _walk(el, out):
    if not isinstance(el.tag, str):
        _text(out, el.tail)
        return
    name = local_name(el.tag)
    attrs = tuple(sorted((local_name(k), v) for k, v in el.attrib.items()))
    out.append(("start", (name, attrs)))
    _text(out, el.text)
    for child in el:
        _walk(child, out)
    out.append(("end", (name,)))
    _text(out, el.tail)


def _text(out, text):
    if not text:
        return
    if out and out[-1][0] == "text":
        out[-1] = ("text", out[-1][1] + text)
    else:
        out.append(("text", text))


def serialized(tree):
    return etree.tostring(tree, method="html", encoding="unicode")
