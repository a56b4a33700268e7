"""Pages around the editions (the list of every published edition, an article's language picker), and the static site.

The static site is every published edition laid out as readers' addresses
are, with relative links only, so that any web server, a CDN or a browser
opening the files directly can serve it::

    index.html                  every published edition
    <slug>/index.html           the article's language picker (x-default)
    <lang>/<slug>/index.html    an edition
    <lang>/<slug>/<slug>.pdf    its PDF
    <lang>/index.html           the titles published in that language
    <lang>/feed.xml             their Atom feed
    assets/media/<slug>/…       the article's images
    sitemap.xml, robots.txt     with ``site-url`` only: every edition with its
                                hreflang alternates, for search engines

A root-relative link in an article (``/about/…``) leads nowhere in a static
site that may be served from any folder: under ``site-url`` it is made
absolute; without one it is kept and reported.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import uuid
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from lxml import etree

from .. import article, languages
from ..errors import WorkspaceError
from . import labels as L
from . import media, page, store


def _document(lang: str, title: str, css_class: str):
    language = languages.parse(lang)
    root = etree.Element("html", lang=language.tag, dir=language.direction)
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "meta", charset="utf-8")
    etree.SubElement(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "style").text = "\n" + page.stylesheets(language.tag)[0]
    body = etree.SubElement(root, "body", {"class": css_class})
    main = etree.SubElement(body, "main")
    etree.SubElement(main, "h1").text = title
    return root, head, main


def _text(root) -> str:
    return "<!DOCTYPE html>\n" + etree.tostring(root, method="html", encoding="unicode") + "\n"


def _choices(parent, slug: str, langs: dict[str, dict], prefix: str, *, titles: bool = True) -> None:
    """One link per published edition: the language named in itself (then the title in that language)."""
    items = etree.SubElement(parent, "ul")
    for lang, entry in langs.items():
        item = etree.SubElement(items, "li")
        link = etree.SubElement(item, "a", href=f"{prefix}{lang}/{slug}/", hreflang=lang, lang=lang,
                                dir=entry.get("direction", "ltr"))
        link.text = page.native_name(lang)
        if titles:
            link.tail = " — "
            title = etree.SubElement(item, "span", lang=lang, dir=entry.get("direction", "ltr"))
            title.text = entry.get("title", slug)


def picker(slug: str, langs: dict[str, dict], source: str, site_url: str | None = None) -> str:
    """An article's language picker, at ``<slug>/``: its ``x-default`` page."""
    labels = L.Labels(source)
    root, head, main = _document(source, labels(L.CHOOSE), "edition-index")
    for lang in langs:
        etree.SubElement(head, "link", rel="alternate", hreflang=lang, href=_from_picker(lang, slug, site_url))
    etree.SubElement(head, "link", rel="alternate", hreflang="x-default",
                     href=f"{site_url}/{slug}/" if site_url else "./")
    _choices(main, slug, langs, "../")
    return _text(root)


def not_published(slug: str, lang: str, langs: dict[str, dict], prefix: str) -> str:
    """What a reader who asked for an article in a language it is not published in gets: a page in that
    language (its labels, else English) saying so, with the languages it is in; ``prefix`` leads from
    the page's address to the site's root."""
    labels = L.Labels(lang)
    root, _, main = _document(lang, labels(L.NOT_PUBLISHED), "edition-index")
    nav = etree.SubElement(main, "nav", {"class": "edition-languages", "aria-label": labels(L.CHOOSE)})
    etree.SubElement(nav, "h2").text = labels(L.CHOOSE)
    _choices(nav, slug, langs, prefix)
    return _text(root)


def _from_picker(lang: str, slug: str, site_url: str | None) -> str:
    return f"{site_url}/{lang}/{slug}/" if site_url else f"../{lang}/{slug}/"


def listing(articles: dict[str, dict[str, dict]], source: str, lang: str | None = None) -> str:
    """Every published edition, by article: the site's front page, in ``lang`` (else the source
    language), with a link to the titles of each language that something is published in."""
    lang = lang or source
    labels = L.Labels(lang)
    root, _, main = _document(lang, labels(L.PUBLISHED), "edition-index")
    indexes = [tag for tag in languages_of(articles) if tag not in articles]
    if indexes:
        nav = etree.SubElement(main, "nav", {"class": "edition-languages", "aria-label": labels(L.LANGUAGES)})
        items = etree.SubElement(nav, "ul")
        for tag in indexes:
            entry = next(langs[tag] for langs in articles.values() if tag in langs)
            link = etree.SubElement(etree.SubElement(items, "li"), "a", href=f"{tag}/", hreflang=tag, lang=tag,
                                    dir=entry.get("direction", "ltr"))
            link.text = page.native_name(tag)
    items = etree.SubElement(main, "ul")
    for slug, langs in articles.items():
        item = etree.SubElement(items, "li")
        shown = source if source in langs else next(iter(langs))
        first = langs[shown]
        link = etree.SubElement(item, "a", href=f"{slug}/", lang=shown, dir=first.get("direction", "ltr"))
        link.text = first.get("title", slug)
        nav = etree.SubElement(item, "nav", {"class": "edition-languages", "aria-label": labels(L.LANGUAGES)})
        _choices(nav, slug, langs, "", titles=False)
    return _text(root)


def for_files(text: str, site_url: str | None = None, rooted: list[str] | None = None) -> str:
    """A page whose links to folders (``../../es/slug/``) name their ``index.html``, as file:// needs;
    a root-relative link (``/about/…``) made absolute under ``site_url``, else kept and added to ``rooted``."""
    tree = article.parse(text.encode("utf-8"), "<edition>")
    for a in tree.getroot().iter("a"):
        value = a.get("href")
        if not value:
            continue
        parts = urlsplit(value)
        if value.startswith("/") and not value.startswith("//"):
            if site_url:
                a.set("href", urljoin(site_url + "/", value))
            elif rooted is not None:
                rooted.append(value)
            continue
        if parts.scheme or parts.netloc or value.startswith(("/", "#")):
            continue
        if parts.path.endswith("/") or parts.path in ("", "."):
            path = (parts.path if parts.path.endswith("/") else parts.path + "/") + "index.html"
            a.set("href", path + (f"#{parts.fragment}" if parts.fragment else ""))
    out = article.serialize(tree)
    return out if tree.docinfo.doctype else "<!DOCTYPE html>\n" + out


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def sitemap(articles: dict[str, dict[str, dict]], source: str, site_url: str) -> str:
    """Every published edition's address, each with the hreflang alternates of its article (and
    ``x-default``, the article's language picker), as search engines read them."""
    root = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS, "xhtml": XHTML_NS})
    for slug, langs in articles.items():
        for lang, entry in langs.items():
            url = etree.SubElement(root, f"{{{SITEMAP_NS}}}url")
            etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = page.href(lang, slug, site_url)
            modified = str(entry.get("reviewed") or "")[:10]
            if len(modified) == 10:
                etree.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = modified
            for other in langs:
                etree.SubElement(url, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=other,
                                 href=page.href(other, slug, site_url))
            etree.SubElement(url, f"{{{XHTML_NS}}}link", rel="alternate", hreflang="x-default",
                             href=page.picker_href(slug, site_url))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


def robots(site_url: str) -> str:
    """Every page may be crawled; the sitemap says where they are."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {site_url}/sitemap.xml\n"


def language_index(lang: str, articles: dict[str, dict[str, dict]]) -> str | None:
    """The titles published in one language, at ``<lang>/``, each linking to its edition, with the
    language's Atom feed beside it; None if nothing is published in that language."""
    titles = {slug: langs[lang] for slug, langs in articles.items() if lang in langs}
    if not titles:
        return None
    labels = L.Labels(lang)
    root, head, main = _document(lang, labels(L.PUBLISHED), "edition-index")
    etree.SubElement(head, "link", rel="alternate", type="application/atom+xml", href="feed.xml",
                     title=labels(L.PUBLISHED))
    items = etree.SubElement(main, "ul")
    for slug, entry in titles.items():
        item = etree.SubElement(items, "li")
        etree.SubElement(item, "a", href=f"{slug}/").text = entry.get("title", slug)
    return _text(root)


def languages_of(articles: dict[str, dict[str, dict]]) -> list[str]:
    """Every language something is published in, as switchers order them."""
    return list(dict.fromkeys(lang for langs in articles.values() for lang in langs))


ATOM_NS = "http://www.w3.org/2005/Atom"


def created(folder: Path, lang: str, slug: str) -> str | None:
    """When an edition was made, from its manifest (RFC 3339), or None."""
    try:
        value = json.loads(store.files(folder, lang, slug).manifest.read_text(encoding="utf-8"))["created"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return value if isinstance(value, str) else None


def _atom_id(site_url: str | None, path: str) -> str:
    """An address under ``site-url``, else a name that stays the same for the same path (a feed's
    ids must be absolute)."""
    return f"{site_url}/{path}" if site_url else uuid.uuid5(uuid.NAMESPACE_URL, "localize:" + path).urn


def feed(lang: str, articles: dict[str, dict[str, dict]], folder: Path, site_url: str | None = None,
         author: str | None = None) -> str | None:
    """The Atom 1.0 feed of the titles published in one language, at ``<lang>/feed.xml``: one entry per
    edition, updated when it was made; None if nothing is published in that language."""
    titles = {slug: langs[lang] for slug, langs in articles.items() if lang in langs}
    if not titles:
        return None
    labels = L.Labels(lang)
    language = languages.parse(lang)
    made = {slug: created(folder, lang, slug) or "1970-01-01T00:00:00+00:00" for slug in titles}
    order = sorted(titles, key=lambda slug: made[slug], reverse=True)

    def add(parent, name: str, text: str | None = None, **attrs):
        el = etree.SubElement(parent, f"{{{ATOM_NS}}}{name}", **attrs)
        el.text = text
        return el

    root = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    root.set("{http://www.w3.org/XML/1998/namespace}lang", language.tag)
    add(root, "title", labels(L.PUBLISHED) + f" ({page.native_name(lang)})")
    add(root, "id", _atom_id(site_url, f"{lang}/"))
    add(root, "updated", made[order[0]])
    name = author or (urlsplit(site_url).hostname if site_url else None) or labels(L.PUBLISHED)
    add(add(root, "author"), "name", name)
    if site_url:
        add(root, "link", rel="self", type="application/atom+xml", href=f"{site_url}/{lang}/feed.xml")
    add(root, "link", rel="alternate", type="text/html", href=f"{site_url}/{lang}/" if site_url else "./")
    for slug in order:
        entry = add(root, "entry")
        add(entry, "title", titles[slug].get("title", slug))
        add(entry, "link", rel="alternate", type="text/html", hreflang=lang,
            href=page.href(lang, slug, site_url) if site_url else f"{slug}/")
        add(entry, "id", _atom_id(site_url, f"{lang}/{slug}/"))
        add(entry, "updated", made[slug])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


_MAIN = re.compile(r"<main\b|<[a-z]+\b[^<>]*\brole=\"main\"")


def with_fallback_note(text: str, asked: str, shown: str) -> str:
    """An edition page with a note, in the reader's language (``asked``, else English), saying that the
    article is not available in that language and which one is shown; put before the article."""
    labels = L.Labels(asked)
    words = languages.parse(labels.words)
    note = (f'<p class="edition-notice edition-fallback" role="note" lang="{html.escape(words.tag)}" '
            f'dir="{words.direction}">'
            + html.escape(labels(L.FALLBACK, asked=labels.language(asked.split("-")[0]), shown=labels.language(shown)))
            + "</p>\n")
    m = _MAIN.search(text)
    if m is None:
        m = re.search(r"<body\b[^<>]*>\n?", text)
        return text[:m.end()] + note + text[m.end():] if m else text
    return text[:m.start()] + note + text[m.start():]


def write_site(folder: Path, dest: Path, *, site_url: str | None = None,
               warnings: list[str] | None = None, author: str | None = None) -> list[Path]:
    """Every published edition of an editions folder as a static site in ``dest``; what a reader or a
    search engine would miss (a root-relative link without ``site-url``, no sitemap) is added to
    ``warnings``."""
    articles = store.published(folder)
    source = store.source_language(folder)
    if not articles or source is None:
        raise WorkspaceError(f"no published editions in {folder}: run 'localize export --lang L' first")
    dest = Path(dest)
    written: list[Path] = []
    warnings = warnings if warnings is not None else []

    def put(path: Path, data: str | bytes) -> None:
        store.write(path, data)
        written.append(path)

    for slug, langs in articles.items():
        for lang, entry in langs.items():
            files = store.files(folder, lang, slug)
            if not files.html.is_file():
                continue
            rooted: list[str] = []
            put(dest / lang / slug / "index.html",
                for_files(files.html.read_text(encoding="utf-8"), site_url, rooted))
            for link in dict.fromkeys(rooted):
                warnings.append(f"{lang}/{slug}/index.html: the root-relative link {link} leads nowhere in "
                                "the static site (set [tool.localize] site-url to make it absolute)")
            if entry.get("pdf") and files.pdf.is_file():
                target = dest / lang / slug / page.pdf_name(slug)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(files.pdf, target)
                written.append(target)
        put(dest / slug / "index.html", for_files(picker(slug, langs, source, site_url)))
        images = folder / "assets" / media.MEDIA / slug
        if images.is_dir():
            shutil.copytree(images, dest / "assets" / media.MEDIA / slug, dirs_exist_ok=True)
            written.extend(p for p in (dest / "assets" / media.MEDIA / slug).rglob("*") if p.is_file())
    put(dest / "index.html", for_files(listing(articles, source)))
    for lang in languages_of(articles):
        if lang in articles:
            warnings.append(f"{lang}/index.html: an article is named {lang}, like a language; "
                            "its language picker stands there, not the titles in that language")
            continue
        put(dest / lang / "index.html", for_files(language_index(lang, articles)))
        put(dest / lang / "feed.xml", feed(lang, articles, folder, site_url, author))
    if site_url:
        put(dest / "sitemap.xml", sitemap(articles, source, site_url))
        put(dest / "robots.txt", robots(site_url))
    else:
        warnings.append("no [tool.localize] site-url: the hreflang links are relative, which search engines "
                        "ignore, and no sitemap.xml is written")
    return written
