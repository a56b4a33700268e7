"""Checks of machine output: words the engine did not know, and content a translation left out.

``unknown-words`` reads what the draft recorded on the entry
(``# draft: apertium eng-spa; unknown words: numb``, see :mod:`localize.draft`)
and warns while the translation still holds any of those words: until a person
has edited them away (or saved the entry, which drops the draft comment).
Words a translation keeps as they are do not count: names (written with a
capital in the middle of a sentence and never in lower case, in the unit or,
with :func:`with_article`, anywhere in the article), acronyms and words with
digits or inner capitals ("ACPI", "SysV"), code (``<code>``, ``<kbd>`` and
DocBook's ``class="command"``, ``"filename"``…) and a quoted name kept word
for word ("“Debian desktop environment”").

``round-trip`` reads the score Apertium recorded when it could translate its
draft back into English (``# draft: apertium eng-spa; round trip: 0.62 3fa9c1``,
see :func:`localize.loss.agreement`) and warns when it is under
``ROUND_TRIP_MIN``, for a source of ``ROUND_TRIP_WORDS`` words or more (a short
heading comes back as a synonym as often as not: "Site of documentation"),
while the translation's own words are still the draft's (the fingerprint):
a person's rewording comes back further from the English than a literal
draft, so the score says nothing of it.

``dropped`` counts words and sentences as :mod:`localize.loss` counts them for
drafts, with its thresholds (measured on Apertium's drafts): fewer than
``loss.MIN_RATIO`` of the source's words (a source of ``loss.MIN_WORDS`` words
or more), or fewer sentences. Words are compared only between languages that
write spaces between words; the sentence ends of other scripts (``。 ？ ！ ؟ ۔ ।``)
are read as ``. ? !``, and a last sentence without its stop still counts (a
missing stop is ``punctuation``'s business). A warning: people condense.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .. import languages, loss
from ..po import Entry
from .base import _LATIN, WARNING, Context, Pair, check, plain_text, said, said_n

UNKNOWN = "unknown words:"
ROUND_TRIP = "round trip:"
# Measured on bench/data/labelled-drafts.json (bench/round_trip.py): under 0.8, for sources of five
# words or more, most of Apertium's garbage and few of its acceptable drafts.
ROUND_TRIP_MIN = 0.8
ROUND_TRIP_WORDS = loss.ROUND_TRIP_WORDS


def unknown_words(entry: Entry | None) -> list[str]:
    """The words the engine did not know, as the draft recorded them on the entry."""
    origin = entry.draft_origin if entry is not None and entry.comments else None
    if not origin or UNKNOWN not in origin:
        return []
    for part in origin.split(";"):
        part = part.strip()
        if part.startswith(UNKNOWN):
            return [w for w in (w.strip() for w in part[len(UNKNOWN):].split(",")) if w]
    return []


def round_trip(entry: Entry | None) -> tuple[float, str] | None:
    """The round-trip score the draft recorded on the entry, with the fingerprint of the draft's words."""
    origin = entry.draft_origin if entry is not None and entry.comments else None
    if not origin or ROUND_TRIP not in origin:
        return None
    for part in origin.split(";"):
        part = part.strip()
        if part.startswith(ROUND_TRIP):
            found = re.fullmatch(r"(\d+(?:\.\d+)?)\s+([0-9a-f]{6})", part[len(ROUND_TRIP):].strip())
            return (float(found.group(1)), found.group(2)) if found else None
    return None


def _present(word: str, text: str) -> bool:
    """Whether an engine's (source-language) word is in a text, in any case, with no Latin letter either side:
    "numb" is in "我感到numb。", not in "numbness"."""
    return re.search(rf"(?<![{_LATIN}'’-]){re.escape(word)}(?![{_LATIN}'’-])", text, re.IGNORECASE) is not None


# -- what a translation keeps as it is ---------------------------------------------------

@dataclass(frozen=True)
class Article:
    """What the whole source article says: its words in lower case, and the names it writes."""

    words: frozenset[str]
    names: frozenset[str]   # lower case
    capitalized: frozenset[str] = frozenset()   # lower case: written as names somewhere, in lower case elsewhere too


def article(texts: Iterable[str]) -> Article:
    """The words and names of an article's units (their source texts, markup and all)."""
    words: set[str] = set()
    names: set[str] = set()
    lower: set[str] = set()
    for text in texts:
        plain = plain_text(text, " ")
        found, small = _names(plain)
        names |= found
        lower |= small
        words.update(w.lower() for w in _TOKEN.findall(plain))
    return Article(frozenset(words), frozenset(n for n in names if n not in lower or _ACRONYM.match(n)),
                   frozenset(names))


def with_article(ctx: Context, texts: Iterable[str]) -> Context:
    """A copy of the context that knows the whole source article (its units' texts): its names count
    as names in every unit, and ``spelling`` allows its words."""
    return dataclasses.replace(ctx, article=article(texts))


_TOKEN = re.compile(r"[^\W_](?:[\w·]|['’-](?=[^\W_]))*")
_ACRONYM = re.compile(r"^(?=.*[A-Z0-9])[A-Z0-9]*[A-Z][A-Z0-9]*$|^.+[A-Z0-9]")   # ACPI, SysV, x86, GNOME
_OPENERS = " \t\n\u00a0\"'“‘«([¿¡—–-"
_ENDERS = tuple(".!?:;…")


def _names(plain: str) -> tuple[set[str], set[str]]:
    """The names a text writes (lower case), and its words written in lower case.

    A name: a word with inner capitals or digits, an acronym not in a run of
    capitals ("BACK TO BASICS"), or a capitalized word in the middle of a
    sentence of a text not written in title case (one whose words of four
    letters or more all begin with a capital).
    """
    tokens = list(_TOKEN.finditer(plain))
    long = [m.group() for m in tokens if len(m.group()) >= 4 and m.group()[0].isalpha()]
    title_case = bool(long) and not any(w[0].islower() for w in long)   # "When Irritability Takes Over"
    names, lower = set(), set()
    for i, m in enumerate(tokens):
        word = m.group()
        if word.islower():
            lower.add(word)
            continue
        if word.isupper() and len(word) > 1:
            around = [tokens[j].group() for j in (i - 1, i + 1) if 0 <= j < len(tokens)]
            if not any(w.isupper() and len(w) > 1 for w in around):
                names.add(word.lower())
        elif any(c.isupper() or c.isdigit() for c in word[1:]) or any(c.isdigit() for c in word):
            names.add(word.lower())
        elif word[0].isupper() and not title_case:
            before = plain[:m.start()].rstrip(_OPENERS)
            if before and not before.endswith(_ENDERS) and not before[-1].isdigit():
                names.add(word.lower())
    return names, lower


_CODE = re.compile(r"<(code|kbd|samp|tt|var|pre)\b[^>]*>(.*?)</\1\s*>"
                   r"|<(\w+)\b[^>]*\bclass=[\"'][^\"']*\b(?:command|filename|literal|option|package|application"
                   r"|systemitem|varname|function|parameter|userinput|computeroutput|replaceable|keycap)\b"
                   r"[^>]*>(.*?)</\3\s*>", re.S | re.I)
_QUOTED = re.compile(r"“([^”]+)”|«\s*([^»]+?)\s*»|\"([^\"]+)\"|‘([^’]+)’")


def kept(pair: Pair, ctx: Context) -> set[str]:
    """The words (lower case) a translation of the pair may keep as they are in the source."""
    whole = ctx.article
    if whole is not None:
        found = set(whole.names)
    else:
        names, lower = _names(pair.source_plain)
        found = {n for n in names if n not in lower or _ACRONYM.match(n)}
    if "<" in pair.source:
        for m in _CODE.finditer(pair.source):
            found.update(w.lower() for w in _TOKEN.findall(plain_text(m.group(2) or m.group(4) or "", " ")))
    for m in _QUOTED.finditer(pair.source_plain):
        quoted = next(g for g in m.groups() if g).strip()
        if len(quoted) > 1 and quoted in pair.target_plain:
            found.update(w.lower() for w in _TOKEN.findall(quoted))
    return found


def _term(word: str, pair: Pair, ctx: Context) -> bool:
    """Whether a word English's dictionary does not know is a term or a name a translation keeps
    ("systemd", "jessie", "APM", "Debian" of "www.debian.org") rather than English ("Prev", "Lifecycle"):
    written in lower case or in capitals, or as a name in the middle of a sentence somewhere."""
    if word.islower() or word.isupper():
        return True
    whole = ctx.article
    capitalized = whole.capitalized if whole is not None else _names(pair.source_plain)[0]
    return word.lower() in capitalized


def _english():
    """English's Hunspell dictionary (Debian's ``hunspell-en-us``), or None."""
    from . import spelling
    return spelling.dictionary("en-US")


@check("unknown-words", WARNING)
def unknown(pair: Pair, ctx: Context) -> str | None:
    """Words the engine did not know when it drafted the entry are still in the translation."""
    words = unknown_words(pair.entry)
    if not words:
        return None
    names = kept(pair, ctx)
    target = plain_text(pair.target, " ") if "<" in pair.target else pair.target_plain   # "Prev</a>Capítulo"
    left: dict[str, str] = {}   # the first spelling recorded of each word ("Numbness", "numbness")
    english = _english() if ctx.source_language.split("-")[0] == "en" else None
    for word in words:
        if word.lower() in names:
            continue
        if english is not None and not english.check(word.lower()) and _term(word, pair, ctx):
            continue
        if word.lower() not in left and _present(word, target):
            left[word.lower()] = word
    if not left:
        return None
    quoted = [f'"{w}"' for w in left.values()]
    return said("words the engine did not know are still in the translation: %(words)s", words=quoted)


@check("round-trip", WARNING)
def round_trip_check(pair: Pair, ctx: Context) -> str | None:
    """The engine's draft, translated back into English, is far from the source: it may say something else."""
    found = round_trip(pair.entry)
    if found is None:
        return None
    score, mark = found
    source = plain_text(pair.source, " ")
    if score >= ROUND_TRIP_MIN or loss.words(source) < ROUND_TRIP_WORDS:
        return None
    if loss.fingerprint(plain_text(pair.target, " "), source) != mark:
        return None   # a person changed the draft's words: the score was the draft's
    shared, least = f"{score:.0%}", f"{ROUND_TRIP_MIN:.0%}"
    return said("translated back into %(language)s, the draft shares %(shared)s of its words with the source "
                "(under %(least)s): it may not say what the source says",
                language=languages.parse(ctx.source_language), shared=shared, least=least)


# Languages written without spaces between words: their words cannot be counted like English ones.
NO_SPACES = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo"})
# Sentence ends of other scripts, as loss.sentences reads them ("。" is followed by no space).
_STOPS = str.maketrans({"。": ". ", "．": ". ", "？": "? ", "！": "! ", "؟": "?", "۔": ".", "।": ".",
                        "॥": ".", "։": ".", "።": ". "})
_ENDS = ".!?…"
_CLOSERS = " \t\n\u00a0\u202f\"”’»)]）」』"


# Abbreviations of the languages drafted into that are never words: their stop ends no sentence
# ("Generalmente puntos del núm. hacia": an engine read "Generally no. Research" as "No. 7").
_NEVER_ENDS = re.compile(r"(?<![^\W\d_])(?:núms?|nº|págs?)\.(?=\s)", re.IGNORECASE)


def _sentences(text: str, language: str) -> int:
    """Sentences as loss counts them, the script's own stops read as ".?!", an open last one counted."""
    text = _NEVER_ENDS.sub(lambda m: m.group()[:-1], text.translate(_STOPS))
    if language == "el":
        text = text.replace(";", "?").replace("\u037e", "?")   # the Greek question mark
    tail = text.rstrip(_CLOSERS)
    open_end = bool(tail) and tail[-1] not in _ENDS and loss.words(tail) > 0
    return loss.sentences(text) + open_end


@check("dropped", WARNING)
def dropped(pair: Pair, ctx: Context) -> str | None:
    """The translation has far fewer words than its source, or fewer sentences."""
    source_base = ctx.source_language.split("-")[0]
    source, target = pair.source_plain, pair.target_plain
    if ctx.base not in NO_SPACES and source_base not in NO_SPACES:
        have, want = loss.words(target), loss.words(source)
        if want >= loss.MIN_WORDS and have < loss.MIN_RATIO * want:
            share = f"{loss.MIN_RATIO:.0%}"
            return said_n("%(num)d word for the source's %(want)d: under %(share)s of them",
                          "%(num)d words for the source's %(want)d: under %(share)s of them", have,
                          want=want, share=share)
    have, want = _sentences(target, ctx.base), _sentences(source, source_base)
    if have < want:
        return said_n("%(num)d sentence for the source's %(want)d", "%(num)d sentences for the source's %(want)d",
                      have, want=want)
    return None
