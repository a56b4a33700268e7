"""Protection: what an engine must not change is replaced by tokens, and put back after.

A unit's text is an HTML fragment (see :mod:`localize.markup`). Before it goes
to an engine, these become tokens ``⟦0⟧``, ``⟦1⟧``, … in order:

* each inline tag; a whole element where its content is not the engine's to
  change: a citation link (its ``href`` is one of the article's references),
  ``translate="no"``, ``code``, ``kbd``, ``samp``, ``var``;
* URLs, e-mail addresses, numbers and years;
* terms never translated (the reference list's author names, the glossary's
  ``keep``), matched as whole words, case-sensitive, with their possessive ``'s``;
* terms with a required translation: the token comes back as that translation.

The engine sees plain text (``&amp;`` as ``&``). :func:`restore` puts every
token back and refuses a translation whose tokens did not all come back
exactly once, or whose tags no longer nest.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from . import markup

OPEN, CLOSE = "⟦", "⟧"
TOKEN = re.compile(r"⟦\s*(\d+)\s*⟧")
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)([^<>]*)>")
WHOLE_ELEMENTS = frozenset({"code", "kbd", "samp", "var"})

# What is protected inside text; the token brackets and the marks Apertium adds
# to words (*unknown, @untranslated, #ungenerated) are protected where a source has them.
_FIXED = (
    r"(?:https?|ftp)://[^\s<>\"']*[^\s<>\"'.,;:!?)\]]"
    r"|www\.[^\s<>\"']*[^\s<>\"'.,;:!?)\]]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\d+(?:[.,:/–-]\d+)*"
    r"|[⟦⟧*#@]"
)


class LostToken(ValueError):
    """A translation whose protected parts did not come back intact; says which."""


@dataclass(frozen=True)
class Terms:
    """What to protect besides markup, numbers and links."""

    keep: tuple[str, ...] = ()                         # never translated, case-sensitive
    required: dict[str, str] = field(default_factory=dict)  # source term → its required translation
    citations: frozenset[str] = frozenset()            # hrefs of citation links

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
        # a possessive stays with its name: engines mangle "⟦0⟧'s"
        parts.append(r"(?P<keep>(?:" + "|".join(_word(t) for t in keep) + r")(?:['’]s(?!\w))?)")
    parts.append(f"(?P<fixed>{_FIXED})")
    return re.compile("|".join(parts))


def _word(term: str) -> str:
    escaped = r"\s+".join(re.escape(part) for part in term.split())
    return rf"(?<!\w){escaped}(?!\w)"


@dataclass(frozen=True)
class Protected:
    """The text an engine sees, and what each of its tokens stands for (as HTML)."""

    text: str
    pieces: tuple[str, ...]

    @property
    def translatable(self) -> bool:
        """Whether anything but tokens and spaces is left for the engine."""
        return bool(TOKEN.sub("", self.text).strip(" \u00a0.,;:!?()[]\"'«»“”‘’—–-"))


def protect(fragment: str, terms: Terms = Terms()) -> Protected:
    out: list[str] = []
    pieces: list[str] = []

    def token(piece: str) -> None:
        out.append(f"{OPEN}{len(pieces)}{CLOSE}")
        pieces.append(piece)

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
        token(fragment[m.start():end])
        pos = end
    _text(fragment[pos:], terms, out, token)
    return Protected("".join(out), tuple(pieces))


def _text(escaped: str, terms: Terms, out: list[str], token) -> None:
    if not escaped:
        return
    text = html.unescape(escaped) if "&" in escaped else escaped
    pos = 0
    for m in terms.pattern.finditer(text):
        out.append(text[pos:m.start()])
        found = m.group()
        if m.lastgroup == "required":
            token(markup.escape_text(terms.translation_of(found)))
        else:
            token(markup.escape_text(found))
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


def restore(translated: str, protected: Protected) -> str:
    """The engine's text with every token put back, as an HTML fragment; LostToken if it cannot be."""
    count = len(protected.pieces)
    seen: list[int] = []
    out: list[str] = []
    pos = 0
    for m in TOKEN.finditer(translated):
        index = int(m.group(1))
        if index >= count:
            raise LostToken(f"the engine made up a token ⟦{index}⟧")
        seen.append(index)
        out.append(markup.escape_text(translated[pos:m.start()]))
        out.append(protected.pieces[index])
        pos = m.end()
    out.append(markup.escape_text(translated[pos:]))
    if len(seen) != count or len(set(seen)) != count:
        missing = sorted(set(range(count)) - set(seen))
        if missing:
            shown = ", ".join(_describe(protected.pieces[i]) for i in missing[:3])
            raise LostToken(f"the engine lost {len(missing)} protected part(s): {shown}")
        twice = sorted({i for i in seen if seen.count(i) > 1})
        raise LostToken(f"the engine repeated {_describe(protected.pieces[twice[0]])}")
    result = "".join(out)
    if not _nested(result):
        raise LostToken("the engine moved the markup out of order")
    return result


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
