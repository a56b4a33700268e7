"""Accessible PDFs: tagged (structure tree, languages, alt text, bookmarks, title), a text layer that reads
back as written in every script the fonts cover, and no PDF with a character no font has.

Real WeasyPrint through ``localize export`` and the renderer, read back with pikepdf and poppler
(pdftotext, pdffonts). The sentences per script are Article 1 of the Universal Declaration of Human
Rights in each language, after the translations the UN's Office of the High Commissioner publishes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pikepdf
import polib
import pytest
from lxml import html as lxml_html
from PIL import Image

from localize.cli import cli, main
from localize.cli_export import export as export_command
from localize.editions import pdf

SLUG = "sleep-and-mood"
SOURCE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sleep and mood</title></head>
<body><article>
<h1>Sleep and mood</h1>
<p>Short nights change how we feel.</p>
<h2>What the studies show</h2>
<p>Most adults need seven hours.</p>
<figure><img src="chart.png" alt="A bar chart of hours slept per night"><figcaption>Hours slept</figcaption></figure>
<h2>Causes and treatment</h2>
<p>Stress keeps many people awake.</p>
</article></body></html>
"""
LEFT_IN_ENGLISH = "Most adults need seven hours."
SPANISH = {
    "Sleep and mood": "El sueño y el ánimo",
    "Short nights change how we feel.": "Las noches cortas cambian cómo nos sentimos.",
    "What the studies show": "Lo que muestran los estudios",
    "A bar chart of hours slept per night": "Un gráfico de barras de las horas dormidas por noche",
    "Hours slept": "Horas dormidas",
    "Causes and treatment": "Causas y tratamiento",
    "Stress keeps many people awake.": "El estrés mantiene despierta a mucha gente.",
}
# lam-alef in the headings' font (الأسباب, والعلاج) and the body's (لا)
ARABIC = {
    "Sleep and mood": "النوم والمزاج",
    "Short nights change how we feel.": "الليالي القصيرة تغير مشاعرنا",
    "What the studies show": "ما تظهره الدراسات",
    "Most adults need seven hours.": "يحتاج أغلب البالغين إلى سبع ساعات",
    "A bar chart of hours slept per night": "رسم بياني لساعات النوم في الليلة",
    "Hours slept": "ساعات النوم",
    "Causes and treatment": "الأسباب والعلاج",
    "Stress keeps many people awake.": "لا ينام كثير من الناس بسبب القلق",
}

# Article 1 of the Universal Declaration of Human Rights; the family the body text must be set in
UDHR = {
    "th": ("มนุษย์ทั้งหลายเกิดมามีอิสระและเสมอภาคกันในเกียรติศักดิ์และสิทธิ ต่างมีเหตุผลและมโนธรรม "
           "และควรปฏิบัติต่อกันด้วยเจตนารมณ์แห่งภราดรภาพ", "Noto-Serif-Thai"),
    "bn": ("সমস্ত মানুষ স্বাধীনভাবে সমান মর্যাদা এবং অধিকার নিয়ে জন্মগ্রহণ করে। তাঁদের বিবেক এবং বুদ্ধি আছে; "
           "সুতরাং সকলেরই একে অপরের প্রতি ভ্রাতৃত্বসুলভ মনোভাব নিয়ে আচরণ করা উচিত।", "Noto-Serif-Bengali"),
    "ta": ("மனிதப் பிறவியினர் சகலரும் சுதந்திரமாகவே பிறக்கின்றனர்; அவர்கள் மதிப்பிலும், உரிமைகளிலும் "
           "சமமானவர்கள். அவர்கள் நியாயத்தையும் மனச்சாட்சியையும் இயற்பண்பாகப் பெற்றவர்கள்.", "Noto-Serif-Tamil"),
    "te": ("ప్రతిపత్తిస్వత్వముల విషయమున మానవులెల్లరును జన్మతః స్వతంత్రులును సమానులును నగుదురు. వారు "
           "వివేచన-అంతఃకరణ సంపన్నులగుటచే పరస్పరము భ్రాతృభావముతో వర్తింపవలయును.", "Noto-Serif-Telugu"),
    "am": ("የሰው ልጅ ሁሉ ሲወለድ ነጻና በክብርና በመብትም እኩልነት ያለው ነው። የተፈጥሮ ማስተዋልና ሕሊና ስላለው አንዱ ሌላውን "
           "በወንድማማችነት መንፈስ መመልከት ይገባዋል።", "Noto-Serif-Ethiopic"),
    "ka": ("ყველა ადამიანი იბადება თავისუფალი და თანასწორი თავისი ღირსებითა და უფლებებით. მათ მინიჭებული "
           "აქვთ გონება და სინდისი და ერთმანეთის მიმართ უნდა იქცეოდნენ ძმობის სულისკვეთებით.", "Noto-Serif-Georgian"),
    "hy": ("Բոլոր մարդիկ ծնվում են ազատ ու հավասար իրենց արժանապատվությամբ ու իրավունքներով։ Նրանք ունեն "
           "բանականություն ու խիղճ և միմյանց պետք է եղբայրաբար վերաբերվեն։", "Noto-Serif-Armenian"),
    "ko": ("모든 인간은 태어날 때부터 자유로우며 그 존엄과 권리에 있어 동등하다. 인간은 천부적으로 이성과 양심을 "
           "부여받았으며 서로 형제애의 정신으로 행동하여야 한다.", "Noto-Serif-CJK-KR"),
    "ja": ("すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。人間は、"
           "理性と良心とを授けられており、互いに同胞の精神をもって行動しなければならない。", "Noto-Serif-CJK-JP"),
    "zh-Hans": ("人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。",
                "Noto-Serif-CJK-SC"),
    "zh-Hant": ("人人生而自由，在尊嚴和權利上一律平等。他們賦有理性和良心，並應以兄弟關係的精神相對待。",
                "Noto-Serif-CJK-TC"),
}


@pytest.fixture(scope="module", autouse=True)
def export_registered():
    added = "export" not in cli.commands
    if added:
        cli.add_command(export_command)
    yield
    if added:
        cli.commands.pop("export", None)


def localize(*args) -> int:
    return main([str(a) for a in args])


def tool(*argv) -> str:
    return subprocess.run([str(a) for a in argv], check=True, capture_output=True, text=True).stdout


def po_path(ws: Path, lang: str) -> Path:
    return ws / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po"


def translate(ws: Path, lang: str, texts: dict[str, str]) -> None:
    """Translate and approve the entries found in ``texts`` as a PO editor would; leave the others empty."""
    cat = polib.pofile(str(po_path(ws, lang)), wrapwidth=0)
    for entry in cat:
        if entry.msgid in texts:
            entry.msgstr = texts[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    cat.save(str(po_path(ws, lang)))


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The article published in Spanish (one paragraph left in English) and Arabic, as PDFs."""
    ws = tmp_path_factory.mktemp("access") / "ws"
    (ws / "source").mkdir(parents=True)
    (ws / "pyproject.toml").write_text('[tool.localize]\nsource-language = "en"\nlanguages = ["es", "ar"]\n'
                                       'publish-threshold = 80\n', encoding="utf-8")
    (ws / "source" / f"{SLUG}.html").write_text(SOURCE, encoding="utf-8")
    Image.new("RGB", (40, 20), (40, 90, 160)).save(ws / "source" / "chart.png")
    assert localize("--root", ws, "extract") == 0
    assert localize("--root", ws, "update") == 0
    translate(ws, "es", SPANISH)
    translate(ws, "ar", ARABIC)
    assert localize("--root", ws, "export", "--lang", "es", "--lang", "ar") == 0
    return ws


def edition(ws: Path, lang: str, ext: str = "pdf") -> Path:
    return ws / "out" / "editions" / lang / f"{SLUG}.{ext}"


def spaced(text: str) -> str:
    """Text with its whitespace collapsed, and without the bidi embedding marks pdftotext wraps
    right-to-left lines in (U+202A–U+202E: they are not in the page's text)."""
    return " ".join(re.sub("[\u202a-\u202e]", "", text).split())


# -- reading the structure tree -------------------------------------------------------------

def _unicode_maps(page) -> dict[str, dict[int, str]]:
    maps = {}
    for name, font in page.Resources.Font.items():
        cmap = font.ToUnicode.read_bytes().decode("latin-1")
        maps[name] = {int(code, 16): bytes.fromhex(text).decode("utf-16-be")
                      for code, text in re.findall(r"<([0-9a-fA-F]{4})> <([0-9a-fA-F]+)>", cmap)}
    return maps


def marked_text(document: pikepdf.Pdf) -> dict[tuple[int, int], str]:
    """The text of each marked-content sequence, by (page object number, MCID): its ActualText where it
    has one, else its glyphs read through the fonts' ToUnicode maps (in drawing order)."""
    found: dict[tuple[int, int], str] = defaultdict(str)
    for page in document.pages:
        maps, font, stack = _unicode_maps(page), {}, []
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "BDC":
                props = operands[1] if isinstance(operands[1], pikepdf.Dictionary) else {}
                stack.append((int(props["/MCID"]) if "/MCID" in props else None, props.get("/ActualText")))
                if stack[-1][1] is not None and stack[-1][0] is not None:
                    found[(page.objgen[0], stack[-1][0])] += str(stack[-1][1])
            elif op == "BMC":
                stack.append((None, None))
            elif op == "EMC":
                stack.pop()
            elif op == "Tf":
                font = maps[str(operands[0])]
            elif op in ("Tj", "TJ") and stack and stack[-1][0] is not None and stack[-1][1] is None:
                strings = [operands[0]] if op == "Tj" else [s for s in operands[0] if isinstance(s, pikepdf.String)]
                for string in strings:
                    data = bytes(string)
                    found[(page.objgen[0], stack[-1][0])] += "".join(
                        font.get(int.from_bytes(data[i:i + 2], "big"), "") for i in range(0, len(data), 2))
    return found


def elements(document: pikepdf.Pdf) -> list[dict]:
    """The structure elements in the tree's order: type, /Lang, /Alt and the text of their content."""
    texts = marked_text(document)
    found = []

    def content(element, page) -> str:
        kids = element.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
        page = element.get("/Pg", page)
        text = ""
        for kid in kids:
            if isinstance(kid, int):
                text += texts.get((page.objgen[0], kid), "")
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                text += texts.get((kid.get("/Pg", page).objgen[0], int(kid.MCID)), "")
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                text += content(kid, page)
        return text

    def walk(element, page) -> None:
        page = element.get("/Pg", page)
        found.append({"type": str(element.S)[1:], "lang": str(element.get("/Lang", "")) or None,
                      "alt": str(element.get("/Alt", "")) or None, "text": spaced(content(element, page))})
        kids = element.get("/K")
        for kid in (list(kids) if isinstance(kids, pikepdf.Array) else [kids]):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid, page)

    for top in document.Root.StructTreeRoot.K:
        walk(top, None)
    return found


def outline(document: pikepdf.Pdf) -> list[str]:
    titles = []

    def walk(items):
        for item in items:
            titles.append(spaced(item.title))
            walk(item.children)

    with document.open_outline() as tree:
        walk(tree.root)
    return titles


# -- the tagged PDF --------------------------------------------------------------------------------

def test_the_pdf_is_tagged_with_its_language_title_and_structure(published):
    with pikepdf.open(edition(published, "es")) as document:
        root = document.Root
        assert "/StructTreeRoot" in root
        assert root.MarkInfo.Marked is True
        assert str(root.Lang) == "es"
        assert root.ViewerPreferences.DisplayDocTitle is True
        assert str(document.docinfo.Title) == "El sueño y el ánimo"
        with document.open_metadata() as xmp:
            assert xmp["dc:title"] == "El sueño y el ánimo"
            assert xmp["pdfuaid:part"] == "1"
        found = elements(document)
    types = [e["type"] for e in found]
    assert types[0] == "Document" and "H1" in types and types.count("H2") == 2
    headings = [e["text"] for e in found if e["type"] in ("H1", "H2")]
    assert headings == ["El sueño y el ánimo", "Lo que muestran los estudios", "Causas y tratamiento"]


def test_a_paragraph_left_in_english_is_marked_english_in_a_spanish_pdf(published):
    with pikepdf.open(edition(published, "es")) as document:
        found = elements(document)
    marked = [(e["type"], e["lang"], e["text"]) for e in found if e["lang"]]
    assert marked == [("P", "en", LEFT_IN_ENGLISH)]
    spanish = [e["text"] for e in found if e["type"] == "P"]
    assert "Las noches cortas cambian cómo nos sentimos." in spanish   # the paragraphs around it: no /Lang


def test_the_figure_has_its_alt_text(published):
    with pikepdf.open(edition(published, "es")) as document:
        figures = [e for e in elements(document) if e["type"] == "Figure"]
    assert [f["alt"] for f in figures] == [SPANISH["A bar chart of hours slept per night"]]


@pytest.mark.parametrize("lang", ["es", "ar"])
def test_bookmarks_are_the_headings(published, lang):
    page = lxml_html.fromstring(edition(published, lang, "html").read_bytes())
    headings = [spaced(h.text_content()) for h in page.xpath("//h1 | //h2 | //h3 | //h4 | //h5 | //h6")]
    with pikepdf.open(edition(published, lang)) as document:
        assert outline(document) == headings


def test_the_arabic_pdf_is_tagged_in_reading_order(published):
    """Structure order is the page's logical order: the headings come in the order the page has them,
    each its own text (the glyphs of a right-to-left line are drawn in visual order: read reversed)."""
    with pikepdf.open(edition(published, "ar")) as document:
        assert str(document.Root.Lang) == "ar"
        found = elements(document)
    headings = [e["text"] for e in found if e["type"] in ("H1", "H2")]
    assert [h[::-1] for h in headings] == [ARABIC["Sleep and mood"], ARABIC["What the studies show"],
                                            ARABIC["Causes and treatment"]]
    assert [e["alt"] for e in found if e["type"] == "Figure"] == [ARABIC["A bar chart of hours slept per night"]]


def test_the_arabic_text_layer_reads_back_as_the_catalog(published):
    """Copying or searching the Arabic PDF gives the catalog's text, lam-alef ligatures included
    (pdftotext gave األسباب for الأسباب)."""
    text = spaced(tool("pdftotext", "-enc", "UTF-8", edition(published, "ar"), "-"))
    approved = {e.msgid: e.msgstr for e in polib.pofile(str(po_path(published, "ar"))) if e.msgstr}
    for msgid, msgstr in approved.items():
        if msgid != "A bar chart of hours slept per night":   # alt text is not drawn
            assert msgstr in text, (msgstr, text)
    assert "األسباب" not in text


# -- every script ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", list(UDHR))
def test_each_script_prints_in_its_font_and_reads_back_as_written(lang, tmp_path):
    """Each sentence on one line of a wide page (a line break adds a newline, which a script without
    spaces does not have): the text pdftotext reads equals the text given, every font is embedded,
    the script's own Noto family among them."""
    text, family = UDHR[lang]
    page = (f'<!DOCTYPE html><html lang="{lang}"><head><title>UDHR</title>'
            f'<style>@page {{ size: 100cm 20cm; @bottom-center {{ content: none; }} }}</style></head>'
            f'<body><p>{text}</p></body></html>')
    assets = tmp_path / "assets"
    assets.mkdir()
    data, _ = pdf.Renderer(assets).render(page, lang)
    path = tmp_path / f"{lang}.pdf"
    path.write_bytes(data)
    assert spaced(tool("pdftotext", "-enc", "UTF-8", path, "-")) == spaced(text)
    rows = [row.split() for row in tool("pdffonts", path).splitlines()[2:]]
    assert rows and all(row[-5] == "yes" for row in rows), rows
    assert any(row[0].split("+")[-1] == family for row in rows), rows
    assert len(data) < 400_000   # subsets, not whole CJK fonts


# -- a character no font has ----------------------------------------------------------------------

def test_a_character_no_font_has_refuses_the_pdf(tmp_path):
    page = ('<!DOCTYPE html><html lang="es"><head><title>Notas</title></head>'
            '<body><p>Texto con \U0010fffd dentro</p></body></html>')
    (tmp_path / "assets").mkdir()
    with pytest.raises(pdf.MissingGlyphs) as refused:
        pdf.Renderer(tmp_path / "assets").render(page, "es")
    message = str(refused.value)
    assert "U+10FFFD" in message and "es" in message and "Notas" in message


def test_export_refuses_an_edition_with_a_character_no_font_has(published, tmp_path, capsys):
    ws = tmp_path / "ws"
    shutil.copytree(published, ws, ignore=shutil.ignore_patterns("out"))
    translate(ws, "es", {**SPANISH, "Stress keeps many people awake.": "El estrés \U0010fffd despierta."})
    code = localize("--root", ws, "export", "--lang", "es")
    said = capsys.readouterr()
    assert code != 0
    message = said.err + said.out
    assert "U+10FFFD" in message and "es" in message
    assert SLUG in message or "El sueño y el ánimo" in message
    assert not edition(ws, "es").exists()


def test_an_edition_refused_for_a_missing_glyph_leaves_nothing_and_the_others_are_made(published, tmp_path,
                                                                                      capsys):
    ws = tmp_path / "ws"
    shutil.copytree(published, ws, ignore=shutil.ignore_patterns("out"))
    translate(ws, "es", {**SPANISH, "Stress keeps many people awake.": "El estrés \U0010fffd despierta."})
    code = localize("--root", ws, "export", "--lang", "es", "--lang", "ar")
    said = capsys.readouterr()
    assert code != 0 and "U+10FFFD" in said.err + said.out
    assert not edition(ws, "es", "html").exists() and not edition(ws, "es", "json").exists()
    assert edition(ws, "ar").exists() and edition(ws, "ar", "json").exists()
    for lang in ("ar", "en"):   # the editions made link no Spanish edition that never came
        assert 'hreflang="es"' not in edition(ws, lang, "html").read_text(encoding="utf-8")
