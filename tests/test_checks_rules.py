"""How the checks are run on a catalog: what an ``ignore-`` flag and a ``qa-override`` may switch off
(and what they may not), plural forms, blank and draft entries, and the checks across a language's
catalogs; with the exact message a reviewer reads in each case."""

from __future__ import annotations

import pytest

from localize import checks, languages
from localize.checks import Context
from localize.po import Entry

ES = languages.parse("es")


def found(entries, context=None, **kw) -> list[tuple[str, str, str, bool]]:
    return [(p.msgid, p.check, p.message, p.overridden)
            for p in checks.run(entries, context or Context(ES), **kw)]


# -- ignore flags and overrides ------------------------------------------------------------------

def test_an_ignore_flag_switches_one_check_off_for_one_entry():
    wrong = Entry("In 1998.", "En 1989.")
    assert [c for _, c, _, _ in found([wrong])] == ["numbers"]
    assert found([Entry("In 1998.", "En 1989.", flags=["ignore-numbers"])]) == []
    assert [c for _, c, _, _ in found([Entry("In 1998.", "En 1989.", flags=["ignore-urls"])])] == ["numbers"]



def test_an_ignore_flag_switches_off_its_check_of_an_empty_plural_form_and_no_other():
    def entry(*flags):
        return Entry("One day", msgid_plural="Some days", msgstr_plural={0: "Un día", 1: ""}, flags=list(flags))

    assert [(c, m) for _, c, m, _ in found([entry("ignore-numbers")])] == [("empty", "a plural form is empty")]
    assert found([entry("ignore-empty")]) == []


def test_a_draft_with_one_plural_form_still_blank_has_its_other_forms_checked():
    draft = Entry("In 1998", msgid_plural="In 1998", msgstr_plural={0: "", 1: "En 1989"}, flags=["fuzzy"])
    assert [c for _, c, _, _ in found([draft])] == ["numbers"]


def test_a_problem_names_the_context_of_its_entry():
    menu = Entry("In 1998.", "En 1989.", msgctxt="menu")
    assert [(p.msgctxt, p.msgid, p.check) for p in checks.run([menu], Context(ES))] == [("menu", "In 1998.", "numbers")]
@pytest.mark.parametrize("check, entry", [
    ("pseudo", Entry("Hello.", "[!! Ĥéļļö. !!]", flags=["ignore-pseudo"])),
    ("unsafe", Entry("Hello.", 'Hola <img src="x" onerror="alert(1)">.', flags=["ignore-unsafe"])),
])
def test_pseudo_and_unsafe_can_be_neither_ignored_nor_overridden(check, entry):
    assert check in [c for _, c, _, _ in found([entry])]
    entry.comments.append(f"qa-override {check}: we know")
    problems = [p for p in checks.run([entry], Context(ES)) if p.check == check]
    assert problems and not any(p.overridden for p in problems)
    assert checks.overrides(entry) == {}
    with pytest.raises(ValueError, match=f"{check} cannot be overridden"):
        checks.add_override(entry, check, "because")


def test_a_pseudo_draft_is_an_error_by_its_origin_or_by_its_brackets():
    by_origin = Entry("Hello.", "Hola.", comments=["draft: pseudo"], flags=["fuzzy"])
    by_text = Entry("Hello.", "[!! Ĥéļļö. !!]")
    half = Entry("Hello.", "[!! Hola.")
    message = "a pseudo-translation: for testing layouts only, never to publish"
    assert ("Hello.", "pseudo", message, False) in found([by_origin])
    assert ("Hello.", "pseudo", message, False) in found([by_text])
    assert "pseudo" not in [c for _, c, _, _ in found([half])]
    assert "pseudo" not in [c for _, c, _, _ in found([Entry("Hello.", "Hola.", comments=["draft: apertium"],
                                                             flags=["fuzzy"])])]


def test_an_override_needs_a_known_check_and_a_reason_and_marks_the_problem():
    entry = Entry("In 1998.", "En 1989.", comments=["qa-override numbers:   the  source  is wrong  "])
    assert checks.overrides(entry) == {"numbers": "the  source  is wrong"}
    assert found([entry]) == [("In 1998.", "numbers", "numbers differ: 1989 where the source has 1998", True)]
    assert checks.blocking(checks.run([entry], Context(ES))) == []
    for comment in ("qa-override numbers:", "qa-override numbers", "qa-override nosuch: why", "qa-overridden x: y"):
        assert checks.overrides(Entry("a", "b", comments=[comment])) == {}, comment
    assert checks.overridden_check("qa-override numbers") == "numbers"
    assert checks.overridden_check("  qa-override   urls : because") == "urls"
    assert checks.overridden_check("translator note") is None


def test_adding_an_override_replaces_the_check_s_earlier_one_and_keeps_the_others():
    entry = Entry("a", "b", comments=["note", "qa-override numbers: old", "qa-override urls: kept"])
    checks.add_override(entry, "numbers", "  new \n reason ")
    assert entry.comments == ["note", "qa-override urls: kept", "qa-override numbers: new reason"]
    with pytest.raises(ValueError, match="needs a written reason"):
        checks.add_override(entry, "numbers", "  ")
    with pytest.raises(ValueError, match="no check 'nosuch'"):
        checks.add_override(entry, "nosuch", "why")
    checks.remove_overrides(entry, "urls")
    assert entry.comments == ["note", "qa-override numbers: new reason"]
    checks.remove_overrides(entry)
    assert entry.comments == ["note"]


def test_blocking_keeps_the_errors_nobody_overrode():
    entries = [Entry("In 1998.", "En 1989."), Entry("Hello", "Hola."),
               Entry("In 2001.", "En 2010.", comments=["qa-override numbers: checked"])]
    problems = checks.run(entries, Context(ES))
    assert {(p.msgid, p.severity) for p in problems} >= {("In 1998.", "error"), ("In 2001.", "error")}
    assert [(p.msgid, p.check) for p in checks.blocking(problems)] == [("In 1998.", "numbers")]


def test_severity_selects_the_checks_run():
    entries = [Entry("In 1998.", "En 1989"), Entry("Hello", "Hola.")]
    assert {p.severity for p in checks.run(entries, Context(ES), severity=checks.ERROR)} == {"error"}
    assert {p.severity for p in checks.run(entries, Context(ES), severity=checks.WARNING)} == {"warning"}


# -- which entries and texts are checked ---------------------------------------------------------

def test_untranslated_obsolete_and_empty_drafts_are_not_checked():
    assert found([Entry("In 1998."), Entry("In 1998.", "En 1989.", obsolete=True),
                  Entry("In 1998.", "  ", flags=["fuzzy"])]) == []


def test_a_blank_approved_translation_is_a_hole_in_the_page():
    assert found([Entry("Hello.", "   ")]) == [("Hello.", "empty", "the translation is blank", False)]


def test_each_plural_form_is_checked_against_its_own_source():
    entry = Entry("%d study in 1998", msgid_plural="%d studies in 1999",
                  msgstr_plural={0: "%d estudio en 1998", 1: "%d estudios en 1990"})
    assert found([entry]) == [("%d study in 1998", "numbers", "numbers differ: 1990 where the source has 1999",
                               False)]


def test_an_empty_plural_form_of_an_approved_entry_is_reported_once():
    entry = Entry("%d study", msgid_plural="%d studies", msgstr_plural={0: "%d estudio", 1: "", 2: ""})
    assert found([entry]) == [("%d study", "empty", "a plural form is empty", False)]


def test_a_problem_found_in_two_forms_is_reported_once_and_names_the_article():
    entry = Entry("In 1998", msgid_plural="In 1998", msgstr_plural={0: "En 1989", 1: "En 1989"})
    problems = checks.run([entry], Context(ES), article="numbness")
    assert [(p.article, p.language, p.check) for p in problems] == [("numbness", "es", "numbers")]



@pytest.mark.parametrize("lang, source_language, source, target, says", [
    ("ar", "en", "In the late nineties.", "في أواخر ١٩٩٨.", ["numbers differ: added 1998"]),
    ("en", "ar-EG", "في ١٩٩٨.", "In the late nineties.", ["numbers differ: missing 1998"]),
])
def test_numbers_written_only_in_a_languages_own_digits_are_read(lang, source_language, source, target, says):
    ctx = Context(languages.parse(lang), source_language)
    assert [m for _, c, m, _ in found([Entry(source, target)], ctx) if c == "numbers"] == says

# -- addresses -------------------------------------------------------------------------------------

@pytest.mark.parametrize("source, target, messages", [
    ("See www.example.org.", "Vea www.example.org.", []),
    ("See www.example.org.", "Vea www.example.com.",
     ["URLs or e-mail addresses differ: www.example.com where the source has www.example.org"]),
    ("See www.example.org.", "Vea el sitio.", ["URLs or e-mail addresses differ: missing www.example.org"]),
    ("See the site.", "Vea https://evil.example/x.", ["URLs or e-mail addresses differ: added https://evil.example/x"]),
    ("Write to a@example.org or https://example.org/a.", "Escriba a https://example.org/a o a@example.org.", []),
    ("Write to a@example.org.", "Escriba a b@example.org.",
     ["URLs or e-mail addresses differ: b@example.org where the source has a@example.org"]),
    ("Write to ana@example.org.", "Escriba a .ana@example.org.",    # a dot glued on is another address
     ["URLs or e-mail addresses differ: .ana@example.org where the source has ana@example.org"]),
])
def test_addresses_with_and_without_scheme_are_compared(source, target, messages):
    assert [m for _, c, m, _ in found([Entry(source, target)]) if c == "urls"] == messages


# -- glossary --------------------------------------------------------------------------------------

def test_the_glossary_names_each_required_forbidden_and_kept_term_as_the_glossary_writes_it():
    ctx = Context(ES, keep=("Acme",), required={"numbness": "entumecimiento"},
                  forbidden={"numbness": ("adormecimiento",)})
    entries = [Entry("Numbness at Acme.", "Adormecimiento en ACME."),
               Entry("Acme and numbness.", "Acme y entumecimiento."),
               Entry("<em>Numbness</em> at <b>Acme</b>.", "<em>Entumecimiento</em> en <b>Acme</b>.")]
    assert [(msgid, m) for msgid, c, m, _ in found(entries, ctx) if c == "glossary"] == [
        ("Numbness at Acme.", '"numbness" must not be "adormecimiento"'),
        ("Numbness at Acme.", '"numbness" should be "entumecimiento"'),
        ("Numbness at Acme.", '"Acme" must stay as it is'),
    ]


def test_a_forbidden_term_inside_another_word_is_not_reported():
    ctx = Context(ES, forbidden={"numbness": ("dormir",)})
    assert [m for _, c, m, _ in found([Entry("Numbness.", "Adormirse.")], ctx) if c == "glossary"] == []
    assert [m for _, c, m, _ in found([Entry("Numbness.", "Sin dormir.")], ctx) if c == "glossary"] == \
        ['"numbness" must not be "dormir"']



def test_the_longer_of_two_glossary_terms_that_start_alike_is_the_one_found():
    """"emotion regulation" has its own required translation: the shorter "emotion" is not asked for in it."""
    ctx = Context(ES, required={"emotion": "emoción", "emotion regulation": "regulación emocional"})
    assert [m for _, c, m, _ in found([Entry("Emotion regulation matters.", "La regulación emocional importa.")],
                                      ctx) if c == "glossary"] == []
    assert [m for _, c, m, _ in found([Entry("Emotion matters.", "La regulación emocional importa.")], ctx)
            if c == "glossary"] == ['"emotion" should be "emoción"']


# -- across a language's catalogs -----------------------------------------------------------------

def test_the_same_text_translated_two_ways_is_reported_on_each_side():
    catalogs = {"a": [Entry("Numbness", "Entumecimiento")],
                "b": [Entry("Numbness", "Adormecimiento"), Entry("Other", "Otro")]}
    problems = checks.run_across(catalogs, "es")
    assert [(p.article, p.check, p.message, p.severity, p.language) for p in problems] == [
        ("a", "inconsistent", 'translated differently in b: "Adormecimiento"', "warning", "es"),
        ("b", "inconsistent", 'translated differently in a: "Entumecimiento"', "warning", "es"),
    ]


def test_two_ways_in_one_catalog_say_so():
    entries = [Entry("Numbness", "Entumecimiento", msgctxt=None), Entry("Numbness", "Adormecimiento ")]
    problems = checks.run_across({"a": entries}, "es")
    assert [p.message for p in problems] == ['translated differently elsewhere in this catalog: "Adormecimiento "',
                                             'translated differently elsewhere in this catalog: "Entumecimiento"']


@pytest.mark.parametrize("entry", [
    Entry("Numbness", "Adormecimiento", flags=["ignore-inconsistent"]),
    Entry("Numbness", "Adormecimiento", flags=["fuzzy"]),
    Entry("Numbness", "Adormecimiento", obsolete=True),
    Entry("Numbness", "   "),
    Entry("Numbness", "Entumecimiento   "),             # the same once spaces are set aside
    Entry("Numbness", "Adormecimiento", msgctxt="title"),   # another context is another text
])
def test_what_is_not_an_inconsistency(entry):
    catalogs = {"a": [Entry("Numbness", "Entumecimiento")], "b": [entry]}
    assert checks.run_across(catalogs, "es") == []


def test_an_inconsistency_can_be_overridden_on_the_entry():
    catalogs = {"a": [Entry("Numbness", "Entumecimiento", comments=["qa-override inconsistent: a title"])],
                "b": [Entry("Numbness", "Adormecimiento")]}
    assert [(p.article, p.overridden) for p in checks.run_across(catalogs, "es")] == [("a", True), ("b", False)]


# -- the markup check's words ------------------------------------------------------------------------

@pytest.mark.parametrize("source, target, messages", [
    ("A <em>b <strong>c</strong></em> d", "A <em>b <strong>c</em></strong> d",
     ["badly nested: </em> closes <strong>"]),
    ("<em>a</em> <b>b</b>", "</em>a<em> <b>b</b>", ["badly nested: </em> closes nothing"]),
    ('See <a href="#x"><em>this</em> part</a>.', 'Vea <em>esto</em> y <a href="#x">la parte</a>.',
     ["nesting changed: <em> is at the top, in the source inside <a>"]),
    ('See <em>this</em> and <a href="#x">that</a>.', 'Vea <a href="#x"><em>esto</em> y aquello</a>.',
     ["nesting changed: <em> is inside <a>, in the source at the top"]),
    ("<b><em>e</em> x</b> <i>y</i>", "<b>x</b> <i><em>e</em> y</i>",
     ["nesting changed: <em> is inside <i>, in the source inside <b>"]),
    ('Read <a href="#ref-1">this</a>.', "Lea esto.", ['missing <a href="#ref-1">']),
    ('See <a href="#x" class="y">this</a>.', "Vea esto.", ['missing <a href="#x" class="y">']),
    ("<em>a</em> b", "<em>a b", ["missing </em>"]),
    ("<em>a</em> b", "<em>a</em></em> b", ["extra </em>"]),
    ("Run <code>ls -l</code> now.", "Ejecute <code>ls -la</code> ya.", ['code changed: "ls -l" -> "ls -la"']),
    ("Run <kbd>Ctrl</kbd> <code>ls</code>.", "Pulse <kbd>Ctrl</kbd> <code></code>.", ['code changed: "ls" -> ""']),
    ("<code>a</code> or <code>b</code>", "<code>a</code> o <code>a</code>", ['code changed: "b" -> "a"']),
    ("Run <samp>ok</samp>.", "<em>x</em> <samp>ok</samp>", ["<em> is not in the source"]),
])
def test_the_markup_check_says_what_changed(source, target, messages):
    assert [m for _, c, m, _ in found([Entry(source, target)]) if c == "markup"] == messages


@pytest.mark.parametrize("target, message", [
    ('Gross <a href="#ref-2">(1999)</a>', "citation #ref-2 reads 1999, the source 1998"),
    ('Gross <a href="#ref-2">(ver)</a>', "citation #ref-2 has no number, the source 1998"),
    ("Gross", "citation link to #ref-2 missing"),
    ('Gross <a href="#ref-2">(1998)</a> <a href="#ref-2">(1998)</a>', "citation link to #ref-2 is not in the source"),
])
def test_the_citations_check_says_which_citation(target, message):
    ctx = Context(ES, citations=frozenset({"#ref-2"}))
    source = 'Gross <a href="#ref-2">(1998)</a>'
    assert [m for _, c, m, _ in found([Entry(source, target)], ctx) if c == "citations"] == [message]
    plain = [m for _, c, m, _ in found([Entry('Gross <a href="#ref-2">(see)</a>',
                                              'Gross <a href="#ref-2">(1998)</a>')], ctx) if c == "citations"]
    assert plain == ["citation #ref-2 reads 1998, the source has no number"]


def test_an_author_of_the_reference_list_missing_is_named():
    ctx = Context(ES, authors=("Gross", "John"))
    assert [m for _, c, m, _ in found([Entry("Gross and John (2004)", "Gros y John (2004)")], ctx)
            if c == "citations"] == ['author name "Gross" missing or altered']


def test_numbers_are_read_in_every_script_s_digits():
    from localize.checks.base import numbers_in
    assert numbers_in("١٬٢٣٤٫٥ y ١٩٩٨") == ["1234.5", "1998"]
    assert numbers_in("１２３ and ๑๒ and १९") == ["123", "12", "19"]
    assert numbers_in("x² 3") == ["3"]
    assert found([Entry("In 1998.", "في ١٩٩٨.")], Context(languages.parse("ar"))) == []


def test_an_invisible_character_is_named_as_unicode_names_it():
    messages = [m for _, c, m, _ in found([Entry("Hello.", "Hola\u200b.")]) if c == "bidi"]
    assert messages == ["invisible character the source does not have: U+200B ZERO WIDTH SPACE"]


# -- the registry --------------------------------------------------------------------------------

def test_a_check_is_registered_once_with_what_it_declares():
    from localize.checks import CHECKS, check

    with pytest.raises(ValueError) as twice:
        check("numbers", checks.ERROR)(lambda pair, ctx: None)
    assert str(twice.value) == "check 'numbers' registered twice"

    def finds_x(pair, ctx):
        return ["an x", "", "an x", "a y"] if "x" in pair.target and ctx.base == "es" else None
    try:
        returned = check("test-x", checks.WARNING, ignorable=False, scope="language", blank=True)(finds_x)
        assert returned is finds_x
        made = CHECKS["test-x"]
        assert (made.id, made.severity, made.function, made.ignorable, made.scope, made.blank) == \
            ("test-x", "warning", finds_x, False, "language", True)
        assert made.messages(checks.Pair("a", "x"), Context(ES)) == ("an x", "a y")
        assert made.messages(checks.Pair("a", "b"), Context(ES)) == ()
        assert list(CHECKS)[-1] == "test-x"
        check("test-y", checks.WARNING)(finds_x)                   # by default: ignorable, per entry, on text
        made = CHECKS["test-y"]
        assert (made.ignorable, made.scope, made.blank) == (True, "entry", False)
    finally:
        CHECKS.pop("test-x", None)
        CHECKS.pop("test-y", None)


def test_a_problem_as_json():
    problem = checks.run([Entry("In 1998.", "En 1989.")], Context(ES), article="numbness")[0]
    assert problem.as_dict() == {"article": "numbness", "language": "es", "msgctxt": None, "msgid": "In 1998.",
                                 "check": "numbers", "severity": "error",
                                 "message": "numbers differ: 1989 where the source has 1998", "overridden": False}


# -- typography, word for word ---------------------------------------------------------------------

def messages_of(check: str, source: str, target: str, lang: str = "es") -> list[str]:
    ctx = Context(languages.parse(lang))
    return [m for _, c, m, _ in found([Entry(source, target)], ctx) if c == check]


@pytest.mark.parametrize("lang, source, target, says", [
    ("es", "Done", "Hecho.", ['ends with ".", the source has no end punctuation']),
    ("es", "Done.", "Hecho", ['ends without punctuation, the source with "."']),
    ("es", "Done.", "¡Hecho!", ['ends with "!", the source with "."']),
    ("es", "Done...", "Hecho…", []),
    ("es", "Is it (really) done?)", "¿Está (de verdad) hecho?)", []),
    ("es", "Done?", "Hecho?", ['"?" without its opening "¿"']),
    ("es", "Great!", "Genial!", ['"!" without its opening "¡"']),
    ("es", "See https://x.org/?a=1 now.", "Vea https://x.org/?a=1 ya.", []),
    ("ar", "Why?", "لماذا?", ['ends with "?"; Arabic writes "؟"']),
    ("ar", "Why?", "لماذا؟", []),
    ("ja", "Done.", "完了.", ['ends with "."; Japanese writes "。"']),
    ("ja", "Done.", "完了。", []),
    ("fr", "Note: this.", "Note: ceci.", ['French puts a (narrow) no-break space before ":": "Note:"']),
    ("fr", "Why?", "Pourquoi\u202f?", []),
    ("fr", "See https://x.org/a?b now.", "Voir https://x.org/a?b maintenant.", []),
    ("es", "Done.", "Hecho...", ['ends with "...", the source with "."']),
    ("zh", "Wait...", "等等...", []),                       # three points stand for "…" in any script
    ("es", "See www.x.org/?a=1 now.", "Vea www.x.org/?a=1 ya.", []),   # an address without a scheme too
    ("fr", "Warning!", "Attention!", ['French puts a (narrow) no-break space before "!": "Attention!"']),
    ("fr", "This; then that.", "D'abord ceci; puis cela.",
     ['French puts a (narrow) no-break space before ";": "D\'abord ceci;"']),
    ("fr", "See https://x.org now!", "Voir https://x.org maintenant!",     # quoted as written
     ['French puts a (narrow) no-break space before "!": "g maintenant!"']),
])
def test_end_punctuation_as_each_language_writes_it(lang, source, target, says):
    assert messages_of("punctuation", source, target, lang) == says


@pytest.mark.parametrize("source, target, says", [
    ("A (b) c.", "A (b c.", ['unbalanced brackets: "(" opened 1 more time than closed']),
    ("A (b) c.", "A ((b c.", ['unbalanced brackets: "(" opened 2 more times than closed']),
    ("A [b] c.", "A b] c.", ['unbalanced brackets: a closing "[" without its opening one']),
    ('He said "hi".', 'Dijo "hola.', ["unbalanced quotes: an odd number of double quotes"]),
    ('He said "hi".', "Dijo «hola».", []),
    ("A (b c.", "A (b c.", []),             # as unbalanced as its source
    ("A (b c.", 'A "b c.', ["unbalanced quotes: an odd number of double quotes"]),   # its "(" balanced
    ("A (b c.", 'A (b "c.', ["unbalanced quotes: an odd number of double quotes"]),  # after one as the source
    ("「a」", "「a", ['unbalanced brackets: "「" opened 1 more time than closed']),
])
def test_brackets_and_quotes(source, target, says):
    assert messages_of("brackets", source, target) == says


@pytest.mark.parametrize("source, target, says", [
    (" a", "a", ["leading whitespace differs: '', the source ' '"]),
    ("a", "\ta", ["leading whitespace differs: '\\t', the source ''"]),
    ("a ", "a", ["trailing whitespace differs: '', the source ' '"]),
    ("a", "a  ", ["trailing whitespace differs: '  ', the source ''"]),
    ("Hello ", "Hola", ["trailing whitespace differs: '', the source ' '"]),
    (" a ", " a ", []),
])
def test_whitespace_at_the_ends(source, target, says):
    assert messages_of("whitespace", source, target) == says


@pytest.mark.parametrize("source, target, says", [
    ("One two three four.", "Uno  dos tres  cuatro.",
     ['double space: "Uno  dos tres  cuatr"', 'double space: "Uno  dos tres  cuatro."']),
    ("One  two three  four five.", "Uno  dos tres  cuatro  cinco.", ['double space: "Uno  dos tres  cuatr"']),
    ("One  two.", "Uno  dos.", []),
    ("A long sentence goes here, then a gap.", "Una frase larga va aquí, y luego\u00a0\u00a0un hueco.",
     ['double space: "a aquí, y luego\u00a0\u00a0un hueco."']),
    ("A gap.", "Un\u202f\u202fhueco.", ['double space: "Un\u202f\u202fhueco."']),   # narrow no-break spaces
])
def test_double_spaces_the_source_does_not_have(source, target, says):
    assert messages_of("double-space", source, target) == says


@pytest.mark.parametrize("lang, target, says", [
    ("es", "x" * 73, ["73 characters: much longer than usual (31 expected)"]),    # 26 × 1.2, twice, + 10
    ("es", "x" * 72, []),
    ("es", "x" * 12, ["12 characters: much shorter than usual (31 expected)"]),   # half of 31.2, - 3
    ("es", "x" * 13, []),
    ("ja", "x" * 3, ["3 characters: much shorter than usual (13 expected)"]),
])
def test_length_against_what_the_language_usually_takes(lang, target, says):
    source = "A sentence of some length."      # 26 characters
    assert messages_of("length", source, target, lang) == says
    assert messages_of("length", "Short one.", "x" * 90, lang) == []


@pytest.mark.parametrize("lang, source_language, target, says", [
    # a language the table does not list takes as many characters as its source: twice 26, + 10
    ("sw", "en", "x" * 63, ["63 characters: much longer than usual (26 expected)"]),
    ("sw", "en", "x" * 62, []),
    ("sw", "en", "x" * 9, ["9 characters: much shorter than usual (26 expected)"]),   # half of 26, - 3
    ("sw", "en", "x" * 10, []),
    # from Austrian German (1.25) into Spanish (1.2): 26 × 0.96
    ("es", "de-AT", "x" * 60, ["60 characters: much longer than usual (25 expected)"]),
    ("es", "de-AT", "x" * 59, []),
    # from a language the table does not list: as from English
    ("es", "sw", "x" * 73, ["73 characters: much longer than usual (31 expected)"]),
    ("es", "sw", "x" * 72, []),
])
def test_length_from_the_source_language_into_the_target(lang, source_language, target, says):
    ctx = Context(languages.parse(lang), source_language)
    assert [m for _, c, m, _ in found([Entry("A sentence of some length.", target)], ctx) if c == "length"] == says


def test_a_source_of_twenty_characters_is_long_enough_to_judge():
    assert messages_of("length", "x" * 20, "x") == ["1 character: much shorter than usual (24 expected)"]
    assert messages_of("length", "x" * 19, "x") == []


def test_a_one_character_translation_is_named_in_the_singular():
    assert messages_of("length", "A sentence of twenty-four", "x") == \
        ["1 character: much shorter than usual (30 expected)"]


@pytest.mark.parametrize("lang, target, says", [
    ("ar", "مرحبا\u200f.", []),                                   # a right-to-left mark in Arabic
    ("es", "Hola\u200f.", ["invisible character the source does not have: U+200F RIGHT-TO-LEFT MARK"]),
    ("fa", "می\u200cخواهم.", []),                                 # Persian writes the zero-width non-joiner
    ("fa", "می\u200cخواهم\u200f.", []),                           # and is written right to left
    ("es", "Ho\u200cla.", ["invisible character the source does not have: U+200C ZERO WIDTH NON-JOINER"]),
    ("es", "Hola\ufeff\ufeff.", ["invisible character the source does not have: U+FEFF ZERO WIDTH NO-BREAK SPACE"]),
])
def test_invisible_characters_by_language(lang, target, says):
    assert messages_of("bidi", "Hello.", target, lang) == says


# -- the words of the safety, nesting and override messages --------------------------------------

@pytest.mark.parametrize("target, messages", [
    ("Una <script>x()</script> frase.", ["unsafe content: <script> element"]),
    ('Hola <img src="x" onerror="y()">.', ["unsafe content: event handler onerror="]),
    ('<a href=" JavaScript:x()">Hola</a>', ["unsafe content: javascript: URL in href="]),
    ('<a href="#x" ONCLICK>Hola</a>', ["unsafe content: event handler onclick="]),   # no value: the parser finds it
])
def test_the_unsafe_check_says_what_it_found_word_for_word(target, messages):
    assert [m for _, c, m, _ in found([Entry("Hello.", target)]) if c == "unsafe"] == messages


def test_unsafe_words_in_the_text_beside_the_sources_own_tags_are_only_text():
    """A reader sees "javascript:" written out, escaped, as the translation's words: nothing runs."""
    source = "<b>Never</b> open links you do not trust."
    target = '<b>Nunca</b> abra enlaces javascript: ni atributos onclick="x" que no conozca.'
    assert [c for _, c, _, _ in found([Entry(source, target)])] == []


def test_a_tag_closing_three_deep_names_the_element_it_closes():
    source = "<b>a <em>b <strong>c</strong></em></b>"
    target = "<b>a <em>b <strong>c</em></strong></b>"
    assert [m for _, c, m, _ in found([Entry(source, target)]) if c == "markup"] == \
        ["badly nested: </em> closes <strong>"]


def test_a_translation_that_follows_a_badly_nested_source_is_not_blamed_for_it():
    source = "<em>a <b>b</em></b> c"            # the source itself is badly nested
    assert [c for _, c, _, _ in found([Entry(source, "<em>x <b>y</em></b> z")])] == []
    unclosed = "<em>a <b>b"                     # the source leaves its elements open
    assert [c for _, c, _, _ in found([Entry(unclosed, "<em>x <b>y</em></b>")])] == []


def test_an_override_without_a_reason_is_refused_in_words():
    with pytest.raises(ValueError) as refused:
        checks.add_override(Entry("In 1998.", "En 1989."), "numbers", "  \n ")
    assert str(refused.value) == "an override needs a written reason"


def test_a_blank_draft_is_not_an_empty_translation():
    assert [c for _, c, _, _ in found([Entry("The nuance", " ", flags=["fuzzy"])])] == []
    assert [c for _, c, _, _ in found([Entry("The nuance", " ")])] == ["empty"]


def test_inconsistencies_are_found_after_entries_and_groups_that_have_none():
    catalogs = {"a": [Entry("Rest.", "Descanso."), Entry("Numbness", "Entumecimiento")],
                "b": [Entry("Numbness", "Otro", flags=["fuzzy"]), Entry("Rest.", "Descanso."),
                      Entry("Numbness", "Adormecimiento", msgctxt="title"), Entry("Numbness", "Adormecimiento")]}
    assert [(p.article, p.msgctxt, p.message) for p in checks.run_across(catalogs, "es")] == [
        ("a", None, 'translated differently in b: "Adormecimiento"'),
        ("b", None, 'translated differently in a: "Entumecimiento"')]
    titles = {"a": [Entry("Numbness", "Entumecimiento", msgctxt="title")],
              "b": [Entry("Numbness", "Adormecimiento", msgctxt="title")]}
    assert [(p.article, p.msgctxt) for p in checks.run_across(titles, "es")] == [("a", "title"), ("b", "title")]


@pytest.mark.parametrize("source, target, leftover", [
    # a word of exactly six letters counts; five do not
    ("I think they rarely notice the shift.", "Creo que they rarely notice nada.", ['"they rarely notice"']),
    ("I think they often feel the shift.", "Creo que they often feel nada.", []),
    # a stretch that overlaps the one before extends it, its words each once; others are apart
    ("I see they rarely notice anything about others.", "Veo que they rarely notice anything about nada.",
     ['"they rarely notice anything about"']),
    ("So numbness protects people from stress today.", "Así numbness protects people y from stress today.",
     ['"numbness protects people"', '"from stress today"']),
])
def test_the_stretches_left_untranslated_are_quoted_whole(source, target, leftover):
    messages = [m for _, c, m, _ in found([Entry(source, target)]) if c == "untranslated-words"]
    assert messages == [f"source words left untranslated: {stretch}" for stretch in leftover]


def test_digits_of_every_script_read_as_ascii_and_other_characters_stay():
    from localize.checks.base import _AsciiDigits

    assert "٢٠٠٤ ۱۹۹۸ २०२६ ２０ x".translate(_AsciiDigits()) == "2004 1998 2026 20 x"


# -- what the unknown-words check lets a translation keep ----------------------------------------

def unknown(source, target, words, context=None):
    entry = Entry(source, target, flags=["fuzzy"], comments=[f"draft: apertium eng-spa; unknown words: {words}"])
    return [m for _, c, m, _ in found([entry], context) if c == "unknown-words"]


@pytest.mark.parametrize("source, target", [
    ("Type <code>cat notes</code> here.", "Escriba <code>cat notes</code> aquí."),
    ('Type <span class="command">cat notes</span> here.', 'Escriba <span class="command">cat notes</span> aquí.'),
    ("Type <pre>cat file<br>notes</pre> here.", "Escriba <pre>cat file<br>notes</pre> aquí."),
    ('Press "notes" twice.', 'Pulse "notes" dos veces.'),
])
def test_words_of_code_and_of_quotes_may_stay_as_they_are(source, target):
    assert unknown(source, target, "notes") == []
    assert unknown(source.replace("notes", "nothing"), target, "notes") == \
        ['words the engine did not know are still in the translation: "notes"']


def test_a_name_written_in_lower_case_too_is_kept_when_it_is_an_acronym():
    assert unknown("Win32 builds and win32 files.", "Compilaciones Win32 y archivos win32.", "Win32") == []


def test_a_quote_of_two_letters_is_kept_and_one_of_a_letter_is_not():
    assert unknown('Press "ok" now.', 'Pulse "ok" ahora.', "ok") == []
    assert unknown('Press "Go" now.', 'Pulse "Go" ahora.', "Go") == []
    assert unknown('Press "z" now.', 'Pulse "z" ahora.', "z") == \
        ['words the engine did not know are still in the translation: "z"']


def test_a_word_capitalized_mid_sentence_elsewhere_in_the_article_is_a_name_here_too():
    from localize.checks import machine

    article = ["We use <b>X</b><i>Zorblat</i> daily.", "The zorblat tool.", "Zorblat helps."]
    ctx = machine.with_article(Context(ES), article)
    assert unknown("Zorblat helps.", "Zorblat ayuda.", "Zorblat", ctx) == []
    alone = machine.with_article(Context(ES), ["Zorblat helps."])
    assert unknown("Zorblat helps.", "Zorblat ayuda.", "Zorblat", alone) == \
        ['words the engine did not know are still in the translation: "Zorblat"']


@pytest.mark.parametrize("source, target", [
    ("One<br>two <em>three</em>", "<em>tres</em> uno<br>dos"),     # a void element opens nothing
    ("One<br/>two <em>three</em>", "<em>tres</em> uno<br/>dos"),
    ("<em>a</em> and <em>b</em>", "<em>b</em> y <em>a</em>"),       # the same element twice
])
def test_elements_moved_without_changing_their_nesting_are_no_finding(source, target):
    assert found([Entry(source, target)]) == []


# -- what counts as a word, a name, a term -------------------------------------------------------

@pytest.mark.parametrize("text, whole", [
    ("Pro", True), ("with Pro", True), ("Pro, then", True),
    # a Latin letter either side makes it part of another word; a character just outside
    # each range of Latin letters does not
    ("APro", False), ("ProZ", False), ("aPro", False), ("Proz", False), ("ÀPro", False), ("Proɏ", False),
    ("@Pro", True), ("Pro[", True), ("`Pro", True), ("Pro{", True), ("¿Pro", True), ("Proɐ", True),
    # a first occurrence inside a word does not hide a later whole one, nor a later one inside a word
    # an earlier whole one
    ("ProX Pro ProX", True), ("Pro ProX", True), ("ProX ProX", False),
])
def test_a_term_is_found_as_a_whole_word_only(text, whole):
    from localize.checks.base import whole_words

    assert whole_words(["Pro", ""], text) == ({"Pro"} if whole else set())


def test_a_code_neither_kept_nor_changed_is_missing():
    source = "Run <code>ls</code>, <code>pwd</code> and <code>cd</code>."
    target = "Ejecute <code>ls</code>, <code>ls</code> y <code>ls</code>."
    assert [m for _, c, m, _ in found([Entry(source, target)]) if c == "markup"] == \
        ['code changed: "pwd" -> "ls"', 'code "cd" is missing']


@pytest.mark.parametrize("text", [
    "see www.example.org/numbness now.", "mail editors@example.org now.",
    "read https://example.org/a/b now.", "Zorblat Quux works.",
])
def test_addresses_and_protected_terms_are_not_words_of_an_untranslated_unit(text):
    """Left as they are, two words of a unit besides its address or a protected term are too short to
    call untranslated; four are not."""
    ctx = Context(ES, keep=("Zorblat Quux",))
    assert found([Entry(text, text)], ctx) == []
    longer = text.replace(" now.", " now, today, here.").replace("works.", "works, today, here.")
    assert [m for _, c, m, _ in found([Entry(longer, longer)], ctx)] == ["the translation is identical to the source"]


def test_stretches_that_share_one_word_are_one_stretch():
    source = "I think they rarely notice. You notice anything about others."
    target = "Creo que they rarely notice anything about nada."
    assert [m for _, c, m, _ in found([Entry(source, target)]) if c == "untranslated-words"] == \
        ['source words left untranslated: "they rarely notice anything about"']


@pytest.mark.parametrize("text, names", [
    ("I saw it.", set()),                                 # "I" opens the sentence
    ("BACK TO BASICS", set()), ("BACK TO basics", set()),  # a run of capitals is a heading, not acronyms
    ("read THE END now", set()), ("THE END now", set()),
    ("See appendix B GPL terms.", {"b", "gpl"}),          # one capital letter is no run
    ("SysV starts.", {"sysv"}), ("eBay sells.", {"ebay"}),  # inner capitals, even first in a sentence
    ("It ended. (Later it began.)", set()),               # a sentence opened after a bracket
    ("See chapter 3 Results below.", {"3"}),              # a heading after a number
    ("Causes of Numbness", set()),                        # title case: its long words capitalized
    ("Numbness that Lingers", {"lingers"}),               # a word of four lower-case letters: not a title
    ("Why l'Amour Matters", {"l'amour", "matters"}),
])
def test_the_names_a_source_text_writes(text, names):
    from localize.checks import machine

    assert machine._names(text)[0] == names


def test_the_lower_case_words_of_a_text_are_kept_apart():
    from localize.checks import machine

    assert machine._names("We saw Zorblat here.") == ({"zorblat"}, {"saw", "here"})


def test_a_word_capitalized_in_one_unit_and_lower_case_in_another_is_no_name_of_the_article():
    from localize.checks import machine

    whole = machine.article(["The zorblat tool.", "We use Zorblat daily."])
    assert (whole.words, whole.names, whole.capitalized) == (
        {"the", "zorblat", "tool", "we", "use", "daily"}, set(), {"zorblat"})


def test_a_word_capitalized_mid_sentence_is_a_term_and_one_opening_a_sentence_is_not():
    from localize.checks import machine
    from localize.checks.base import Pair

    assert machine._term("Zorblat", Pair("We use Zorblat daily.", "x"), Context(ES))
    assert not machine._term("Lifecycle", Pair("Lifecycle of a bug.", "x"), Context(ES))


def test_a_link_may_point_at_the_localized_page_the_links_table_names():
    source = 'See <a href="https://guide.example/">the guide</a>.'
    target = 'Vea <a href="https://guia.example/es/">la guía</a>.'
    links = Context(ES, links={"https://guide.example/": "https://guia.example/es/"})
    assert found([Entry(source, target)], links) == []
    assert [m for _, c, m, _ in found([Entry(source, target)])] == \
        ['href points elsewhere: "https://guide.example/" -> "https://guia.example/es/"']


def test_nesting_is_judged_by_element_names():
    """A translation may put an element inside another link than the source does: the element sits in
    a link either way, as sentences reorder."""
    source = '<a href="#r1">one</a> and <a href="#r2"><em>two</em></a>'
    assert found([Entry(source, '<a href="#r1"><em>uno</em></a> y <a href="#r2">dos</a>')]) == []
    assert [m for _, c, m, _ in found([Entry(source, '<a href="#r1">uno</a> y <em><a href="#r2">dos</a></em>')])] \
        == ["nesting changed: <em> is at the top, in the source inside <a>",
            "nesting changed: <a> is inside <em>, in the source at the top"]


@pytest.mark.parametrize("text, lang, count", [
    ("Τι είναι; Είναι αυτό.", "el", 2), ("Τι είναι\u037e Είναι αυτό.", "el", 2),   # Greek question marks
    ("Es así.»", "es", 1),            # closing quotes after the stop
    ("Es así", "es", 1),              # an open last sentence counts
    ("—", "es", 0),                   # a dash is no sentence
])
def test_the_sentences_the_dropped_check_counts(text, lang, count):
    from localize.checks import machine

    assert machine._sentences(text, lang) == count


CITING = Context(ES, citations=frozenset({"#ref-1"}))


@pytest.mark.parametrize("source, target, says", [
    ('As <a href="#ref-1">(2009, 2011)</a> found.', 'Como <a href="#ref-1">(2009, 2012)</a> halló.',
     ["citation #ref-1 reads 2009 2012, the source 2009 2011"]),
    # one altered link, and one more: the second is not in the source
    ('As <a href="#ref-1">(2009)</a> found.', 'Como <a href="#ref-1">(2010)</a> y <a href="#ref-1">(2010)</a> halló.',
     ["citation #ref-1 reads 2010, the source 2009", "citation link to #ref-1 is not in the source"]),
])
def test_a_citation_link_altered_says_what_it_reads(source, target, says):
    assert [m for _, c, m, _ in found([Entry(source, target)], CITING) if c == "citations"] == says


def test_a_number_added_is_named():
    assert [m for _, c, m, _ in found([Entry("In 1998.", "En 1998 y 2004.")])] == ["numbers differ: added 2004"]


def test_unsafe_content_the_source_has_is_not_the_translations_fault():
    source = 'Click <b onclick="go()">here</b>.'
    assert "unsafe" not in [c for _, c, _, _ in found([Entry(source, 'Pulse <b  onclick="go()">aquí</b>.')])]
    assert [m for _, c, m, _ in found([Entry(source, 'Pulse <b onclick="go()" onload="x()">aquí</b>.')])
            if c == "unsafe"] == ["unsafe content: event handler onload="]


@pytest.mark.parametrize("text, untranslated", [
    ("Journal of Applied Social Psychology", False),          # a title: five words, the long ones capitalized
    ("Journal of Applied Social Psychology Review", True),    # six words
    ("The Art and Craft Now", False),                         # words of three letters may be lower case
    ("Notes from Deep Time", True),                           # one of four may not
])
def test_a_title_left_as_it_is_is_a_name_up_to_five_words(text, untranslated):
    assert [c for _, c, _, _ in found([Entry(text, text)])] == (["untranslated"] if untranslated else [])


def test_a_translation_that_only_adds_blanks_is_not_also_full_of_untranslated_words():
    checks_found = [c for _, c, _, _ in found([Entry("I think they rarely notice it.", " I think they rarely notice it. ")])]
    assert "untranslated-words" not in checks_found and "untranslated" in checks_found


def test_apertiums_unanalysed_words_are_machine_residue():
    assert [m for _, c, m, _ in found([Entry("The house.", "La ^house<n>$.")]) if c == "mt-residue"] == \
        ["machine-translation mark left in: ^house$"]


def test_every_forbidden_translation_used_is_named():
    glossary = Context(ES, forbidden={"numbness": ("adormecimiento",), "rest": ("reposo",)})
    assert [m for _, c, m, _ in found([Entry("Numbness needs rest.", "El adormecimiento necesita reposo.")], glossary)] \
        == ['"numbness" must not be "adormecimiento"', '"rest" must not be "reposo"']


def test_an_address_that_ends_a_sentence_is_the_same_address():
    assert found([Entry("Write to editors@example.org today.", "Escriba a editors@example.org.")]) == []


def test_a_recorded_source_change_is_named_for_the_articles_reference_list():
    """A link to an anchor the reference list does not have is a link, not a citation, whatever its name."""
    entry = Entry('See <a href="#ref-99">more</a>.', "Vea más.", previous_msgid="See more.",
                  comments=["source-change: wording"])
    cited = Entry('As shown <a href="#ref-1">before</a>.', "Como se vio.", previous_msgid="As shown.",
                  comments=["source-change: wording"])
    context = Context(ES, citations=frozenset({"#ref-1"}))
    assert [(m, message.split(" changed")[0]) for m, c, message, _ in found([entry, cited], context)
            if c == "source-change"] == [(entry.msgid, "the source's link targets"),
                                         (cited.msgid, "the source's citations")]
