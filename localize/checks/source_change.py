"""The check of a source change nobody has looked at: the translation may still say what the source no longer does.

``update`` records on each entry what kind of change its source went through
(``# source-change: numbers``, see :mod:`localize.changes`); the record stays
until a person saves or approves the entry. A change of numbers, citations,
names or link targets is an error until then: the translation almost surely
still carries the old ones.
"""

from __future__ import annotations

from .. import changes
from .base import ERROR, Context, Pair, check


@check("source-change", ERROR)
def source_change(pair: Pair, ctx: Context) -> str | None:
    """The source changed its numbers, citations, names or link targets, and no person has looked since."""
    entry = pair.entry
    if entry is None or not entry.comments or not changes.source_change(entry):
        return None
    kinds = [kind for kind in changes.unseen_change(entry, names=ctx.protected, citations=ctx.citations or None)
             if kind in changes.MUST_LOOK]
    if not kinds:
        return None
    return (f"the source's {_words(kinds)} changed since this was translated: "
            "check the translation, then save or approve it")


_SHOWN = {"links": "link targets"}


def _words(kinds: list[str]) -> str:
    names = [_SHOWN.get(kind, kind) for kind in kinds]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
