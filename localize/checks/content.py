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
from .base import (EMAIL, ERROR, LANGUAGE, URL, URL_END, WARNING, Context, Pair, Said, check, numbers_in,
                   plain_text, said)

# -- markup and safety ----------------------------------------------------------

def _show(tag: markup.Tag) -> str:
    attrs = "".join(f' {k}="{v}"' for k, v in tag.attrs)
    return f"<{tag.name}{attrs}>"


def _closing(name: str) -> str:
    return f"</{name}>"


def _nesting(tags: list[markup.Tag]) -> tuple[list[tuple], Said | None]:
    """(element, parent element) pairs of properly nested tags, and the first nesting error (the next ones
    follow from it)."""
    found: list[tuple] = []
    stack: list[markup.Tag] = []
    error = None
    for tag in tags:
        if tag.closing:
            if stack and stack[-1].name == tag.name:
                stack.pop()
                continue
            if error is None:
                error = (said("badly nested: %(tag)s closes %(other)s", tag=_closing(tag.name), other=_show(stack[-1]))
                         if stack else said("badly nested: %(tag)s closes nothing", tag=_closing(tag.name)))
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth].name == tag.name:
                    del stack[depth:]
                    break
        else:
            found.append((tag.key, stack[-1].key if stack else None))
            if not (tag.self_closing or tag.name in markup.VOID_TAGS):
                stack.append(tag)
    if stack and error is None:
        error = said("badly nested: %(tag)s is not closed", tag=_show(stack[-1]))
    return found, error


@check("markup", ERROR)
def markup_differs(pair: Pair, ctx: Context) -> list[str] | None:
    """Inline markup differs from the source beyond what a translator may change (markup.match), or the
    text of inline code changed: each missing or extra tag, each element nested elsewhere, each code."""
    if "<" not in pair.source and "<" not in pair.target:
        return None
    if pair.source_raw_tags == pair.target_raw_tags:   # the same tags in the same order: the common case
        return _code_changed(pair.source, pair.target)
    source, target = pair.source_tags, pair.target_tags
    opened = [t for t in source if not t.closing]
    matched, reason = markup.match([(t.name, dict(t.attrs)) for t in opened], target, ctx.links)
    if reason is not None:
        return [reason]
    taken = set(matched.values())
    found = [said("missing %(tag)s", tag=_show(tag)) for i, tag in enumerate(opened) if i not in taken]
    t_close = Counter(t.name for t in target if t.closing)
    t_open = Counter(t.name for t in target if not t.closing and not (t.self_closing or t.name in markup.VOID_TAGS))
    if t_close != t_open:
        found += [said("missing %(tag)s", tag=_closing(name)) for name in t_open - t_close]
        found += [said("extra %(tag)s", tag=_closing(name)) for name in t_close - t_open]
    if found:
        return found   # nesting is judged once every tag is there
    s_nest, s_error = _nesting(source)
    t_nest, t_error = _nesting(target)
    if t_error and not s_error:
        return [t_error]
    # judged by element names: markup.match pairs an element only with one of its name
    s_names = {(key[0], parent[0] if parent else None) for key, parent in s_nest}
    for key, parent in dict.fromkeys(t_nest):
        if (key[0], parent[0] if parent else None) in s_names:
            continue
        # the source has an element of that name: markup.match has refused the translation's others
        then = next(p for k, p in s_nest if k[0] == key[0])
        found.append(_nesting_changed(f"<{key[0]}>", f"<{parent[0]}>" if parent else None,
                                      f"<{then[0]}>" if then else None))
    return found + _code_changed(pair.source, pair.target)


def _nesting_changed(tag: str, parent: str | None, was: str | None) -> Said:
    """Where an element is in the translation (inside ``parent``, or at the top: None) and in the source
    (``was``)."""
    if parent is None:
        return said("nesting changed: %(tag)s is at the top, in the source inside %(source_parent)s",
                    tag=tag, source_parent=was)
    if was is None:
        return said("nesting changed: %(tag)s is inside %(parent)s, in the source at the top", tag=tag, parent=parent)
    return said("nesting changed: %(tag)s is inside %(parent)s, in the source inside %(source_parent)s",
                tag=tag, parent=parent, source_parent=was)


_CODE = re.compile(r"<(code|kbd|samp)\b[^>]*>(.*?)</\1\s*>", re.S | re.I)


def _code_changed(source: str, target: str) -> list[Said]:
    """Code is not translated: the text of inline ``code``, ``kbd`` and ``samp`` stays as the source has it."""
    if "<" not in source:
        return []
    wanted = Counter(markup.normalize_space(markup.without_tags(m.group(2))).strip() for m in _CODE.finditer(source))
    if not wanted:
        return []
    found = Counter(markup.normalize_space(markup.without_tags(m.group(2))).strip() for m in _CODE.finditer(target))
    changed = wanted - found
    if not changed:
        return []
    new = list(found - wanted)   # each changed code against the new code in the same place of the order
    return [said('code changed: "%(old)s" -> "%(new)s"', old=old, new=new[i]) if i < len(new)
            else said('code "%(code)s" is missing', code=old) for i, old in enumerate(changed)]


UNSAFE_TAGS = frozenset("script style iframe frame frameset object embed applet base link meta "
                        "form svg math template noscript".split())
_UNSAFE_ELEMENT = re.compile(r"<\s*/?\s*(" + "|".join(sorted(UNSAFE_TAGS)) + r")(?![\w-])", re.I)
_HANDLER = re.compile(r"<[^<>]*?[\s/\"'](on[a-z]+)\s*=", re.I)
_URL_SCHEME = re.compile(r"(javascript|vbscript|data):", re.I)
_URL_JUNK = re.compile(r"[\x00-\x20\x7f]+")


def _unsafe(text: str) -> list[tuple[str, ...]]:
    """What is unsafe in a text: elements, event handlers (even in tags that do not parse), URL schemes, as
    ("element", name), ("handler", attribute) and ("url", scheme, attribute)."""
    if "<" not in text:
        return []
    found = [("element", m.group(1).lower()) for m in _UNSAFE_ELEMENT.finditer(text)]
    found += [("handler", m.group(1).lower()) for m in _HANDLER.finditer(text)]
    for tag in markup.tags(text):
        for name, value in tag.attrs:
            if name.startswith("on"):
                found.append(("handler", name))
            m = _URL_SCHEME.match(_URL_JUNK.sub("", value))
            if m:
                found.append(("url", m.group(1).lower(), name))
    return found


def _unsafe_message(what: tuple[str, ...]) -> Said:
    """("element", "script") is said "<script> element"; ("handler", "onload") "event handler onload="; ("url",
    "javascript", "href") "javascript: URL in href="."""
    if what[0] == "element":
        return said("unsafe content: %(element)s element", element="<" + what[1] + ">")
    if what[0] == "handler":
        return said("unsafe content: event handler %(attribute)s", attribute=what[1] + "=")
    return said("unsafe content: %(scheme)s URL in %(attribute)s", scheme=what[1] + ":", attribute=what[2] + "=")


@check("pseudo", ERROR, ignorable=False)
def pseudo(pair: Pair, ctx: Context) -> str | None:
    """A pseudo-translation (for testing layouts) is never publishable."""
    if (pair.entry is not None and (pair.entry.draft_origin or "").startswith("pseudo")) or \
            (pair.target.startswith(PSEUDO_OPEN) and pair.target.endswith(PSEUDO_CLOSE)):
        return said("a pseudo-translation: for testing layouts only, never to publish")
    return None


@check("unsafe", ERROR, ignorable=False)
def unsafe(pair: Pair, ctx: Context) -> list[Said] | None:
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
    return [_unsafe_message(what) for what in found]


# -- what must not change: numbers, citations, links ------------------------------

def _difference(source: list[str], target: list[str]) -> list[tuple[str | None, str | None]]:
    """(source value, target value) for each difference, each value once: a value the target lacks is paired
    with one it adds in the order of the texts (a changed value), the rest stand alone (None on the other side)."""
    lost, extra = list(Counter(source) - Counter(target)), list(Counter(target) - Counter(source))
    paired = min(len(lost), len(extra))
    return ([*zip(lost, extra)] + [(value, None) for value in lost[paired:]]
            + [(None, value) for value in extra[paired:]])


@check("numbers", ERROR)
def numbers(pair: Pair, ctx: Context) -> list[Said] | None:
    """Numbers or years differ (the language's own digits and separators are fine)."""
    # a quick look for digits first: most units have none
    if not any(map(pair.source.__contains__, ctx.source_digits)) and \
            not any(map(pair.target.__contains__, ctx.digits)):
        return None
    source, target = pair.source_numbers, pair.target_numbers
    if source == target or sorted(source) == sorted(target):
        return None
    return [said("numbers differ: %(number)s where the source has %(source_number)s", number=new, source_number=old)
            if old and new else said("numbers differ: missing %(number)s", number=old) if old
            else said("numbers differ: added %(number)s", number=new) for old, new in _difference(source, target)]


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
def citations(pair: Pair, ctx: Context) -> list[Said] | None:
    """A citation link or an author name from the reference list is missing or altered: each of them."""
    found = []
    if ctx.citations and ("<a" in pair.source or "<a" in pair.target):
        source = _citation_links(pair.source, ctx.citations)
        target = _citation_links(pair.target, ctx.citations)
        extra = target - source
        for href, years in source - target:
            other = next((y for (h, y) in extra if h == href), None)
            if other is None:
                found.append(said("citation link to %(href)s missing", href=href))
                continue
            extra[href, other] -= 1   # this link is read as the altered one, not as one more
            found.append(_citation_reads(href, " ".join(other), " ".join(years)))
        found += [said("citation link to %(href)s is not in the source", href=href) for href, _ in +extra]
    if ctx.authors:
        names = ctx.authors_in(pair.source_plain)
        if names:
            kept = ctx.authors_in(pair.target_plain)
            found += [said('author name "%(name)s" missing or altered', name=n)
                      for n in ctx.authors if n in names and n not in kept]
    return found


def _citation_reads(href: str, reads: str, wanted: str) -> Said:
    """A citation whose link text has other numbers than the source's."""
    if not reads:
        return said("citation %(href)s has no number, the source %(source)s", href=href, source=wanted)
    if not wanted:
        return said("citation %(href)s reads %(target)s, the source has no number", href=href, target=reads)
    return said("citation %(href)s reads %(target)s, the source %(source)s", href=href, target=reads, source=wanted)


def _addresses(text: str) -> list[str]:
    if "://" not in text and "www." not in text and "@" not in text:
        return []
    found = [u.rstrip(URL_END) for u in URL.findall(text)]
    found += EMAIL.findall(text)   # it ends in a letter, a digit or a hyphen: never in a point
    return found


@check("urls", ERROR)
def urls(pair: Pair, ctx: Context) -> list[Said] | None:
    """A URL or an e-mail address in the text differs from the source."""
    source, target = _addresses(pair.source_plain), _addresses(pair.target_plain)
    if source == target or sorted(source) == sorted(target):
        return None
    return [said("URLs or e-mail addresses differ: %(address)s where the source has %(source_address)s",
                 address=new, source_address=old)
            if old and new else said("URLs or e-mail addresses differ: missing %(address)s", address=old) if old
            else said("URLs or e-mail addresses differ: added %(address)s", address=new)
            for old, new in _difference(source, target)]


# -- whether it is translated ---------------------------------------------------

@check("empty", ERROR, blank=True)
def empty(pair: Pair, ctx: Context) -> str | None:
    """An approved entry whose translation is blank: readers would get a hole (a blank draft is not
    checked: :func:`localize.checks.run` passes over it)."""
    return said("the translation is blank") if pair.target else said("a plural form is empty")


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
    return said("the translation is identical to the source")


_APERTIUM = re.compile(r"(?<![\w*#@])[*#@](?=[^\W\d_])[\w'’-]+|\^[^\s^$/<>]+(?:/[^\s^$]*)?(?:<\w+>)*\$")


@check("mt-residue", ERROR)
def mt_residue(pair: Pair, ctx: Context) -> list[Said] | None:
    """Machine-translation residue: Apertium's marks for unknown words (*), generation (#), transfer (@)."""
    target = pair.target_plain
    if "*" not in target and "#" not in target and "@" not in target and "$" not in target:
        return None
    found = Counter(_APERTIUM.findall(target)) - Counter(_APERTIUM.findall(pair.source_plain))
    if not found:
        return None
    return [said("machine-translation mark left in: %(mark)s", mark=mark) for mark in found]


# A run of plain lower-case words: names, acronyms and numbers break it.
_LOWER_RUN = re.compile(r"(?<![\w'’-])[a-z]+(?:['’-][a-z]+)*(?: [a-z]+(?:['’-][a-z]+)*)*(?![\w'’-])")
_LONG_WORD = re.compile(r"[a-z]{6,}")


def _trigrams(text: str) -> set[tuple[str, str, str]]:
    found = set()
    for run in _LOWER_RUN.findall(text):
        words = run.split()
        found.update(zip(words, words[1:], words[2:]))
    return found


def _left_in(target: str, source: set[tuple[str, str, str]]) -> list[str]:
    """The stretches of a translation made of source trigrams with a word of six letters or more, overlapping
    trigrams joined into one stretch."""
    found = []
    for run in _LOWER_RUN.findall(target):
        words = run.split()
        end = -1
        for i, three in enumerate(zip(words, words[1:], words[2:])):
            if three not in source or max(map(len, three)) < 6:
                continue
            if i <= end:               # overlaps the stretch before: extend it
                found[-1] += " " + " ".join(words[end + 1:i + 3])
            else:
                found.append(" ".join(three))
            end = i + 2
    return list(dict.fromkeys(found))


@check("untranslated-words", WARNING)
def untranslated_words(pair: Pair, ctx: Context) -> list[Said] | None:
    """Three source words in a row, one of six letters or more, left untranslated in a translation: each
    stretch of them."""
    if ctx.base == ctx.source_language.split("-")[0]:
        return None
    source, target = pair.source_plain, pair.target_plain
    if source == target or source.strip() == target.strip():
        return None   # the whole unit: that is "untranslated"
    # a quick look first: does any longer source word appear in the translation at all?
    if not any(map(target.__contains__, _LONG_WORD.findall(source))):
        return None
    shared = _trigrams(target) & _trigrams(source)
    if not shared:
        return None
    return [said('source words left untranslated: "%(words)s"', words=words) for words in _left_in(target, shared)]


@check("glossary", WARNING)
def glossary(pair: Pair, ctx: Context) -> list[Said] | None:
    """A glossary term is not translated as required, is translated as the glossary forbids, or a term to keep
    was changed."""
    missed = []
    if ctx.forbidden_pattern is not None:
        found = ctx.forbidden_pattern.findall(pair.source_plain)
        if found:
            target = pair.target_plain.lower()
            for term in dict.fromkeys(f.lower() for f in found):
                original, values = ctx.forbidden_by_lower[term]
                missed += [said('"%(term)s" must not be "%(forbidden)s"', term=original, forbidden=value)
                           for value in values if re.search(rf"(?<!\w){re.escape(value.lower())}(?!\w)", target)]
    if ctx.required_pattern is not None:
        found = ctx.required_pattern.findall(pair.source_plain)
        if found:
            target = pair.target_plain.lower()
            for term in dict.fromkeys(f.lower() for f in found):
                original, required = ctx.required_by_lower[term]
                if required.lower() not in target:
                    missed.append(said('"%(term)s" should be "%(required)s"', term=original, required=required))
    if ctx.keep_pattern is not None:
        for term in dict.fromkeys(ctx.keep_pattern.findall(pair.source_plain)):
            if term not in pair.target_plain:
                missed.append(said('"%(term)s" must stay as it is', term=term))
    return missed


# -- across catalogs --------------------------------------------------------------

def _normal(text: str) -> str:
    return " ".join(text.split())


@check("inconsistent", WARNING, scope=LANGUAGE)
def inconsistent(catalogs: Mapping[str, Iterable[Entry]]) -> list[tuple[str, Entry, Said]]:
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
            if other_article == article:
                message = said('translated differently elsewhere in this catalog: "%(other)s"', other=other.msgstr)
            else:
                message = said('translated differently in %(article)s: "%(other)s"', article=other_article,
                               other=other.msgstr)
            found.append((article, entry, message))
    return found
