"""Split an HTML article into units, and render it back from translations.

One walk serves both directions: :func:`walk` yields every unit of a parsed
page in document order; :func:`split` only reads them, :func:`render` puts
translations back in place as the walk goes.
"""

from __future__ import annotations

import re
import secrets
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
    "link base noframes".split()
)
# Attribute text readers see (markup.TEXT_ATTRIBUTES, a button's value) becomes a unit of its own,
# in the order the element has them.
# <meta name|property=…> whose content is shown by browsers and search engines.
TRANSLATABLE_META = frozenset(
    "description keywords og:title og:description og:site_name og:image:alt twitter:title "
    "twitter:description twitter:image:alt".split()
)
FAQ_QUESTION_TAGS = frozenset(("dt", "summary", "h2", "h3", "h4", "h5", "h6"))
_SPACE = " \t\n\r\f"  # HTML's whitespace; a no-break space is text


class Unit(NamedTuple):
    """One translatable piece of an article: its text, kind and source line."""

    text: str
    kind: str
    line: int


# -- parsing --------------------------------------------------------------------

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


# -- the walk -------------------------------------------------------------------

class TextUnit:
    """A run of inline content in one element; it can put a translation in its place."""

    __slots__ = ("parent", "prev", "nodes", "text", "kind", "line", "origins")

    def __init__(self, parent, prev, nodes, text, kind, line):
        self.parent, self.prev, self.nodes = parent, prev, nodes
        self.text, self.kind, self.line = text, kind, line
        self.origins: dict | None = None   # element of the translation -> the source element it copies

    def _slot(self) -> str:
        return (self.parent.text if self.prev is None else self.prev.tail) or ""

    def _set_slot(self, value: str | None) -> None:
        if self.prev is None:
            self.parent.text = value
        else:
            self.prev.tail = value

    def origin(self, element):
        """The source element an element of the applied translation stands for (itself if none)."""
        return self.origins.get(element, element) if self.origins else element

    def apply(self, translation: str, links: Mapping[str, str] | None = None) -> str | None:
        """Replace the run's content with a translation, keeping its outer whitespace.

        Returns why the translation's markup was refused (the run is then left as
        it was), or None once it is in place.
        """
        first = self._slot()
        last = self.nodes[-1].tail or "" if self.nodes else first
        lead = first[: len(first) - len(first.lstrip(_SPACE))]
        trail = last[len(last.rstrip(_SPACE)):] if last.strip(_SPACE) else ""
        if not self.nodes and "<" not in translation:  # plain text: nothing to match
            self._set_slot(lead + markup.unescape(translation) + trail)
            return None
        pieces = markup.texts_in_order(translation, self.text)
        slots = _text_slots(self.nodes) if pieces is not None else None
        if slots is not None and len(slots[0]) == len(pieces) - 1:
            # the same tags in the same order: the text goes into the elements in place
            places, comments = slots
            self._set_slot(lead + pieces[0] + ("" if places else trail))
            for number, ((element, where), piece) in enumerate(zip(places, pieces[1:]), 1):
                setattr(element, where, (piece + trail if number == len(places) else piece) or None)
            for comment in comments:   # its text went into the place before it
                comment.tail = None
            return None
        try:
            fragment, made = markup.build(translation, markup.inline_elements(self.nodes), links)
        except markup.Refused as refused:
            return str(refused)
        comments = [n for n in self.nodes if not isinstance(n.tag, str)]
        index = 0 if self.prev is None else self.parent.index(self.prev) + 1
        for node in self.nodes:
            self.parent.remove(node)
        new = list(fragment)
        for comment in comments:   # a translation cannot say where a comment goes: it keeps the run's end
            comment.tail = None
            new.append(comment)
        self._set_slot(lead + (fragment.text or "") + (trail if not new else ""))
        for offset, node in enumerate(new):
            self.parent.insert(index + offset, node)
        if new:
            new[-1].tail = (new[-1].tail or "") + trail
        self.nodes = new
        self.origins = dict(made)
        return None

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


def _text_slots(nodes: list) -> tuple[list[tuple[object, str]], list] | None:
    """Where a run's text goes, in document order (each element's text unless void, then its tail), and
    the run's comments.

    These are the places between the tags of the unit's text, one for one (a
    comment is not part of the text: the text around it goes before it). None
    when the run holds a ``translate`` attribute (its content is not the
    translator's).
    """
    slots: list[tuple[object, str]] = []
    comments: list = []

    def visit(element) -> bool:
        if not isinstance(element.tag, str):
            comments.append(element)
            return True
        if element.get("translate") is not None:
            return False
        if _name(element.tag) not in markup.VOID_TAGS:
            slots.append((element, "text"))
            for child in element:
                if not visit(child):
                    return False
        slots.append((element, "tail"))
        return True

    return (slots, comments) if all(visit(node) for node in nodes) else None


class AttributeUnit:
    """A translatable attribute of one element."""

    __slots__ = ("element", "attribute", "text", "kind", "line")

    def __init__(self, element, attribute, text, kind, line):
        self.element, self.attribute = element, attribute
        self.text, self.kind, self.line = text, kind, line

    def apply(self, translation: str, links: Mapping[str, str] | None = None) -> None:
        # attribute values are text: the parser decodes entities, the serializer escapes on output
        self.element.set(self.attribute, markup.unescape(translation))

    def mark_language(self, lang: str, direction: str | None = None) -> None:
        """An attribute cannot carry its own language; nothing to mark."""


def walk(tree: etree._ElementTree, visit: Callable[[TextUnit | AttributeUnit], None], *,
         references: bool = False) -> None:
    """Call ``visit`` with every unit of a page, in document order.

    ``visit`` may call ``apply`` on the unit it is given; the walk then goes on
    over the new content (the attribute units of the inline elements it put in).
    The reference list is not translated (as if ``translate="no"``) unless
    ``references`` is true or the list says ``translate="yes"``.
    """
    root = tree.getroot()
    _walk(root, local_name(root.tag), _translates(root, True), 0, visit, not references)


def _translates(el, inherited: bool) -> bool:
    value = el.get("translate")
    if value is None:
        return inherited
    return value.strip().lower() != "no"


def _holds_references(el) -> bool:
    if el.get("id") == "references":
        return True
    classes = el.get("class")
    return bool(classes) and "references" in classes.split()


def is_reference_list(el) -> bool:
    """Whether an element is the article's reference list: a list that is, or is inside, the element
    whose id or a class is ``references`` (its heading and introduction are translated)."""
    if _name(el.tag) not in ("ol", "ul", "dl"):
        return False
    return _holds_references(el) or any(map(_holds_references, el.iterancestors(etree.Element)))


_NAMES: dict[str, str] = {}
_IN_FAQ, _IN_ANSWER = 1, 2  # 0: outside any FAQ
HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
QUESTION_MARKS = "?\uff1f\u061f\u037e"   # ? ？ ؟ ;
# A heading that opens an article's FAQ: what follows it, up to a heading of its level, is questions and answers.
_FAQ_HEADING = re.compile(r"\bFAQs?\b|frequently[ -]asked[ -]questions|questions (?:and|&) answers|"
                          r"common questions|\bQ ?& ?A\b", re.I)


def _name(tag: str) -> str:
    name = _NAMES.get(tag)
    if name is None:
        name = _NAMES[tag] = local_name(tag)
    return name


def _asks(el) -> bool:
    """Whether an element's text is a question."""
    return "".join(el.itertext()).rstrip().endswith(tuple(QUESTION_MARKS))


def _opens_faq(child, child_name: str) -> bool:
    """Whether an element holds an FAQ by its structure: ``class``/``id`` ``faq``, schema.org ``FAQPage``
    microdata, a ``<dl>`` of questions, a ``<details>`` whose summary asks one."""
    classes = child.get("class")
    if classes and "faq" in classes.lower().split() or (child.get("id") or "").lower() == "faq":
        return True
    kind = child.get("itemtype")
    if kind and kind.rstrip("/").endswith("schema.org/FAQPage"):
        return True
    if child_name == "dl":
        terms = [dt for dt in child if isinstance(dt.tag, str) and _name(dt.tag) == "dt"]
        return bool(terms) and all(map(_asks, terms))
    if child_name == "details":
        summary = next((c for c in child if isinstance(c.tag, str) and _name(c.tag) == "summary"), None)
        return summary is not None and _asks(summary)
    return False


def _walk(el, name: str, translate: bool, faq: int, visit, lock_refs: bool) -> None:
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
    section = faq          # what the children are, as the headings among them say
    faq_level = 0          # the level of the heading that opened an FAQ among the children
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
            _run_units(el, name, prev, run, translate, section, visit)
            run = []
        else:
            text = el.text if prev is None else prev.tail
            if text and not text.isspace():
                _run_units(el, name, prev, run, translate, section, visit)
        prev = child
        if child_name in SKIPPED_TAGS:   # its content is not text for readers; its attributes may be
            if translate and child.keys() and _translates(child, True):
                _attribute_units(child, child_name, visit)
            continue
        if child_name in HEADINGS:
            level = int(child_name[1])
            if faq_level and level <= faq_level:
                section, faq_level = faq, 0
            text = "".join(child.itertext())
            asks = text.rstrip().endswith(tuple(QUESTION_MARKS))
            child_translate = _translates(child, translate)
            if not asks and _FAQ_HEADING.search(text):   # the FAQ's title: questions and answers follow
                _walk(child, child_name, child_translate, 0, visit, lock_refs)
                section, faq_level = _IN_FAQ, level
            elif section and (asks or level >= 3):      # a question: what follows, to the next heading, answers it
                _walk(child, child_name, child_translate, _IN_FAQ, visit, lock_refs)
                section = _IN_ANSWER
            elif section:                                # a title inside an FAQ
                _walk(child, child_name, child_translate, 0, visit, lock_refs)
                section = _IN_FAQ
            else:
                _walk(child, child_name, child_translate, 0, visit, lock_refs)
            continue
        child_faq = section
        if not section and _opens_faq(child, child_name):
            child_faq = _IN_FAQ
        elif section and name == "details":
            child_faq = _IN_FAQ if child_name == "summary" else _IN_ANSWER
        elif section and (child_name == "dd" or child.get("itemprop") in _ANSWERS):
            child_faq = _IN_ANSWER
        elif section and child_name == "details":
            child_faq = _IN_FAQ
        child_translate = translate if child.get("translate") is None else _translates(child, translate)
        if (child_translate and lock_refs and child_name in ("ol", "ul", "dl") and child.get("translate") is None
                and is_reference_list(child)):
            child_translate = False
        _walk(child, child_name, child_translate, child_faq, visit, lock_refs)
    if run:
        _run_units(el, name, prev, run, translate, section, visit)
    else:
        text = el.text if prev is None else prev.tail
        if text and not text.isspace():
            _run_units(el, name, prev, run, translate, section, visit)


_ANSWERS = frozenset(("acceptedAnswer", "suggestedAnswer"))


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
                # a translation may have changed the text of an attribute: its unit is still the source's
                _attribute_units(element, _name(element.tag), visit, unit.origin(element) if own else element)


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


def _attribute_units(el, name: str, visit, source=None) -> None:
    """The units of an element's attributes; ``source`` is the element whose values they translate."""
    source = el if source is None else source
    if name == "meta":
        key = (el.get("name") or el.get("property") or "").strip().lower()
        content = el.get("content")
        if key in TRANSLATABLE_META and content and content.strip():
            visit(AttributeUnit(el, "content", markup.escape_text(markup.normalize_space(content).strip()),
                                f"meta {key}", el.sourceline or 0))
        return
    attrib = source.attrib
    for attr in attrib.keys():
        if attr in markup.TEXT_ATTRIBUTES or attr == "value" and markup.is_text_attribute(name, attr, attrib):
            value = attrib[attr]
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
        if faq == _IN_FAQ and (name in FAQ_QUESTION_TAGS or el.get("itemprop") == "name"):
            return "faq question"
        if faq == _IN_ANSWER or name in ("p", "dd", "li", "details"):
            return "faq answer"
    return name


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
    if mark and (direction == "rtl" or root.get("dir") is not None):
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
