"""English possessives of names, rewritten for Apertium before it translates.

Apertium turns "John's research" into "la búsqueda de John" only when it sees a
name it knows. A protected name is a token to it (``⟦0⟧'s research``), so it
drops the ``'s`` and keeps the English order: "Gross obra"; a name it does not
know ("Hyde's") fares no better, and its Esperanto rule glues words ("lalaboro
de Mary") and drops tags glued to them. Said the other way round first, "the
research of ⟦0⟧", the sentence comes out right in every pair ("la búsqueda de
Gross", "la recerca de Gross", "la esploro de Gross").

Where the possessed noun phrase ends is what English leaves implicit; an
English tagger of Apertium's (the first stages of a pair's mode) says which
words after the ``'s`` are adjectives and nouns. The possessor is the name or
token just before it, with the names before that and the names and tokens
joined by "and", "&" or commas ("James Gross's", "Gross and John's"). A
possessive this cannot rewrite is left as it is; a draft that keeps one on a
protected name is then flagged for review (:mod:`localize.loss`).
"""

from __future__ import annotations

import re
import shlex
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..protect import TOKEN

_POSSESSIVE = re.compile(r"['’]s\b")
_UNIT = re.compile(r"\^((?:[^$\\]|\\.)*)\$")
_ESCAPE = re.compile(r"([\[\]\^\$/\\@<>{}])")
_UNESCAPE = re.compile(r"\\(.)")
_SLASH = re.compile(r"(?<!\\)/")
_CITED = re.compile(r"\s+(\(?⟦\d+⟧\)?)(?=\s)")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;]['\"”’)\]]*)\s*$")
TIMEOUT = 60
WINDOW = 120   # characters tagged either side of a possessive


@dataclass(frozen=True)
class _Item:
    """A word as the tagger read it, or a whole token, with where it is in the text."""

    start: int
    end: int
    kind: str   # token, name, noun, adjective, and, comma, genitive, other


def needs(text: str) -> bool:
    """Whether a text holds a possessive."""
    return _POSSESSIVE.search(text) is not None


def rewrite(texts: list[str], mode_files: list[Path]) -> list[str]:
    """Each text with the possessives of names said as "the X of NAME"; the others as they are.

    Only the words around each possessive are tagged (a tagger's time grows
    with the words it reads): a window of ``WINDOW`` characters either side.
    """
    todo = [i for i, text in enumerate(texts) if needs(text)]
    pipeline = tagger(tuple(mode_files)) if todo else None
    if not todo or pipeline is None:
        return list(texts)
    windows = [(i, start, end) for i in todo for start, end in _windows(texts[i])]
    units = _tag("\n\n".join(texts[i][start:end] for i, start, end in windows), pipeline)
    if units is None:
        return list(texts)
    found: dict[int, list[tuple[int, int, str]]] = {i: [] for i in todo}
    offset = 0
    for i, start, end in windows:
        found[i] += [(start + s - offset, start + e - offset, tags) for s, e, tags in units
                     if offset <= s < offset + end - start]
        offset += end - start + 2
    out = list(texts)
    for i in todo:
        spans = [(start, end) for j, start, end in windows if j == i]
        out[i] = _rewrite_one(texts[i], _items(texts[i], found[i], spans))
    return out


def _windows(text: str) -> list[tuple[int, int]]:
    """The stretches of a text around its possessives, cut at spaces, overlapping ones merged."""
    spans: list[tuple[int, int]] = []
    for m in _POSSESSIVE.finditer(text):
        start = max(0, m.start() - WINDOW)
        end = min(len(text), m.end() + WINDOW)
        if start:
            start = text.find(" ", start) + 1 or start
        if end < len(text):
            space = text.rfind(" ", m.end(), end)
            end = space if space > 0 else end
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


@cache
def tagger(mode_files: tuple[Path, ...]) -> str | None:
    """The English analysis and tagging stages of the first of these modes, as a shell pipeline.

    Any pair from English tags English; one whose tagging needs no Constraint
    Grammar stage (cg-proc) is preferred, being several times faster
    (eng-cat's takes 2.3 s where eng-spa's takes 0.4 s, on the benchmark corpus's
    possessives). None if no mode has a tagger.
    """
    found = [p for p in (_tagging_stages(mode) for mode in mode_files) if p is not None]
    plain = [p for p in found if "cg-proc" not in p]
    return (plain or found or [None])[0]


def _tagging_stages(mode_file: Path) -> str | None:
    """A mode's stages up to its tagger, the tagger showing each word as written."""
    try:
        stages = mode_file.read_text(encoding="utf-8").split("|")
    except OSError:
        return None
    for n, stage in enumerate(stages):
        words = shlex.split(stage.replace("$1", "").replace("$2", ""))
        if words and words[0] == "apertium-tagger":
            words.insert(1, "-p")   # ^surface/lemma<tags>$: where each word is in the text
            return " | ".join([*(s.strip().replace("$1", "").replace("$2", "") for s in stages[:n]),
                               shlex.join(words)])
    return None


def _tag(text: str, pipeline: str) -> list[tuple[int, int, str]] | None:
    """(start, end, analysis) of each word the tagger read in ``text``; None if it could not run."""
    try:
        run = subprocess.run(["sh", "-c", pipeline], input=_ESCAPE.sub(r"\\\1", text) + "\n",
                             capture_output=True, text=True, timeout=TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        return None
    if run.returncode != 0:
        return None
    found = []
    cursor = 0
    for m in _UNIT.finditer(run.stdout):
        parts = _SLASH.split(m.group(1), 1)          # surface/analysis; a "\/" is part of the surface
        surface, analysis = parts[0], parts[1] if len(parts) > 1 else ""
        surface = _UNESCAPE.sub(r"\1", surface)
        at = text.find(surface, cursor)
        # a unit the tagger added (a sentence's closing stop) is not in the text: only
        # blanks may lie between one word and the next
        if at < 0 or any(ch.isalnum() for ch in text[cursor:at]):
            continue
        found.append((at, at + len(surface), analysis))
        cursor = at + len(surface)
    return found


def _kind(surface: str, analysis: str) -> str:
    if surface in ("'s", "’s"):
        return "genitive"           # after a name; some taggers read "⟦1⟧'s" as "has"
    if analysis.startswith("*"):    # unknown to the pair: a name if capitalized, else likely a noun
        return "name" if surface[:1].isupper() else "noun"
    for tag, kind in (("<gen>", "genitive"), ("<np>", "name"), ("<n>", "noun"), ("<adj>", "adjective"),
                      ("<cm>", "comma")):
        if tag in analysis:
            return kind
    if "<vblex><ger>" in analysis:
        return "noun"               # "Gross's writing"
    if analysis.startswith("and<cnjcoo>"):
        return "and"
    return "other"


def _items(text: str, units: list[tuple[int, int, str]], spans: list[tuple[int, int]]) -> list[_Item]:
    """The tagged words and the tokens of the tagged stretches, in order."""
    tokens = [(m.start(), m.end()) for m in TOKEN.finditer(text)
              if any(start <= m.start() and m.end() <= end for start, end in spans)]
    items = [_Item(s, e, "token") for s, e in tokens]
    for start, end, analysis in units:
        if any(s <= start < e for s, e in tokens) or text[start:end] in ("-", "‐"):
            continue                # a hyphen joins the words around it: Kabat-Zinn, mental-health
        items.append(_Item(start, end, _kind(text[start:end], analysis)))
    return sorted(items, key=lambda item: item.start)


def _rewrite_one(text: str, items: list[_Item]) -> str:
    # from the last possessive to the first, so that earlier positions stay valid
    for n in reversed(range(len(items))):
        if items[n].kind != "genitive":
            continue
        found = _possessor(text, items, n)
        if found is None:
            continue
        # a citation between the possessive and its noun stays with the name:
        # "Gross's (1998) work" is "the work of Gross (1998)"
        cited = _CITED.match(text, items[n].end)
        after = cited.end() if cited else items[n].end
        phrase = _possessed(items, next((k for k in range(n + 1, len(items)) if items[k].start >= after),
                                        len(items)))
        if phrase is None:
            continue
        start = items[found].start
        head, tail = phrase
        possessor = text[start:items[n].start] + (" " + cited.group(1) if cited else "")
        the = "The" if _SENTENCE_END.search(text[:start]) else "the"
        # the 's between the possessor and the phrase goes with the rewrite
        text = text[:start] + f"{the} {text[head:tail]} of {possessor}" + text[tail:]
    return text


def _possessor(text: str, items: list[_Item], gen: int) -> int | None:
    """The first item of the names and tokens before a possessive."""
    if gen == 0 or items[gen - 1].end != items[gen].start:
        return None
    n = gen - 1
    if items[n].kind not in ("token", "name"):
        return None
    first = n
    while n > 0:
        before, here = items[n - 1], items[n]
        gap = text[before.end:here.start]
        # a token only after "and", "&" or a comma: one just before a name is more
        # likely a tag opening there ("⟦0⟧ Debian's page⟦1⟧") than a name
        if gap in ("-", "'", "’") and before.kind in ("token", "name"):
            n -= 1                  # one name written with a hyphen or an apostrophe: Kabat-Zinn, O'Brien
        elif (before.kind == "name" and not gap.strip()) or (before.kind in ("token", "name") and gap.strip() == "&"):
            n -= 1
        elif before.kind in ("and", "comma") and n - 1 > 0 and items[n - 2].kind in ("token", "name"):
            n -= 2
        else:
            break
        first = n
    start = items[first].start
    if start and not (text[start - 1].isspace() or text[start - 1] in "(\"“‘«"):
        return None                 # glued to something the rewrite would tear apart
    return first


def _possessed(items: list[_Item], first: int) -> tuple[int, int] | None:
    """Where the noun phrase after a possessive starts and ends: adjectives and nouns, the last a noun.

    Tokens glued to the phrase go with it: inline tags ("⟦5⟧gender
    similarities⟦6⟧"), a glossary term ("⟦2⟧⟦3⟧⟦4⟧"). A phrase the tagger read
    without a noun ends at its last word: what follows a possessive is a noun,
    whatever a tagger made of it.
    """
    end = last = None
    for n in range(first, len(items)):
        item = items[n]
        if item.kind == "noun":
            end = last = item.end
        elif item.kind == "adjective":
            last = item.end
        elif item.kind == "token" and (n == first or item.start == last or _opens(items, n)):
            if item.start == end:
                end = item.end      # a closing tag glued to the noun
            last = item.end
        else:
            break
    end = end or last
    return None if end is None else (items[first].start, end)


def _opens(items: list[_Item], n: int) -> bool:
    """Whether a token is glued to the word after it, as an opening tag is."""
    return n + 1 < len(items) and items[n + 1].start == items[n].end and items[n + 1].kind in ("noun", "adjective")
