"""What a machine draft may not lose, and what it may not keep from English.

A draft is refused (the unit stays untranslated, the reason counted in the
draft report) when its tokens did not all come back (:func:`localize.protect.restore`),
and when its words did:

* no words at all where the source has some: an empty draft;
* far fewer words than the source: fewer than ``MIN_RATIO`` of them, for a
  source of ``MIN_WORDS`` words or more. Between English and the languages
  drafted here the count moves little: Apertium's drafts of the seed article
  and the benchmark corpus hold 0.75 to 1.8 times the source's words (median
  1.0 to 1.07), so half is far outside what translation does;
* fewer sentences than the source: a sentence left out whole, which a ratio
  over a long unit would not notice.

Words are counted outside the tokens, on the text the engine saw and the text
it gave back, so names, numbers and markup count on neither side.

A draft that keeps an English possessive on a protected name ("Gross's obra",
"Gross obra") is saved but flagged for review (:func:`review_notes`).

A draft an engine can translate back into the source language gets a round-trip
score (:func:`agreement`: the words the source and the translation back share)
and a :func:`fingerprint` of its own words, so that a check can tell the score
still holds for the text the entry has.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from .protect import NAME, TOKEN, Protected

MIN_WORDS = 4
MIN_RATIO = 0.5
POSSESSIVE_NOTE = "review the possessive of"   # + the name, in the draft's origin comment

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# a sentence ends at ? ! … or a full stop, before a space or the end; not at the stop
# of an abbreviation or an initial, in English or in a draft ("vs.", "p.", "núm.", "J.")
_SENTENCE_END = re.compile(r"[.!?…]+(?=[\s\"”’»)\]]|$)")
_WORD_BEFORE = re.compile(r"([^\W\d_]+)$")
_NUMBER_AFTER = re.compile(r"\s*(?:\d|Tok)")
ABBREVIATIONS = frozenset("""
    vs eg ie cf etc dr mr mrs ms prof sr sra st approx jr inc ltd dept univ
""".split())
# abbreviations before a number ("p. 12", "No. 7"); "no." ends a sentence anywhere else
NUMBER_ABBREVIATIONS = frozenset("p pp vol vols no nos ed eds fig figs ch".split())
# a stop after a heading's number ("4.3. After the First Boot", "Chapter 4. Installation")
_NUMBERING = re.compile(r"^\W*(?:[^\W\d_]+\s+)?[\d.]*\d$")

# How each language says "of" before a name: the possessive an engine should
# have made of "Gross's work" ("la obra de Gross", "la feina de Gross").
GENITIVE = {
    "es": {"de", "del"},
    "ca": {"de", "d'", "d’", "del", "dels"},
    "gl": {"de", "do", "da", "dos", "das"},
    "pt": {"de", "do", "da", "dos", "das"},
    "fr": {"de", "d'", "d’", "du", "des"},
    "it": {"di", "d'", "d’", "del", "dello", "della", "dei", "degli", "delle"},
    "oc": {"de", "d'", "d’", "del", "dels"},
    "eo": {"de", "el"},
    "ro": {"lui", "a"},
}
# Words that may stand between "de" and the name: first names, other names, "y".
_JOINERS = {"y", "e", "i", "et", "kaj", "and", "&", ",", "und", "ou", "o"}


# Sources shorter than this are not translated back: a short heading comes back as a synonym
# ("Site of documentation") as often as not, so its round-trip score says nothing.
ROUND_TRIP_WORDS = 5


def words(text: str) -> int:
    """The words of a protected text or an engine's answer, tokens left out."""
    return len(_WORD.findall(TOKEN.sub(" ", text)))


def sentences(text: str) -> int:
    # a token counts as a word ("…shutdown⟦1⟧."); Apertium may leave a space before a stop ("un freno .")
    text = re.sub(r"\s+(?=[.!?…])", "", TOKEN.sub("Tok", text)).replace("et al.", "et al")
    return sum(1 for m in _SENTENCE_END.finditer(text) if not _abbreviation(text, m))


def _abbreviation(text: str, stop: re.Match) -> bool:
    """Whether a full stop ends an abbreviation or an initial rather than a sentence."""
    # only the few characters before the stop: a search anchored at its end still tries every start
    if not stop.group().startswith("."):
        return False
    if stop.start() <= 64 and _NUMBERING.match(text, 0, stop.start()):
        return True
    word = _WORD_BEFORE.search(text, max(0, stop.start() - 64), stop.start())
    if word is None:
        return False
    word = word.group(1)
    if len(word) == 1 and word.isupper():
        return True
    low = word.lower()
    return low in ABBREVIATIONS or (low in NUMBER_ABBREVIATIONS and _NUMBER_AFTER.match(text, stop.end()) is not None)


def vanished(protected: Protected, translated: str) -> str | None:
    """Why an engine's answer lost words of the source, or None if it did not."""
    source = words(protected.text)
    target = words(translated)
    if source and not target:
        return "the engine gave back no words (an empty draft)"
    if source >= MIN_WORDS and target < MIN_RATIO * source:
        return f"the draft has fewer than {MIN_RATIO:.0%} of the source's words"
    if sentences(translated) < sentences(protected.text):
        return "a sentence of the source is missing from the draft"
    return None


def review_notes(protected: Protected, translated: str, language: str) -> list[str]:
    """What a reviewer should look at in a draft that is otherwise kept: English possessives left on names."""
    base = language.split("-")[0].lower()
    if base == "en":
        return []
    notes = []
    for index in _possessed_names(protected):
        if not _said_as_genitive(translated, index, GENITIVE.get(base)):
            notes.append(f"{POSSESSIVE_NOTE} {_plain(protected.pieces[index])}")
    return notes


def _possessed_names(protected: Protected) -> list[int]:
    """The protected names that the source puts in the possessive ("Gross's")."""
    found = []
    for m in TOKEN.finditer(protected.text):
        index = int(m.group(1))
        if protected.kind(index) == NAME and re.match(r"['’]s\b", protected.text[m.end():]):
            found.append(index)
    return found


def _said_as_genitive(translated: str, index: int, genitive: set[str] | None) -> bool:
    """Whether the token comes after the language's "of", past other names: "de James ⟦0⟧", "de ⟦1⟧ y ⟦0⟧"."""
    m = re.search(rf"⟦\s*{index}\s*⟧", translated)
    if m is None or genitive is None:
        return False
    if re.match(r"['’]s\b", translated[m.end():]):
        return False
    before = re.findall(r"⟦\s*\d+\s*⟧|[\w’']+|[&,]", translated[:m.start()])
    for word in reversed(before):
        low = word.lower()
        if low in genitive or (low.endswith(("'", "’")) and low in genitive):
            return True
        if word.startswith("⟦") or word[:1].isupper() or low in _JOINERS:
            continue
        return False
    return False


def _plain(piece: str) -> str:
    return re.sub(r"<[^>]*>", "", piece)


def agreement(source: str, back: str) -> float:
    """How far a translation back into the source language agrees with the source: the F1 score of
    their words (lower case, each counted as often as it occurs; tokens and numbers left out), 0 to 1."""
    want = Counter(w.lower() for w in _WORD.findall(TOKEN.sub(" ", source)))
    have = Counter(w.lower() for w in _WORD.findall(TOKEN.sub(" ", back)))
    if not want or not have:
        return float(not want and not have)
    return 2 * sum((want & have).values()) / (sum(want.values()) + sum(have.values()))


def fingerprint(translation: str, source: str) -> str:
    """Six hex digits naming the words of a translation that are not in its source, in order (lower case).

    What is put back into a draft (names, numbers, markup) comes from the source, so an engine's
    answer and the finished draft have the same fingerprint; a person's edit of the words changes it."""
    own = {w.lower() for w in _WORD.findall(TOKEN.sub(" ", source))}
    own |= {part for w in own for part in re.split(r"['’-]", w)}   # "Levant" of "Levant's"
    words = [w.lower() for w in _WORD.findall(TOKEN.sub(" ", translation)) if w.lower() not in own]
    return hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()[:6]
