"""Numbers of an English source written as the target language writes them (CLDR, through Babel).

Only what English formatting decides is rewritten: the grouping comma, the
decimal point, the percent sign's spacing. ``12,500.5`` is ``12.500,5`` in
Spanish and ``12 500,5`` in French; ``25%`` is ``25 %`` in Spanish.

Everything else is left as written, because changing it would change what it
means or how it is cited:

* integers written without grouping: years (``2009``), pages (``p. 123``),
  volumes and issues (``48(2)``), counts the author left ungrouped;
* numbers glued to letters: ordinals and decades (``5th``, ``1990s``),
  identifiers (``v2``, ``H1N1``);
* times, fractions, dates, versions (``10:30``, ``3/4``, ``2009-10-12``, ``2.1.3``);
* a decimal that names something rather than counts it: ``version 2.1``,
  ``section 4.2``, ``Python 3.11``;
* anything that is not plainly an English grouped or decimal number (``1,2``).

A range (``10–20``, ``1,000-2,000``) has each end rewritten.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from functools import lru_cache

from babel.numbers import NumberPattern, parse_pattern

from . import languages
from .errors import LanguageError

_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DECIMAL = re.compile(r"\d+\.\d+")
_RANGE = re.compile(r"([\d.,]+)([–-])([\d.,]+)")
_LAST_WORD = re.compile(r"([^\W\d_][\w.]*)\W*$")
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+)\W*$")

# Words after which a decimal is a name (a version, a section), not a quantity.
NAMING = frozenset("""
    version versions ver v release releases update edition build python java ios android windows
    macos chapter chapters section sections sec figure figures fig table tables step steps
    item items article articles rule rules clause clauses appendix part parts exercise
    equation eq lesson unit level phase stage no number §
""".split())

# CLDR's minimumGroupingDigits is 2 for these: 1000 has no separator, 10 000 has one.
# Babel does not carry that value, so it is kept here.
MIN_GROUPING_TWO = frozenset({"es", "pl", "pt-PT", "bg", "lv"})


def localize(found: str, language: str | None, before: str = "") -> str:
    """``found`` (a number as an English text writes it) as ``language`` writes it.

    ``before`` is the text just before it, which tells a version or a section
    number from a quantity. Unchanged where the language is English, unknown,
    or the number is one of the kinds that stay as written.
    """
    style = _style(language)
    if style is None:
        return found
    body, percent = (found[:-1], True) if found.endswith("%") else (found, False)
    if not body or not body[-1].isdigit():
        return found
    ranged = _RANGE.fullmatch(body)
    if ranged:
        first, dash, last = ranged.groups()
        text = _one(first, style, before) + dash + _one(last, style, before)
    else:
        text = _one(body, style, before)
    return style.percent(text) if percent else text


class _Style:
    """How one language writes numbers: its decimal and percent patterns and its grouping rule."""

    def __init__(self, tag: str, locale) -> None:
        self.locale = locale
        self.decimal = parse_pattern(locale.decimal_formats[None].pattern)
        percent = parse_pattern(locale.percent_formats[None].pattern)
        sign = locale.number_symbols["latn"].get("percentSign", "%")   # the digits stay Latin
        self.percent_prefix = percent.prefix[0].replace("%", sign)
        self.percent_suffix = percent.suffix[0].replace("%", sign)
        self.min_grouping = 2 if tag in MIN_GROUPING_TWO or tag.split("-")[0] in MIN_GROUPING_TWO else 1

    def format(self, value: Decimal, decimals: int, grouped: bool) -> str:
        pattern: NumberPattern = copy.copy(self.decimal)
        pattern.frac_prec = (decimals, decimals)   # 3.50 keeps its two decimals
        if grouped and self.min_grouping == 2 and abs(value) < 10_000:
            grouped = False
        return pattern.apply(value, self.locale, group_separator=grouped, numbering_system="latn")

    def percent(self, text: str) -> str:
        return self.percent_prefix + text + self.percent_suffix


@lru_cache(maxsize=64)
def _style(language: str | None) -> _Style | None:
    if not language:
        return None
    try:
        parsed = languages.parse(language)
    except LanguageError:
        return None
    if parsed.locale.language == "en":
        return None
    return _Style(parsed.tag, parsed.locale)


def _one(text: str, style: _Style, before: str) -> str:
    """One number (not a range) in the target's format, or as it is."""
    if _GROUPED.fullmatch(text):
        grouped = True
    elif _DECIMAL.fullmatch(text) and not _names_something(before):
        grouped = False
    else:
        return text
    digits = text.replace(",", "")
    decimals = len(digits.partition(".")[2])
    return style.format(Decimal(digits), decimals, grouped)


def _names_something(before: str) -> bool:
    """Whether the words before a decimal make it a name: "version 2.1", "Python 3.11", "§ 4.2"."""
    tail = before.rstrip()
    if tail.endswith("§"):
        return True
    m = _LAST_WORD.search(tail)
    if m is None:
        return False
    word = m.group(1).rstrip(".")
    if word.lower() in NAMING:
        return True
    # a capitalized word inside a sentence is a name: "Python 3.11", "Windows 3.1"
    return word[:1].isupper() and not _SENTENCE_START.search(tail[:m.start()])
