"""Split and render: the walker, on the seed article and on difficult pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from localize import article, catalog, languages, po
from localize.errors import ArticleError

from conftest import PAGES, SEED, assert_msgfmt_ok
from domcompare import tokens

ALL_PAGES = [SEED, *PAGES]


def units_of(html: str | bytes) -> list[article.Unit]:
    return article.split(article.parse(html))


def texts_of(html: str | bytes) -> list[str]:
    return [u.text for u in units_of(html)]


def render(html: str | bytes, translations: dict[str, str], target: str = "es") -> str:
    language = languages.parse(target)
    tree = article.parse(html)
    article.render(tree, translations, source_language="en", target_language=language.tag,
                   direction=language.direction)
    return article.serialize(tree)


def without_root_language(toks):
    """Tokens with the <html> element's lang/dir/xml:lang left out, and the lang="en" that marks what stays
    in English in another language's edition (the reference list, translate="no")."""
    out = list(toks)
    kind, (name, attrs) = out[0]
    assert (kind, name) == ("start", "html")
    out[0] = (kind, (name, tuple((k, v) for k, v in attrs if k not in ("lang", "dir"))))
    for i, (kind, value) in enumerate(out[1:], 1):
        if kind == "start":
            out[i] = (kind, (value[0], tuple((k, v) for k, v in value[1] if (k, v) != ("lang", "en"))))
    return out


# -- the golden round trip -------------------------------------------------------

@pytest.mark.parametrize("page", ALL_PAGES, ids=lambda p: p.name)
def test_identity_catalog_renders_the_source(page: Path, tmp_path: Path):
    """Every msgstr = its msgid, approved, through real .pot/.po files: the page comes back."""
    source = page.read_bytes()
    units = units_of(source)
    assert units, "the page has translatable text"
    pot = catalog.template(page.stem, units, f"source/{page.name}", created=catalog.now())
    cat = catalog.translation_catalog(pot, languages.parse("fr"), created=catalog.now())
    for entry in cat.entries:
        entry.msgstr = entry.msgid
    path = tmp_path / "fr.po"
    path.write_text(po.dumps(cat), encoding="utf-8")
    assert_msgfmt_ok(path)
    approved = catalog.translations(catalog.read(path))
    assert len(approved) == len(cat.entries)

    output = render(source, approved, target="fr")

    assert without_root_language(tokens(output)) == without_root_language(tokens(source))
    root = article.parse(output).getroot()
    assert root.get("lang") == "fr"
    # everything was translated, so nothing is marked as still being English but what stays English
    # by the page's say (translate="no") and the reference list
    assert not root.xpath("//body//*[@lang='en'][not(@translate='no')]"
                          "[not(ancestor::*[@id='references' or contains(concat(' ', @class, ' '), ' references ')])]")


@pytest.mark.parametrize("page", ALL_PAGES, ids=lambda p: p.name)
def test_empty_catalog_renders_the_source_unchanged(page: Path):
    source = page.read_bytes()
    output = render(source, {}, target="en")
    assert tokens(output) == tokens(source)
    # nothing the page did not ask for: a page that did not say its language still does not
    assert article.parse(output).getroot().get("lang") == article.parse(source).getroot().get("lang")


def test_untranslated_units_say_they_are_english():
    output = render(SEED.read_bytes(), {}, target="es")
    root = article.parse(output).getroot()
    assert root.get("lang") == "es"
    h1 = root.find(".//h1")
    assert h1.get("lang") == "en"
    assert h1.text == "Understanding Emotional Numbness — Causes and Recovery"
    # text is untouched
    assert [t for t in tokens(output) if t[0] == "text"] == [t for t in tokens(SEED.read_bytes()) if t[0] == "text"]


def test_pre_is_byte_identical_after_render():
    source = (Path(__file__).parent / "pages" / "inline-code.html").read_text(encoding="utf-8")
    pre = re.search(r"<pre><code>\[.*?</pre>", source, re.S).group()
    translated = {u.text: f"[fr] {u.text}" for u in units_of(source)}
    output = render(source, translated, target="fr")
    assert pre in output
    assert all("[extract]" not in text for text in translated)


def test_right_to_left_language_sets_dir():
    output = render(SEED.read_bytes(), {"Research sources": "مصادر البحث"}, target="ar")
    root = article.parse(output).getroot()
    assert (root.get("lang"), root.get("dir")) == ("ar", "rtl")
    assert root.xpath("//h2[text()='مصادر البحث']")


# -- split -------------------------------------------------------------------------

def test_seed_units_carry_their_kind():
    units = units_of(SEED.read_bytes())
    kinds = {}
    for u in units:
        kinds.setdefault(u.kind, []).append(u.text)
    assert kinds["faq question"][0] == "What does emotional numbness actually mean?"
    assert len(kinds["faq question"]) == 6 and len(kinds["faq answer"]) == 6
    assert "Men &amp; Women Emotions and Feelings" in kinds["kicker"]
    assert "The evidence" in kinds["kicker"]
    assert kinds["byline"] == ["Last reviewed by the Men Women Psychology editorial team."]
    assert "Research sources" in kinds["h2"]
    assert len(kinds["meta description"]) == 1
    assert kinds["title"] == ["Understanding Emotional Numbness — Causes and Recovery"]


def test_reference_list_is_not_extracted_but_its_introduction_is():
    texts = texts_of(SEED.read_bytes())
    assert not any("Levant, R. F." in t or "Psychological Science" in t for t in texts)
    intro = [t for t in texts if t.startswith("These references point")]
    assert len(intro) == 1
    assert '<a href="/about/research-methodology">research methodology</a>' in intro[0]


def test_citations_stay_inside_their_paragraph():
    texts = texts_of(SEED.read_bytes())
    gross = [t for t in texts if t.startswith("James Gross")]
    assert len(gross) == 1
    assert '<a href="#ref-2">(1998)</a>' in gross[0]
    assert "<em>expressive suppression</em>" in gross[0]


def test_identical_text_is_one_entry_with_two_references():
    source = SEED.read_text(encoding="utf-8")
    units = units_of(source)
    pot = catalog.template("emotional-numbness", units, "source/emotional-numbness.html",
                           created=catalog.now())
    title = [e for e in pot.entries if e.msgid.startswith("Understanding Emotional Numbness")]
    assert len(title) == 1
    lines = source.split("\n")
    expected = [f"source/emotional-numbness.html:{i + 1}" for i, line in enumerate(lines)
                if "Understanding Emotional Numbness — Causes" in line]
    assert title[0].references == expected
    assert title[0].extracted == ["title", "h1"]


def test_whitespace_is_normalized_in_msgids():
    html = "<p>one\n   two\t\tthree  <em>four\n five</em>\n</p>"
    assert texts_of(html) == ["one two three <em>four five</em>"]


def test_no_break_space_is_text_not_layout():
    assert texts_of("<p>10\u00a0km  away</p>") == ["10\u00a0km away"]


@pytest.mark.parametrize("html, expected", [
    ("<ul><li>Pack: <ul><li>water</li></ul> and go.</li></ul>", ["Pack:", "water", "and go."]),
    ("<div>Loose text <p>para</p> after</div>", ["Loose text", "para", "after"]),
    ("<li><p>inside</p></li>", ["inside"]),
    ("<blockquote><p>one</p><p>two</p></blockquote>", ["one", "two"]),
    ("<p>one<p>two<ul><li>a<li>b</ul>", ["one", "two", "a", "b"]),
    ("<P CLASS=x>Upper <EM>case</EM></P>", ["Upper <em>case</em>"]),
    ("<p>a &amp; b &lt; c &gt; d &quot;e&quot; &#8212; &eacute;</p>", ["a &amp; b &lt; c &gt; d \"e\" — é"]),
    ('<p>See <a href="/x?a=1&amp;b=2" title="He said &quot;hi&quot;">this</a></p>',
     ['See <a href="/x?a=1&amp;b=2" title="He said &quot;hi&quot;">this</a>', 'He said "hi"']),
    ("<p>line<br>break<br/>again</p>", ["line<br>break<br>again"]),
    ('<p><img src="a.png" alt="A cat"></p>', ["A cat"]),
    ('<p>x <span translate="no">Gross</span> y</p>', ['x <span translate="no">Gross</span> y']),
    ('<p><span translate="no">Gross</span></p>', []),
    ('<div translate="no"><p>no</p><p translate="yes">yes</p></div>', ["yes"]),
    ("<script>var a = '<p>x</p>';</script><style>p{}</style><template><p>t</p></template><p>ok</p>", ["ok"]),
    ('<svg><text>chart</text></svg><math><mi>x</mi></math><pre>code</pre><p>ok</p>', ["ok"]),
    ("<p>before <!-- a note --> after</p>", ["before after"]),
    ("<!-- <p>commented</p> --><p>real</p>", ["real"]),
    ('<input placeholder="Your name"><button aria-label="Close">×</button>',
     ['<input placeholder="Your name"><button aria-label="Close">×</button>', "Your name", "Close"]),
    ('<table><caption>Cap</caption><tr><th>H</th><td>D <b>b</b></td><td></td></tr></table>',
     ["Cap", "H", "D <b>b</b>"]),
    ('<dl><dt>term</dt><dd>def</dd></dl><figure><figcaption>fig</figcaption></figure>', ["term", "def", "fig"]),
    ('<p>Use <code>a &lt; b</code> here</p>', ["Use <code>a &lt; b</code> here"]),
    ('<p>a<wbr>b</p>', ["a<wbr>b"]),
])
def test_split_table(html, expected):
    assert texts_of(html) == expected


def test_skipped_page_extracts_only_visible_text():
    page = Path(__file__).parent / "pages" / "skipped.html"
    texts = texts_of(page.read_bytes())
    joined = "\n".join(texts)
    for hidden in ("document.write", "not text", "translate=\"yes\"" and "Turdus merula</p>"):
        assert hidden not in joined
    assert any("Turdus merula" in t and 'translate="no"' in t for t in texts)


@pytest.mark.parametrize("html", [
    b"",
    b"   \n  ",
    b"<div>" * 300 + b"deep text" + b"</div>" * 300,
    b"<span>" * 400 + b"deep" + b"</span>" * 400,
])
def test_pages_the_parser_cannot_read_whole_are_refused(html):
    with pytest.raises(ArticleError):
        article.parse(html, "page.html")


def test_refusal_names_the_page_and_the_problem():
    with pytest.raises(ArticleError, match=r"page\.html:\d+: .*depth"):
        article.parse(b"<div>" * 300 + b"x" + b"</div>" * 300, "page.html")


def test_latin1_page_with_meta_charset_is_read():
    html = '<html><head><meta charset="iso-8859-1"></head><body><p>café</p></body></html>'.encode("latin-1")
    assert texts_of(html) == ["café"]


# -- render: what a translation may and may not do ----------------------------------

SOURCE = '<html><body><p>See <a href="#ref-3">(2003)</a> and <em>this</em>.</p></body></html>'
MSGID = 'See <a href="#ref-3">(2003)</a> and <em>this</em>.'


def body_of(output: str):
    return article.parse(output).getroot().find("body")


def test_translation_may_reorder_inline_elements():
    out = body_of(render(SOURCE, {MSGID: 'Mira <em>esto</em> y <a href="#ref-3">(2003)</a>.'}))
    p = out.find("p")
    assert [c.tag for c in p] == ["em", "a"]
    assert p.find("a").get("href") == "#ref-3"
    assert "".join(p.itertext()) == "Mira esto y (2003)."


def test_attribute_order_and_quoting_do_not_matter():
    src = '<p>Go <a href="/x" class="c">here</a></p>'
    out = body_of(render(src, {'Go <a href="/x" class="c">here</a>': "Ve <a class='c' href=/x>aquí</a>"}))
    a = out.find("p/a")
    assert (a.get("href"), a.get("class"), a.text) == ("/x", "c", "aquí")


@pytest.mark.parametrize("translation", [
    "<script>alert(1)</script> Véase",
    "<SCRIPT>alert(1)</SCRIPT> Véase",
    'Véase <img src=x onerror="alert(1)">',
    'Véase <a href="javascript:alert(1)">(2003)</a>',
    'Véase <a href="#ref-3" onclick="steal()">(2003)</a>',
    'Véase <a href="https://evil.example/">(2003)</a>',
    'Véase <a href="#ref-3" class="x">(2003)</a>',
    "Véase <em>esto</b> y",
    'Véase <a href="#ref-3">(2003)',
    "<style>p{color:red}</style>Véase",
    '<iframe src="//evil"></iframe>',
    'Véase <a href="#ref-3">(2003)</a> y <em>esto</em> <b>más</b>.',
])
def test_markup_a_unit_cannot_take_falls_back_to_the_source(translation):
    """Never escaped tags on the reader's screen, never markup the translator added: the source, marked
    as English, and the reason listed."""
    refused: list[article.Refusal] = []
    tree = article.parse(SOURCE)
    article.render(tree, {MSGID: translation}, source_language="en", target_language="es", refused=refused)
    out = body_of(article.serialize(tree))
    p = out.find("p")
    assert not out.xpath("//script | //style | //img | //iframe | //b")
    assert not out.xpath("//@*[starts-with(name(), 'on')]")
    assert [a.get("href") for a in out.iter("a")] == ["#ref-3"]
    assert "".join(p.itertext()) == "See (2003) and this."
    assert p.get("lang") == "en"
    assert [r.text for r in refused] == [MSGID] and refused[0].reason


def test_a_translation_may_repeat_an_element_of_its_source():
    """Languages repeat names: the same element twice adds nothing the source does not have."""
    tree = article.parse(SOURCE)
    article.render(tree, {MSGID: '<a href="#ref-3">(2003)</a> y <em>esto</em>; <a href="#ref-3">(2003)</a>.'},
                   source_language="en", target_language="es")
    p = body_of(article.serialize(tree)).find("p")
    assert [a.get("href") for a in p.iter("a")] == ["#ref-3", "#ref-3"]
    assert "".join(p.itertext()) == "(2003) y esto; (2003)."


def test_a_link_to_an_anchor_the_page_lacks_keeps_the_source_target():
    refused: list[article.Refusal] = []
    tree = article.parse(SOURCE)
    article.render(tree, {MSGID: 'Véase <a href="#ref-9">(2003)</a> y <em>esto</em>.'}, source_language="en",
                   target_language="es", refused=refused)
    p = body_of(article.serialize(tree)).find("p")
    assert "".join(p.itertext()) == "Véase (2003) y esto."
    assert p.find("a").get("href") == "#ref-3"
    assert len(refused) == 1 and "#ref-9" in refused[0].reason


def test_escaped_markup_in_a_translation_stays_text():
    out = body_of(render(SOURCE, {MSGID: "Véase &lt;b&gt;esto&lt;/b&gt;"}))
    assert out.find("p").text == "Véase <b>esto</b>"
    assert out.find("p/b") is None


def test_protected_content_comes_from_the_source():
    src = '<p>As <span translate="no">Gross</span> said</p>'
    out = body_of(render(src, {'As <span translate="no">Gross</span> said':
                               'Como dijo <span translate="no">Grueso</span>'}))
    assert out.find("p/span").text == "Gross"
    assert "".join(out.find("p").itertext()) == "Como dijo Gross"


def test_hostile_attribute_translation_stays_inside_the_attribute():
    src = '<p><img src="a.png" alt="A cat"></p>'
    output = render(src, {"A cat": 'Un gato" onerror="alert(1)'})
    img = body_of(output).find(".//img")
    assert img.get("alt") == 'Un gato" onerror="alert(1)'
    assert img.get("onerror") is None


def test_untranslated_part_of_a_split_block_gets_its_own_language():
    src = "<ul><li>Pack: <ul><li>water</li></ul> and go.</li></ul>"
    out = body_of(render(src, {"water": "agua", "and go.": "y listo."}))
    outer = out.find("ul/li")
    span = outer.find("span")
    assert span is not None and span.get("lang") == "en" and span.text == "Pack:"
    assert outer.get("lang") is None
    assert out.find("ul/li/ul/li").text == "agua"


def test_translated_attribute_and_text_of_one_paragraph():
    src = '<p>Look <img src="c.png" alt="A cat"> here</p>'
    out = body_of(render(src, {'Look <img src="c.png" alt="A cat"> here': 'Mira <img src="c.png" alt="A cat"> aquí',
                               "A cat": "Un gato"}))
    img = out.find("p/img")
    assert img.get("alt") == "Un gato"
    assert out.find("p").text == "Mira "
    assert img.tail == " aquí"


def test_drafts_are_left_out_unless_asked_for(tmp_path: Path):
    units = units_of(SEED.read_bytes())
    pot = catalog.template("seed", units, "source/seed.html", created=catalog.now())
    cat = catalog.translation_catalog(pot, languages.parse("es"), created=catalog.now())
    by_id = {e.msgid: e for e in cat.entries}
    by_id["Research sources"].msgstr = "Fuentes"
    by_id["The nuance"].msgstr = "El matiz"
    by_id["The nuance"].set_flag("fuzzy")
    approved = render(SEED.read_bytes(), catalog.translations(cat))
    drafts = render(SEED.read_bytes(), catalog.translations(cat, include_drafts=True))
    assert "Fuentes" in approved and "El matiz" not in approved and "The nuance" in approved
    assert "Fuentes" in drafts and "El matiz" in drafts


def test_render_output_is_html_a_browser_reads_back_the_same():
    output = render(SEED.read_bytes(), {u.text: u.text for u in units_of(SEED.read_bytes())}, target="fr")
    again = article.serialize(article.parse(output))
    assert tokens(again) == tokens(output)
    assert output.startswith("<!DOCTYPE html>")
    assert isinstance(etree.fromstring(output.encode(), etree.HTMLParser()), etree._Element)


@pytest.mark.parametrize("translation, expected", [
    ('Véase <a href="#ref-3">(2003)</a> y <em>esto</em>.',
     '<p>Véase <a href="#ref-3">(2003)</a> y <em>esto</em>.</p>'),
    ('Véase <a href="#ref-3">(2003)</a> y <em>x &lt; y &amp; z</em>.',
     '<p>Véase <a href="#ref-3">(2003)</a> y <em>x &lt; y &amp; z</em>.</p>'),
    ('Véase <a href="#ref-3">(2003)</a> y <em>x < y > z</em>.',
     '<p>Véase <a href="#ref-3">(2003)</a> y <em>x &lt; y &gt; z</em>.</p>'),
    ('<a href="#ref-3">(2003)</a><em></em>', '<p><a href="#ref-3">(2003)</a><em></em></p>'),
    ('Véase <em>esto</em> y <a href="#ref-3">(2003)</a>.',
     '<p>Véase <em>esto</em> y <a href="#ref-3">(2003)</a>.</p>'),
    ('Véase <a href="#ref-3">(2003) y <em>esto</em></a>.',
     '<p>Véase <a href="#ref-3">(2003) y <em>esto</em></a>.</p>'),
    ('Véase <a href="#ref-3">(2003)</a> y <em>esto</em> <b>más</b>.',
     '<p lang="en">See <a href="#ref-3">(2003)</a> and <em>this</em>.</p>'),
])
def test_translation_text_lands_in_the_right_elements(translation, expected):
    """Kept in order (filled in place), reordered or renested (rebuilt): the same rules hold."""
    out = render(SOURCE, {MSGID: translation})
    p = body_of(out).find("p")
    assert etree.tostring(p, encoding="unicode", method="html").strip() == expected


def test_untranslated_run_with_inline_markup_keeps_its_comment_and_text():
    src = "<p>Keep <!-- note --> <em>this</em> here</p>"
    out = body_of(render(src, {"Keep <em>this</em> here": "Guarda <em>esto</em> aquí"}))
    p = out.find("p")
    assert "".join(p.itertext()) == "Guarda esto aquí"
    assert p.find("em").text == "esto"


def test_untranslated_text_in_a_right_to_left_page_keeps_its_own_direction():
    tree = article.parse('<html><body><p>One paragraph.</p><p>Two <em>words</em> here.</p></body></html>')
    article.render(tree, {"One paragraph.": "فقرة واحدة."}, source_language="en", target_language="ar",
                   direction="rtl")
    page = article.serialize(tree)
    assert '<html lang="ar" dir="rtl">' in page
    assert '<p>فقرة واحدة.</p>' in page
    assert '<p lang="en" dir="ltr">Two <em>words</em> here.</p>' in page
