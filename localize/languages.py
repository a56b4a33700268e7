"""Language codes: checking, canonical BCP 47 and gettext forms, names, direction, plurals."""

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from localize.errors import LanguageError

# Codes arrive from command lines, URLs and uploads and end up in file paths,
# so only this narrow grammar (language, optional script, optional region)
# ever reaches Babel.  [A-Za-z0-9] rather than \w keeps non-ASCII out, and
# fullmatch (unlike $) does not let a trailing newline through.
_SYNTAX = re.compile(
    r"(?P<language>[A-Za-z]{2,3})"
    r"(?:[-_](?P<script>[A-Za-z]{4}))?"
    r"(?:[-_](?P<region>[A-Za-z]{2}|[0-9]{3}))?"
)
# The grammar above is far shorter; this is checked first so a huge string
# is refused without any further work.
_MAX_LENGTH = 35
# Long enough to recognise the code, short enough to keep a message on one line.
_SHOWN = 40
# Babel 2.19 follows CLDR 46, which gives these languages a third form for exact
# millions ("un millón de …"). GNU gettext's msginit, the PO editors and the
# catalogs translators already have use two forms; so do we.
_GETTEXT_PLURALS = {
    "es": (2, "(n != 1)"), "ca": (2, "(n != 1)"), "it": (2, "(n != 1)"), "pt_PT": (2, "(n != 1)"),
    "lld": (2, "(n != 1)"), "scn": (2, "(n != 1)"), "vec": (2, "(n != 1)"),
    "fr": (2, "(n > 1)"), "pt": (2, "(n > 1)"),
}


@dataclass(frozen=True)
class Language:
    """One known language, with everything catalogs and pages need about it."""

    tag: str
    gettext: str
    nplurals: int
    plural_expr: str
    locale: Locale = field(repr=False, compare=False)

    # Names and direction load the locale's CLDR data: only when asked for.
    @cached_property
    def english_name(self) -> str:
        return self.locale.get_display_name("en")

    @cached_property
    def native_name(self) -> str:
        return self.locale.get_display_name()

    @cached_property
    def direction(self) -> str:
        return self.locale.text_direction

    @property
    def plural_forms(self) -> str:
        """The value of a .po header's Plural-Forms field."""
        return f"nplurals={self.nplurals}; plural={self.plural_expr};"


def _show(code) -> str:
    """The code as repr() shows it, cut short so a message stays one line."""
    text = repr(code)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _split(code) -> tuple:
    """Check the syntax and return (language, script, region) in canonical case."""
    if (
        not isinstance(code, str)
        or len(code) > _MAX_LENGTH
        or ("-" in code and "_" in code)  # one kind of separator, not a mix
        or not (match := _SYNTAX.fullmatch(code))
    ):
        raise LanguageError(f"malformed language code {_show(code)}")
    language, script, region = match.group("language", "script", "region")
    return (
        language.lower(),
        script.title() if script else None,
        region.upper() if region else None,
    )


def _modernize(language, script, region) -> tuple:
    """Replace retired codes ("iw", "in", "ji", "UK") with the current ones."""
    alias = get_global("language_aliases").get(language)
    if alias:
        # Some aliases carry a script or region ("sh" is "sr_Latn"); the
        # caller's own subtags still win.
        language, *extra = alias.split("_")
        for part in extra:
            if len(part) == 4:
                script = script or part
            else:
                region = region or part
    # A region that split into several ("CS") has no single replacement.
    regions = get_global("territory_aliases").get(region or "", [region])
    if len(regions) == 1:
        region = regions[0]
    return language, script, region


def _locale(language, script, region) -> Locale | None:
    """Babel's locale for exactly these subtags, or None if it has none."""
    try:
        return Locale(language, territory=region, script=script)
    except UnknownLocaleError:
        pass
    # Locale.parse fills in missing subtags ("zh_TW" is "zh_Hant_TW") but also
    # drops or swaps ones it does not know ("en_ZZ" becomes "en_US", "und"
    # becomes "en_US"); only the former is accepted.
    identifier = "_".join(part for part in (language, script, region) if part)
    try:
        found = Locale.parse(identifier)
    except (UnknownLocaleError, ValueError):
        return None
    kept = (
        found.language == language
        and script in (None, found.script)
        and region in (None, found.territory)
    )
    return found if kept else None


# Keyed on canonical subtags so "PT-br" and "pt_BR" share an entry; bounded
# because well-formed unknown codes (cached as None) come from outside.
@lru_cache(maxsize=1024)
def _load(language, script, region) -> Language | None:
    """The Language for canonical subtags, or None if Babel does not know them."""
    locale = _locale(*_modernize(language, script, region))
    if locale is None:
        return None
    from babel.messages.plurals import get_plural  # it loads Babel's catalog code: only when needed

    parts = [locale.language, locale.script, locale.territory]
    plural = get_plural(locale)
    nplurals, expr = plural.num_plurals, plural.plural_expr
    if "1000000" in expr:
        nplurals, expr = _GETTEXT_PLURALS.get(str(locale), _GETTEXT_PLURALS.get(locale.language, (nplurals, expr)))
    return Language(
        tag="-".join(part for part in parts if part),
        gettext="_".join(part for part in parts if part),
        nplurals=nplurals,
        plural_expr=expr,
        locale=locale,
    )


def parse(code: str) -> Language:
    """The Language for a BCP 47 or gettext code; raises LanguageError."""
    language = _load(*_split(code))
    if language is None:
        raise LanguageError(f"unknown language code {_show(code)}")
    return language


def to_gettext(code: str) -> str:
    """The gettext/POSIX form of a code, e.g. "pt_BR"."""
    return parse(code).gettext


def to_bcp47(code: str) -> str:
    """The canonical BCP 47 form of a code, e.g. "pt-BR"."""
    return parse(code).tag


def is_rtl(code: str) -> bool:
    """Whether the language is written right to left."""
    return parse(code).direction == "rtl"


def validate(code: str) -> str:
    """The canonical BCP 47 tag for a code, or LanguageError."""
    return parse(code).tag
