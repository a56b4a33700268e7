"""The PDF edition: WeasyPrint, in process, one warm renderer for a batch.

The PDF is made from the very HTML of the edition, with its print stylesheet.
WeasyPrint is imported, and its fonts and caches warmed, once per process; a
batch of editions then costs a layout each, not a start-up each.

Every PDF is tagged (PDF/UA-1 as WeasyPrint writes it): a structure tree in the
page's logical order, the document's language and that of every element whose
``lang`` differs from its parent's, images' alt text, bookmarks from the
headings, the title shown as the window's. A line of a left-to-right script whose
glyphs are not one per character in order (Indic vowel signs drawn before their
consonant, Thai tone marks) carries its text as ``/ActualText``, so copying and
searching give the characters as written. A character that no installed font has
is not drawn as an empty box: the PDF is refused (:class:`MissingGlyphs`).

Rendering fetches nothing from the network and no file outside the edition's
assets folder: the URL fetcher allows ``data:`` URLs and ``file:`` URLs that
resolve inside that folder, and refuses everything else.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import LocalizeError

VARIANT = "pdf/ua-1"


class MissingGlyphs(LocalizeError):
    """Characters that no installed font has: the PDF would show them as empty boxes, so none is made."""

    def __init__(self, language: str | None, title: str | None, characters: list[str]):
        self.language, self.title, self.characters = language, title, characters
        named = ", ".join(f"U+{ord(c):04X}" + (f" {unicodedata.name(c)}" if unicodedata.name(c, "") else "")
                          for c in characters)
        where = f"the {_named(language)} PDF" if language else "the PDF"
        if title:
            where += f" of \u201c{title}\u201d"
        super().__init__(f"{where} cannot be made: no installed font has {named}; install a font that "
                         f"covers {'it' if len(characters) == 1 else 'them'} (scripts/setup installs the "
                         f"Noto fonts) or change the text")


def _named(tag: str) -> str:
    """"Spanish (es)"; the tag alone if it names no language Babel knows."""
    from .. import languages

    try:
        return f"{languages.parse(tag).english_name} ({tag})"
    except LocalizeError:
        return tag


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class AssetsFetcher(URLFetcher):
        """``data:`` URLs, and files inside one folder; nothing else."""

        def __init__(self, folder: Path):
            super().__init__(timeout=5, allowed_protocols={"data", "file"}, allow_redirects=False)
            self.folder = folder.resolve()
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if not path.is_relative_to(self.folder):
                    self.refused.append(url)
                    raise ValueError(f"{url} is outside the edition's assets")
            elif scheme != "data":
                self.refused.append(url)
                raise ValueError(f"{url}: only data: and the edition's own assets are fetched")
            return super().fetch(url, headers)

    return AssetsFetcher


class _Collect(logging.Handler):
    """WeasyPrint's complaints during one document, and the characters it drew as ``.notdef``."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.missing: set[int] = set()

    def emit(self, record):
        if str(record.msg).startswith(".notdef") and record.args and isinstance(record.args[-1], int):
            self.missing.add(record.args[-1])
        else:
            self.messages.append(record.getMessage())


# -- what WeasyPrint's tagged PDF leaves out ---------------------------------------------------

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CHANGES: dict = {}   # the page being tagged: element → its language, where it differs from its parent's


def _language_changes(root) -> dict:
    """The elements of a page whose ``lang`` differs from the language they are in."""
    changes = {}

    def walk(element, inherited: str | None) -> None:
        own = (element.get("lang") or element.get(_XML_LANG) or "").strip() or None
        if own and inherited and own.lower() != inherited.lower():
            changes[element] = own
        for child in element:
            if isinstance(child.tag, str):
                walk(child, own or inherited)

    walk(root, None)
    return changes


def _own_language(box) -> str | None:
    """The language a box's structure element names: its element's, where that differs from its parent's."""
    tag = getattr(box, "element_tag", None)
    if not isinstance(tag, str) or tag.split(":")[0] in ("html", "body") \
            or type(box).__name__ in ("PageBox", "MarginBox"):
        return None
    return _CHANGES.get(getattr(box, "element", None))


def _tag_languages() -> None:
    """Structure elements carry ``/Lang`` where the page's element changes language (a quotation or a
    reference list kept in the source language), so a screen reader switches voice there."""
    import pydyf
    from weasyprint.pdf import tags

    build = getattr(tags, "_build_box_tree", None)
    if build is None or getattr(build, "adds_languages", False):
        return

    def with_languages(box, parent, *args):
        lang = _own_language(getattr(box, "_box", box))
        for element in build(box, parent, *args):
            if lang and "Lang" not in element:
                element["Lang"] = pydyf.String(lang)
            yield element

    with_languages.adds_languages = True
    tags._build_box_tree = with_languages   # the tree builder calls itself through the module: children too


def _complex(text: str) -> bool:
    """Whether a text in left-to-right scripts only has characters drawn other than one glyph each, in
    order: marks (Thai tone marks, Indic vowel signs and viramas), vowel signs drawn before their
    consonant. Right-to-left text is left to the glyphs' own mapping: text extraction lays an
    ``/ActualText`` out left to right, and would read it back reversed."""
    kinds = {unicodedata.bidirectional(c) for c in text}
    return not kinds & {"R", "AL"} and any(unicodedata.category(c) in ("Mn", "Mc") for c in text)


def _actual_text() -> None:
    """Each line of a left-to-right complex script carries its text (``/ActualText``), so that copying,
    searching and screen readers get the characters as written, not the glyphs as drawn."""
    from contextlib import contextmanager

    import pydyf
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf.stream import Stream

    marked = Stream.marked
    if getattr(marked, "adds_actual_text", False):
        return

    @contextmanager
    def with_actual_text(self, box, tag):
        with marked(self, box, tag):
            if isinstance(box, boxes.TextBox) and self.stream[-1:] == [b"BDC"] \
                    and isinstance(self.stream[-2], pydyf.Dictionary) and _complex(box.text):
                self.stream[-2]["ActualText"] = pydyf.String(box.text)
            yield

    with_actual_text.adds_actual_text = True
    Stream.marked = with_actual_text


def _finish(missing: set[int]):
    """WeasyPrint's finisher: note the characters drawn as ``.notdef`` (no font had them)."""

    def finisher(document, pdf) -> None:
        for font in document.fonts.values():
            missing.update(getattr(font, "missing", {}))

    return finisher


class Renderer:
    """One warm WeasyPrint: built once per process, used for every PDF of a batch."""

    def __init__(self, assets: Path):
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        _tag_languages()
        _actual_text()
        self._weasyprint = weasyprint
        self.assets = Path(assets).resolve()
        self._fetcher = _fetcher_class()(self.assets)
        self._fonts = FontConfiguration()
        self._cache: dict = {}
        self._sheets: dict[str, list] = {}

    def _stylesheets(self, language: str) -> list:
        """The shared screen and print stylesheets of a language, parsed once."""
        found = self._sheets.get(language)
        if found is None:
            from .page import stylesheets

            screen, paper = stylesheets(language)
            found = self._sheets[language] = [self._weasyprint.CSS(
                string=screen + "\n" + paper, base_url=self.assets.as_uri() + "/", url_fetcher=self._fetcher,
                font_config=self._fonts)]
        return found

    def render(self, html: str, language: str | None = None) -> tuple[bytes, list[str]]:
        """The tagged PDF of an edition's HTML, and what WeasyPrint warned about (refused URLs, an image
        without alt text).

        With ``language``, the page comes without the shared stylesheets of that
        language (:func:`.page.for_print`) and they are added here, parsed once.
        Raises :class:`MissingGlyphs` if any character of the page has no font.
        """
        handler = _Collect()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(handler)
        try:
            document = self._weasyprint.HTML(string=html, base_url=self.assets.as_uri() + "/",
                                             url_fetcher=self._fetcher)
            _CHANGES.clear()
            _CHANGES.update(_language_changes(document.etree_element))
            data = document.write_pdf(stylesheets=self._stylesheets(language) if language else None,
                                      font_config=self._fonts, cache=self._cache, pdf_identifier=b"localize",
                                      uncompressed_pdf=False, pdf_variant=VARIANT,
                                      finisher=_finish(handler.missing))
        finally:
            logger.removeHandler(handler)
            _CHANGES.clear()
        if handler.missing:
            raise MissingGlyphs(language or _root_language(html), _title(html),
                                [chr(c) for c in sorted(handler.missing)])
        return data, handler.messages


def _title(html: str) -> str | None:
    found = re.search(r"<title[^>]*>(.*?)</title>", html, re.S | re.I)
    if found is None:
        return None
    import html as entities

    return " ".join(entities.unescape(re.sub(r"<[^>]*>", "", found.group(1))).split()) or None


def _root_language(html: str) -> str | None:
    found = re.search(r"<html\b[^>]*\slang=[\"']?([A-Za-z0-9-]+)", html, re.I)
    return found.group(1) if found else None


_RENDERERS: dict[Path, Renderer] = {}


def preload(assets: Path | None = None, languages: tuple[str, ...] = ()) -> None:
    """Import WeasyPrint and, with ``assets``, warm this process's renderer (fonts, hyphenation, the
    languages' stylesheets): done before worker processes are forked, it is done once for all of them."""
    import weasyprint  # noqa: F401

    if assets is not None:
        warm = renderer(assets)
        for tag in languages:
            warm.render(f'<!DOCTYPE html><html lang="{tag}"><head><title>-</title></head>'
                        f'<body><h1>Ab</h1><p>Ab <em>cd</em> <strong>ef</strong></p></body></html>', tag)


def renderer(assets: Path) -> Renderer:
    """This process's warm renderer for an assets folder (made on first use, after any fork)."""
    key = Path(assets).resolve()
    found = _RENDERERS.get(key)
    if found is None:
        found = _RENDERERS[key] = Renderer(key)
    return found
