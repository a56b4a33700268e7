"""What every check is given and returns: the registry, Problem, Context and Pair.

A check is a small function registered with :func:`check` under an id and a
severity. It takes a :class:`Pair` (one source text and its translation,
parsed at most once and shared by every check) and a :class:`Context` (the
target language, the article's author names and citation links, the glossary)
and returns what it found: None, one message, or a list of messages (one per
problem, so that a check lists every problem, not only the first). Checks are
pure: no files, no clock, no network.

A message is made with :func:`~localize.said.said` (or ``said_n`` when it counts): it is
the English text, a plain ``str`` for the CLI, the JSON API and the logs, and it
keeps the template and parameters it was made from, so that a face in another
language can say it (``gettext(template) % params``). Templates are gettext
``python-format`` strings (``%(name)s``), extracted with the web UI's strings
(keywords ``said`` and ``said_n:1,2`` in ``babel.cfg``). Parameters are data
taken from the text (tags, numbers, names, addresses) and are never
translated; a list is joined, a :class:`~localize.languages.Language` is named.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .. import markup
from ..languages import Language
from ..po import Entry
from ..said import Said, said, said_n  # noqa: F401  (checks import them from here)

ERROR, WARNING = "error", "warning"
ENTRY, LANGUAGE = "entry", "language"   # what a check looks at: one entry, or all catalogs of a language


def messages(found: str | Sequence[str] | None) -> tuple[str, ...]:
    """What a check returned, as a tuple of messages, in order, each once."""
    if not found:
        return ()
    if isinstance(found, str):
        return (found,)
    return tuple(dict.fromkeys(m for m in found if m))


@dataclass(frozen=True)
class Problem:
    """One finding, as the CLI, the web UI and the publish gate show it."""

    article: str
    language: str
    msgctxt: str | None
    msgid: str
    check: str
    severity: str
    message: str
    overridden: bool = False

    def as_dict(self) -> dict:
        """The problem as the JSON API and ``localize check --format json`` give it (the message in English)."""
        return {"article": self.article, "language": self.language, "msgctxt": self.msgctxt,
                "msgid": self.msgid, "check": self.check, "severity": self.severity,
                "message": self.message, "overridden": self.overridden}


@dataclass(frozen=True)
class Check:
    """A registered check: its function's docstring says what it finds."""

    id: str
    severity: str
    function: Callable
    ignorable: bool = True    # by an ``ignore-<id>`` flag, or a ``qa-override`` comment
    scope: str = ENTRY
    blank: bool = False       # runs on blank translations (and only on them)

    def messages(self, pair: Pair, ctx: Context) -> tuple[str, ...]:
        """What the check finds in one pair: a message per problem (none: nothing found)."""
        return messages(self.function(pair, ctx))


CHECKS: dict[str, Check] = {}


def check(id: str, severity: str, *, ignorable: bool = True, scope: str = ENTRY, blank: bool = False):
    """Register a check under an id, in the order checks run and are listed."""
    def register(function: Callable) -> Callable:
        if id in CHECKS:
            raise ValueError(f"check {id!r} registered twice")
        CHECKS[id] = Check(id, severity, function, ignorable, scope, blank)
        return function
    return register


# -- what checks are given ------------------------------------------------------

_LATIN = r"A-Za-z\u00c0-\u024f"


def _terms(terms: Iterable[str], *, ignore_case: bool) -> re.Pattern | None:
    """One pattern finding any of the terms as whole words (no Latin letter either side)."""
    return _terms_pattern(tuple(sorted({t for t in terms if t}, key=lambda t: (-len(t), t))), ignore_case)


@functools.lru_cache(maxsize=512)  # the articles of a workspace share the glossary, and often authors
def _terms_pattern(terms: tuple[str, ...], ignore_case: bool) -> re.Pattern | None:
    if not terms:
        return None
    body = "|".join(re.escape(t) for t in terms)
    return re.compile(rf"(?<![{_LATIN}])(?:{body})(?![{_LATIN}])", re.IGNORECASE if ignore_case else 0)


class _lazy:
    """A value computed on first use and then kept on the instance (no lock, unlike cached_property)."""

    def __init__(self, function):
        self.function, self.name = function, function.__name__

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.function(obj)
        return value


def plain_text(text: str, replacement: str = "") -> str:
    """The text a reader sees: tags out, entities decoded."""
    if "<" in text:
        text = markup.without_tags(text, replacement)
    return html.unescape(text) if "&" in text else text


def _latin(char: str) -> bool:
    return ("A" <= char <= "Z") or ("a" <= char <= "z") or ("\u00c0" <= char <= "\u024f")


def whole_words(terms: Iterable[str], text: str) -> set[str]:
    """The terms that occur in a text as whole words (no Latin letter either side), as :func:`_terms`
    matches them; a plain substring search first, so a text without any of them costs almost nothing."""
    found = set()
    for term in terms:
        start = text.find(term) if term else -1
        while start >= 0:
            end = start + len(term)
            if not (start and _latin(text[start - 1])) and not (end < len(text) and _latin(text[end])):
                found.add(term)
                break
            start = text.find(term, start + 1)
    return found


@dataclass(frozen=True, eq=False)
class Context:
    """What the checks of one catalog need to know besides the entries."""

    language: Language                      # the target language
    source_language: str = "en"
    authors: tuple[str, ...] = ()           # surnames from the article's reference list
    keep: tuple[str, ...] = ()              # glossary terms never translated
    required: Mapping[str, str] = field(default_factory=dict)  # {source term: required translation}
    forbidden: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # {source term: translations never used}
    citations: frozenset[str] = frozenset()  # hrefs of links that cite the reference list
    links: Mapping[str, str] = field(default_factory=dict)  # [tool.localize.links]: source link -> localized
    article: object | None = None            # machine.Article: the words and names of the whole source article
    base: str = field(init=False, repr=False)
    digits: str = field(init=False, repr=False)          # the target language's digits
    source_digits: str = field(init=False, repr=False)

    def __post_init__(self):
        put = object.__setattr__
        put(self, "base", self.language.tag.split("-")[0])
        put(self, "digits", "0123456789" + NATIVE_DIGITS.get(self.base, ""))
        put(self, "source_digits", "0123456789" + NATIVE_DIGITS.get(self.source_language.split("-")[0], ""))

    # Patterns are compiled when a check first needs them: the author names differ
    # from article to article, and most runs (the publish gate) need few of them.
    keep_pattern = _lazy(lambda self: _terms(self.keep, ignore_case=False))
    protected_pattern = _lazy(lambda self: _terms((*self.authors, *self.keep), ignore_case=False))
    required_pattern = _lazy(lambda self: _terms(self.required, ignore_case=True))
    required_by_lower = _lazy(lambda self: {k.lower(): (k, v) for k, v in self.required.items()})
    forbidden_pattern = _lazy(lambda self: _terms(self.forbidden, ignore_case=True))
    forbidden_by_lower = _lazy(lambda self: {k.lower(): (k, v) for k, v in self.forbidden.items()})

    def authors_in(self, text: str) -> set[str]:
        """The reference list's author names that occur in a text as whole words."""
        return whole_words(self.authors, text)

    @property
    def protected(self) -> tuple[str, ...]:
        """Text never translated: the reference list's author names and the glossary's keep terms."""
        return (*self.authors, *self.keep)


class Pair:
    """One source text and its translation, each parsed at most once, shared by every check."""

    def __init__(self, source: str, target: str, entry: Entry | None = None):
        self.source, self.target, self.entry = source, target, entry
        # what readers see: most checks need it, so it is made at once
        self.source_plain = plain_text(source)
        self.target_plain = plain_text(target)

    source_raw_tags = _lazy(lambda self: markup.raw_tags(self.source) if "<" in self.source else [])
    target_raw_tags = _lazy(lambda self: markup.raw_tags(self.target) if "<" in self.target else [])
    source_tags = _lazy(lambda self: markup.tags(self.source) if "<" in self.source else [])
    target_tags = _lazy(lambda self: markup.tags(self.target) if "<" in self.target else [])
    # tags as spaces, so that "10<sup>3</sup>" is two numbers
    source_numbers = _lazy(lambda self: numbers_in(plain_text(self.source, " ") if "<" in self.source
                                                 else self.source_plain))
    target_numbers = _lazy(lambda self: numbers_in(plain_text(self.target, " ") if "<" in self.target
                                                 else self.target_plain))


# -- text helpers shared by several checks ---------------------------------------

# A grouped number ("1,000", "1.000", "1 000", "12,345.6") or a plain one ("2003", "3,5").
_NUMBER = re.compile(
    r"(?P<int>\d{1,3}(?:[,.'’ \u00a0\u202f\u2009\u066c]\d{3}(?!\d))+)(?:[.,\u066b](?P<frac>\d+))?"
    r"|(?P<plain>\d+)(?:[.,\u066b](?P<pfrac>\d+))?"
)


class _AsciiDigits(dict):
    """A str.translate table mapping every decimal digit (Arabic-Indic, full-width, …) to ASCII."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if not char.isdecimal():
            raise LookupError(code)
        self[code] = value = str(unicodedata.decimal(char))
        return value


_ASCII_DIGITS = _AsciiDigits()


# Where numbers are: a digit and what may follow it inside a number.
_NUMBER_SPAN = re.compile(r"\d[\d.,'’ \u00a0\u202f\u2009\u066b\u066c]*")
_SPAN_END = ".,'’ \u00a0\u202f\u2009\u066b\u066c"


def numbers_in(text: str) -> list[str]:
    """The numbers of a text, normalized: native digits to ASCII, group separators out, '.' for decimals."""
    found = []
    for span in _NUMBER_SPAN.findall(text):
        span = span.rstrip(_SPAN_END)
        if span.isascii() and span.isdigit():   # "2003": most numbers
            found.append(span)
            continue
        for m in _NUMBER.finditer(span):
            whole, frac = m.group("int", "frac") if m.group("int") else m.group("plain", "pfrac")
            if not whole.isdigit() or not whole.isascii():
                whole = "".join(c for c in whole if c.isdecimal()).translate(_ASCII_DIGITS)
            found.append(f"{whole}.{frac.translate(_ASCII_DIGITS)}" if frac else whole)
    return found


# The digits each language writes besides ASCII ones (for a quick look before reading numbers).
NATIVE_DIGITS = {
    **dict.fromkeys("ar ckb".split(), "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"),
    **dict.fromkeys("fa ur ps sd".split(), "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩"),
    **dict.fromkeys("hi mr ne sa".split(), "०१२३४५६७८९"),
    **dict.fromkeys("bn as".split(), "০১২৩৪৫৬৭৮৯"),
    **dict.fromkeys("zh ja ko yue".split(), "０１２３４５６７８９"),
    "th": "๐๑๒๓๔๕๖๗๘๙", "my": "၀၁၂၃၄၅၆၇၈၉",
}


# Full-width punctuation ends a URL too: "请访问 https://example.org/a。"
URL = re.compile(r"""(?:\b(?:https?|ftp)://|\bwww\.)"""
                 r"""[^\s<>"'«»“”。，、！？：；（）「」『』【】]+""", re.I)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL_END = ".,;:!?)]}’”»…'\""
