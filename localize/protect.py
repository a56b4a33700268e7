"""Protection: what an engine must not change is replaced by tokens, and put back after.

A unit's text is an HTML fragment (see :mod:`localize.markup`). Before it goes
to an engine, these become tokens ``⟦0⟧``, ``⟦1⟧``, … in order:

* each inline tag; a whole element where its content is not the engine's to
  change: a citation link (its ``href`` is one of the article's references),
  ``translate="no"``, ``code``, ``kbd``, ``samp``, ``var``;
* URLs, e-mail addresses;
* numbers, years, ranges and percentages, each as one token, and words with
  digits in them (``5th``, ``1990s``, ``H1N1``); a number comes back written as
  the target language writes it (:mod:`localize.numbers`): ``12,500.5`` is
  ``12.500,5`` in Spanish;
* terms never translated (the reference list's author names, the glossary's
  ``keep``), matched as whole words, case-sensitive; a possessive ``'s`` after
  a name stays in the text, for the engine to turn into its own language's
  possessive ("la obra de Gross", not "Gross's obra");
* terms with a required translation: the token comes back as that translation.

The engine sees plain text (``&amp;`` as ``&``). :func:`restore` puts every
token back and refuses a translation whose tokens did not all come back
exactly once, or whose tags no longer nest; the refusal says what was lost
(:attr:`LostToken.reason`), a number, markup, a name.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from . import markup, numbers

OPEN, CLOSE = "⟦", "⟧"
TOKEN = re.compile(r"⟦\s*(\d+)\s*⟧")
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)([^<>]*)>")
WHOLE_ELEMENTS = frozenset({"code", "kbd", "samp", "var"})

# What a token stands for: refusals and the draft report name what was lost.
MARKUP, LINK, NUMBER, NAME, TERM, MARK = "markup", "link", "number", "name", "term", "mark"

# What is protected inside text; the token brackets and the marks Apertium adds
# to words (*unknown, @untranslated, #ungenerated) are protected where a source has them.
# A number is one token with its separators, a range's dash and a percent sign,
# so that an engine cannot move or drop half of it; letters glued to digits
# (5th, 1990s, H1N1) belong to it too.
_ALNUM = r"[^\W_]*\d[^\W_]*"
_FIXED = (
    r"(?P<link>(?:https?|ftp)://[^\s<>\"']*[^\s<>\"'.,;:!?)\]]"
    r"|www\.[^\s<>\"']*[^\s<>\"'.,;:!?)\]]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    rf"|(?P<number>{_ALNUM}(?:[.,:/–-]{_ALNUM})*%?)"
    r"|(?P<mark>[⟦⟧*#@])"
)

# Given names that are common in English, dropped from the author names protected:
# a reference list names people by surname, but some surnames are given names too
# (Oliver P. John), and a given name in the text ("John Bowlby", "James Gross") is
# better left to the engine, which knows it as a name (Apertium turns "John's
# research" into "la búsqueda de John" only when it sees the word). Each name
# here comes back unchanged from Apertium's en→es, ca, gl and eo pairs.
GIVEN_NAMES = frozenset("""
    Aaron Alexander Alice Amanda Amy Andrea Andrew Angela Ann Anna Anthony Arthur Ashley Barbara
    Benjamin Betty Brandon Brenda Brian Carl Carol Carolyn Catherine Charles Charlotte Christina
    Christine Cynthia Dan Daniel David Deborah Dennis Diana Diane Donald Donna Dorothy Edward
    Elizabeth Emily Emma Eric Evelyn Frances Frank Gary Gregory Hannah Harold Heather Helen Henry
    Jack James Janet Jason Jeffrey Jennifer Jerry Jessica Joan John Jonathan Joseph Joshua Joyce
    Judith Julia Julie Justin Karen Katherine Kathleen Kelly Kenneth Kevin Kimberly Larry Laura
    Lauren Linda Lisa Margaret Maria Marie Martha Martin Mary Matthew Megan Melissa Michelle Nancy
    Natalie Nicole Oliver Olivia Pamela Patricia Patrick Paul Peter Rachel Rebecca Richard Robert
    Ronald Ruth Ryan Samantha Samuel Sandra Sara Sarah Scott Sharon Shirley Sophia Stephanie Stephen
    Steven Teresa Thomas Timothy Tyler Walter William
""".split())


def surnames(authors: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The author names worth protecting: those of a reference list less the common given names."""
    return tuple(name for name in authors if name not in GIVEN_NAMES)


class LostToken(ValueError):
    """A translation whose protected parts did not come back intact.

    The message says which parts; ``reason`` says what kind of loss it was, in
    words a summary can count ("the engine lost a number").
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Terms:
    """What to protect besides markup, numbers and links, and the language the text goes into."""

    keep: tuple[str, ...] = ()                         # never translated, case-sensitive
    required: dict[str, str] = field(default_factory=dict)  # source term → its required translation
    citations: frozenset[str] = frozenset()            # hrefs of citation links
    language: str | None = None                        # the target: numbers come back in its format

    @cached_property
    def pattern(self) -> re.Pattern:
        return _pattern(tuple(self.keep), tuple(self.required))

    @cached_property
    def _required_lower(self) -> dict[str, str]:
        return {k.casefold(): v for k, v in self.required.items()}

    def translation_of(self, found: str) -> str:
        target = self._required_lower[found.casefold()]
        if found[:1].isupper() and target[:1].islower():
            target = target[0].upper() + target[1:]
        return target


@lru_cache(maxsize=256)  # articles of one workspace share the glossary, and often authors
def _pattern(keep: tuple[str, ...], required: tuple[str, ...]) -> re.Pattern:
    parts = []
    required = sorted(required, key=len, reverse=True)
    if required:
        parts.append(r"(?P<required>(?i:" + "|".join(_word(t) for t in required) + "))")
    keep = sorted(keep, key=len, reverse=True)
    if keep:
        parts.append(r"(?P<keep>" + "|".join(_word(t) for t in keep) + ")")
    parts.append(_FIXED)
    return re.compile("|".join(parts))


def _word(term: str) -> str:
    escaped = r"\s+".join(re.escape(part) for part in term.split())
    return rf"(?<!\w){escaped}(?!\w)"


@dataclass(frozen=True)
class Protected:
    """The text an engine sees, what each of its tokens stands for (as HTML), and of what kind."""

    text: str
    pieces: tuple[str, ...]
    kinds: tuple[str, ...] = ()

    @property
    def translatable(self) -> bool:
        """Whether anything but tokens and spaces is left for the engine."""
        return bool(TOKEN.sub("", self.text).strip(" \u00a0.,;:!?()[]\"'«»“”‘’—–-"))

    def kind(self, index: int) -> str:
        return self.kinds[index] if index < len(self.kinds) else MARKUP


def protect(fragment: str, terms: Terms = Terms()) -> Protected:
    out: list[str] = []
    pieces: list[str] = []
    kinds: list[str] = []

    def token(piece: str, kind: str) -> None:
        out.append(f"{OPEN}{len(pieces)}{CLOSE}")
        pieces.append(piece)
        kinds.append(kind)

    pos = 0
    skip_until = -1
    for m in _TAG.finditer(fragment):
        if m.start() < skip_until:
            continue
        _text(fragment[pos:m.start()], terms, out, token)
        end = m.end()
        if not m.group(1) and _whole(m, terms):
            end = _element_end(fragment, m)
            skip_until = end
        token(fragment[m.start():end], MARKUP)
        pos = end
    _text(fragment[pos:], terms, out, token)
    return Protected("".join(out), tuple(pieces), tuple(kinds))


def _text(escaped: str, terms: Terms, out: list[str], token) -> None:
    if not escaped:
        return
    text = html.unescape(escaped) if "&" in escaped else escaped
    pos = 0
    for m in terms.pattern.finditer(text):
        out.append(text[pos:m.start()])
        found = m.group()
        kind = m.lastgroup
        if kind == "required":
            token(markup.escape_text(terms.translation_of(found)), TERM)
        elif kind == "keep":
            token(markup.escape_text(found), NAME)
        elif kind == "number":
            before = text[max(0, m.start() - 40):m.start()]
            token(markup.escape_text(numbers.localize(found, terms.language, before)), NUMBER)
        else:
            token(markup.escape_text(found), LINK if kind == "link" else MARK)
        pos = m.end()
    out.append(text[pos:])


def _whole(m: re.Match, terms: Terms) -> bool:
    name = m.group(2).lower()
    if name in markup.VOID_TAGS or m.group(3).rstrip().endswith("/"):
        return False
    if name in WHOLE_ELEMENTS:
        return True
    attrs = dict(markup.tags(m.group())[0].attrs)
    if attrs.get("translate", "").strip().lower() == "no":
        return True
    return name == "a" and attrs.get("href") in terms.citations


def _element_end(fragment: str, start: re.Match) -> int:
    """Where the element opened by ``start`` ends (after its end tag); the fragment's end if never."""
    name = start.group(2).lower()
    depth = 0
    for m in _TAG.finditer(fragment, start.start()):
        if m.group(2).lower() != name:
            continue
        if m.group(1):
            depth -= 1
            if depth == 0:
                return m.end()
        elif not m.group(3).rstrip().endswith("/"):
            depth += 1
    return len(fragment)


# What a refusal says, by the kind of the first part lost: numbers first, as the
# loss a reader is least likely to notice.
_LOST = {NUMBER: "the engine lost a number", MARKUP: "the engine lost markup",
         NAME: "the engine lost a name", TERM: "the engine lost a glossary term",
         LINK: "the engine lost a link or e-mail address", MARK: "the engine lost a sign (⟦ ⟧ * # @)"}
_ORDER = (NUMBER, NAME, TERM, LINK, MARKUP, MARK)


def restore(translated: str, protected: Protected) -> str:
    """The engine's text with every token put back, as an HTML fragment; LostToken if it cannot be."""
    count = len(protected.pieces)
    seen: list[int] = []
    out: list[str] = []
    pos = 0
    for m in TOKEN.finditer(translated):
        index = int(m.group(1))
        if index >= count:
            raise LostToken(f"the engine made up a token ⟦{index}⟧", "the engine made up a token")
        seen.append(index)
        out.append(markup.escape_text(translated[pos:m.start()]))
        out.append(protected.pieces[index])
        pos = m.end()
    out.append(markup.escape_text(translated[pos:]))
    if len(seen) != count or len(set(seen)) != count:
        lost = sorted(set(range(count)) - set(seen))
        if lost:
            raise _lost(lost, protected)
        twice = sorted({i for i in seen if seen.count(i) > 1})
        raise LostToken(f"the engine repeated {_describe(protected.pieces[twice[0]])}",
                        "the engine repeated a protected part")
    result = "".join(out)
    if not _nested(result):
        raise LostToken("the engine moved the markup out of order", "the engine moved the markup out of order")
    return result


def _lost(lost: list[int], protected: Protected) -> LostToken:
    kinds = {protected.kind(i) for i in lost}
    first = next(kind for kind in _ORDER if kind in kinds)
    shown = ", ".join(_describe(protected.pieces[i]) for i in lost[:3])
    return LostToken(f"the engine lost {len(lost)} protected part(s): {shown}", _LOST[first])


def _describe(piece: str) -> str:
    return repr(piece if len(piece) <= 40 else piece[:39] + "…")


def _nested(fragment: str) -> bool:
    stack: list[str] = []
    for tag in markup.tags(fragment):
        if tag.name in markup.VOID_TAGS or tag.self_closing:
            continue
        if not tag.closing:
            stack.append(tag.name)
        elif not stack or stack.pop() != tag.name:
            return False
    return not stack
