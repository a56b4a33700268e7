"""Checks of machine output: words the engine did not know, and content a translation left out.

``unknown-words`` reads what the draft recorded on the entry
(``# draft: apertium eng-spa; unknown words: numb``, see :mod:`localize.draft`)
and warns while the translation still holds any of those words: until a person
has edited them away (or saved the entry, which drops the draft comment).

``dropped`` counts words and sentences as :mod:`localize.loss` counts them for
drafts, with its thresholds (measured on Apertium's drafts): fewer than
``loss.MIN_RATIO`` of the source's words (a source of ``loss.MIN_WORDS`` words
or more), or fewer sentences. Words are compared only between languages that
write spaces between words; the sentence ends of other scripts (``。 ？ ！ ؟ ۔ ।``)
are read as ``. ? !``, and a last sentence without its stop still counts (a
missing stop is ``punctuation``'s business). A warning: people condense.
"""

from __future__ import annotations

import re

from .. import loss
from ..po import Entry
from .base import _LATIN, WARNING, Context, Pair, check

UNKNOWN = "unknown words:"


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


def _present(word: str, text: str) -> bool:
    """Whether an engine's (source-language) word is in a text, in any case, with no Latin letter either side:
    "numb" is in "我感到numb。", not in "numbness"."""
    return re.search(rf"(?<![{_LATIN}'’-]){re.escape(word)}(?![{_LATIN}'’-])", text, re.IGNORECASE) is not None


@check("unknown-words", WARNING)
def unknown(pair: Pair, ctx: Context) -> str | None:
    """Words the engine did not know when it drafted the entry are still in the translation."""
    words = unknown_words(pair.entry)
    if not words:
        return None
    left: dict[str, str] = {}   # the first spelling recorded of each word ("Numbness", "numbness")
    for word in words:
        if word.lower() not in left and _present(word, pair.target_plain):
            left[word.lower()] = word
    if not left:
        return None
    return "words the engine did not know are still in the translation: " + ", ".join(f'"{w}"' for w in left.values())


# Languages written without spaces between words: their words cannot be counted like English ones.
NO_SPACES = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo"})
# Sentence ends of other scripts, as loss.sentences reads them ("。" is followed by no space).
_STOPS = str.maketrans({"。": ". ", "．": ". ", "？": "? ", "！": "! ", "؟": "?", "۔": ".", "।": ".",
                        "॥": ".", "։": ".", "።": ". "})
_ENDS = ".!?…"
_CLOSERS = " \t\n\u00a0\u202f\"”’»)]）」』"


def _sentences(text: str, language: str) -> int:
    """Sentences as loss counts them, the script's own stops read as ".?!", an open last one counted."""
    text = text.translate(_STOPS)
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
            return f"{_count(have, 'word')} for the source's {want}: under {loss.MIN_RATIO:.0%} of them"
    have, want = _sentences(target, ctx.base), _sentences(source, source_base)
    if have < want:
        return f"{_count(have, 'sentence')} for the source's {want}"
    return None


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
