"""Numbers of an English source written as the target language writes them, and the ones left alone."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import parse_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from localize.numbers import localize

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize("number, language, expected", [
    ("12,500.5", "es", "12.500,5"),
    ("1,000.5", "es", "1000,5"),          # Spanish groups from five digits on (CLDR, RAE)
    ("1,000.5", "ca", "1.000,5"),
    ("12,500", "es", "12.500"),
    ("1,000,000", "fr", f"1{NNBSP}000{NNBSP}000"),
    ("12,500.5", "gl", f"12{NBSP}500,5"),
    ("0.5", "eo", "0,5"),
    ("3.50", "es", "3,50"),               # the decimals written are kept
    ("25%", "es", f"25{NBSP}%"),
    ("12.5%", "fr", f"12,5{NBSP}%"),
    ("25%", "eo", "25%"),
    ("1,000–2,000", "ca", "1.000–2.000"),
    ("2.5-3.5", "es", "2,5-3,5"),
    ("1,500", "pt-BR", "1.500"),
    ("12,500", "pt-PT", f"12{NBSP}500"),
    ("1,234,567", "hi", "12,34,567"),     # Indian grouping
    ("1,000.5", "en-GB", "1,000.5"),
])
def test_a_number_is_written_as_the_language_writes_it(number, language, expected):
    assert localize(number, language) == expected


@pytest.mark.parametrize("number", [
    "2009",          # a year
    "123",           # a page: "p. 123"
    "12500",         # a count written without grouping stays so
    "10–20",         # a range of plain integers
    "76–94",         # pages of a citation
    "1990s", "5th", "H1N1", "v2",        # letters glued: decades, ordinals, identifiers
    "2.1.3", "192.168.0.1",              # versions, addresses
    "10:30", "3/4", "2009-10-12",        # times, fractions, dates
    "1,2",                               # not an English grouped number
])
@pytest.mark.parametrize("language", ["es", "ca", "gl", "eo", "fr", "de", "ar"])
def test_what_is_not_a_plain_quantity_stays_as_written(number, language):
    assert localize(number, language) == number


@pytest.mark.parametrize("before", ["version ", "Version ", "v", "in Python ", "see section ", "Figure ",
                                    "Table ", "chapter ", "§ ", "step "])
def test_a_decimal_that_names_something_stays(before):
    assert localize("2.1", "es", before) == "2.1"


@pytest.mark.parametrize("before", ["", "about ", "Over ", "It fell to ", "In 2009, "])
def test_a_decimal_that_counts_is_localized(before):
    assert localize("3.5", "es", before) == "3,5"


def test_unknown_or_missing_languages_leave_numbers_alone():
    assert localize("1,000.5", None) == "1,000.5"
    assert localize("1,000.5", "x-klingon") == "1,000.5"


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from(["es", "ca", "gl", "fr", "de", "pt", "it"]))
def test_a_localized_number_has_the_same_value(value, language):
    """Read back as the language writes numbers (Babel's parser), the value is the English one."""
    english = f"{value:,.2f}"
    written = localize(english, language)
    assert parse_decimal(written, locale=language.replace("-", "_"), strict=False) == Decimal(english.replace(",", ""))
