"""Suggestions for one entry: translation-memory matches, and a fresh draft from the language's engine."""

from __future__ import annotations

from typing import NamedTuple

from localize import article, glossary, markup
from localize.draft import engine_for
from localize.memory import Match, Memory
from localize.protect import LostToken, Terms, protect, restore
from localize.errors import LocalizeError
from localize.workspace import Workspace


class NoDraft(LocalizeError):
    """The engine gave nothing usable; the message says why."""


class EngineDraft(NamedTuple):
    text: str
    origin: str   # the engine and mode, and the words it did not know


def memory_matches(ws: Workspace, language: str, slug: str, msgid: str, *, limit: int = 3) -> list[Match]:
    """The best approved translations of this or similar source text, the entry's own left out."""
    found = Memory(ws).lookup(msgid, language, limit=limit + 1)
    return [m for m in found if not (m.source == msgid and m.where == slug)][:limit]


def engine_draft(ws: Workspace, language: str, slug: str, msgid: str) -> EngineDraft:
    """A machine translation of one entry's text, protected as ``localize draft`` protects it; not saved."""
    engine, why = engine_for(ws, language, None)
    if engine is None:
        raise NoDraft(why)
    source = ws.settings.source_language
    page = ws.source_path(slug)
    refs = article.read_references(page) if page.is_file() else None
    terms = glossary.for_workspace(ws)
    protected = protect(msgid, Terms(keep=(*(refs.authors if refs else ()), *terms.keep),
                                     required=terms.required(language),
                                     citations=frozenset(refs.citations if refs else ())))
    if not protected.translatable:
        return EngineDraft(restore(protected.text, protected), "copy: nothing to translate")
    found = engine.translate([protected.text], source, language)[0]
    if found is None:
        raise NoDraft(f"{engine.name} gave no translation")
    try:
        text = restore(found.text, protected)
    except LostToken as exc:
        raise NoDraft(f"{engine.name}: {exc}") from None
    text = markup.normalize_space(text).strip(" ")
    if not markup.without_tags(text).strip():
        raise NoDraft(f"{engine.name} gave an empty translation")
    origin = found.origin
    if found.unknown:
        origin += "; unknown words: " + ", ".join(found.unknown[:10])
    return EngineDraft(text, origin)
