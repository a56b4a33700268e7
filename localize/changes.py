"""Source changes: what kind of change turned a unit's old source text into its new one.

Pure functions on strings and :class:`po.Entry` (no file I/O): the kinds of
change (:data:`CHANGES`), how a unit's text reads with changes of form set
aside (:func:`normal_form`), and the ``# source-change:`` comment that records
on an entry what changed until a person looks (:func:`record_change`,
:func:`forget_change`). :func:`catalog.merge` uses them when a template changes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable

from .po import Catalog, Entry


# What kind of change a unit's source last went through is a translator comment,
# which every PO tool keeps (like a draft's origin), until a person saves or
# approves the entry:
#   # source-change: numbers, citations
SOURCE_CHANGE = "source-change: "
TRIVIAL = ("whitespace", "typography", "case")           # the translation stays approved
MUST_LOOK = ("numbers", "citations", "names", "links")   # stale, and a QA error until a person looks
CHANGES = (*TRIVIAL, "markup", "wording", *MUST_LOOK)    # in the order they are listed

_SPLIT_TAGS = re.compile(r"(<[^>]*>)")
_DASH_SPACING = re.compile(r" ?- ?")
# Typographic quotes, apostrophes, dashes and ellipses, folded to their plain forms.
_TYPOGRAPHY = str.maketrans({
    **dict.fromkeys("‘’‚‛′ʼ`´", "'"), **dict.fromkeys("“”„‟″«»", '"'),
    **dict.fromkeys("‐‑‒–—―−", "-"), "…": "...",
})
_TYPOGRAPHIC = re.compile("[" + "".join(chr(c) for c in _TYPOGRAPHY) + "]")


def source_change(entry: Entry) -> tuple[str, ...]:
    """The kinds of change recorded on an entry since a person last looked at it (none: ``()``)."""
    for comment in entry.comments:
        if comment.startswith(SOURCE_CHANGE):
            return tuple(k for k in (p.strip() for p in comment[len(SOURCE_CHANGE):].split(",")) if k)
    return ()


def record_change(entry: Entry, kinds: Iterable[str]) -> None:
    """Record a source change on an entry, with what is still recorded from earlier ones.

    Nobody has looked since the earlier change, so its kinds stay, unless a
    weightier kind makes them needless to say (see :func:`_telling`).
    """
    found = _telling({*source_change(entry), *kinds})
    forget_change(entry)
    entry.comments.append(SOURCE_CHANGE + ", ".join(found))


def unseen_change(entry: Entry, *, names: Iterable[str] = (),
                  citations: frozenset[str] | None = None) -> tuple[str, ...]:
    """The kinds of source change nobody has looked at yet: those recorded on the entry, and the
    changes of ``names`` and ``citations`` its ``#| msgid`` shows, which ``update`` may not have
    been told about (the article's reference list, the glossary)."""
    recorded = source_change(entry)
    if entry.previous_msgid is None or all(kind in TRIVIAL for kind in recorded):
        return recorded
    found = change_kinds(entry.previous_msgid, entry.msgid, names=names, citations=citations)
    return _telling({*recorded, *(kind for kind in found if kind in MUST_LOOK)})


def _telling(kinds: set[str]) -> tuple[str, ...]:
    """The kinds of the weightiest tier present, in :data:`CHANGES` order: what a person must check
    outweighs wording and markup, which outweigh form (a real change makes one of form needless to say)."""
    for tier in (MUST_LOOK, ("markup", "wording"), TRIVIAL):
        if kinds & set(tier):
            kinds = kinds & set(tier)
            break
    return tuple(kind for kind in CHANGES if kind in kinds)


def forget_change(entry: Entry) -> None:
    """A person looked at the entry: the recorded source change no longer needs saying."""
    entry.comments = [c for c in entry.comments if not c.startswith(SOURCE_CHANGE)]


def normal_form(text: str, upto: str = "case", *, tags: bool = True) -> str:
    """A unit's text with the changes of form up to ``upto`` (a kind of :data:`TRIVIAL`) set aside.

    Only the text between tags is folded: a tag may change only in its spacing,
    since an attribute differing in case or quotes is a different attribute.
    Without ``tags``, the tags are left out altogether.
    """
    level = TRIVIAL.index(upto)
    parts = []
    # str.split() rather than regular expressions: merge runs this over every old unit of a changed catalog
    for i, part in enumerate(_SPLIT_TAGS.split(text) if "<" in text else (text,)):
        if i % 2:
            if tags:
                parts.append(" ".join(part.split()))
            continue
        part = " ".join((html.unescape(part) if "&" in part else part).split())
        if level >= 1:
            if _TYPOGRAPHIC.search(part):   # str.translate is slow on text it leaves as it is
                part = part.translate(_TYPOGRAPHY)
            if "-" in part:
                part = _DASH_SPACING.sub("-", part)
        if level >= 2:
            part = part.casefold()
        parts.append(part)
    return " ".join("".join(parts).split())


def change_kinds(old: str, new: str, *, names: Iterable[str] = (),
                 citations: frozenset[str] | None = None) -> tuple[str, ...]:
    """What kind of change turned one source text into another, as listed in :data:`CHANGES`.

    A change of numbers, citations, names or link targets is named for what
    changed (maybe several); else the least change of form that explains it
    (whitespace, then typography, then case); else ``markup`` when only tags
    differ, ``wording`` otherwise.
    """
    must_look = _must_look(old, new, tuple(names), citations)
    if must_look:
        return must_look
    for kind in TRIVIAL:
        if normal_form(old, kind) == normal_form(new, kind):
            return (kind,)
    if normal_form(old, tags=False) == normal_form(new, tags=False):
        return ("markup",)
    return ("wording",)


def _must_look(old: str, new: str, names: tuple[str, ...], citations: frozenset[str] | None) -> tuple[str, ...]:
    """The kinds of :data:`MUST_LOOK` in which two source texts differ."""
    from .checks.base import numbers_in, plain_text, whole_words   # checks need lxml: only for changed units

    def is_citation(href: str) -> bool:
        return href in citations if citations else href.startswith("#ref-")

    before, after = plain_text(old, " "), plain_text(new, " ")
    found = []
    if sorted(numbers_in(before)) != sorted(numbers_in(after)):
        found.append("numbers")
    old_links, new_links = _links(old), _links(new)
    if sorted(x for x in old_links if is_citation(x[0])) != sorted(x for x in new_links if is_citation(x[0])):
        found.append("citations")
    if names and whole_words(names, before) != whole_words(names, after):
        found.append("names")
    if _targets(old_links, before, is_citation) != _targets(new_links, after, is_citation):
        found.append("links")
    return tuple(found)


def _targets(links: list[tuple[str, tuple[str, ...]]], plain: str, is_citation) -> list[str]:
    """Where a unit's text sends readers, citations aside: its links' hrefs, the URLs and addresses it spells out."""
    from .checks.base import EMAIL, URL, URL_END

    found = [href for href, _ in links if not is_citation(href)]
    if "://" in plain or "www." in plain or "@" in plain:
        found += [u.rstrip(URL_END) for u in URL.findall(plain)] + EMAIL.findall(plain)
    return sorted(found)


_LINK = re.compile(r"(<a\s[^>]*>)(.*?)</a\s*>", re.I | re.S)


def _links(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """(href, numbers the link shows) of every link in a unit's text; a citation shows its year."""
    if "<a" not in text and "<A" not in text:
        return []
    from . import markup
    from .checks.base import numbers_in, plain_text

    found = []
    for m in _LINK.finditer(text):
        for tag in markup.tags(m.group(1)):
            href = dict(tag.attrs).get("href")
            if href is not None:
                found.append((href, tuple(numbers_in(plain_text(m.group(2), " ")))))
    return found


# -- counting -------------------------------------------------------------------------

def change_counts(catalog: Catalog, protected: Callable[[], tuple] | None = None) -> dict[str, int]:
    """How many units carry each kind of source change nobody has looked at yet (see :data:`CHANGES`).

    A unit whose change was of several kinds (a citation's year: citations and
    numbers) counts under each. ``protected`` gives ``(names, citations)`` of
    the article (see :func:`unseen_change`); it is called only if a stale unit
    needs it, since it reads the article.
    """
    counts = dict.fromkeys(CHANGES, 0)
    known = None
    for entry in catalog.entries:
        if entry.obsolete or not entry.comments:
            continue
        kinds = source_change(entry)
        if protected is not None and entry.previous_msgid is not None and not all(k in TRIVIAL for k in kinds):
            if known is None:
                known = protected()
            kinds = unseen_change(entry, names=known[0], citations=known[1])
        for kind in kinds:
            if kind in counts:
                counts[kind] += 1
    return counts
