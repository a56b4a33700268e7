"""Checks of typography: end punctuation, brackets and quotes, spaces, length, invisible characters."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from .base import ERROR, URL, WARNING, Context, Pair, Said, check, said, said_n

_CJK = frozenset({"zh", "ja", "yue"})
_ARABIC_SCRIPT = frozenset({"ar", "fa", "ur", "ps", "ckb", "sd", "ug"})
_INVERTED = frozenset({"es", "ast"})
_END_CLASS = {".": ".", "。": ".", "．": ".", "?": "?", "？": "?", "؟": "?", "!": "!", "！": "!",
              ":": ":", "：": ":", ";": ";", "；": ";", "؛": ";", ",": ",", "，": ",", "、": ",",
              "،": ",", "…": "…"}
# The end marks a language writes for each kind, where they are not the ASCII ones.
_CJK_ENDS = {".": "。．", "?": "？", "!": "！", ":": "：", ";": "；", ",": "，、", "…": "…"}
_ARABIC_ENDS = {"?": "؟", ",": "،", ";": "؛"}
_CLOSERS = " \t\n\r\u00a0\u202f\"'”’»›)]}）」』】〉》"
_FRENCH_TIGHT = re.compile(r"(?:(?<=[^\W\d_])|(?<=[»”)\]]))[:;!?]")


def _end(text: str) -> tuple[str, str]:
    """The end mark of a text (closing quotes and brackets looked through): (mark, kind)."""
    text = text.rstrip(_CLOSERS)
    if text.endswith("..."):
        return "...", "…"
    mark = text[-1:]
    return mark, _END_CLASS.get(mark, "")


@check("punctuation", WARNING)
def punctuation(pair: Pair, ctx: Context) -> list[Said] | None:
    """End punctuation differs, as the language writes it (¿ ¡, ؟ ، , 。？！, French spacing): each rule."""
    target = pair.target_plain
    (s_mark, s_kind), (t_mark, t_kind) = _end(pair.source_plain), _end(target)
    found = []
    if s_kind != t_kind:
        if not s_kind:
            found.append(said('ends with "%(mark)s", the source has no end punctuation', mark=t_mark))
        elif not t_kind:
            found.append(said('ends without punctuation, the source with "%(source_mark)s"', source_mark=s_mark))
        else:
            found.append(said('ends with "%(mark)s", the source with "%(source_mark)s"', mark=t_mark,
                              source_mark=s_mark))
    base = ctx.base
    if t_kind:
        expected = (_CJK_ENDS if base in _CJK else _ARABIC_ENDS if base in _ARABIC_SCRIPT else {}).get(t_kind)
        if expected and t_mark not in expected and t_mark != "...":
            found.append(said('ends with "%(mark)s"; %(language)s writes "%(expected)s"', mark=t_mark,
                              language=ctx.language, expected=expected[0]))
    if base in _INVERTED:
        text = _blank_addresses(target)
        for opening, closing in (("¿", "?"), ("¡", "!")):
            if text.count(closing) > text.count(opening):
                found.append(said('"%(closing)s" without its opening "%(opening)s"', closing=closing, opening=opening))
    elif base == "fr" and (":" in target or ";" in target or "!" in target or "?" in target):
        for m in _FRENCH_TIGHT.finditer(_blank_addresses(target)):
            found.append(said('French puts a (narrow) no-break space before "%(mark)s": "%(where)s"',
                              mark=m.group(), where=target[max(0, m.start() - 12):m.end()]))
    return found


def _blank_addresses(text: str) -> str:
    """The text with each URL (with a scheme or from "www.") blanked out space for space: the "?" and ":" of
    an address are no punctuation, and what is quoted from the text is found at the same place."""
    if "://" not in text and "www." not in text:
        return text
    return URL.sub(lambda m: " " * len(m.group()), text)


_OPENERS = {"(": "(", "（": "(", "[": "[", "［": "[", "{": "{", "｛": "{", "【": "【", "「": "「",
            "『": "『", "〈": "〈", "《": "《"}
_CLOSING = {")": "(", "）": "(", "]": "[", "］": "[", "}": "{", "｝": "{", "】": "【", "」": "「",
            "』": "『", "〉": "〈", "》": "《"}
_DOUBLE_QUOTES = frozenset('"“”„‟«»')
_BRACKETS = re.compile("[" + re.escape("".join((*_OPENERS, *_CLOSING, *_DOUBLE_QUOTES))) + "]")


def _balance(text: str) -> dict[str, int]:
    """Per kind of bracket, opened minus closed; under '"', the parity of double quotes."""
    found: dict[str, int] = {}
    for char in _BRACKETS.findall(text):
        if char in _OPENERS:
            kind, step = _OPENERS[char], 1
        elif char in _CLOSING:
            kind, step = _CLOSING[char], -1
        else:
            found['"'] = found.get('"', 0) ^ 1
            continue
        found[kind] = found.get(kind, 0) + step
    return {k: v for k, v in found.items() if v}


@check("brackets", WARNING)
def brackets(pair: Pair, ctx: Context) -> list[Said] | None:
    """Brackets or quotes left unbalanced (where the source's are balanced): each kind."""
    target = _balance(pair.target_plain)
    if not target:
        return None   # balanced
    source = _balance(pair.source_plain)
    found = []
    for kind, count in target.items():   # a kind the translation balances is no fault of it
        if count == source.get(kind, 0):
            continue   # as unbalanced as its source
        if kind == '"':
            found.append(said("unbalanced quotes: an odd number of double quotes"))
        elif count > 0:
            found.append(said_n('unbalanced brackets: "%(bracket)s" opened %(num)d more time than closed',
                                'unbalanced brackets: "%(bracket)s" opened %(num)d more times than closed',
                                count, bracket=kind))
        else:
            found.append(said('unbalanced brackets: a closing "%(bracket)s" without its opening one',
                              bracket=kind))
    return found


@check("whitespace", WARNING)
def whitespace(pair: Pair, ctx: Context) -> list[Said] | None:
    """Leading or trailing whitespace differs from the source: each end."""
    source, target = pair.source, pair.target
    found = []
    if source[:1].isspace() or target[:1].isspace():
        s_lead = source[: len(source) - len(source.lstrip())]
        t_lead = target[: len(target) - len(target.lstrip())]
        if s_lead != t_lead:
            found.append(said("leading whitespace differs: %(target)s, the source %(source)s",
                              target=repr(t_lead), source=repr(s_lead)))
    if source[-1:].isspace() or target[-1:].isspace():
        s_trail, t_trail = source[len(source.rstrip()):], target[len(target.rstrip()):]
        if s_trail != t_trail:
            found.append(said("trailing whitespace differs: %(target)s, the source %(source)s",
                              target=repr(t_trail), source=repr(s_trail)))
    return found


_DOUBLE_SPACE = re.compile(r"[ \u00a0\u202f]{2,}")


@check("double-space", WARNING)
def double_space(pair: Pair, ctx: Context) -> list[Said] | None:
    """Double spaces the source does not have: each one, or the first when the source has some too."""
    target = pair.target.strip()
    if "  " not in target and "\u00a0" not in target and "\u202f" not in target:
        return None
    found = list(_DOUBLE_SPACE.finditer(target))
    had = len(_DOUBLE_SPACE.findall(pair.source.strip()))
    if len(found) <= had:
        return None
    return [said('double space: "%(where)s"', where=target[max(0, m.start() - 15):m.end() + 15].strip())
            for m in (found[:1] if had else found)]


# Typical length of a translation from English, in characters (source = 1.0).
EXPANSION = {
    "en": 1.0, "es": 1.2, "ca": 1.2, "gl": 1.2, "pt": 1.2, "it": 1.15, "fr": 1.2, "de": 1.25,
    "nl": 1.2, "eo": 1.05, "ro": 1.15, "pl": 1.1, "cs": 1.05, "ru": 1.1, "uk": 1.1, "el": 1.15,
    "tr": 1.05, "fi": 1.1, "sv": 1.05, "da": 1.05, "nb": 1.05, "hu": 1.1, "ar": 0.95, "he": 0.85,
    "fa": 1.0, "ur": 1.0, "hi": 1.1, "vi": 1.15, "th": 1.0, "id": 1.15, "zh": 0.35, "ja": 0.5,
    "ko": 0.6,
}
_MIN_LENGTH = 20   # below this many characters, lengths vary too much to judge


@check("length", WARNING)
def length(pair: Pair, ctx: Context) -> str | None:
    """The translation is far longer or shorter than usual for the language pair."""
    n = len(pair.source_plain.strip())
    if n < _MIN_LENGTH:
        return None
    ratio = EXPANSION.get(ctx.base, 1.0) / EXPANSION.get(ctx.source_language.split("-")[0], 1.0)
    expected = n * ratio
    got = len(pair.target_plain.strip())
    if got > expected * 2 + 10:
        return said_n("%(num)d character: much longer than usual (%(expected)d expected)",
                      "%(num)d characters: much longer than usual (%(expected)d expected)", got,
                      expected=round(expected))
    if got < expected / 2 - 3:
        return said_n("%(num)d character: much shorter than usual (%(expected)d expected)",
                      "%(num)d characters: much shorter than usual (%(expected)d expected)", got,
                      expected=round(expected))
    return None


_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u061c\u180e]")
_RTL_MARKS = frozenset("\u200e\u200f\u061c\u2066\u2067\u2068\u2069")   # LRM RLM ALM and the isolates
_JOINERS = frozenset("\u200c\u200d")
# Languages whose writing uses the zero-width (non-)joiner.
_JOINER_LANGUAGES = frozenset("fa ur ps ckb hi mr ne bn as gu pa or ta te kn ml si sa my km".split())


@check("bidi", ERROR)
def bidi(pair: Pair, ctx: Context) -> list[Said] | None:
    """Bidi controls or zero-width characters the source does not have: each character."""
    target = pair.target
    if target.isascii() or _INVISIBLE.search(target) is None:
        return None
    found = Counter(_INVISIBLE.findall(target))
    found -= Counter(_INVISIBLE.findall(pair.source))
    allowed = set()
    if ctx.language.direction == "rtl":
        allowed |= _RTL_MARKS
    if ctx.base in _JOINER_LANGUAGES:
        allowed |= _JOINERS
    odd = [c for c in found if c not in allowed]
    if not odd:
        return None
    return [said("invisible character the source does not have: %(character)s", character=_name(c)) for c in odd]


def _name(char: str) -> str:
    """A character as Unicode names it: "U+200B ZERO WIDTH SPACE"."""
    return f"U+{ord(char):04X} {unicodedata.name(char, '')}".strip()
