"""The static site around the editions, as search engines and readers meet it: sitemap.xml with hreflang
alternates (valid against the sitemaps.org schema), robots.txt, root-relative links, and what
'localize export --site' says when site-url is missing.

Real workspaces, real 'localize' runs, the schemas shipped under tests/data/schemas.
"""

from __future__ import annotations

import shutil
from pathlib import Path

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
