"""The HTML edition: the rendered article made into a standalone page.

To the page the article already is (rendered in the target language) this
adds: its own stylesheet (screen and print, inline, so the page stands alone),
a canonical link and ``hreflang`` alternates for every published edition plus
``x-default``, a language switcher naming each language in itself, the page's
own labels in its language, the review date formatted by Babel, schema.org
``Article`` and ``FAQPage`` JSON-LD built from approved units only, and on a
preview a visible notice and ``noindex``.

Editions are linked as the readers' addresses are laid out, ``<lang>/<slug>/``
with the PDF beside the page (``<lang>/<slug>/<slug>.pdf``): relative links,
or absolute ones under ``site-url``.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from babel.dates import format_date
from lxml import etree

from .. import article, languages, markup
from ..languages import Language
from . import labels as L
from . import media
from .config import fonts, page_size

ASSETS = Path(__file__).resolve().parent / "assets"
STYLE_CLASS = "edition-style"   # the stylesheets every edition of a language shares (the PDF maker has them parsed)
# What the source's head may hold that an edition replaces with its own.
_REPLACED_LINKS = frozenset(("stylesheet", "canonical", "alternate", "preload", "prefetch", "preconnect",
                             "dns-prefetch", "modulepreload", "icon", "manifest"))


@dataclass
class Page:
    """What an edition's page needs to know besides the rendered article."""

    language: Language
    source_language: str
    slug: str
    published: list[str]                 # languages with a published edition of the article, this one included
    reviewed: date
    translations: dict[str, str]         # approved units only: msgid → msgstr (JSON-LD is built from these)
    units: list[article.Unit] = field(default_factory=list)
    site_url: str | None = None
    preview: bool = False
    pdf: bool = True
    provenance: tuple[bool, int] | None = None   # (machine-assisted, reviewers) on a translation; None: not shown
    publisher: dict | None = None        # schema.org Organization, from [tool.localize]
    first_published: date | None = None  # when the edition was first published
    author: list[str] = field(default_factory=list)   # the article's <meta name="author">
    image: str | None = None             # the article's first image, as its src says


# -- addresses ---------------------------------------------------------------------

def href(lang: str, slug: str, site_url: str | None = None) -> str:
    """The address of an edition, seen from another edition (``<lang>/<slug>/``)."""
    return f"{site_url}/{lang}/{slug}/" if site_url else f"../../{lang}/{slug}/"


def picker_href(slug: str, site_url: str | None = None) -> str:
    """The address of an article's language picker (``x-default``), seen from an edition."""
    return f"{site_url}/{slug}/" if site_url else f"../../{slug}/"


def pdf_name(slug: str) -> str:
    return f"{slug}.pdf"


def native_name(tag: str) -> str:
    """A language's name in itself, capitalized as a menu item."""
    name = languages.parse(tag).native_name
    return name[:1].upper() + name[1:]


# -- stylesheets ---------------------------------------------------------------------

@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


@lru_cache(maxsize=256)
def stylesheets(tag: str) -> tuple[str, str]:
    """The screen and print stylesheets of a language: fonts for its script, paper for its territory."""
    language = languages.parse(tag)
    body, headings = fonts(language)
    screen = (_asset("screen.css") + f"\nbody {{ font-family: {body}; }}\n"
              f"h1, h2, h3, h4, h5, h6, .edition-bar, .edition-footer, .edition-notice "
              f"{{ font-family: {headings}; }}\n")
    latin = fonts(languages.parse("en"))[0]
    if body != latin:
        # Text kept in another language (the English references of an Arabic edition) is set in Latin
        # fonts first. In a right-to-left edition, in a family the edition's own text does not take its
        # punctuation from: a PDF maps each glyph to one character, and a parenthesis the Arabic text
        # uses mirrored would read back mirrored in the references too.
        if language.direction == "rtl":
            latin = '"DejaVu Serif", ' + latin
        screen += f"[lang]:not(:lang({language.tag})) {{ font-family: {latin}; }}\n"
    # the page's margin boxes (running header, page numbers) inherit from the page, not from body
    paper = _asset("print.css") + f"\n@page {{ size: {page_size(language)}; font-family: {headings}; }}\n"
    return screen, paper


def css_string(text: str) -> str:
    """Text as a CSS string: every character but letters, digits and spaces escaped, so nothing
    in it can end the string, the rule or the ``<style>`` element."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def running_header(title: str | None) -> str:
    """The running header of every page but the first: the edition's title."""
    title = " ".join((title or "").split())
    if not title:
        return ""
    return (f"@page {{ @top-center {{ content: {css_string(title)}; font-size: 8.5pt; color: #555; }} }}\n"
            "@page :first { @top-center { content: none; } }\n")


# -- building ------------------------------------------------------------------------

def _el(tag: str, attrib: dict | None = None, text: str | None = None, tail: str | None = "\n"):
    el = etree.Element(tag, {k: v for k, v in (attrib or {}).items() if v is not None})
    el.text, el.tail = text, tail
    return el


def _part(root, name: str, index: int):
    found = root.find(name)
    if found is None:
        found = _el(name)
        root.insert(index, found)
    return found


def build(tree: etree._ElementTree, page: Page) -> str:
    """The standalone edition page from the rendered article; the tree is changed in place."""
    root = tree.getroot()
    head, body = _part(root, "head", 0), _part(root, "body", 1)
    labels = L.Labels(page.language.tag)
    _clean_head(head)
    _title(head, body)
    screen, paper = stylesheets(page.language.tag)
    head.append(_el("style", {"class": STYLE_CLASS}, text="\n" + screen))
    head.append(_el("style", {"class": STYLE_CLASS, "media": "print"}, text="\n" + paper))
    header = running_header(head.findtext("title"))
    if header:
        head.append(_el("style", {"media": "print"}, text="\n" + header))
    if page.preview:
        head.append(_el("meta", {"name": "robots", "content": "noindex, nofollow"}))
    else:
        links(head, page.language.tag, page.slug, page.published, page.site_url)
    for data in structured_data(page):
        head.append(_el("script", {"type": "application/ld+json"}, text=json_text(data)))
    _main(body)
    bar = _bar(body, page, labels)
    body.insert(0, bar)
    if page.preview:
        notice = _el("p", {"class": "edition-notice", "role": "note"}, labels(L.DRAFT_NOTICE))
        body.insert(1, notice)
    body.append(_footer(page, labels))
    return _serialize(tree)


def _main(body) -> None:
    """The article is the page's main landmark: a body without ``<main>`` (or ``role="main"``) has its
    content put in one, so a screen reader can skip the edition's bar to it."""
    if any(isinstance(el.tag, str) and (el.tag == "main" or el.get("role") == "main") for el in body.iter()):
        return
    main = etree.Element("main")
    main.text, body.text = body.text, None
    for child in list(body):
        main.append(child)
    body.append(main)


def _serialize(tree) -> str:
    text = article.serialize(tree)
    return text if tree.docinfo.doctype else "<!DOCTYPE html>\n" + text


def _clean_head(head) -> None:
    for el in list(head):
        if not isinstance(el.tag, str):
            continue
        name = el.tag.lower()
        rel = set((el.get("rel") or "").lower().split())
        if name == "base" or (name == "link" and rel & _REPLACED_LINKS) \
                or (name == "meta" and (el.get("name") or "").lower() == "robots") \
                or (name == "script" and (el.get("type") or "").lower() == "application/ld+json"):
            _remove(el)
    charset = next((m for m in head.iter("meta") if m.get("charset")), None)
    if charset is None:
        charset = _el("meta", {"charset": "utf-8"})
    else:
        _remove(charset)
    head.insert(0, charset)
    head.text = "\n"
    if not any((m.get("name") or "").lower() == "viewport" for m in head.iter("meta")):
        head.insert(1, _el("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}))


def _remove(el) -> None:
    """Take an element out, keeping the text that followed it."""
    parent, tail = el.getparent(), el.tail
    if tail and tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _title(head, body) -> None:
    """Every page has a title: the article's, else its first heading's."""
    title = head.find("title")
    if title is not None and (title.text or "").strip():
        return
    h1 = next(iter(body.iter("h1")), None)
    text = " ".join("".join(h1.itertext()).split()) if h1 is not None else ""
    if title is None:
        title = _el("title")
        head.insert(1, title)
    title.text = text or "—"


def links(head, lang: str, slug: str, published: Iterable[str], site_url: str | None) -> None:
    """The canonical link and one ``hreflang`` alternate per published edition, plus ``x-default``."""
    for el in list(head.iter("link")):
        rel = set((el.get("rel") or "").lower().split())
        if rel & {"canonical", "alternate"}:
            _remove(el)
    head.append(_el("link", {"rel": "canonical", "href": href(lang, slug, site_url)}))
    for other in published:
        head.append(_el("link", {"rel": "alternate", "hreflang": other, "href": href(other, slug, site_url)}))
    head.append(_el("link", {"rel": "alternate", "hreflang": "x-default", "href": picker_href(slug, site_url)}))


def switcher(lang: str, slug: str, published: Iterable[str], label: str, site_url: str | None = None):
    """The language switcher: every published edition, named in its own language."""
    nav = _el("nav", {"class": "edition-languages", "aria-label": label}, tail=None)
    items = _el("ul", text="\n", tail=None)
    nav.append(items)
    for other in published:
        other_language = languages.parse(other)
        item = _el("li")
        link = _el("a", {"href": "./" if other == lang else href(other, slug, site_url), "hreflang": other,
                         "lang": other, "dir": other_language.direction,
                         "aria-current": "page" if other == lang else None}, native_name(other), tail=None)
        item.append(link)
        items.append(item)
    return nav


def _bar(body, page: Page, labels: L.Labels):
    bar = _el("div", {"class": "edition-bar"}, text="\n")
    if not page.preview:
        bar.append(switcher(page.language.tag, page.slug, page.published, labels(L.LANGUAGES), page.site_url))
        bar[-1].tail = "\n"
    tools = _el("p", {"class": "edition-tools"}, tail="\n")
    if page.pdf:
        tools.append(_el("a", {"href": pdf_name(page.slug), "type": "application/pdf"}, labels(L.PDF), tail=" "))
    holder = _references(body)
    if holder is not None:
        tools.append(_el("a", {"href": "#" + holder.get("id")}, labels(L.SOURCES), tail=None))
    if len(tools):
        bar.append(tools)
    return bar


def _references(body):
    """The article's reference list, given the id ``references`` if it has none (and the id is free)."""
    ids = {el.get("id") for el in body.iter() if isinstance(el.tag, str) and el.get("id")}
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        if el.get("id") == "references":
            return el
        if "references" in (el.get("class") or "").split():
            if el.get("id"):
                return el
            if "references" not in ids:
                el.set("id", "references")
                return el
    return None


def _footer(page: Page, labels: L.Labels):
    footer = _el("footer", {"class": "edition-footer"}, text="\n")
    line = _el("p", tail="\n")
    before, _, after = labels(L.LAST_REVIEWED).partition("%(date)s")
    line.text = before
    shown = format_date(page.reviewed, format="long", locale=page.language.locale)
    line.append(_el("time", {"datetime": page.reviewed.isoformat()}, shown, tail=after or None))
    footer.append(line)
    if page.provenance is not None and page.language.tag != page.source_language and not page.preview:
        machine, reviewers = page.provenance
        source = labels.language(page.source_language)
        text = labels(L.MACHINE_ASSISTED if machine else L.HUMAN, source=source)
        if reviewers:
            text += " " + labels(L.REVIEWERS, count=str(reviewers), date=shown)
        footer.append(_el("p", {"class": "edition-provenance"}, text, tail="\n"))
    return footer


# -- structured data -------------------------------------------------------------------

def plain(text: str) -> str:
    """A unit's text as plain text: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(markup.without_tags(text)).split())


def json_text(data) -> str:
    """JSON for a ``<script>`` element: nothing in it can end the element or open a comment, and every
    character is one an HTML document may hold."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # U+FFFE and U+FFFF cannot stand in an HTML document: shown as U+FFFD, as the page's text shows them
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029"),
                          ("\ufffe", "\\ufffd"), ("\uffff", "\\ufffd")):
        text = text.replace(char, escaped)
    return text


def faq(units: Iterable[article.Unit]) -> list[tuple[str, list[str]]]:
    """The FAQ of an article, as (question, answer paragraphs) in source text."""
    pairs: list[tuple[str, list[str]]] = []
    for unit in units:
        if unit.kind == "faq question":
            pairs.append((unit.text, []))
        elif unit.kind == "faq answer" and pairs:
            pairs[-1][1].append(unit.text)
    return [(q, a) for q, a in pairs if a]


def structured_data(page: Page) -> list[dict]:
    """schema.org ``Article`` and, if the article has a FAQ, ``FAQPage``: approved units only."""
    approved = page.translations
    first = {}
    for unit in page.units:
        first.setdefault(unit.kind, unit.text)
    data = {"@context": "https://schema.org", "@type": "Article", "inLanguage": page.language.tag,
            "dateModified": page.reviewed.isoformat()}
    for key, kind in (("headline", "h1"), ("description", "meta description")):
        text = approved.get(first.get(kind, ""))
        if text:
            data[key] = plain(text)
    data["datePublished"] = (page.first_published or page.reviewed).isoformat()
    if page.author:
        data["author"] = [{"@type": "Person", "name": name} for name in page.author]
    if page.publisher:
        data["publisher"] = page.publisher
    if page.site_url and not page.preview:
        data["url"] = href(page.language.tag, page.slug, page.site_url)
        data["mainEntityOfPage"] = data["url"]
        if page.image:
            data["image"] = urljoin(data["url"], page.image)
        if page.language.tag != page.source_language:
            data["translationOfWork"] = {"@id": href(page.source_language, page.slug, page.site_url)}
        else:
            others = [tag for tag in page.published if tag != page.language.tag]
            if others:
                data["workTranslation"] = [{"@id": href(tag, page.slug, page.site_url), "inLanguage": tag}
                                           for tag in others]
    found = [data]
    questions = []
    for question, answers in faq(page.units):
        if question in approved and all(a in approved for a in answers):
            questions.append({"@type": "Question", "name": plain(approved[question]),
                              "acceptedAnswer": {"@type": "Answer",
                                                 "text": " ".join(plain(approved[a]) for a in answers)}})
    if questions:
        found.append({"@context": "https://schema.org", "@type": "FAQPage", "inLanguage": page.language.tag,
                      "mainEntity": questions})
    return found


# -- print ---------------------------------------------------------------------------------

def for_print(tree: etree._ElementTree, page_url: str | None) -> str:
    """The page as the PDF is made from it: without the shared stylesheets (the PDF maker has them parsed
    already, :func:`stylesheets`), and with the links that only a web address can resolve made absolute
    under ``page_url`` (the edition's address under ``site-url``), or, without one, left as plain text."""
    copy = etree.ElementTree(deepcopy(tree.getroot()))
    for style in list(copy.getroot().iter("style")):
        if style.get("class") == STYLE_CLASS:
            _remove(style)
    for img in copy.getroot().iter("img"):
        local = media.for_print(img.get("src") or "")
        if local is not None:
            img.set("src", local)
    for a in copy.getroot().iter("a"):
        value = (a.get("href") or "").strip()
        if not value or value.startswith("#"):
            continue
        scheme = urlsplit(value).scheme.lower()
        if scheme in ("http", "https", "mailto"):
            continue
        if page_url and not scheme:
            a.set("href", urljoin(page_url, value))
        else:
            del a.attrib["href"]
    return _serialize(copy)


# -- relinking ---------------------------------------------------------------------------

_LINKS = re.compile(r'<link rel="canonical" href="[^"<>]*">\n(?:<link rel="alternate" hreflang="[^"<>]*" '
                    r'href="[^"<>]*">\n)*')
_SWITCHER = re.compile(r'<nav class="edition-languages" aria-label="([^"<>]*)">.*?</nav>', re.S)


_JSON_LD = re.compile(r'(<script type="application/ld\+json">)(.*?)(</script>)', re.S)


def _relink_work(text: str, slug: str, published: list[str], site_url: str | None) -> str:
    """The source edition's ``workTranslation`` brought up to date with the published translations."""
    if not site_url:
        return text
    for m in _JSON_LD.finditer(text):
        try:
            data = json.loads(m.group(2))
        except ValueError:
            continue
        if not isinstance(data, dict) or data.get("@type") != "Article" or "translationOfWork" in data:
            continue
        lang = data.get("inLanguage")
        others = [tag for tag in published if tag != lang]
        data.pop("workTranslation", None)
        if others:
            data["workTranslation"] = [{"@id": href(tag, slug, site_url), "inLanguage": tag} for tag in others]
        return text[:m.start(2)] + json_text(data) + text[m.end(2):]
    return text


def relink(text: str, slug: str, published: list[str], site_url: str | None) -> str:
    """A published page brought up to date with the article's published languages: its alternates, language
    switcher and, on the source edition, its JSON-LD ``workTranslation``.

    The page is one this module wrote, so its two blocks are found as written;
    a page changed by hand since is parsed and rebuilt instead.
    """
    lang = re.search(r'<html[^>]*\slang="([^"]+)"', text)
    links_found, nav_found = _LINKS.search(text), _SWITCHER.search(text)
    if lang and links_found and nav_found and _LINKS.search(text, links_found.end()) is None:
        holder = _el("head")
        links(holder, lang.group(1), slug, published, site_url)
        block = "".join(etree.tostring(el, method="html", encoding="unicode") for el in holder)
        nav = switcher(lang.group(1), slug, published, html.unescape(nav_found.group(1)), site_url)
        nav_text = etree.tostring(nav, method="html", encoding="unicode")
        start, end = sorted([(links_found.span(), block), (nav_found.span(), nav_text)])
        (s1, e1), t1 = start
        (s2, e2), t2 = end
        return _relink_work(text[:s1] + t1 + text[e1:s2] + t2 + text[e2:], slug, published, site_url)
    tree = article.parse(text.encode("utf-8"), slug)
    root = tree.getroot()
    head, body = root.find("head"), root.find("body")
    links(head, root.get("lang"), slug, published, site_url)
    old = body.find(".//nav[@class='edition-languages']")
    if old is not None:
        new = switcher(root.get("lang"), slug, published, old.get("aria-label"), site_url)
        new.tail = old.tail
        old.getparent().replace(old, new)
    return _relink_work(_serialize(tree), slug, published, site_url)
