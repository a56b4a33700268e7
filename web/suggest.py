"""Suggestions for one entry: translation-memory matches, and a fresh draft from the language's engine."""

from __future__ import annotations

from typing import NamedTuple

from localize.draft import NoDraft, draft_one
from localize.memory import Match, Memory
from localize.workspace import Workspace

__all__ = ["EngineDraft", "NoDraft", "engine_draft", "memory_matches"]


class EngineDraft(NamedTuple):
    text: str
    origin: str   # the engine and mode, and the words it did not know


def memory_matches(ws: Workspace, language: str, slug: str, msgid: str, *, limit: int = 3) -> list[Match]:
    """The best approved translations of this or similar source text, the entry's own left out."""
    found = Memory(ws).lookup(msgid, language, limit=limit + 1)
    return [m for m in found if not (m.source == msgid and m.where == slug)][:limit]


def engine_draft(ws: Workspace, language: str, slug: str, msgid: str) -> EngineDraft:
    """A machine translation of one entry's text, protected as ``localize draft`` protects it; not saved."""
    found = draft_one(ws, language, slug, msgid)
    return EngineDraft(found.text, found.origin)
