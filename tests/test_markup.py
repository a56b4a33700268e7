"""The inline markup of a unit, piece by piece: what a translation may hold, what the page gets from it,
and what is refused. Each case is what a translator types and what a reader would then see."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import etree

from localize import article, markup
from localize.markup import Refused

PAGE = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Page</title></head>'
        '<body><p>{}</p></body></html>')


def unit_of(fragment: str) -> str:
    """The unit the page's paragraph becomes."""
    units = [u.text for u in article.split(article.parse(PAGE.format(fragment))) if u.kind == "p"]
    assert len(units) == 1, units
    return units[0]


def rendered_paragraph(fragment: str, translation: str, links=None) -> tuple[str, list]:
    """The paragraph a Spanish reader gets, serialized, and the refusals."""
    tree = article.parse(PAGE.format(fragment))
    refused: list = []
    article.render(tree, {unit_of(fragment): translation}, source_language="en", target_language="es",
                   refused=refused, links=links)
    p = tree.getroot().find(".//body/p")
    return etree.tostring(p, encoding="unicode", method="html"), refused


def reader_text(fragment_html: str) -> str:
    return "".join(etree.fromstring(fragment_html, etree.HTMLParser()).itertext())


# -- void elements, nesting and protected content -------------------------------------------------

def test_a_translation_with_a_line_break_keeps_the_break_and_all_its_text():
    source = "First line<br>second line"
    out, refused = rendered_paragraph(source, "Primera línea<br>segunda línea")
    assert refused == []
    assert out == "<p>Primera línea<br>segunda línea</p>"


def test_a_line_break_moved_in_a_translation_stays_a_break_and_swallows_nothing():
    source = "One <em>two</em><br>three"
    out, refused = rendered_paragraph(source, "Uno<br>dos <em>tres</em> y cuatro")
    assert refused == []
    assert out == "<p>Uno<br>dos <em>tres</em> y cuatro</p>"


def test_a_self_closed_break_in_a_translation_is_the_same_break():
    out, refused = rendered_paragraph("a<br>b", "x<br/>y")
    assert (out, refused) == ("<p>x<br>y</p>", [])


def test_nested_inline_elements_stay_elements_in_a_reordered_translation():
    source = 'See <a href="https://example.org/x"><em>the</em> guide</a> and <strong>more</strong>.'
    out, refused = rendered_paragraph(source, 'Y <strong>más</strong>: <a href="https://example.org/x">la '
                                              '<em>guía</em></a>.')
    assert refused == []
    assert out == '<p>Y <strong>más</strong>: <a href="https://example.org/x">la <em>guía</em></a>.</p>'
    assert "&lt;" not in out


def test_a_protected_element_with_children_comes_from_the_source_whatever_the_translation_says():
    source = 'Buy <span translate="no">Acme <b>Pro</b></span> today.'
    assert unit_of(source) == source
    out, refused = rendered_paragraph(source, 'Compre <span translate="no">Acme <b>Basic</b> gratis</span> hoy.')
    assert refused == []
    assert out == '<p>Compre <span translate="no" lang="en">Acme <b>Pro</b></span> hoy.</p>'


def test_a_protected_element_kept_as_it_is_in_a_reordered_translation_is_taken():
    source = 'Buy <span translate="no">Acme <b>Pro</b></span> <em>today</em>.'
    out, refused = rendered_paragraph(source, '<em>Hoy</em> compre <span translate="no">Acme <b>Pro</b></span>.')
    assert refused == []
    assert out == '<p><em>Hoy</em> compre <span translate="no" lang="en">Acme <b>Pro</b></span>.</p>'


def test_a_protected_element_written_empty_still_gets_its_source_content():
    source = 'Buy <span translate="no">Acme <b>Pro</b></span> today.'
    out, refused = rendered_paragraph(source, 'Compre <span translate="no"/> hoy.')
    assert refused == []
    assert out == '<p>Compre <span translate="no" lang="en">Acme <b>Pro</b></span> hoy.</p>'


def test_badly_nested_tags_are_refused_and_the_source_shown():
    source = "A <em>b <strong>c</strong></em> d"
    out, refused = rendered_paragraph(source, "A <em>b <strong>c</em></strong> d")
    assert [r.reason for r in refused] == ["badly nested: <strong>"]
    assert reader_text(out) == "A b c d"


def test_a_closing_tag_that_opens_nothing_is_refused():
    assert markup.refusal("A <em>b</em>", "A </em><em>b</em>") == "badly nested: </em>"
    with pytest.raises(Refused, match="badly nested"):
        markup.build("a </em>", [etree.fromstring("<em>b</em>")])


def test_an_unclosed_tag_is_refused():
    assert markup.refusal("A <em>b</em> c", "A <em>b c") == "badly nested: <em>"


# -- tags() ----------------------------------------------------------------------------------------

def test_tags_reads_boolean_attributes_and_every_quoting():
    text = '<input disabled type=checkbox><a download href=\'x.pdf\' title="T &amp; U">f</a>'
    found = markup.tags(text)
    assert [(t.name, t.attrs, t.closing, t.self_closing) for t in found] == [
        ("input", (("disabled", ""), ("type", "checkbox")), False, False),
        ("a", (("download", ""), ("href", "x.pdf"), ("title", "T & U")), False, False),
        ("a", (), True, False),
    ]
    assert [text[t.start:t.end] for t in found] == ["<input disabled type=checkbox>",
                                                     "<a download href='x.pdf' title=\"T &amp; U\">", "</a>"]


def test_tags_lowers_names_and_drops_a_prefix_and_reads_self_closing():
    found = markup.tags('<SVG:Rect WIDTH="2"/><BR/>')
    assert [(t.name, t.attrs, t.self_closing) for t in found] == [("rect", (("width", "2"),), True),
                                                                   ("br", (), True)]


def test_a_boolean_attribute_kept_in_a_translation_is_taken():
    source = '<a download href="report.pdf">the report</a>'
    out, refused = rendered_paragraph(source, '<a download href="report.pdf">el informe</a>')
    assert refused == []
    assert out == '<p><a download="" href="report.pdf">el informe</a></p>'


def test_attribute_values_with_angle_brackets_and_quotes_are_escaped_in_units():
    source = '<abbr title="a &lt; b &amp; &quot;c&quot; &gt; d">abc</abbr> x'
    unit = unit_of(source)
    assert unit == '<abbr title="a &lt; b &amp; &quot;c&quot; &gt; d">abc</abbr> x'
    assert markup.tags(unit)[0].attrs == (("title", 'a < b & "c" > d'),)
    assert markup.escape_attr('<"&>') == "&lt;&quot;&amp;&gt;"
    assert markup.escape_text('a < b & c > d "q"') == 'a &lt; b &amp; c &gt; d "q"'


def test_a_translated_title_with_angle_brackets_reaches_the_page_as_text():
    source = '<abbr title="World Health Organization">WHO</abbr> says'
    out, refused = rendered_paragraph(source, '<abbr title="Organización &lt;Mundial&gt; &amp; Salud">OMS</abbr> dice')
    assert refused == []
    p = etree.fromstring(out, etree.HTMLParser()).find(".//abbr")
    assert p.get("title") == "Organización <Mundial> & Salud" and p.text == "OMS"


# -- attributes a translator may change -------------------------------------------------------------

@pytest.mark.parametrize("old, new, allowed", [
    ("https://example.org/a", "https://example.org/es/a", True),         # the same site
    ("https://example.org/a", "https://EXAMPLE.org/es/a", True),         # host names know no case
    ("https://example.org/a", "http://example.org/a", False),            # another scheme is another site
    ("https://example.org/a", "https://evil.example/a", False),
    ("https://www.example.org/a", "https://www.example.org/es/a", True),
    ("https://www.example.org/a", "https://example.org/a", False),       # www. is another host
    ("https://example.org/a", "a.es.html", True),                        # relative: the same site
    ("https://example.org/a", "#ref-2", True),                           # an anchor of the page
    ("https://example.org/a", "//evil.example/a", False),                # scheme-relative: another site
    ("https://example.org/a", "\\\\evil.example/a", False),
    ("https://example.org/a", "java\nscript:alert(1)", False),           # junk inside a scheme
    ("https://example.org/a", "javascript:alert(1)", False),
    ("mailto:a@example.org", "mailto:b@example.org", False),             # a mail address has no site
    ("/a", "https://example.org/a", False),                              # a relative link made absolute
])
def test_which_links_a_translation_may_point_elsewhere(old, new, allowed):
    reason = markup.link_change(old, new)
    assert (reason is None) == allowed, reason
    if not allowed:
        assert reason == f'href points elsewhere: "{old}" -> "{new}"'


def test_a_link_to_its_localized_counterpart_is_allowed_by_the_links_map():
    assert markup.link_change("https://other.org/en", "https://other.org/es") is None
    assert markup.link_change("https://a.org/en", "https://b.org/es") is not None
    assert markup.link_change("https://a.org/en", "https://b.org/es", {"https://a.org/en": "https://b.org/es"}) is None


@pytest.mark.parametrize("element, name, old, new, reason", [
    ("abbr", "title", "World", "Mundo", None),
    ("img", "alt", "A chart", "Un gráfico", None),
    ("img", "alt", "A chart", None, None),          # a text attribute may even go
    ("input", "value", "Send", "Enviar", None),     # a button's label
    ("span", "lang", None, "es-419", None),
    ("span", "lang", None, "not a tag!", 'lang="not a tag!" is not in the source'),
    ("span", "dir", None, "RTL", None),
    ("span", "dir", None, "up", 'dir="up" is not in the source'),
    ("span", "dir", "rtl", None, 'dir="rtl" is missing'),
    ("a", "id", "ref-1", "ref-2", None),
    ("a", "id", "ref-1", " ", 'id changed: "ref-1" -> " "'),
    ("a", "id", None, "x", 'id="x" is not in the source'),
    ("span", "class", "term", "other", 'class changed: "term" -> "other"'),
    ("span", "class", "term", None, 'class="term" is missing'),
    ("span", "onclick", None, "alert(1)", 'onclick="alert(1)" is not in the source'),
])
def test_what_a_translation_may_change_in_an_attribute(element, name, old, new, reason):
    source = {} if old is None else {name: old}
    if element == "input":
        source["type"] = "submit"
    assert markup.attribute_change(element, source, name, old, new) == reason


def test_a_value_is_text_only_on_a_button():
    assert markup.is_text_attribute("input", "value", {"type": " Submit "})
    assert not markup.is_text_attribute("input", "value", {"type": "text"})
    assert not markup.is_text_attribute("input", "value", {})
    assert not markup.is_text_attribute("option", "value", {"type": "submit"})


def test_match_prefers_an_unused_element_with_the_same_attributes():
    sources = [("a", {"href": "https://example.org/1"}), ("a", {"href": "https://example.org/2"})]
    tokens = markup.tags('<a href="https://example.org/2">b</a> <a href="https://example.org/1">a</a>')
    assert markup.match(sources, tokens) == ({0: 1, 2: 0}, None)


def test_match_lets_a_name_stand_twice():
    sources = [("em", {})]
    assert markup.match(sources, markup.tags("<em>a</em> and <em>a</em>")) == ({0: 0, 2: 0}, None)


def test_match_gives_the_first_reason_when_no_element_will_do():
    sources = [("a", {"href": "https://a.org/1"}), ("a", {"href": "https://a.org/2"})]
    matched, reason = markup.match(sources, markup.tags('<a href="https://b.org/">x</a>'))
    assert reason == 'href points elsewhere: "https://a.org/1" -> "https://b.org/"'
    matched, reason = markup.match(sources, markup.tags("<em>x</em>"))
    assert reason == "<em> is not in the source"


def test_a_tag_the_grammar_cannot_read_is_refused_not_shown():
    reason = markup.refusal("a <em>b</em>", "a <em>b</em> <!-- c -->")
    assert reason == "markup that cannot be read: '<!-- c -->'"
    assert markup.refusal("a", "a < b and c > d") is None     # not a tag: text
    assert markup.refusal("a <em>b</em>", "a <em>b</em> <b>c</b>") == "<b> is not in the source"


# -- helpers ----------------------------------------------------------------------------------------

def test_local_name_and_spaces():
    assert markup.local_name("{http://www.w3.org/1999/xhtml}SPAN") == "span"
    assert markup.local_name("svg:Rect") == "rect"
    assert markup.normalize_space("a \t\n\r\f b  c") == "a b c"
    assert markup.normalize_space("a\u00a0\u00a0b") == "a\u00a0\u00a0b"   # no-break spaces stay
    assert markup.unescape("a &amp; b\x01") == "a & b\ufffd"
    assert markup.xml_text("ok\ufffe\ud800") == "ok\ufffd\ufffd"


def test_serialize_drops_comments_but_keeps_the_text_around_them():
    p = etree.fromstring("<p>one <!-- note --> two <em>three<br/>four</em><?pi x?> five</p>")
    assert markup.serialize(p.text, list(p)) == "one two <em>three<br>four</em> five"


def test_texts_in_order_and_without_tags():
    assert markup.texts_in_order("Uno <em>dos</em> &amp; tres", "One <em>two</em> and three") == \
        ["Uno ", "dos", " & tres"]
    assert markup.texts_in_order("<strong>x</strong>", "<em>x</em>") is None
    assert markup.raw_tags('a <em class="x">b</em>') == ['<em class="x">', "</em>"]
    assert markup.without_tags("a <em>b</em> c", "|") == "a |b| c"


# -- the property: a translation with the source's tags is the source's tree with the text replaced ---

WORD = st.text(alphabet=st.sampled_from("abcxyzéñ<>&\"'0129 ؟ش"), min_size=1, max_size=6).map(
    lambda s: " ".join(s.split()) or "w")


@st.composite
def inline(draw, depth: int = 0):
    """A run of inline content, as (source, translation) fragments with the same tags in the same order."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["text", "text", "em", "strong", "a", "br", "img", "abbr", "span-no", "code"]
                                    if depth < 3 else ["text", "br"]))
        if kind == "text":
            parts.append((html.escape(draw(WORD), quote=False), html.escape(draw(WORD), quote=False)))
        elif kind == "br":
            parts.append(("<br>", "<br>"))
        elif kind == "img":
            alt, alt_es = draw(WORD), draw(WORD)
            parts.append((f'<img src="c.png" alt="{html.escape(alt)}">',
                          f'<img src="c.png" alt="{html.escape(alt_es)}">'))
        elif kind == "span-no":   # protected: the same content on both sides
            inner = draw(inline(depth + 1))[0]
            parts.append((f'<span translate="no">{inner}</span>',) * 2)
        else:
            name, attrs = {"em": ("em", ""), "strong": ("strong", ""), "code": ("code", ""),
                           "a": ("a", ' href="https://example.org/x?a=1&amp;b=2"'),
                           "abbr": ("abbr", ' title="T &amp; &lt;U&gt;"')}[kind]
            src, tr = draw(inline(depth + 1))
            parts.append((f"<{name}{attrs}>{src}</{name}>", f"<{name}{attrs}>{tr}</{name}>"))
    # text pieces side by side read as one: join them with a space, as a unit's text does
    source, translation = "Start", "Inicio"
    for s, t in parts:
        source += (" " if source and not source.endswith(">") and not s.startswith("<") else "") + s
        translation += (" " if translation and not translation.endswith(">") and not t.startswith("<") else "") + t
    return source, translation


def _protect_marked(tree) -> None:
    """The page of the translation as a reader expects it: protected content marked as English."""
    for el in tree.getroot().iter("span"):
        if el.get("translate") == "no" and el.getparent().tag == "p" or (
                el.get("translate") == "no" and not any(a.get("translate") == "no" for a in el.iterancestors())):
            el.set("lang", "en")


def respelled(unit: str) -> str:
    """The same tags written another way: single quotes, a space before the end, void tags self-closed."""
    unit = re.sub(r'="([^"]*)"', lambda m: "='" + m.group(1).replace("'", "&#39;") + "'", unit)
    unit = re.sub(r"<(br|img)([^>]*)>", r"<\1\2 />", unit)
    return re.sub(r"<(em|strong|code)>", r"<\1 >", unit)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inline(), st.booleans())
def test_a_translation_with_the_sources_tags_renders_as_the_source_tree_with_its_text(pair, respell):
    """Written as the source writes its tags, the text goes into the source's elements; written
    another way, the translation's tags are matched to the source's elements one by one."""
    source, translation = pair
    unit = unit_of(source)
    translated_unit = respelled(unit_of(translation)) if respell else unit_of(translation)
    tree = article.parse(PAGE.format(source))
    refused: list = []
    article.render(tree, {unit: translated_unit}, source_language="en", target_language="es", refused=refused)
    assert refused == []
    expected = article.parse(PAGE.format(translation))
    _protect_marked(expected)
    got_p, want_p = tree.getroot().find(".//body/p"), expected.getroot().find(".//body/p")
    assert etree.tostring(got_p, encoding="unicode") == etree.tostring(want_p, encoding="unicode")


# -- edges the mutation run found untested ------------------------------------------------------------

@pytest.mark.parametrize("text", ["a\tb", "a\rb", "a\fb", "a\nb", "a  b"])
def test_each_kind_of_html_space_alone_is_collapsed(text):
    assert markup.normalize_space(text) == "a b"


def test_text_keeps_its_no_break_spaces_and_letters_at_its_edges():
    assert markup.serialize("\u00a0Xylophone X\u00a0", []) == "\u00a0Xylophone X\u00a0"
    assert markup.serialize("  Xu  ", []) == "Xu"


def test_a_greater_than_sign_alone_is_escaped_in_a_unit():
    assert markup.escape_text("a > b") == "a &gt; b"
    assert markup.escape_text("plain") == "plain"


def test_without_tags_removes_them_by_default():
    assert markup.without_tags('a <em class="x">b</em> c') == "a b c"


def test_a_control_character_in_a_translated_attribute_becomes_a_replacement_character():
    source = [etree.fromstring('<abbr title="World">W</abbr>')]
    root, made = markup.build('<abbr title="Mun\x01do">M</abbr>', source)
    assert root[0].get("title") == "Mun\ufffddo"


def test_a_text_attribute_the_translation_leaves_out_is_left_out():
    source = [etree.fromstring('<img src="c.png" alt="A chart"/>')]
    root, made = markup.build('Ver <img src="c.png">', source)
    assert dict(root[0].attrib) == {"src": "c.png"}
    assert made == [(root[0], source[0])]


def test_a_long_unreadable_piece_is_quoted_to_forty_characters():
    odd = "<!-- " + "x" * 60 + " -->"
    assert markup.refusal("a <em>b</em>", f"a <em>b</em> {odd}") == f"markup that cannot be read: {odd[:40]!r}"
    assert markup.refusal("a <em>b</em>", "<!-- c --><em>b</em>") == "markup that cannot be read: '<!-- c -->'"


def test_tags_in_a_translation_of_a_unit_without_any_are_refused():
    assert markup.refusal("plain", "con <em>énfasis</em>") == "<em> is not in the source"
    assert markup.refusal("plain", "sin nada") is None
    assert markup.refusal("a <em>b</em>", "sin nada") is None


def test_refusal_follows_the_links_map():
    source, translation = '<a href="https://a.org/en">x</a>', '<a href="https://b.org/es">x</a>'
    assert markup.refusal(source, translation) == 'href points elsewhere: "https://a.org/en" -> "https://b.org/es"'
    assert markup.refusal(source, translation, {"https://a.org/en": "https://b.org/es"}) is None


@pytest.mark.parametrize("old, new, allowed", [
    ("http://example.org/a", "http://example.org/es/a", True),
    ("ftp://example.org/a", "ftp://example.org/es/a", True),
    ("https://example.org/a", " https://example.org/es/a", True),     # spaces around a URL are not part of it
    ("https://example.org/a", "/\\evil.example/a", False),            # what browsers read as //evil.example
    ("https://example.org/a", "\\/evil.example/a", False),
    ("https:///a", "https:///b", False),                               # no host: no site to stay within
])
def test_more_links_a_translation_may_or_may_not_point_at(old, new, allowed):
    assert (markup.link_change(old, new) is None) == allowed


def test_a_button_s_label_may_change_in_a_translation():
    sources = [("input", {"type": "submit", "value": "Send"})]
    assert markup.match(sources, markup.tags('<input type="submit" value="Enviar">')) == ({0: 0}, None)
    assert markup.attributes_change("input", {"type": "submit", "value": "Send"},
                                    {"type": "submit", "value": "Enviar"}) is None


def test_elements_of_one_name_are_each_used_once_before_any_is_used_again():
    sources = [("abbr", {"title": "A"}), ("abbr", {"title": "B"})]
    tokens = markup.tags('<abbr title="X">x</abbr> <abbr title="Y">y</abbr> <abbr title="Z">z</abbr>')
    assert markup.match(sources, tokens) == ({0: 0, 2: 1, 4: 0}, None)


def test_a_tag_inside_a_protected_element_may_not_be_used_outside_it():
    source = 'Buy <span translate="no">Acme <b>Pro</b></span> today.'
    for mark in ("no", "NO", " No "):
        out, refused = rendered_paragraph(source.replace('"no"', f'"{mark}"'),
                                          f'Compre <b>hoy</b> <span translate="{mark}">Acme <b>Pro</b></span>.')
        assert [r.reason for r in refused] == ["<b> is not in the source"], mark


def test_an_unclosed_protected_element_is_refused_not_a_crash():
    source = 'Buy <span translate="no">Acme</span> <em>today</em>.'
    assert markup.refusal(source, 'Compre <span translate="no">Acme hoy.') == 'badly nested: <span translate="no">'
    assert markup.refusal(source, 'Compre <span translate="no">Acme <em>hoy</em>.') == \
        'badly nested: <span translate="no">'
