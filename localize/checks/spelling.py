"""The spelling of machine drafts, through Hunspell dictionaries (Debian's ``hunspell-*``) and pyenchant.

Checked are the entries that still carry an engine's draft comment
(``# draft: apertium eng-spa``): a person's save drops it. Drafts from
translation memory (approved human work), pseudo-translations and copies are
not checked. Allowed besides the dictionary's words: the words of the source
text itself (names, terms, code the engine kept), the reference list's author
names and the glossary's terms to keep, the glossary's required translations,
URLs and e-mail addresses, acronyms and words with inner capitals ("GNU",
"SysV"), a word cut short ("grou..."), and with :func:`machine.with_article`
the words of the whole source article. A word is also allowed when each of its
parts between apostrophes is (Hunspell splits hyphens itself). Tags read as
spaces ("<strong>Next</strong>Chapter"); Arabic vowel signs are left out
before a word is looked up, and a word of two scripts ("وsynaptic") is two.

A language without a dictionary (Esperanto: Debian has no ``hunspell-eo``), or
a machine without enchant, is said once, on the ``localize.checks`` logger, and
nothing is guessed: no entry of that language is reported.
"""

from __future__ import annotations

import logging
import re
import threading

from .base import EMAIL, URL, WARNING, Context, Pair, check, plain_text, said, said_n
from .content import _own_words

log = logging.getLogger("localize.checks")

NOT_CHECKED = ("memory", "pseudo", "copy:")   # origins whose text is not an engine's
MOST = 10                                     # words named in one message

_lock = threading.Lock()
_dictionaries: dict[str, object | None] = {}  # language tag -> enchant.Dict, or None: no dictionary (said once)


def _enchant():
    try:
        import enchant
    except (ImportError, OSError):   # pyenchant missing, or the C library (libenchant-2-2)
        return None
    return enchant


def dictionary(tag: str):
    """The enchant dictionary of a language ("es-MX" -> es_MX, es, es_ES, any es_*), or None (said once)."""
    with _lock:
        if tag in _dictionaries:
            return _dictionaries[tag]
        enchant = _enchant()
        found = None
        if enchant is not None:
            parts = tag.replace("-", "_").split("_")
            base = parts[0].lower()
            wanted = [f"{base}_{p.upper()}" for p in parts[1:] if len(p) == 2] + [base, f"{base}_{base.upper()}"]
            try:
                available = enchant.list_languages()
                name = next((w for w in wanted if w in available), None) or \
                    next((a for a in sorted(available) if a.split("_")[0] == base), None)
                found = enchant.Dict(name) if name else None
            except enchant.errors.Error:
                found = None
        _dictionaries[tag] = found
        if found is None:
            why = "enchant is not installed" if enchant is None else f"no Hunspell dictionary for {tag}"
            log.warning("spelling: %s; %s drafts are not checked for spelling", why, tag)
        return found


def _drafted_by_engine(pair: Pair) -> bool:
    entry = pair.entry
    if entry is None or not entry.comments:
        return False
    origin = entry.draft_origin
    return bool(origin) and not origin.startswith(NOT_CHECKED)


# A word: letters, the marks written on them (Arabic vowel signs, a decomposed accent), Catalan's
# "l·l", and the apostrophes and hyphens inside it.
_MARK = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
_SPELLED = re.compile(rf"[^\W\d_](?:[^\W\d_]|[{_MARK}·]|['’-](?=[^\W\d_]))*")
_MARKS = re.compile(rf"[{_MARK}]")
_APOSTROPHE = re.compile(r"['’]")
_LATIN_RUN = re.compile(r"[A-Za-z\u00c0-\u024f·'’-]+|[^A-Za-z\u00c0-\u024f·'’-]+")


def _words(text: str, ctx: Context) -> list[str]:
    """The words of a text to look up: tags read as spaces, protected terms, URLs and e-mail addresses
    out; a word of two scripts ("وsynaptic") as two."""
    plain = plain_text(text, " ") if "<" in text else plain_text(text)
    if ctx.protected_pattern is not None:
        plain = ctx.protected_pattern.sub(" ", plain)
    if "://" in plain or "www." in plain or "@" in plain:
        plain = EMAIL.sub(" ", URL.sub(" ", plain))
    found = []
    for m in _SPELLED.finditer(plain):
        if plain.startswith(("...", "…"), m.end()):
            continue   # cut short on purpose: "grou..."
        word = _MARKS.sub("", m.group())
        found += _LATIN_RUN.findall(word) if not word.isascii() else [word]
    return [w for w in found if len(w) > 1 and w[0].isalpha()]


def _name(word: str) -> bool:
    """An acronym or a word with inner capitals ("GNU", "BA", "SysV"): no dictionary spells it."""
    return any(c.isupper() for c in word[1:])


@check("spelling", WARNING)
def spelling(pair: Pair, ctx: Context) -> str | None:
    """Words of a machine draft that the language's Hunspell dictionary does not know."""
    if not _drafted_by_engine(pair) or ctx.base == ctx.source_language.split("-")[0]:
        return None
    words = [w for w in _words(pair.target, ctx) if not _name(w)]
    if not words:
        return None
    found = dictionary(ctx.language.tag)
    if found is None:
        return None
    allowed = {w.lower() for w in _own_words(pair.source_plain, ctx)}
    whole = ctx.article     # the words of the whole article
    if whole is not None:
        allowed.update(whole.words)
    for text in (*ctx.required.values(), *ctx.protected):
        allowed.update(w.lower() for w in _own_words(text, Context(ctx.language)))
    wrong: dict[str, None] = {}
    for word in words:
        if word in wrong or word.lower() in allowed or found.check(word):
            continue
        parts = [p for p in _APOSTROPHE.split(word) if p]
        if len(parts) > 1 and all(p.lower() in allowed or found.check(p) for p in parts):
            continue
        wrong[word] = None
    if not wrong:
        return None
    named = [f'"{w}"' for w in list(wrong)[:MOST]]
    if len(wrong) > MOST:
        return said_n("not in the dictionary: %(words)s and %(num)d more",
                      "not in the dictionary: %(words)s and %(num)d more", len(wrong) - MOST, words=named)
    return said("not in the dictionary: %(words)s", words=named)
