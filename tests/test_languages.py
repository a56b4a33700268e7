"""Tests for localize.languages: code forms, names, direction, plurals, refusals."""

import re
import shutil
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from localize import languages
from localize.errors import BadInput, LanguageError


@pytest.mark.parametrize(
    "code, tag, gettext",
    [
        ("es", "es", "es"),
        ("ES", "es", "es"),
        ("pt-BR", "pt-BR", "pt_BR"),
        ("pt_BR", "pt-BR", "pt_BR"),
        ("PT-br", "pt-BR", "pt_BR"),
        ("pt_br", "pt-BR", "pt_BR"),
        ("zh-Hant-TW", "zh-Hant-TW", "zh_Hant_TW"),
        ("zh_Hant_TW", "zh-Hant-TW", "zh_Hant_TW"),
        ("ZH-HANT-tw", "zh-Hant-TW", "zh_Hant_TW"),
        ("es-419", "es-419", "es_419"),
        ("sr-Latn", "sr-Latn", "sr_Latn"),
    ],
)
def test_bcp47_and_gettext_forms(code, tag, gettext):
    assert languages.to_bcp47(code) == tag
    assert languages.to_gettext(code) == gettext
    assert languages.validate(code) == tag
    # Each form converts back to the other unchanged.
    assert languages.to_gettext(tag) == gettext
    assert languages.to_bcp47(gettext) == tag


@pytest.mark.parametrize(
    "old, current",
    [("iw", "he"), ("in", "id"), ("ji", "yi"), ("iw-IL", "he-IL"), ("IW", "he")],
)
def test_retired_codes_map_to_current_ones(old, current):
    assert languages.to_bcp47(old) == current


@pytest.mark.parametrize("code", ["ar", "he", "fa", "ur", "iw", "ar-EG"])
def test_right_to_left(code):
    assert languages.is_rtl(code)
    assert languages.parse(code).direction == "rtl"


@pytest.mark.parametrize("code", ["es", "en", "zh-Hant-TW", "ja", "pt-BR"])
def test_left_to_right(code):
    assert not languages.is_rtl(code)
    assert languages.parse(code).direction == "ltr"


# What GNU gettext's own tables say; written out here, not computed.
@pytest.mark.parametrize(
    "code, nplurals",
    [
        ("es", 2),
        ("fr", 2),
        ("ru", 3),
        ("pl", 3),
        ("ar", 6),
        ("ja", 1),
        ("zh", 1),
        ("zh-Hant-TW", 1),
        ("cs", 3),
        ("ga", 5),
        ("sl", 4),
    ],
)
def test_plural_counts_match_gnu_gettext(code, nplurals):
    assert languages.parse(code).nplurals == nplurals


@pytest.mark.skipif(shutil.which("msginit") is None, reason="GNU gettext is needed")
@pytest.mark.parametrize("code", ["es", "fr", "it", "pt", "pt_BR", "de", "ru", "pl", "cs", "ja"])
def test_plural_forms_agree_with_msginit(code, tmp_path):
    """GNU msginit is the referee: a catalog we start has the forms its catalogs have."""
    pot = tmp_path / "x.pot"
    pot.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n', encoding="utf-8")
    made = subprocess.run(["msginit", "--no-translator", "-l", code, "-i", str(pot), "-o", "-"],
                          capture_output=True, text=True, check=True).stdout
    found = re.search(r"nplurals=(\d+)", made)
    assert found, made
    assert languages.parse(code).nplurals == int(found.group(1))


@pytest.mark.parametrize(
    "code, header",
    [
        ("es", "nplurals=2; plural=(n != 1);"),
        ("ja", "nplurals=1; plural=0;"),
        ("pt-BR", "nplurals=2; plural=(n > 1);"),
    ],
)
def test_plural_forms_header(code, header):
    assert languages.parse(code).plural_forms == header


@pytest.mark.parametrize(
    "code, english, native",
    [
        ("es", "Spanish", "español"),
        ("ar", "Arabic", "العربية"),
        ("de", "German", "Deutsch"),
        ("pt-BR", "Portuguese (Brazil)", "português (Brasil)"),
        ("he", "Hebrew", "עברית"),
    ],
)
def test_names(code, english, native):
    language = languages.parse(code)
    assert language.english_name == english
    assert language.native_name == native


def test_language_is_immutable_and_cached():
    language = languages.parse("es")
    with pytest.raises(AttributeError):
        language.tag = "../x"
    assert languages.parse("ES") is language


HOSTILE = [
    "",
    " es",
    "es ",
    "es\n",
    "es\r\n",
    "es\t",
    "es\x00",
    "\x00",
    "../../etc",
    "../es",
    "es/../x",
    "es/..",
    "es\\..\\x",
    "es%2F..",
    "es%00",
    "es@euro",
    "es.UTF-8",
    "es_ES.UTF-8",
    "es:x",
    "es;rm",
    "-es",
    "es-",
    "es_",
    "es--ES",
    "es_ES-x",  # mixed separators
    "pt-BR_x",
    "e",
    "espa",  # a four-letter language subtag
    "root",
    "es-E",
    "es-ESP",
    "es-12",
    "es-1234",
    "en-US-POSIX",
    "x-private",
    "i-klingon",
    "es-x-foo",
    "es-Latn-ES-valencia",
    "eś",
    "ｅｓ",  # full-width letters
    "es-١٢٣",  # Arabic-Indic digits
    "es-\u202eSE",  # right-to-left override
    "es\u2028",
    "x" * 36,
    "x" * 300,
    "es-" + "A" * 300,
]


@pytest.mark.parametrize("code", HOSTILE)
def test_malformed_codes_are_refused(code):
    for function in (
        languages.parse,
        languages.validate,
        languages.to_gettext,
        languages.to_bcp47,
        languages.is_rtl,
    ):
        with pytest.raises(LanguageError) as caught:
            function(code)
        message = str(caught.value)
        assert "\n" not in message and "\r" not in message
        assert len(message) < 80
        # The message names the code (its start, for very long ones).
        assert repr(code)[:20] in message


@pytest.mark.parametrize("value", [None, 42, b"es", ["es"]])
def test_non_strings_are_refused(value):
    with pytest.raises(LanguageError):
        languages.parse(value)


@pytest.mark.parametrize(
    "code",
    ["xx", "qq", "qq-ZZ", "zz-Latn", "und", "mul", "zxx", "en-ZZ", "de-XX", "fr-Cyrl"],
)
def test_unknown_codes_are_refused(code):
    with pytest.raises(LanguageError, match=re.escape(f"unknown language code {code!r}")):
        languages.parse(code)


def test_language_error_is_bad_input():
    with pytest.raises(BadInput):
        languages.validate("../x")


SAFE_TAG = re.compile(r"[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?")


WELL_FORMED = r"[A-Za-z]{2,3}([-_][A-Za-z]{4})?([-_]([A-Za-z]{2}|[0-9]{3}))?"


@given(st.one_of(st.text(max_size=40), st.from_regex(WELL_FORMED, fullmatch=True)))
def test_any_text_is_refused_or_gives_a_safe_tag(code):
    try:
        language = languages.parse(code)
    except LanguageError as error:
        assert "\n" not in str(error)
        return
    assert SAFE_TAG.fullmatch(language.tag)
    assert language.gettext == language.tag.replace("-", "_")
