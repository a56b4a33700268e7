"""Protection: what an engine must not change goes out as tokens and comes back exactly."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from localize import markup
from localize.protect import LostToken, Terms, protect, restore, surnames

TERMS = Terms(keep=("Gross", "John", "Levant", "Pennebaker", "Men Women Psychology"),
              required={"emotional numbness": "entumecimiento emocional", "alexithymia": "alexitimia"},
              citations=frozenset({"#ref-1", "#ref-2"}))
TOKEN = re.compile(r"⟦\d+⟧")

# -- examples a reader can check by eye ------------------------------------------


def test_markup_names_years_and_links_become_tokens():
    source = ('James Gross\'s work <a href="#ref-2">(1998)</a> on <em>expressive suppression</em>, '
              'see https://example.org/a?b=1 or 12,500 people.')
    p = protect(source, TERMS)
    # the possessive stays in the text: the engine makes it "la obra de Gross", not "Gross's obra"
    assert p.text == ("James ⟦0⟧'s work ⟦1⟧ on ⟦2⟧expressive suppression⟦3⟧, "
                      "see ⟦4⟧ or ⟦5⟧ people.")
    assert p.pieces == ("Gross", '<a href="#ref-2">(1998)</a>', "<em>", "</em>",
                        "https://example.org/a?b=1", "12,500")
    assert p.kinds == ("name", "markup", "markup", "markup", "link", "number")


def test_numbers_come_back_as_the_target_language_writes_them():
    source = "In 2009, 12,500.5 people (25% of them, aged 18–65) read p. 123 of version 2.1 in 3.5 hours."
    p = protect(source, Terms(language="es"))
    assert p.text == "In ⟦0⟧, ⟦1⟧ people (⟦2⟧ of them, aged ⟦3⟧) read p. ⟦4⟧ of version ⟦5⟧ in ⟦6⟧ hours."
    assert restore("En ⟦0⟧, ⟦1⟧ personas (⟦2⟧, de ⟦3⟧ años) leyeron la p. ⟦4⟧ de la versión ⟦5⟧ en ⟦6⟧ horas.", p) \
        == ("En 2009, 12.500,5 personas (25\u00a0%, de 18–65 años) leyeron la p. 123 de la versión 2.1 "
            "en 3,5 horas.")


@pytest.mark.parametrize("source, text, pieces", [
    ("the 1990s and the 5th edition", "the ⟦0⟧ and the ⟦1⟧ edition", ("1990s", "5th")),
    ("H1N1 and COVID-19", "⟦0⟧ and COVID-⟦1⟧", ("H1N1", "19")),
    ("a 10-year-old study", "a ⟦0⟧-year-old study", ("10",)),
    ("pages 76–94, 48(2)", "pages ⟦0⟧, ⟦1⟧(⟦2⟧)", ("76–94", "48", "2")),
])
def test_a_number_is_one_token_with_its_range_and_the_letters_glued_to_it(source, text, pieces):
    p = protect(source, TERMS)
    assert (p.text, p.pieces) == (text, pieces)


def test_common_given_names_are_left_out_of_the_surnames_protected():
    assert surnames(("Gross", "John", "Levant", "James", "Hasan", "Mary")) == ("Gross", "Levant", "Hasan")


def test_a_required_term_comes_back_as_its_translation_with_its_capital():
    p = protect("Emotional numbness and alexithymia.", TERMS)
    assert p.text == "⟦0⟧ and ⟦1⟧."
    assert restore("⟦0⟧ y ⟦1⟧.", p) == "Entumecimiento emocional y alexitimia."


def test_keep_terms_are_case_sensitive_whole_words():
    p = protect("A gross error by Grossman, not Gross.", TERMS)
    assert p.text == "A gross error by Grossman, not ⟦0⟧."


def test_entities_reach_the_engine_as_characters_and_come_back_escaped():
    p = protect("Men &amp; Women &lt;3", TERMS)
    assert p.text == "Men & Women <⟦0⟧"
    assert restore("Hombres & Mujeres <⟦0⟧", p) == "Hombres &amp; Mujeres &lt;3"


@pytest.mark.parametrize("element", [
    '<span translate="no">Men Women</span>',
    "<code>x = 1</code>",
    '<a href="#ref-1">(2009)</a>',
])
def test_elements_not_to_translate_are_one_token_content_and_all(element):
    p = protect(f"See {element} here.", TERMS)
    assert p.text == "See ⟦0⟧ here."
    assert p.pieces == (element,)


def test_an_ordinary_link_keeps_its_text_translatable():
    p = protect('Read <a href="/about">our method</a>.', TERMS)
    assert p.text == "Read ⟦0⟧our method⟦1⟧."


def test_token_brackets_and_apertium_marks_in_the_source_are_protected_too():
    p = protect("A ⟦0⟧ glyph, a *star, #tag and @handle.", TERMS)
    assert "*" not in p.text and "#" not in p.text and "@" not in p.text
    assert restore(p.text, p) == "A ⟦0⟧ glyph, a *star, #tag and @handle."


def test_lost_repeated_and_invented_tokens_are_refused_with_the_reason():
    p = protect("<em>Gross</em> in 1998.", TERMS)
    assert p.text == "⟦0⟧⟦1⟧⟦2⟧ in ⟦3⟧."
    with pytest.raises(LostToken, match="lost 1 protected part.*'1998'") as lost:
        restore("⟦0⟧⟦1⟧⟦2⟧ en.", p)
    assert lost.value.reason == "the engine lost a number"
    with pytest.raises(LostToken) as lost:
        restore("⟦0⟧⟦2⟧ en ⟦3⟧.", p)
    assert lost.value.reason == "the engine lost a name"
    with pytest.raises(LostToken) as lost:
        restore("⟦1⟧⟦2⟧ en ⟦3⟧.", p)
    assert lost.value.reason == "the engine lost markup"
    with pytest.raises(LostToken, match="repeated"):
        restore("⟦0⟧⟦1⟧⟦2⟧ en ⟦3⟧ ⟦3⟧.", p)
    with pytest.raises(LostToken, match="made up"):
        restore("⟦0⟧⟦1⟧⟦2⟧ en ⟦3⟧ ⟦9⟧.", p)


def test_markup_moved_out_of_order_is_refused():
    p = protect("<em>a <strong>b</strong></em>", TERMS)
    with pytest.raises(LostToken, match="out of order"):
        restore("⟦0⟧a ⟦1⟧b⟦3⟧⟦2⟧", p)


def test_spaces_an_engine_puts_inside_a_token_are_forgiven():
    p = protect("In 1998.", TERMS)
    assert restore("En ⟦ 0 ⟧.", p) == "En 1998."


# -- properties ----------------------------------------------------------------------

WORDS = st.sampled_from(["the", "work", "of", "people", "feel", "numb", "résumé", "año", "город",
                         "عربي", "a&b", "x<y", "z>w", "it's", "—", ",", "."])
SPECIAL = st.sampled_from(["1998", "12,500", "3.5", "https://example.org/p?q=1", "www.example.com/x",
                           "mail@example.org", "Gross", "John's", "Levant", "Men Women Psychology",
                           "⟦7⟧", "*", "#", "@"])
INLINE = st.sampled_from(["em", "strong", "i", "b", "span", "cite", "q"])
WHOLE = st.sampled_from(['<a href="#ref-1">(2009)</a>', '<span translate="no">Hyde &amp; Co</span>',
                         "<code>f(x) &lt; 2</code>", "<br>", '<img alt="" src="a.png">'])


def _text(parts: list[str]) -> str:
    return markup.escape_text(" ".join(parts))


fragments = st.deferred(lambda: st.lists(
    st.one_of(
        st.lists(st.one_of(WORDS, SPECIAL), min_size=1, max_size=6).map(_text),
        WHOLE,
        st.tuples(INLINE, fragments).map(lambda t: f"<{t[0]}>{t[1]}</{t[0]}>"),
        st.tuples(fragments).map(lambda t: f'<a href="https://example.org/">{t[0]}</a>'),
    ), min_size=1, max_size=4).map(" ".join))

NO_REQUIRED = Terms(keep=TERMS.keep, citations=TERMS.citations)


@settings(max_examples=200, deadline=None)
@given(fragments)
def test_protection_round_trips_exactly(fragment):
    p = protect(fragment, NO_REQUIRED)
    assert restore(p.text, p) == fragment


@settings(max_examples=200, deadline=None)
@given(fragments)
def test_the_engine_sees_no_markup_numbers_links_or_names(fragment):
    seen = TOKEN.sub(" ", protect(fragment, NO_REQUIRED).text)
    assert not any(tag in seen for tag in markup.raw_tags(fragment))
    assert not re.search(r"\d", seen)
    assert "example." not in seen and "Gross" not in seen and "Levant" not in seen
    assert "⟦" not in seen and "⟧" not in seen


@settings(max_examples=200, deadline=None)
@given(fragments, st.randoms(use_true_random=False))
def test_an_engine_that_rewrites_words_keeps_every_tag_and_term(fragment, rnd):
    p = protect(fragment, NO_REQUIRED)
    # an "engine": every word changed, tokens kept where they were
    engine = re.sub(r"[^\W\d]+", lambda m: m.group().upper()[::-1], p.text)
    out = restore(engine, p)
    assert sorted(markup.raw_tags(out)) == sorted(markup.raw_tags(fragment))
    for term in ("Gross", "Levant", "Men Women Psychology", "https://example.org/p?q=1", "12,500"):
        assert out.count(term) == fragment.count(term)


@settings(max_examples=200, deadline=None)
@given(fragments, st.data())
def test_a_lost_or_doubled_token_is_always_detected(fragment, data):
    p = protect(fragment, NO_REQUIRED)
    tokens = TOKEN.findall(p.text)
    if not tokens:
        return
    victim = data.draw(st.sampled_from(tokens))
    with pytest.raises(LostToken):
        restore(p.text.replace(victim, "", 1), p)
    with pytest.raises(LostToken):
        restore(p.text + " " + victim, p)
