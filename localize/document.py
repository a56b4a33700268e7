"""A page as a tree and back: parsed as browsers read it, refused whole when it cannot be read, and
written out as it was given (its prolog, its URLs, its comments)."""

from __future__ import annotations

import re
import secrets

from lxml import etree

from . import markup
from .errors import ArticleError

# Far above any article (the seed is 11 kB, long encyclopedia pages a few MB):
# a bigger file is refused before any parsing, instead of tying up a worker.
MAX_PAGE_BYTES = 10 * 1024 * 1024
# Characters no article holds and no catalog may (GNU gettext and our own PO
# reader refuse them): NUL and the C0 and DEL controls, tab, line feed, form
# feed and carriage return aside.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes(0 if (b < 32 and b not in b"\t\n\x0c\r") or b == 127 else 1 for b in range(256))
# An internal DTD subset: entity declarations, which HTML does not have and
# browsers show as text ("]>"); the place of billion-laughs and external entities.
_INTERNAL_SUBSET = re.compile(r"(?:\s|<!--.*?-->|<\?[^>]*>)*<!DOCTYPE\b[^>\[]*\[", re.I | re.S)
# <meta charset=…> or <meta http-equiv=Content-Type content="…; charset=…"> in the
# first 1024 bytes, where browsers look for it.
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
_UTF = ("utf-8", "utf8", "unicode-1-1-utf-8", "utf-16", "utf-16le", "utf-16be", "utf-32")
_LIMITS = (("Excessive depth", "elements nested too deep (depth over 256)"),
           ("Buffer size limit", "a text or attribute too long"),
           ("Huge input lookup", "a text or attribute too long"))


def parse(data: bytes | str, name: str = "<page>") -> etree._ElementTree:
    """Parse a page the way browsers do; refuse what the parser cannot read whole.

    A byte-order mark decides the encoding (UTF-8 or UTF-16, whatever a
    ``<meta charset>`` says), else UTF-8 if the bytes are UTF-8, else the
    legacy charset the page declares; the page then says ``utf-8``, as it is
    written out. Refused, naming the page (and the line): a page over 10 MB,
    bytes that are not in the encoding the page claims, NUL and control
    characters, entity declarations, and nesting deeper than 256.
    """
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > MAX_PAGE_BYTES:
        raise ArticleError(f"{name}: {len(data) / 1048576:.1f} MB is too big for an article "
                           f"(at most {MAX_PAGE_BYTES // 1048576} MB)")
    text, data = _decode(data, name)
    if text is not None:
        if b"\x00" in data.translate(_CONTROL_BYTES):
            bad = _CONTROL.search(text)
            hint = " (a UTF-16 page without a byte-order mark?)" if bad.group() == "\x00" else ""
            raise ArticleError(f"{name}:{_line(text, bad.start())}: control character "
                               f"U+{ord(bad.group()):04X} in the page{hint}")
        subset = _INTERNAL_SUBSET.match(text)
        if subset is not None:
            raise ArticleError(f"{name}:{_line(text, subset.end())}: the DOCTYPE declares entities "
                               "(an internal subset), which HTML does not have: remove everything "
                               "between '[' and ']'")
    parser = etree.HTMLParser(encoding="utf-8" if text is not None else None, remove_comments=False,
                              remove_blank_text=False, no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.LxmlError as exc:
        raise ArticleError(f"{name}: cannot parse HTML: {exc}") from None
    for err in parser.error_log:
        if err.level_name == "FATAL" or err.type_name == "ERR_RESOURCE_LIMIT":
            message = next((clear for known, clear in _LIMITS if known in err.message), err.message.strip())
            raise ArticleError(f"{name}:{err.line}: cannot read the page whole: {message}")
    if root is None:
        raise ArticleError(f"{name}: the page is empty")
    _hoist_void_content(root)
    if text is not None:
        _note_prolog(root, text)
    head = text[:1024] if text is not None else ""
    declared = _META_CHARSET.search(head.encode("ascii", "replace")) if "charset" in head.lower() else None
    if declared is not None and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        _say_utf8(root)
    return root.getroottree()


def _say_utf8(root) -> None:
    """The page is text now, and is written out as UTF-8: its ``<meta charset>`` says so too."""
    for meta in root.iter("meta"):
        if meta.get("charset") is not None:
            meta.set("charset", "utf-8")
        elif (meta.get("http-equiv") or "").strip().lower() == "content-type":
            meta.set("content", "text/html; charset=utf-8")


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _decode(data: bytes, name: str) -> tuple[str | None, bytes]:
    """The page's text, and the page as UTF-8 without a byte-order mark: read in the encoding of its
    byte-order mark, else as UTF-8 when its bytes are UTF-8 (whatever the page declares), else in the
    legacy charset the page declares.

    (None, the bytes as they are) leaves a page in a charset Python does not know to the parser.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16-le" if data[:2] == b"\xff\xfe" else "utf-16-be"
        try:
            text = data[2:].decode(encoding)
        except UnicodeDecodeError as exc:
            line = data[2:2 + exc.start].decode(encoding, "replace").count("\n") + 1
            raise ArticleError(f"{name}:{line}: bytes that are not UTF-16, as the byte-order mark says "
                               "the page is") from None
        return text, text.encode("utf-8", "surrogatepass")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), data
    except UnicodeDecodeError as exc:
        bad, line = data[exc.start], data.count(b"\n", 0, exc.start) + 1
    declared = _META_CHARSET.search(data[:1024])
    label = declared.group(1).decode("ascii").lower() if declared else None
    if label is None or label.startswith(_UTF):
        if b"\x00" in data[:1024]:
            why = "and it holds NUL bytes (a UTF-16 page without a byte-order mark?)"
        elif label is None:
            why = "and no <meta charset> names another encoding"
        elif label.startswith("utf-16"):
            why = f"and a page in {label} needs a byte-order mark"
        else:
            why = "the charset the page declares"
        raise ArticleError(f"{name}:{line}: byte 0x{bad:02X} is not UTF-8, {why}") from None
    encoding = _legacy(label)
    if encoding is None:
        return None, data
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ArticleError(f"{name}:{line}: byte 0x{data[exc.start]:02X} is not {label}, "
                           "the charset the page declares") from None
    return text, text.encode("utf-8")


def _legacy(label: str) -> str | None:
    """Python's codec for a legacy charset label, as WHATWG maps it (Latin-1 is read as windows-1252)."""
    import codecs

    if label in ("iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "cp819",
                 "iso_8859-1", "windows-1252", "cp1252", "x-cp1252"):
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


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


# What the parser puts in a tree for a page without a doctype (libxml2 adds HTML 4.0's): the
# serializer then writes none, as the page had none.
_NO_DOCTYPE = "-//localize//no doctype//EN"
_DOCTYPE = re.compile(r"\s*(?:<\?xml[^>]*>\s*|<!--.*?-->\s*)*<!doctype\b", re.I | re.S)
_XML_DECLARATION = re.compile(r"\?xml\s[^>]*\?")
_ENCODING = re.compile(r"""(encoding\s*=\s*)(["'])([^"']*)\2""")
# Marks, in the tree, a comment the page has before its doctype (the tree keeps none there).
_BEFORE_DOCTYPE = "\ue000"
# Attributes whose values libxml2's HTML serializer percent-encodes, and the characters it leaves alone.
_URI_ATTRIBUTES = ("href", "src", "action")
_WITH_URI = etree.XPath("descendant-or-self::*[@href or @src or @action]")
_URI_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()@/:=?;#%&,+<>")


def _note_prolog(root, text: str) -> None:
    """Note what the tree cannot say of the page's prolog: that it has no doctype, or comments before it."""
    found = _DOCTYPE.match(text)
    if found is None:
        root.getroottree().docinfo.public_id = _NO_DOCTYPE
        return
    ahead = found.group().count("<!--")
    if ahead:
        comments = [n for n in root.itersiblings(preceding=True) if isinstance(n, etree._Comment)][::-1]
        for comment in comments[:ahead]:
            if not _XML_DECLARATION.fullmatch((comment.text or "").strip()):
                comment.text = _BEFORE_DOCTYPE + (comment.text or "")


def doctype(tree: etree._ElementTree) -> str:
    """The page's doctype as written out, or "" when the page has none."""
    info = tree.docinfo
    return "" if info.public_id == _NO_DOCTYPE else info.doctype


def serialize(tree: etree._ElementTree) -> str:
    """The page as HTML: its XML declaration and doctype as it had them (none added), attribute values as
    they are (URLs not percent-encoded), comments kept."""
    root = tree.getroot()
    parts = []
    before = [node for node in root.itersiblings(preceding=True)][::-1]
    declaration = next((n for n in before if isinstance(n, etree._Comment) and n.text
                        and _XML_DECLARATION.fullmatch(n.text.strip())), None)
    if declaration is not None:   # the parser reads an XML declaration as a comment
        text = declaration.text.strip()
        said = _ENCODING.search(text)
        if said is not None and said.group(3).lower() not in ("utf-8", "utf8"):   # the page is UTF-8 now
            text = _ENCODING.sub(r"\1\2utf-8\2", text)
        parts.append("<" + text + ">\n")
    ahead = [n for n in before if n is not declaration and isinstance(n, etree._Comment)
             and (n.text or "").startswith(_BEFORE_DOCTYPE)]
    parts.extend(f"<!--{n.text[len(_BEFORE_DOCTYPE):]}-->\n" for n in ahead)
    kind = doctype(tree)
    if kind:
        parts.append(kind + "\n")
    parts.extend(_html(n) for n in before if n is not declaration and n not in ahead)
    parts.append(_html(root))
    parts.extend(_html(n) for n in root.itersiblings())
    return "".join(parts) + "\n"


def _html(node) -> str:
    """One node as HTML, with URL attributes written as they are rather than percent-encoded."""
    if not isinstance(node.tag, str):
        return etree.tostring(node, method="html", encoding="unicode", with_tail=False)
    kept: list[tuple[object, str, str, str]] = []
    nonce = None
    for el in _WITH_URI(node):
        for attr in _URI_ATTRIBUTES:
            value = el.get(attr)
            if value is not None and not _URI_SAFE.issuperset(value):
                if nonce is None:
                    nonce = secrets.token_hex(8)
                token = f"lz{nonce}u{len(kept)}"
                kept.append((el, attr, value, token))
                el.set(attr, token)
    try:
        text = etree.tostring(node, method="html", encoding="unicode", with_tail=False)
    finally:
        for el, attr, value, _ in kept:
            el.set(attr, value)
    for _, _, value, token in kept:
        text = text.replace(f'"{token}"', f'"{markup.escape_attr(value)}"', 1)
    return text
