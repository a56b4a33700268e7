"""The in-context preview: an article in the target language, drafts included, each unit tagged with its entry.

A text unit's element gets ``data-entry="<id>"`` and ``data-state`` (a span is put
around a run that shares its element with others, as rendering does for a run
left in the source language); an attribute unit gets ``data-entry-<attribute>``.
"""

from __future__ import annotations

import re

from lxml import etree

from localize import article, catalog, languages
from localize.review import entry_id, state_of
from localize.workspace import Workspace

_ID = re.compile(r"[0-9a-f]{16}")
STYLESHEET = "localize-preview"


def render(ws: Workspace, language: str, slug: str, *, stylesheet: str, current: str | None = None) -> str:
    """The article ``slug`` in ``language`` with every unit's entry id, as an HTML page."""
    target = languages.parse(language)
    source = ws.settings.source_language
    found = catalog.read(ws.catalog_path(target.tag, slug))
    texts = catalog.translations(found, include_drafts=True)
    states = {e.msgid: state_of(e) for e in found.entries if not e.obsolete and e.msgctxt is None and e.msgid}
    tree = article.parse(ws.source_path(slug).read_bytes(), str(ws.source_path(slug)))

    def visit(unit) -> None:
        ident = entry_id(None, unit.text)
        translation = texts.get(unit.text)
        if translation and unit.apply(translation, links) is not None:
            translation = None   # markup the unit cannot take: the source is shown, as editions show it
        if isinstance(unit, article.AttributeUnit):
            unit.element.set(f"data-entry-{unit.attribute}", ident)
            return
        holder = _holder(unit, target.tag if translation else source,
                         None if translation or source_dir == target.direction else source_dir)
        holder.set("data-entry", ident)
        holder.set("data-state", states.get(unit.text, "untranslated"))

    links = ws.settings.links(target.tag)
    source_dir = languages.parse(source).direction
    article.walk(tree, visit, references=ws.settings.translate_references)
    root = tree.getroot()
    root.set("lang", target.tag)
    if target.direction == "rtl" or root.get("dir") is not None:
        root.set("dir", target.direction)
    _decorate(root, stylesheet, current)
    return article.serialize(tree)


def _holder(unit: article.TextUnit, lang: str, direction: str | None = None):
    """The element that holds exactly this run: its own element, or a span put around it (with the run's
    direction when it is not the page's: English left to right in an Arabic page)."""
    whole = unit.prev is None and len(unit.parent) == len(unit.nodes)
    unit.mark_language(lang, direction)   # marks the element, or wraps the run in a span with its language
    return unit.parent if whole else unit.nodes[0]


def _decorate(root, stylesheet: str, current: str | None) -> None:
    """The preview's own stylesheet, and the current entry highlighted, in the page's head."""
    head = root.find("head")
    if head is None:
        head = etree.Element("head")
        root.insert(0, head)
    link = etree.SubElement(head, "link", rel="stylesheet", href=stylesheet, id=STYLESHEET)
    link.tail = "\n"
    if current and _ID.fullmatch(current):
        style = etree.SubElement(head, "style")
        style.text = (f'[data-entry="{current}"] {{ outline: 3px solid #b45309; outline-offset: 2px; '
                      f'background: #fef3c7; }}')
