"""The walk over a page's units: runs of inline content and attributes readers see, each with its kind.

Split and render are this one walk (:mod:`localize.article`): a unit can put a
translation in its place as the walk meets it, so the two cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from lxml import etree

from . import markup
from .markup import INLINE_TAGS, local_name

# Never extracted, passed through untouched with everything inside them (their attributes aside).
SKIPPED_TAGS = frozenset(
    "script style pre template svg math textarea iframe object embed canvas "
    "link base noframes".split()
)
# Attribute text readers see (markup.TEXT_ATTRIBUTES, a button's value) becomes a unit of its own,
# in the order the element has them; so does the content of these <meta name|property=…>, which
# browsers and search engines show.
TRANSLATABLE_META = frozenset(
    "description keywords og:title og:description og:site_name og:image:alt twitter:title "
    "twitter:description twitter:image:alt".split()
)
FAQ_QUESTION_TAGS = frozenset(("dt", "summary", "h2", "h3", "h4", "h5", "h6"))
_SPACE = " \t\n\r\f"  # HTML's whitespace; a no-break space is text


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
            if element.keys() and not markup.protected(element):
                # a translation may have changed the text of an attribute: its unit is still the source's
                _attribute_units(element, _name(element.tag), visit, unit.origin(element) if own else element)


def _has_own_text(first: str | None, nodes: list) -> bool:
    """A run is a unit only if it has text a translator can change."""
    if first and not first.isspace():
        return True
    for node in nodes:
        if node.tail and not node.tail.isspace():
            return True
        if isinstance(node.tag, str) and not markup.protected(node):
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
