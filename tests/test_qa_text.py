"""The QA checks' findings in the UI's language: messages, check names, severities, and their catalogs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from flask import render_template_string

from conftest import REPO, assert_msgfmt_ok
from localize import checks, languages
from localize.checks import CHECKS, Context, Said
from localize.po import Entry
from test_web_support import app, web_template, ws  # noqa: F401  (fixtures)
from web import qa_text

UI = REPO / "web" / "translations"
CITING = 'In Gross and John\'s research <a href="#ref-3">(2003)</a>, suppressors felt less.'


def problems(source: str, target: str, lang: str = "es", **context) -> list[checks.Problem]:
    return checks.run([Entry(source, target)], Context(languages.parse(lang), "en", **context), article="a")


@pytest.fixture
def ui(app):  # noqa: F811
    """Run the code under a request whose browser asks for a UI language."""
    def in_language(code: str):
        return app.test_request_context("/", headers={"Accept-Language": code})
    return in_language


def test_a_problem_is_described_in_spanish_and_arabic_with_its_parameters(ui):
    [number] = problems(CITING, 'En la investigación de Gross y John <a href="#ref-3">(2004)</a>, menos.')
    assert number.message == "numbers differ: 2004 where the source has 2003"
    with ui("es"):
        assert qa_text.describe(number) == "los números no coinciden: 2004 donde el original dice 2003"
    with ui("ar"):
        assert qa_text.describe(number) == "الأرقام مختلفة: 2004 بدلًا من 2003 في النص الأصلي"
    with ui("en"):
        assert qa_text.describe(number) == "numbers differ: 2004 where the source has 2003"


def test_each_missing_tag_is_its_own_problem_in_every_language(ui):
    found = problems('<em>Numbness</em> is <strong>common</strong>.', "El entumecimiento es común.")
    assert [p.message for p in found] == ["missing <em>", "missing <strong>"]
    with ui("es"):
        assert [qa_text.describe(p) for p in found] == ["falta <em>", "falta <strong>"]
    with ui("ar"):
        assert [qa_text.describe(p) for p in found] == ["الوسم <em> مفقود", "الوسم <strong> مفقود"]


def test_a_language_named_in_a_message_is_named_in_the_ui_language(ui):
    [mark] = [p for p in problems("Why does this happen?", "لماذا يحدث هذا?", "ar") if p.check == "punctuation"]
    assert mark.message == 'ends with "?"; Arabic writes "؟"'
    with ui("es"):
        assert qa_text.describe(mark) == "termina con «?»; en árabe se escribe «؟»"
    with ui("ar"):
        assert qa_text.describe(mark) == "تنتهي بـ«?»، والصواب في العربية «؟»"


@pytest.mark.parametrize("target, es, ar", [
    ("x", "1 carácter: mucho más corta de lo habitual (se esperaban 34)",
     "حرف واحد: أقصر بكثير من المعتاد (المتوقع 34)"),
    ("xx", "2 caracteres: mucho más corta de lo habitual (se esperaban 34)",
     "حرفان: أقصر بكثير من المعتاد (المتوقع 34)"),
    ("Entumecido.", "11 caracteres: mucho más corta de lo habitual (se esperaban 34)",
     "11 حرفًا: أقصر بكثير من المعتاد (المتوقع 34)"),
    ("x" * 100, "100 caracteres: mucho más larga de lo habitual (se esperaban 34)",
     "100 حرف: أطول بكثير من المعتاد (المتوقع 34)"),
])
def test_a_count_takes_the_plural_form_of_the_ui_language(ui, target, es, ar):
    [length] = [p for p in problems("Numbness is usually gradual.", target) if p.check == "length"]
    with ui("es"):
        assert qa_text.describe(length) == es
    with ui("ar"):
        assert qa_text.describe(length) == ar


def test_arabic_counts_three_to_ten_otherwise(ui):
    message = checks.said_n('unbalanced brackets: "%(bracket)s" opened %(num)d more time than closed',
                            'unbalanced brackets: "%(bracket)s" opened %(num)d more times than closed', 3,
                            bracket="(")
    assert message == 'unbalanced brackets: "(" opened 3 more times than closed'
    with ui("ar"):
        assert qa_text.describe(message) == "أقواس غير متوازنة: فُتح «(» 3 مرات أكثر مما أُغلق"
    with ui("es"):
        assert qa_text.describe(message) == "paréntesis desparejados: «(» se abre 3 veces más de las que se cierra"


def test_a_message_without_a_translation_is_shown_in_english(ui):
    unknown = checks.said("%(count)s things nobody has translated: %(words)s", count="2", words=("numb", "flat"))
    with ui("es"):
        # English, the list joined as Spanish joins lists
        assert qa_text.describe(unknown) == "2 things nobody has translated: numb y flat"
        assert qa_text.describe("a plain message") == "a plain message"


def test_check_and_severity_labels(ui):
    with ui("en"):
        assert [qa_text.check_label(c) for c in ("markup", "numbers", "spelling", "unknown-words", "dropped")] == [
            "Markup", "Numbers", "Spelling", "Unknown words", "Dropped text"]
        assert qa_text.check_label("no-such-check") == "no-such-check"
    with ui("es"):
        assert (qa_text.check_label("source-change"), qa_text.severity_label("warning")) == ("Cambio en el original",
                                                                                             "aviso")
    with ui("ar"):
        assert (qa_text.check_label("markup"), qa_text.severity_label("error")) == ("الترميز", "خطأ")


def test_every_check_has_a_label_in_each_ui_language(ui):
    assert set(qa_text.CHECK_LABELS) == set(CHECKS)
    with ui("en"):
        english = {c: qa_text.check_label(c) for c in CHECKS}
    for code in ("es", "ar"):
        with ui(code):
            for c in CHECKS:
                assert qa_text.check_label(c) not in ("", english[c], c), (code, c)


def test_templates_get_the_three_and_escape_the_message(app, ui):  # noqa: F811
    qa_text.init_app(app)
    [problem] = [p for p in problems(CITING, "En la investigación de Gross y John (2003).") if p.check == "markup"]
    page = "{{ severity_label(p.severity) }} {{ check_label(p.check) }}: {{ problem_message(p) }}"
    with ui("es"):
        assert render_template_string(page, p=problem) == 'error Marcado: falta &lt;a href=&#34;#ref-3&#34;&gt;'
    with ui("ar"):
        assert render_template_string(page, p=problem) == 'خطأ الترميز: الوسم &lt;a href=&#34;#ref-3&#34;&gt; مفقود'


def test_a_problem_for_json_keeps_the_english_message_and_adds_the_text(ui):
    [problem] = problems("In 2003.", "En 2004.")
    with ui("es"):
        assert qa_text.as_dict(problem) == {
            "check": "numbers", "severity": "error", "message": "numbers differ: 2004 where the source has 2003",
            "overridden": False, "text": "los números no coinciden: 2004 donde el original dice 2003",
            "check_label": "Números", "severity_label": "error"}


# -- the catalogs ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def checks_template(tmp_path_factory) -> Path:
    """The checks' messages as the documented command extracts them."""
    out = tmp_path_factory.mktemp("pot") / "checks.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(REPO / "babel.cfg"), "-o", str(out),
                                str(REPO / "localize"), str(REPO / "web" / "qa_text.py")])
    return out


def _read(path: Path, locale: str | None = None):
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)", text))


def test_the_checks_messages_are_extracted(checks_template):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in _read(checks_template) if m.id}
    assert {"missing %(tag)s", "numbers differ: %(number)s where the source has %(source_number)s",
            '"%(closing)s" without its opening "%(opening)s"', "Markup", "Dropped text"} <= ids
    assert "%(num)d character: much longer than usual (%(expected)d expected)" in ids       # said_n, both forms
    template = _read(UI / "messages.pot")
    assert all(template.get(m.id) is not None for m in _read(checks_template) if m.id), "run pybabel extract"


SAME = {"es": {"error"}, "ar": set()}   # written alike in English


@pytest.mark.parametrize("lang", ["es", "ar"])
def test_every_message_of_the_checks_is_translated(checks_template, lang):
    catalog = _read(UI / lang / "LC_MESSAGES" / "messages.po", lang)
    for wanted in _read(checks_template):
        if not wanted.id:
            continue
        m = catalog.get(wanted.id)
        assert m is not None and "fuzzy" not in m.flags, (lang, wanted.id)
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        assert all(strings), f"not translated into {lang}: {m.id!r}"
        assert not (set(strings) & set(ids)) - SAME[lang], f"English left in {lang}: {m.id!r}"
        if isinstance(m.id, str):
            assert _placeholders(m.string) == _placeholders(m.id), (lang, m.id)
        else:   # a form said of one number ("حرف واحد") may leave the number out
            assert all(_placeholders(s) <= _placeholders(ids[1]) for s in strings), (lang, m.id)
            assert _placeholders(strings[-1]) == _placeholders(ids[1]), (lang, m.id)


def test_the_arabic_catalog_counts_as_cldr_does():
    from babel import Locale
    from babel.support import Translations
    forms = ["zero", "one", "two", "few", "many", "other"]   # the order of msgstr[0] to msgstr[5]
    catalog = Translations.load(str(UI), ["ar"])
    arabic = Locale.parse("ar")
    assert [catalog.plural(n) for n in range(300)] == [forms.index(arabic.plural_form(n)) for n in range(300)]


@pytest.mark.parametrize("lang", ["es", "ar"])
def test_msgfmt_accepts_the_catalogs(lang):
    assert_msgfmt_ok(UI / lang / "LC_MESSAGES" / "messages.po")


def test_the_checks_say_their_messages_with_said():
    """Each problem the checks of content, typography and source-change find is a Said (for the UI's language),
    save the reasons markup.match gives for an element it cannot pair."""
    from test_checks import FAILS, problems_for
    mine = {"content", "typography", "source_change"}
    for check_id, cases in FAILS.items():
        if CHECKS[check_id].function.__module__.rsplit(".", 1)[-1] not in mine:
            continue
        for case in cases:
            for p in problems_for(case):
                if p.check == check_id and not isinstance(p.message, Said):
                    assert check_id == "markup" and re.search(r"is not in the source|is missing|changed: |"
                                                              r"points elsewhere", p.message), p.message


def test_an_entry_for_json_has_its_problems_in_the_ui_language(ui):
    from localize.review import Item
    found = problems("<em>Numbness</em> in 2003.", "El entumecimiento en 2004.")
    item = Item(id="x", position=0, msgctxt=None, msgid="<em>Numbness</em> in 2003.",
                msgstr="El entumecimiento en 2004.", state="approved", version="1", problems=tuple(found))
    with ui("ar"):
        shown = qa_text.item_dict(item)["problems"]
    assert [(p["check"], p["message"], p["text"], p["check_label"]) for p in shown] == [
        ("markup", "missing <em>", "الوسم <em> مفقود", "الترميز"),
        ("numbers", "numbers differ: 2004 where the source has 2003",
         "الأرقام مختلفة: 2004 بدلًا من 2003 في النص الأصلي", "الأرقام")]
    assert item.as_dict()["problems"][0].items() <= shown[0].items()    # what the library says is kept
