"""Checks of what a translation must keep: markup, safety, numbers, citations, links, meaning.

Registered in the order they run; see :mod:`localize.checks` for flags and overrides.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from .. import markup
from ..po import Entry

PSEUDO_OPEN, PSEUDO_CLOSE = "[!!", "!!]"  # what localize.engines.pseudo wraps its text in
from .base import (EMAIL, ERROR, LANGUAGE, URL, URL_END, WARNING, Context, Pair, check, numbers_in,
                   plain_text)

# -- markup and safety ----------------------------------------------------------

def _show(tag: markup.Tag) -> str:
    attrs = "".join(f' {k}="{v}"' for k, v in tag.attrs)
    return f"<{tag.name}{attrs}>"


def _nesting(tags: list[markup.Tag]) -> tuple[Counter, str | None]:
    """(element, parent element) pairs of properly nested tags, and the first nesting error."""
    found: Counter = Counter()
    stack: list[markup.Tag] = []
    error = None
    for tag in tags:
        if tag.closing:
            if stack and stack[-1].name == tag.name:
                stack.pop()
                continue
            if error is None:
                error = (f"</{tag.name}> closes {_show(stack[-1])}" if stack
                         else f"</{tag.name}> closes nothing")
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth].name == tag.name:
                    del stack[depth:]
                    break
        else:
            found[tag.key, stack[-1].key if stack else None] += 1
            if not (tag.self_closing or tag.name in markup.VOID_TAGS):
                stack.append(tag)
    if stack and error is None:
        error = f"{_show(stack[-1])} is not closed"
    return found, error


@check("markup", ERROR)
def markup_differs(pair: Pair, ctx: Context) -> str | None:
    """Inline markup differs from the source beyond what a translator may change (markup.match), or the
    text of inline code changed."""
    if "<" not in pair.source and "<" not in pair.target:
        return None
    if pair.source_raw_tags == pair.target_raw_tags:   # the same tags in the same order: the common case
        return _code_changed(pair.source, pair.target)
    source, target = pair.source_tags, pair.target_tags
    opened = [t for t in source if not t.closing]
    matched, reason = markup.match([(t.name, dict(t.attrs)) for t in opened], target, ctx.links)
    if reason is not None:
        return reason
    taken = set(matched.values())
    missing = [tag for i, tag in enumerate(opened) if i not in taken]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        return f"missing {_show(missing[0])}{more}"
    t_close = Counter(t.name for t in target if t.closing)
    t_open = Counter(t.name for t in target if not t.closing and not (t.self_closing or t.name in markup.VOID_TAGS))
    if t_close != t_open:
        lost, extra = t_open - t_close, t_close - t_open
        return f"missing </{next(iter(lost))}>" if lost else f"extra </{next(iter(extra))}>"
    s_nest, s_error = _nesting(source)
    t_nest, t_error = _nesting(target)
    if t_error and not s_error:
        return f"badly nested: {t_error}"
    by_source = {t.key: opened[matched[i]].key for i, t in enumerate(target) if i in matched}
    s_names = {(key[0], parent[0] if parent else None) for key, parent in s_nest}
    for (key, parent), _ in t_nest.items():
        was_key, was_parent = by_source.get(key, key), by_source.get(parent, parent) if parent else None
        if (was_key, was_parent) in s_nest or (key[0], parent[0] if parent else None) in s_names:
            continue
        where = f"inside <{parent[0]}>" if parent else "at the top"
        then = next((f"inside <{p[0]}>" if p else "at the top" for k, p in s_nest if k[0] == key[0]), "")
        return f"nesting changed: <{key[0]}> is {where}, in the source {then}"
    return _code_changed(pair.source, pair.target)


_CODE = re.compile(r"<(code|kbd|samp)\b[^>]*>(.*?)</\1\s*>", re.S | re.I)


def _code_changed(source: str, target: str) -> str | None:
    """Code is not translated: the text of inline ``code``, ``kbd`` and ``samp`` stays as the source has it."""
    if "<" not in source:
        return None
    wanted = Counter(markup.normalize_space(markup.without_tags(m.group(2))).strip() for m in _CODE.finditer(source))
    if not wanted:
        return None
    found = Counter(markup.normalize_space(markup.without_tags(m.group(2))).strip() for m in _CODE.finditer(target))
    changed = wanted - found
    if not changed:
        return None
    new = next(iter(found - wanted), None)
    old = next(iter(changed))
    return f'code changed: "{old}" -> "{new}"' if new is not None else f'code "{old}" is missing'


UNSAFE_TAGS = frozenset("script style iframe frame frameset object embed applet base link meta "
                        "form svg math template noscript".split())
_UNSAFE_ELEMENT = re.compile(r"<\s*/?\s*(" + "|".join(sorted(UNSAFE_TAGS)) + r")(?![\w-])", re.I)
_HANDLER = re.compile(r"<[^<>]*?[\s/\"'](on[a-z]+)\s*=", re.I)
_URL_SCHEME = re.compile(r"(javascript|vbscript|data):", re.I)
_URL_JUNK = re.compile(r"[\x00-\x20\x7f]+")


def _unsafe(text: str) -> list[str]:
    """What is unsafe in a text: elements, event handlers (even in tags that do not parse), URL schemes."""
    if "<" not in text:
        return []
    found = [f"<{m.group(1).lower()}> element" for m in _UNSAFE_ELEMENT.finditer(text)]
    found += [f"event handler {m.group(1).lower()}=" for m in _HANDLER.finditer(text)]
    for tag in markup.tags(text):
        for name, value in tag.attrs:
            if name.startswith("on"):
                found.append(f"event handler {name}=")
            m = _URL_SCHEME.match(_URL_JUNK.sub("", value))
            if m:
                found.append(f"{m.group(1).lower()}: URL in {name}=")
    return found


@check("pseudo", ERROR, ignorable=False)
def pseudo(pair: Pair, ctx: Context) -> str | None:
    """A pseudo-translation (for testing layouts) is never publishable."""
    if pair.entry is not None and (pair.entry.draft_origin or "").startswith("pseudo"):
        return "a pseudo-translation: for testing layouts only, never to publish"
    if pair.target.startswith(PSEUDO_OPEN) and pair.target.endswith(PSEUDO_CLOSE):
        return "a pseudo-translation: for testing layouts only, never to publish"
    return None


@check("unsafe", ERROR, ignorable=False)
def unsafe(pair: Pair, ctx: Context) -> str | None:
    """Script or style, event-handler attributes, javascript: or data: URLs the source does not have."""
    if "<" not in pair.target:
        return None
    # Tags copied from the source as they are written add nothing; look at the others, and at
    # any "<" left once the tags are out (a tag the markup reader cannot parse).
    known, written = pair.source_raw_tags, pair.target_raw_tags
    new = [t for t in written if t not in known]
    stray = pair.target.count("<") > len(written)
    if not new and not stray:
        return None
    found = Counter(_unsafe(" ".join(new) + (" " + markup.without_tags(pair.target) if stray else "")))
    if found and "<" in pair.source:
        found -= Counter(_unsafe(pair.source))
    if not found:
        return None
    return "unsafe content: " + ", ".join(dict.fromkeys(found.elements()))


# -- what must not change: numbers, citations, links ------------------------------

def _difference(source: list[str], target: list[str]) -> str:
    lost = list((Counter(source) - Counter(target)).elements())
    extra = list((Counter(target) - Counter(source)).elements())
    parts = []
    if lost:
        parts.append("missing " + ", ".join(lost))
    if extra:
        parts.append("added " + ", ".join(extra))
    return "; ".join(parts)


@check("numbers", ERROR)
def numbers(pair: Pair, ctx: Context) -> str | None:
    """Numbers or years differ (the language's own digits and separators are fine)."""
    # a quick look for digits first: most units have none
    if not any(map(pair.source.__contains__, ctx.source_digits)) and \
            not any(map(pair.target.__contains__, ctx.digits)):
        return None
    source, target = pair.source_numbers, pair.target_numbers
    if source == target or sorted(source) == sorted(target):
        return None
    return "numbers differ: " + _difference(source, target)


_LINK = re.compile(r"(<a\s[^>]*>)(.*?)</a\s*>", re.I | re.S)


def _citation_links(text: str, citations: frozenset[str]) -> Counter:
    """(href, numbers of the link text) of every link in a text that cites the reference list."""
    found: Counter = Counter()
    if "<a" not in text:
        return found
    for m in _LINK.finditer(text):
        for tag in markup.tags(m.group(1)):
            href = dict(tag.attrs).get("href")
            if href in citations:
                found[href, tuple(numbers_in(plain_text(m.group(2))))] += 1
    return found


@check("citations", ERROR)
def citations(pair: Pair, ctx: Context) -> str | None:
    """A citation link or an author name from the reference list is missing or altered."""
    if ctx.citations and ("<a" in pair.source or "<a" in pair.target):
        source = _citation_links(pair.source, ctx.citations)
        target = _citation_links(pair.target, ctx.citations)
        for href, years in source - target:
            other = next((y for (h, y) in target if h == href), None)
            if other is None:
                return f"citation link to {href} missing"
            return (f"citation {href} reads {' '.join(other) or 'no number'}, "
                    f"the source {' '.join(years) or 'no number'}")
        for href, _years in target - source:
            return f"citation link to {href} is not in the source"
    if ctx.authors:
        names = ctx.authors_in(pair.source_plain)
        if names:
            kept = ctx.authors_in(pair.target_plain)
            lost = [n for n in ctx.authors if n in names and n not in kept]
            if lost:
                return "author name " + ", ".join(f'"{n}"' for n in lost) + " missing or altered"
    return None


def _addresses(text: str) -> list[str]:
    if "://" not in text and "www." not in text and "@" not in text:
        return []
    found = [u.rstrip(URL_END) for u in URL.findall(text)]
    found += [e.rstrip(".") for e in EMAIL.findall(text)]
    return found


@check("urls", ERROR)
def urls(pair: Pair, ctx: Context) -> str | None:
    """A URL or an e-mail address in the text differs from the source."""
    source, target = _addresses(pair.source_plain), _addresses(pair.target_plain)
    if source == target or sorted(source) == sorted(target):
        return None
    return "URLs or e-mail addresses differ: " + _difference(source, target)


# -- whether it is translated ---------------------------------------------------

@check("empty", ERROR, blank=True)
def empty(pair: Pair, ctx: Context) -> str | None:
    """An approved entry whose translation is blank: readers would get a hole."""
    if pair.entry is not None and pair.entry.fuzzy:
        return None
    return "the translation is blank" if pair.target else "a plural form is empty"


_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _own_words(text: str, ctx: Context) -> list[str]:
    """The words of a text besides protected terms, URLs and e-mail addresses."""
    if ctx.protected_pattern is not None:
        text = ctx.protected_pattern.sub(" ", text)
    if "://" in text or "www." in text or "@" in text:
        text = EMAIL.sub(" ", URL.sub(" ", text))
    return _WORD.findall(text)


@check("untranslated", WARNING)
def untranslated(pair: Pair, ctx: Context) -> str | None:
    """The translation is the source text (short units, names and protected terms aside)."""
    if pair.source_plain.strip() != pair.target_plain.strip():
        return None
    if ctx.base == ctx.source_language.split("-")[0]:
        return None
    words = _own_words(pair.source_plain, ctx)
    if len(words) <= 2:
        return None   # short: "Email", "PDF", "The nuance" may stay the same
    if len(words) <= 5 and all(w[0].isupper() for w in words if len(w) > 3):
        return None   # a name: "Review of General Psychology"
    return "the translation is identical to the source"


_APERTIUM = re.compile(r"(?<![\w*#@])[*#@](?=[^\W\d_])[\w'’-]+|\^[^\s^$/<>]+(?:/[^\s^$]*)?(?:<\w+>)*\$")


@check("mt-residue", ERROR)
def mt_residue(pair: Pair, ctx: Context) -> str | None:
    """Machine-translation residue: Apertium's marks for unknown words (*), generation (#), transfer (@)."""
    target = pair.target_plain
    if "*" not in target and "#" not in target and "@" not in target and "$" not in target:
        return None
    found = Counter(_APERTIUM.findall(target)) - Counter(_APERTIUM.findall(pair.source_plain))
    if not found:
        return None
    return "machine-translation marks left in: " + ", ".join(dict.fromkeys(found.elements()))


# A run of plain lower-case words: names, acronyms and numbers break it.
_LOWER_RUN = re.compile(r"(?<![\w'’-])[a-z]+(?:['’-][a-z]+)*(?: [a-z]+(?:['’-][a-z]+)*)*(?![\w'’-])")
_LONG_WORD = re.compile(r"[a-z]{6,}")


def _trigrams(text: str) -> set[tuple[str, str, str]]:
    found = set()
    for run in _LOWER_RUN.findall(text):
        words = run.split()
        found.update(zip(words, words[1:], words[2:]))
    return found


@check("untranslated-words", WARNING)
def untranslated_words(pair: Pair, ctx: Context) -> str | None:
    """Three source words in a row, one of six letters or more, left untranslated in a translation."""
    if ctx.base == ctx.source_language.split("-")[0]:
        return None
    source, target = pair.source_plain, pair.target_plain
    if source == target or source.strip() == target.strip():
        return None   # the whole unit: that is "untranslated"
    # a quick look first: does any longer source word appear in the translation at all?
    if not any(map(target.__contains__, _LONG_WORD.findall(source))):
        return None
    for words in sorted(_trigrams(target) & _trigrams(source)):
        if max(map(len, words)) >= 6:
            return f'source words left untranslated: "{" ".join(words)}"'
    return None


@check("glossary", WARNING)
def glossary(pair: Pair, ctx: Context) -> str | None:
    """A glossary term is not translated as required, or a term to keep was changed."""
    missed = []
    if ctx.required_pattern is not None:
        found = ctx.required_pattern.findall(pair.source_plain)
        if found:
            target = pair.target_plain.lower()
            for term in dict.fromkeys(f.lower() for f in found):
                original, required = ctx.required_by_lower[term]
                if required.lower() not in target:
                    missed.append(f'"{original}" should be "{required}"')
    if ctx.keep_pattern is not None:
        for term in dict.fromkeys(ctx.keep_pattern.findall(pair.source_plain)):
            if term not in pair.target_plain:
                missed.append(f'"{term}" must stay as it is')
    return "; ".join(missed) if missed else None


# -- across catalogs --------------------------------------------------------------

def _normal(text: str) -> str:
    return " ".join(text.split())


@check("inconsistent", WARNING, scope=LANGUAGE)
def inconsistent(catalogs: Mapping[str, Iterable[Entry]]) -> list[tuple[str, Entry, str]]:
    """The same source text translated differently across the language's catalogs."""
    groups: dict[tuple, list[tuple[str, Entry]]] = {}
    for article, entries in catalogs.items():
        for entry in entries:
            if entry.obsolete or entry.fuzzy or not entry.msgstr.strip() or entry.msgid_plural is not None \
                    or "ignore-inconsistent" in entry.flags:
                continue
            groups.setdefault(entry.key, []).append((article, entry))
    found = []
    for members in groups.values():
        if len(members) < 2 or len({_normal(e.msgstr) for _, e in members}) < 2:
            continue
        for article, entry in members:
            mine = _normal(entry.msgstr)
            other_article, other = next((a, e) for a, e in members if _normal(e.msgstr) != mine)
            where = "elsewhere in this catalog" if other_article == article else f"in {other_article}"
            found.append((article, entry, f'translated differently {where}: "{other.msgstr}"'))
    return found
